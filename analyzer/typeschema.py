"""Python annotations, as source text, to JSON Schema (OpenAPI 3.1 dialect).

The annotation is parsed with CPython's ``ast``, never evaluated. Builtins, ``typing`` containers,
``Optional``/``Union``/``X | Y``, ``Literal`` and the common value types map to schemas; a name
the caller knows (a dataclass, a model...) becomes a ``$ref`` through ``resolve``; anything
else is an open schema marked ``x-seamline-review`` so a reviewer sees what was not typed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from analyzer.text import one_literal

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")  # lines as ast counts them, with their ends

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
    read = _Read.parse(annotation)
    if read is None:
        return open_schema(f"cannot read annotation {annotation!r}")
    return _schema(read, resolve or (lambda name: None), 0)


class _Read:
    """A node of a parsed expression with the expression's text: what the parser drops (the
    pieces of ``"a" "b"``, the parentheses around a tuple) is read back from the text."""

    __slots__ = ("lines", "node")

    def __init__(self, lines: list[bytes], node: ast.expr) -> None:
        self.lines, self.node = lines, node  # the text's lines in UTF-8, as the node's columns

    @staticmethod
    def parse(text: str) -> _Read | None:
        """One expression, as an annotation or a default is written; None for anything else."""
        text = text.strip()
        try:
            node = ast.parse(text, mode="eval").body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        return _Read([line.encode("utf-8") for line in _LINES.findall(text)], node)

    def at(self, node: ast.expr) -> _Read:
        return _Read(self.lines, node)

    def segment(self) -> str:
        """The node's text, as ``ast.get_source_segment`` gives it, from lines split once."""
        node = self.node
        if node.end_lineno is None or node.end_col_offset is None:
            return ""
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return self.lines[first][node.col_offset:node.end_col_offset].decode("utf-8")
        return b"".join([self.lines[first][node.col_offset:], *self.lines[first + 1:last],
                         self.lines[last][:node.end_col_offset]]).decode("utf-8")

    def string(self) -> str | bytes | None:
        """The value of one string literal (not of ``"a" "b"``), else None."""
        node = self.node
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes) and \
                one_literal(self.segment()):
            return node.value
        return None

    def is_strings(self) -> bool:
        """A string, an f-string or a concatenation of them."""
        return (isinstance(self.node, ast.JoinedStr) and not one_literal(self.segment())) or (
            isinstance(self.node, ast.Constant) and isinstance(self.node.value, str | bytes))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr  # typing.Optional -> Optional, models.Order -> Order
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        return str(node.value)  # None, True, False: names, as written
    return None


def _args(read: _Read) -> list[_Read]:
    """A subscript's arguments as written: ``X[a, b]`` has two, ``X[(a, b)]`` one (a tuple)."""
    assert isinstance(read.node, ast.Subscript)
    given = read.at(read.node.slice)
    if isinstance(given.node, ast.Tuple) and not _parenthesized(given.segment()):
        return [read.at(e) for e in given.node.elts if not isinstance(e, ast.Slice)]
    return [] if isinstance(given.node, ast.Slice) else [given]


def _parenthesized(segment: str) -> bool:
    """Whether a tuple's text is in parentheses of its own: ``(a, b)``, not ``(a), b``."""
    if not (segment.startswith("(") and segment.endswith(")")):
        return False
    try:  # what is inside may start with a space or a line break, or be nothing: ( a, b) ()
        ast.parse(f"[{segment[1:-1]}\n]", mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


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


def _schema(read: _Read, resolve: Resolve, depth: int) -> Schema:
    if depth > 12:
        return open_schema("annotation nested too deeply")
    node = read.node
    if read.is_strings():
        text = read.string()
        if isinstance(text, str):  # a forward reference: "Order"
            if depth < 12:
                return schema_of(text, resolve)
            return open_schema("annotation nested too deeply")
        return open_schema("string annotation")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_schema(read.at(node.left), resolve, depth + 1),
                       _schema(read.at(node.right), resolve, depth + 1)])
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        args = _args(read)
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
            if len(args) == 2 and _is_ellipsis(args[1].node):
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
        if _is_ellipsis(node):
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
    read = _Read.parse(text)
    if read is None:
        return False, None
    if isinstance(read.node, ast.List | ast.Tuple):
        values = [_literal(read.at(e)) for e in read.node.elts]
        if _NOT_LITERAL not in values:
            return True, values
        return False, None
    value = _literal(read)
    return (False, None) if value is _NOT_LITERAL else (True, value)


def _literal(read: _Read) -> Any:
    node = read.node
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str | bytes):
            value = read.string()
            return value if isinstance(value, str) else _NOT_LITERAL
        if node.value is None or isinstance(node.value, bool | int):
            return node.value
        return _NOT_LITERAL
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and \
            isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    return _NOT_LITERAL
