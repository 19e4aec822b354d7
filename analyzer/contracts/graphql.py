"""One context's proposed API as a GraphQL SDL document.

The operations and schemas are the OpenAPI document's (see ``calls``): a read (a GET) becomes a
``Query`` field, any other operation a ``Mutation`` field, each record an object ``type`` (and
an ``input`` where an operation takes it), each enum an ``enum``; the events the context
receives from the AsyncAPI side become ``Subscription`` fields. An open or untyped schema is
the ``JSON`` scalar, marked ``review:`` in a comment. Fields and arguments are camelCase, types
PascalCase, enum values UPPER_SNAKE_CASE. The consumers, the ``path:line`` of each definition
and the review marks are comments, as ``x-seamline-*`` keys are in OpenAPI.
"""

from __future__ import annotations

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
    one_line,
    open_reason,
    pascal,
    shape,
    trailing,
)
from analyzer.typeschema import Schema

if TYPE_CHECKING:
    from analyzer.contracts import ContextContract

JSON = "JSON"
_SCALAR = {"integer": "Int", "number": "Float", "boolean": "Boolean", "string": "String",
           "bytes": "String"}
_RESERVED = frozenset({"Query", "Mutation", "Subscription", JSON, "Int", "Float", "String",
                       "Boolean", "ID"})
_NOT_ENUM_VALUES = frozenset({"TRUE", "FALSE", "NULL"})


def camel(text: str) -> str:
    words = name_parts(text)
    found = (words[0] + "".join(w.capitalize() for w in words[1:])) if words else ""
    return found if found and not found[0].isdigit() else f"f{found}"


@dataclass(slots=True)
class _Field:
    name: str
    type: str
    notes: list[str]
    args: list[tuple[str, str, list[str]]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Type:
    keyword: str  # type | input | enum
    name: str
    comments: list[str]
    fields: list[_Field] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sdl:
    text: str
    queries: int
    mutations: int
    subscriptions: int
    types: int


class _Builder:
    def __init__(self, types: Types) -> None:
        self.types = types
        self.names = Names(_RESERVED)
        self.made: list[_Type] = []
        self.by_atom: dict[tuple[str, bool], str] = {}  # (class, as input) -> type name
        self.pending: deque[tuple[str, Schema, bool]] = deque()
        self.inputs: set[str] = set()  # the input object types
        self.json = False
        # every component's type name, then every record's input name (its type's, with
        # Input), given first and by Python class: which operation uses a class first never
        # decides between OrderLine and OrderLine2, and OrderLine2's input is OrderLine2Input
        named = [(atom, component) for atom, component in types.each()
                 if open_reason(component) is None
                 and (is_enum(component) or component.get("properties"))]
        self.preset: dict[tuple[str, bool], str] = {
            (atom, False): self.names.unique(pascal(types.name(atom).rsplit(".", 1)[-1]))
            for atom, _ in named}
        for atom, component in named:
            if not is_enum(component):
                self.preset[(atom, True)] = self.names.unique(
                    f"{self.preset[(atom, False)]}Input")

    def named(self, atom: str, component: Schema, as_input: bool) -> str | None:
        if is_enum(component):
            as_input = False  # one enum serves both ways
        key = (atom, as_input)
        if key in self.by_atom:
            return self.by_atom[key]
        name = self.preset.get(key)
        if name is None:
            return None
        self.by_atom[key] = name
        if as_input:
            self.inputs.add(name)
        self.pending.append((atom, component, as_input))
        return name

    def type_of(self, schema: Schema, owner: str, field_name: str, as_input: bool,
                required: bool = True) -> tuple[str, list[str]]:
        """(GraphQL type, review notes): non-null (``!``) when required and not nullable."""
        found = shape(schema, self.types)
        bang = "!" if required and not found.nullable else ""
        notes = list(found.notes)
        if found.kind == "ref":
            name = self.named(found.atom, found.schema, as_input)
            if name is None:
                return self._json(["open: no declared fields"], bang)
            return name + bang, notes
        if found.kind == "array":
            inner, inner_notes = self.type_of(found.inner, owner, field_name, as_input)
            return f"[{inner}]{bang}", notes + inner_notes
        if found.kind == "record":
            name = self.names.unique(owner + pascal(field_name)
                                     + ("Input" if as_input else ""))
            if as_input:
                self.inputs.add(name)
            self.record(name, found.schema, [], as_input)
            return name + bang, notes
        if found.kind in ("scalar", "literal"):
            return _SCALAR[found.name] + bang, notes
        if found.kind == "map":
            notes.append("a map: GraphQL has none")
        return self._json(notes, bang)

    def _json(self, why: list[str], bang: str) -> tuple[str, list[str]]:
        self.json = True
        return JSON + bang, [f"review: {'; '.join(why)}"]

    def record(self, name: str, schema: Schema, comments: list[str], as_input: bool) -> None:
        made = _Type("input" if as_input else "type", name, comments)
        self.made.append(made)
        taken = Names(separator="_", loose=True)
        needed = set(schema.get("required", ()))
        for key, value in schema.get("properties", {}).items():
            field_name = taken.unique(camel(key))
            kind, notes = self.type_of(value, name, key, as_input, key in needed)
            if as_input and kind.endswith("!") and kind[:-1] in self.inputs:
                # an input object may not require one (itself, or one requiring it): GraphQL
                # could never be given a finite value
                kind, notes = kind[:-1], [*notes, "required in the code"]
            if field_name != key:
                notes = [f"{one_line(key)} in the code", *notes]
            made.fields.append(_Field(field_name, kind, notes))

    def components(self) -> None:
        while self.pending:
            atom, component, as_input = self.pending.popleft()
            name = self.by_atom[(atom, as_input)]
            comments = component_comments(atom, component)
            if is_enum(component):
                values = Names(_NOT_ENUM_VALUES, separator="_")
                self.made.append(_Type("enum", name, comments, values=[
                    values.unique(word) for word in enum_words(component)]))
            else:
                self.record(name, component, comments, as_input)

    def operation(self, call: Call, names: Names) -> _Field:
        name = names.unique(camel(call.name))
        args: list[tuple[str, str, list[str]]] = []
        taken = Names(separator="_", loose=True)
        owner = pascal(call.name)
        for given in call.inputs:
            kind, notes = self.type_of(given.schema, owner, given.name, True, given.required)
            args.append((taken.unique(camel(given.name)), kind, notes))
        if call.output is None:
            kind, notes = "Boolean!", ["nothing comes back: true when it succeeded"]
        else:
            kind, notes = self.type_of(call.output, owner, "result", False)
        self.components()
        return _Field(name, kind, notes, args, call_comments(call))


def sdl_document(contract: ContextContract, project: str) -> Sdl:
    """The GraphQL schema (SDL) of one context's proposed API."""
    builder = _Builder(Types(contract.openapi, contract.asyncapi))
    roots: dict[str, list[_Field]] = {"Query": [], "Mutation": [], "Subscription": []}
    names = {root: Names(separator="_") for root in roots}
    for call in calls(contract.openapi):
        root = "Query" if call.reads else "Mutation"
        roots[root].append(builder.operation(call, names[root]))
    for event in _received(contract):
        key, title, producer, table, payload = event
        kind, notes = builder.type_of(payload, pascal(key), "payload", False)
        builder.components()
        roots["Subscription"].append(_Field(
            names["Subscription"].unique(camel(key)), kind, notes, [],
            [one_line(title), f"published by {one_line(producer)} instead of writing "
             f"`{one_line(table)}` (see the AsyncAPI document)"]))
    for atom, component in builder.types.each():  # shared value types nobody names
        builder.named(atom, component, False)
    builder.components()
    counts = {root: len(fields) for root, fields in roots.items()}
    if not roots["Query"]:
        roots["Query"].append(_Field("_service", "String!", [], [], [
            f"placeholder: {one_line(contract.context)} has no read operation, and GraphQL "
            "needs a Query type; it returns the service's name"]))
    return Sdl(_render(contract, project, builder, roots), counts["Query"],
               counts["Mutation"], counts["Subscription"], len(builder.made))


def _received(contract: ContextContract) -> list[tuple[str, str, str, str, Schema]]:
    """(channel, title, producer, table, payload) of each event the context receives."""
    if contract.asyncapi is None:
        return []
    found: list[tuple[str, str, str, str, Schema]] = []
    messages = contract.asyncapi["components"]["messages"]
    for key, channel in contract.asyncapi["channels"].items():
        if channel["x-seamline-producer"] == contract.context or \
                contract.context not in channel["x-seamline-consumers"]:
            continue
        for reference in channel["messages"].values():
            message = messages[reference["$ref"].rsplit("/", 1)[1]]
            found.append((key, channel["title"], channel["x-seamline-producer"],
                          channel["x-seamline-table"], message["payload"]))
    return found


def _field(each: _Field, indent: str = "  ") -> list[str]:
    note = trailing(each.notes, "#")
    out = comment(each.comments, "#", indent)
    if not each.args:
        return [*out, f"{indent}{each.name}: {each.type}{note}"]
    out.append(f"{indent}{each.name}(")
    for name, kind, notes in each.args:
        out.append(f"{indent}  {name}: {kind}{trailing(notes, '#')}")
    out.append(f"{indent}): {each.type}{note}")
    return out


def _render(contract: ContextContract, project: str, builder: _Builder,
            roots: dict[str, list[_Field]]) -> str:
    context = one_line(contract.context)
    out = comment([
        f"{context} (proposed): the GraphQL API seamline proposes for the {context} context "
        f"of {one_line(project)}.",
        f"Derived from the code: each Query and Mutation field is a definition of {context} "
        "that other contexts use today (see consumers); each Subscription an event it "
        "receives. Review every field and type, above all those marked review.",
    ], "#")
    if builder.json:
        out += ["", "# a value whose type the code does not declare (review each use)",
                f"scalar {JSON}"]
    for root, fields in roots.items():
        if not fields:
            continue
        out += ["", f"type {root} {{"]
        for index, each in enumerate(fields):
            out += ([""] if index else []) + _field(each)
        out.append("}")
    for made in builder.made:
        out += ["", *comment(made.comments, "#"), f"{made.keyword} {made.name} {{"]
        if made.keyword == "enum":
            out += [f"  {value}" for value in made.values]
        for each in made.fields:
            out += _field(each)
        out.append("}")
    return "\n".join(out) + "\n"
