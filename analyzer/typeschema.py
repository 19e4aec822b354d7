"""Python annotations, as source text, to JSON Schema (OpenAPI 3.1 dialect).

The annotation is parsed with libcst, never evaluated. Builtins, ``typing`` containers,
``Optional``/``Union``/``X | Y``, ``Literal`` and the common value types map to schemas; a name
the caller knows (a dataclass, a model...) becomes a ``$ref`` through ``resolve``; anything
else is an open schema marked ``x-seamline-review`` so a reviewer sees what was not typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

Schema = dict[str, Any]
Resolve = Callable[[str], Schema | None]

REVIEW = "x-seamline-review"

_SCALARS: dict[str, Schema] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "complex": {"type": "string"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
    "Decimal": {"type": "string", "format": "decimal"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "timedelta": {"type": "string", "format": "duration"},
    "UUID": {"type": "string", "format": "uuid"},
    "EmailStr": {"type": "string", "format": "email"},
    "HttpUrl": {"type": "string", "format": "uri"},
    "AnyUrl": {"type": "string", "format": "uri"},
    "Path": {"type": "string"},
}
_ARRAYS = frozenset({"list", "List", "Sequence", "MutableSequence", "Iterable", "Iterator",
                     "Collection", "set", "Set", "frozenset", "FrozenSet", "AbstractSet",
                     "MutableSet", "deque", "Deque", "Generator", "AsyncIterator",
                     "AsyncIterable"})
_UNIQUE = frozenset({"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"})
_MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "DefaultDict",
                       "defaultdict", "OrderedDict", "Counter"})
_PASS_THROUGH = frozenset({"Annotated", "Final", "ClassVar", "Required", "NotRequired",
                           "ReadOnly", "Awaitable", "Mapped", "WriteOnlyMapped",
                           "DynamicMapped"})
_ANY = frozenset({"Any", "object"})


def open_schema(why: str) -> Schema:
    return {REVIEW: why}


def schema_of(annotation: str | None, resolve: Resolve | None = None) -> Schema:
    """The schema for ``annotation`` (source text); None or unparsable text gives an open
    schema marked for review."""
    if annotation is None:
        return open_schema("no annotation")
    try:
        node = cst.parse_expression(annotation)
    except (cst.ParserSyntaxError, RecursionError):
        return open_schema(f"cannot read annotation {annotation!r}")
    return _schema(node, resolve or (lambda name: None), 0)


def _name(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value  # typing.Optional -> Optional, models.Order -> Order
    return None


def _args(node: cst.Subscript) -> list[cst.BaseExpression]:
    found: list[cst.BaseExpression] = []
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            found.append(element.slice.value)
    return found


def _nullable(schema: Schema) -> Schema:
    if schema.get("type") == "null":
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _union(parts: list[Schema]) -> Schema:
    unique: list[Schema] = []
    for part in parts:
        if part not in unique:
            unique.append(part)
    nulls = [p for p in unique if p.get("type") == "null"]
    rest = [p for p in unique if p.get("type") != "null"]
    if len(rest) == 1:
        return _nullable(rest[0]) if nulls else rest[0]
    return {"anyOf": rest + nulls}


def _schema(node: cst.BaseExpression, resolve: Resolve, depth: int) -> Schema:
    if depth > 12:
        return open_schema("annotation nested too deeply")
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        text = node.evaluated_value if isinstance(node, cst.SimpleString) else None
        if isinstance(text, str):  # a forward reference: "Order"
            if depth < 12:
                return schema_of(text, resolve)
            return open_schema("annotation nested too deeply")
        return open_schema("string annotation")
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union([_schema(node.left, resolve, depth + 1),
                       _schema(node.right, resolve, depth + 1)])
    if isinstance(node, cst.Subscript):
        outer = _name(node.value)
        args = _args(node)
        if outer is None or not args:
            return open_schema("unreadable subscript")
        if outer == "Optional":
            return _nullable(_schema(args[0], resolve, depth + 1))
        if outer == "Union":
            return _union([_schema(a, resolve, depth + 1) for a in args])
        if outer == "Literal":
            values = [_literal(a) for a in args]
            if any(v is _NOT_LITERAL for v in values):
                return open_schema("Literal of non-constant values")
            return {"enum": values}
        if outer in _PASS_THROUGH:
            return _schema(args[0], resolve, depth + 1)
        if outer == "Coroutine":  # Coroutine[Any, Any, T]: what awaiting it gives
            return _schema(args[-1], resolve, depth + 1)
        if outer in _ARRAYS:
            schema: Schema = {"type": "array", "items": _schema(args[0], resolve, depth + 1)}
            if outer in _UNIQUE:
                schema["uniqueItems"] = True
            return schema
        if outer in ("tuple", "Tuple"):
            if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
                return {"type": "array", "items": _schema(args[0], resolve, depth + 1)}
            items = [_schema(a, resolve, depth + 1) for a in args]
            return {"type": "array", "prefixItems": items, "minItems": len(items),
                    "maxItems": len(items)}
        if outer in _MAPPINGS:
            value = args[1] if len(args) > 1 else args[0]
            return {"type": "object",
                    "additionalProperties": _schema(value, resolve, depth + 1)}
        if outer in ("type", "Type", "Callable"):
            return open_schema(f"{outer}[...] has no wire form")
        known = resolve(outer)  # a generic class of the project: Page[Order]
        return known if known is not None else open_schema(f"unknown generic {outer}")
    name = _name(node)
    if name is None:
        if isinstance(node, cst.Ellipsis):
            return open_schema("...")
        return open_schema("unreadable annotation")
    if name in _SCALARS:
        return dict(_SCALARS[name])
    if name in _ANY:
        return open_schema(name)
    if name in _ARRAYS or name in ("tuple", "Tuple"):
        return {"type": "array", "items": open_schema(f"{name} without item type")}
    if name in _MAPPINGS:
        return {"type": "object"}
    known = resolve(name)
    return known if known is not None else open_schema(f"unknown type {name}")


_NOT_LITERAL = object()


def literal(text: str | None) -> tuple[bool, Any]:
    """``(True, value)`` when ``text`` is a constant (a string, an integer, True, False, None,
    or a list or tuple of those), read by parsing, never by evaluating; else ``(False,
    None)``."""
    if text is None:
        return False, None
    try:
        node = cst.parse_expression(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False, None
    if isinstance(node, cst.List | cst.Tuple):
        values = [_literal(e.value) for e in node.elements if isinstance(e, cst.Element)]
        if len(values) == len(node.elements) and _NOT_LITERAL not in values:
            return True, values
        return False, None
    value = _literal(node)
    return (False, None) if value is _NOT_LITERAL else (True, value)


def _literal(node: cst.BaseExpression) -> Any:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else _NOT_LITERAL
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value, 0)
    return _NOT_LITERAL
