"""One context's proposed API as a proto3 file (gRPC).

The operations and schemas are the OpenAPI document's (see ``calls``): each operation becomes
an ``rpc`` of one service named after the context (``OrdersService``), with a request and a
response message of its own; each record a ``message``, each enum an ``enum`` whose zero value
is ``<ENUM>_UNSPECIFIED``; an open or untyped schema a ``google.protobuf.Struct`` marked
``review:`` in a comment. Names follow the protobuf style guide: the package
``project.context.v1`` in lower case, services, messages and enums in PascalCase, fields in
lower_snake_case, enum values in UPPER_SNAKE_CASE prefixed with their enum's name. Field
numbers come from ``FieldNumbers``, so a rerun keeps every number and retired ones stay
reserved. The consumers, the ``path:line`` of each definition and the review marks are
comments, as ``x-seamline-*`` keys are in OpenAPI.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.contracts.calls import (
    Call,
    Names,
    Types,
    call_comments,
    calls,
    comment,
    component_comments,
    enum_words,
    is_enum,
    name_parts,
    nullable,
    one_line,
    open_reason,
    pascal,
    readable,
    shape,
    trailing,
)
from analyzer.contracts.fieldlock import FieldNumbers
from analyzer.text import plural
from analyzer.typeschema import Schema

if TYPE_CHECKING:
    from analyzer.contracts import ContextContract

STRUCT = ".google.protobuf.Struct"  # from the outermost scope: a package part may be "google"
_SCALAR = {"integer": "int64", "number": "double", "boolean": "bool", "string": "string",
           "bytes": "bytes"}


def snake(text: str) -> str:
    found = "_".join(name_parts(text))
    return found if found and not found[0].isdigit() else f"f_{found}"


def package_name(project: str, context: str) -> str:
    """``tradepost.orders.v1``: lower case words joined by underscores, each part starting
    with a letter; the context's part is its proto file's name (``readable``: with a short
    hash when the context's name is not already such a word, so that no two contexts share a
    package)."""
    return f"{_package_part(_words(project))}.{_package_part(readable(context, '_'))}.v1"


def _words(text: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", text.lower()))


def _package_part(text: str) -> str:
    return text if text and text[0].isalpha() else f"p{text}"


@dataclass(slots=True)
class _Field:
    name: str
    type: str
    label: str  # "", "optional " or "repeated "
    notes: list[str]


@dataclass(slots=True)
class _Message:
    name: str
    comments: list[str]
    fields: list[_Field] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Proto:
    package: str
    text: str
    messages: int
    rpcs: int


class _Builder:
    def __init__(self, package: str, types: Types, numbers: FieldNumbers) -> None:
        self.package, self.types, self.numbers = package, types, numbers
        self.names = Names()
        self.messages: list[_Message] = []
        self.enums: list[tuple[str, list[str], list[str]]] = []  # name, comments, values
        self.enum_values = Names(separator="_")
        self.by_atom: dict[str, str] = {}  # component class -> its message or enum name
        self.pending: deque[tuple[str, Schema]] = deque()
        self.struct = False
        # every component's name, given first and by Python class, so that which operation
        # uses a class first never decides between OrderLine and OrderLine2 (the lock's
        # numbers follow the names)
        self.preset = {atom: self.names.unique(pascal(types.name(atom).rsplit(".", 1)[-1]))
                       for atom, component in types.each() if open_reason(component) is None}

    def named(self, atom: str, component: Schema) -> str | None:
        """The message or enum a component becomes (queued on first use); None when it is
        open and becomes a Struct."""
        if atom in self.by_atom:
            return self.by_atom[atom]
        name = self.preset.get(atom)
        if name is None:
            return None
        self.by_atom[atom] = name
        self.pending.append((atom, component))
        return name

    def type_of(self, schema: Schema, owner: str, field_name: str
                ) -> tuple[str, str, list[str]]:
        """(type, label, review notes) of a field whose schema is ``schema``."""
        found = shape(schema, self.types)
        label = "optional " if found.nullable else ""
        notes = list(found.notes)
        if found.kind == "ref":
            name = self.named(found.atom, found.schema)
            return (name, label, notes) if name is not None else self._struct(notes)
        if found.kind in ("array", "map"):
            inner, inner_label, inner_notes = self.type_of(found.inner, owner, field_name)
            if inner_label == "repeated " or inner.startswith("map<"):
                outer = "list" if found.kind == "array" else "map"
                return self._struct([f"a {outer} of lists or of maps: give it a message"])
            if found.kind == "array":
                return inner, "repeated ", notes + inner_notes
            return f"map<string, {inner}>", "", notes + inner_notes
        if found.kind == "record":
            name = self.names.unique(owner + pascal(field_name))
            self.message(name, found.schema, [])
            return name, label, notes
        if found.kind in ("scalar", "literal"):
            return _SCALAR[found.name], label, notes
        return self._struct(notes)

    def _struct(self, why: list[str]) -> tuple[str, str, list[str]]:
        self.struct = True
        return STRUCT, "", [f"review: {'; '.join(why)}"]

    def message(self, name: str, schema: Schema, comments: list[str]) -> _Message:
        made = _Message(name, comments)
        self.messages.append(made)
        taken = Names(separator="_", loose=True)
        for key, value in schema.get("properties", {}).items():
            field_name = taken.unique(snake(key))
            kind, label, notes = self.type_of(value, name, key)
            if key != field_name:
                notes = [f"{one_line(key)} in the code", *notes]
            made.fields.append(_Field(field_name, kind, label, notes))
        return made

    def enum(self, name: str, component: Schema, comments: list[str]) -> None:
        prefix = "_".join(name_parts(name)).upper()
        values = [self.enum_values.unique(f"{prefix}_UNSPECIFIED")]
        for word in enum_words(component):
            values.append(self.enum_values.unique(f"{prefix}_{word.removeprefix('V_')}"))
        self.enums.append((name, comments, values))

    def components(self) -> None:
        while self.pending:
            atom, component = self.pending.popleft()
            name = self.by_atom[atom]
            comments = component_comments(atom, component)
            if is_enum(component):
                self.enum(name, component, comments)
            else:
                self.message(name, component, comments)


def proto_document(contract: ContextContract, project: str, numbers: FieldNumbers) -> Proto:
    """The proto3 file of one context's proposed API; ``numbers`` gives (and learns) the
    field numbers."""
    package = package_name(project, contract.context)
    builder = _Builder(package, Types(contract.openapi, contract.asyncapi), numbers)
    service = builder.names.unique(pascal(contract.context) + "Service")
    rpcs: list[tuple[Call, str, str, str]] = []
    for call in calls(contract.openapi):
        name = builder.names.unique(pascal(call.name))
        request = builder.names.unique(f"{name}Request")
        response = builder.names.unique(f"{name}Response")
        rpcs.append((call, name, request, response))
    for call, _, request, response in rpcs:
        message = _Message(request, [])
        builder.messages.append(message)
        taken = Names(separator="_", loose=True)
        for given in call.inputs:
            field_name = taken.unique(snake(given.name))
            kind, label, notes = builder.type_of(given.schema, request, given.name)
            if not given.required and label == "":
                label = "optional " if kind != STRUCT and not kind.startswith("map<") else ""
            message.fields.append(_Field(field_name, kind, label, notes))
        answer = _Message(response, [])
        builder.messages.append(answer)
        if call.output is not None:
            kind, label, notes = builder.type_of(call.output, response, "result")
            answer.fields.append(_Field(_result_name(call.output, builder.types, label),
                                        kind, label, notes))
        builder.components()
    for atom, component in builder.types.each():  # shared value types nobody names
        builder.named(atom, component)
    builder.components()
    return Proto(package, _render(contract, project, builder, service, rpcs),
                 len(builder.messages), len(rpcs))


def _result_name(schema: Schema, types: Types, label: str) -> str:
    schema, _ = nullable(schema)
    if "$ref" in schema:
        return snake(types.name(types.resolve(schema["$ref"])[0]).rsplit(".", 1)[-1])
    if label == "repeated ":
        items, _ = nullable(schema.get("items") or {})
        if "$ref" in items:
            name = name_parts(types.name(types.resolve(items["$ref"])[0]).rsplit(".", 1)[-1])
            return snake("_".join([*name[:-1], plural(name[-1])])) if name else "items"
        return "items"
    return "result"


def _render(contract: ContextContract, project: str, builder: _Builder, service: str,
            rpcs: list[tuple[Call, str, str, str]]) -> str:
    context = one_line(contract.context)
    out = comment([
        f"{context} (proposed): the gRPC API seamline proposes for the {context} context of "
        f"{one_line(project)}.",
        f"Derived from the code: each rpc is a definition of {context} that other contexts "
        "use today (see consumers). Review every rpc and message, above all those marked "
        "review. Field numbers are kept in seamline-proto-fields.json: keep it.",
    ], "//")
    out += ["syntax = \"proto3\";", "", f"package {builder.package};", ""]
    if builder.struct:
        out += ["import \"google/protobuf/struct.proto\";", ""]
    out += [f"service {service} {{"]
    for index, (call, name, request, response) in enumerate(rpcs):
        if index:
            out.append("")
        out += comment(call_comments(call), "//", "  ")
        out.append(f"  rpc {name}({request}) returns ({response});")
    out += ["}"]
    for message in builder.messages:
        out += ["", *comment(message.comments, "//"), f"message {message.name} {{"]
        present = [f.name for f in message.fields]
        numbers = [builder.numbers.number(builder.package, message.name, each.name,
                                          _wire(each)) for each in message.fields]
        out += _reserved(builder.numbers.retired(builder.package, message.name, present))
        for each, number in zip(message.fields, numbers, strict=True):
            note = trailing(each.notes, "//")
            out.append(f"  {each.label}{each.type} {each.name} = {number};{note}")
        out.append("}")
    for name, comments, values in builder.enums:
        out += ["", *comment(comments, "//"), f"enum {name} {{"]
        out += _reserved(builder.numbers.retired(builder.package, name, values))
        out.append(f"  {values[0]} = 0;")
        for value in values[1:]:
            out.append(f"  {value} = {builder.numbers.number(builder.package, name, value)};")
        out.append("}")
    return "\n".join(out) + "\n"


def _wire(each: _Field) -> str:
    """A field's type as the lock keeps it: what a change of would misread (optional is
    not: it changes no bytes on the wire)."""
    return f"{each.label}{each.type}".removeprefix("optional ")


def _reserved(retired: list[tuple[str | None, int]]) -> list[str]:
    """The ``reserved`` lines of the numbers and names no field may take again."""
    names = [f"\"{name}\"" for name, _ in retired if name is not None]  # [A-Za-z0-9_]: checked
    return ([f"  reserved {', '.join(str(n) for _, n in retired)};"] if retired else []) + (
        [f"  reserved {', '.join(names)};"] if names else [])
