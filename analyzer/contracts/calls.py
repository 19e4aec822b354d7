"""A context's proposed operations and schemas, flat, for the protocols beside OpenAPI.

gRPC (``grpc``) and GraphQL (``graphql``) render the same operations and component schemas as
the OpenAPI document (``openapi``), which ``propose`` builds once from the used definitions:
``calls`` reads each operation of that document back as a ``Call`` (what it takes, what it
gives, whether it only reads), with the consumers, ``path:line`` evidence and review marks it
carries. ``Types`` resolves a schema's ``$ref`` to its component, across the OpenAPI and the
AsyncAPI document of the context, by the Python class both name (``x-seamline-python``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from analyzer.contracts.schemas import ENUM_NAMES
from analyzer.text import parts
from analyzer.typeschema import REVIEW, Schema

_BODY = "application/json"


@dataclass(frozen=True, slots=True)
class Input:
    name: str
    schema: Schema
    required: bool


@dataclass(frozen=True, slots=True)
class Call:
    """One operation: ``name`` is its OpenAPI operationId; ``reads`` is true for a GET."""

    name: str
    reads: bool
    inputs: tuple[Input, ...]
    output: Schema | None  # None: nothing comes back (204)
    summary: str
    python: str
    source: str  # path:line of the definition
    consumers: tuple[str, ...]  # "context: element at path:line (how)"
    review: tuple[str, ...]


def calls(openapi: dict[str, Any]) -> list[Call]:
    """Every operation of an OpenAPI document seamline made, in the document's order."""
    found: list[Call] = []
    for path_item in openapi["paths"].values():
        for method, item in path_item.items():
            found.append(_call(method, item))
    return found


def _call(method: str, item: dict[str, Any]) -> Call:
    inputs: list[Input] = []
    for parameter in item.get("parameters", []):
        schema = parameter.get("schema") or parameter["content"][_BODY]["schema"]
        inputs.append(Input(parameter["name"], schema, bool(parameter.get("required"))))
    body = item.get("requestBody")
    if body is not None:
        schema = body["content"][_BODY]["schema"]
        if "$ref" in schema:  # one record: named after its class (``order: Order``)
            name = "_".join(name_parts(schema["$ref"].rsplit("/", 1)[1].rsplit(".", 1)[-1]))
            inputs.append(Input(name or "body", schema, bool(body.get("required"))))
        else:
            needed = set(schema.get("required", ()))
            inputs.extend(Input(name, value, name in needed)
                          for name, value in schema.get("properties", {}).items())
    output: Schema | None = None
    for response in item["responses"].values():
        content = response.get("content")
        if content is not None:
            output = content[_BODY]["schema"]
    review = list(item.get(REVIEW, ()))
    return Call(item["operationId"], method == "get", tuple(inputs), output, item["summary"],
                item["x-seamline-python"], item["x-seamline-source"],
                tuple(f"{c['context']}: {c['python']} at {c['at']} ({c['how']})"
                      for c in item["x-seamline-consumers"]),
                tuple(review))


class Types:
    """The component schemas of a context's documents, by reference and by Python class."""

    def __init__(self, *documents: dict[str, Any] | None) -> None:
        self._by_ref: dict[str, tuple[str, Schema]] = {}  # "#/components/schemas/X" ->
        self._by_atom: dict[str, Schema] = {}
        self._names: dict[str, str] = {}  # atom -> component name (the OpenAPI one first)
        for document in documents:
            if document is None:
                continue
            for name, schema in document.get("components", {}).get("schemas", {}).items():
                atom = schema.get("x-seamline-python", name)
                self._by_atom.setdefault(atom, schema)
                self._names.setdefault(atom, name)
                self._by_ref[f"#/components/schemas/{name}"] = (atom, self._by_atom[atom])

    def resolve(self, ref: str) -> tuple[str, Schema]:
        """(Python class, its component) for a ``$ref`` of either document."""
        return self._by_ref[ref]

    def name(self, atom: str) -> str:
        return self._names[atom]

    def each(self) -> Iterator[tuple[str, Schema]]:
        """Every component, by its Python class, in a fixed order."""
        for atom in sorted(self._by_atom):
            yield atom, self._by_atom[atom]


def nullable(schema: Schema) -> tuple[Schema, bool]:
    """(the schema without its null alternative, whether it had one)."""
    if "anyOf" in schema:
        rest = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if len(rest) < len(schema["anyOf"]):
            if len(rest) == 1:
                return rest[0], True
            return {**schema, "anyOf": rest}, True
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest_types = [t for t in kind if t != "null"]
        return {**schema, "type": rest_types[0] if len(rest_types) == 1 else rest_types}, True
    return schema, False


def is_enum(schema: Schema) -> bool:
    return "enum" in schema and "type" not in schema


def enum_words(component: Schema) -> list[str]:
    """An enum's values as UPPER_SNAKE words: its members' names where the component carries
    them (``NEW = 1`` is ``NEW``), else its values; a word never starts with a digit (``V_1``)
    and an empty one is ``VALUE``."""
    names = component.get(ENUM_NAMES)
    shown = names if isinstance(names, list) and len(names) == len(component["enum"]) \
        else component["enum"]
    words = ["_".join(name_parts(str(each))).upper() or "VALUE" for each in shown]
    return [f"V_{word}" if word[0].isdigit() else word for word in words]


def open_reason(schema: Schema) -> str | None:
    """Why a schema is open (no type a protocol can name), or None when it is typed."""
    if REVIEW in schema and not {"type", "$ref", "enum", "anyOf"} & set(schema):
        review = schema[REVIEW]
        return review if isinstance(review, str) else "; ".join(review)
    if not {"type", "$ref", "enum", "anyOf"} & set(schema):
        return "untyped"
    return None


@dataclass(frozen=True, slots=True)
class Shape:
    """What a schema is, for a protocol to name. ``kind``: ``scalar`` (``name`` integer, number,
    boolean, string or bytes), ``literal`` (``values``: a Literal's), ``ref`` (a component:
    ``atom`` and ``schema``), ``array`` and ``map`` (``inner``: the items' or values' schema),
    ``record`` (an object with its ``schema``'s properties, declared in place) or ``open`` (no
    type a protocol can name: ``notes`` says why)."""

    kind: str
    nullable: bool = False
    name: str = ""
    values: tuple[Any, ...] = ()
    atom: str = ""
    schema: Schema = field(default_factory=dict)
    inner: Schema = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # review marks and formats, for a comment


def shape(schema: Schema, types: Types) -> Shape:
    schema, optional = nullable(schema)
    reason = open_reason(schema)
    if reason is not None:
        return Shape("open", optional, notes=(f"open: {reason}",))
    if "$ref" in schema:
        atom, component = types.resolve(schema["$ref"])
        reason = open_reason(component)
        if reason is not None:
            return Shape("open", optional, notes=(f"open: {reason}",))
        return Shape("ref", optional, atom=atom, schema=component)
    if is_enum(schema):
        values = tuple(schema["enum"])
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        listed = ", ".join(one_line(repr(v)) for v in values[:12])
        return Shape("literal", optional, "integer" if whole else "string", values,
                     notes=(f"one of: {listed}",))
    if "anyOf" in schema or isinstance(schema.get("type"), list):
        return Shape("open", optional, notes=("one of several types: choose one",))
    kind = schema.get("type")
    notes = (one_line(str(schema[REVIEW])),) if REVIEW in schema else ()
    if kind == "array":
        return Shape("array", optional, inner=schema.get("items") or {}, notes=notes)
    if kind == "object":
        each = schema.get("additionalProperties")
        if isinstance(each, dict) and each:
            return Shape("map", optional, inner=each, notes=notes)
        if schema.get("properties"):
            return Shape("record", optional, schema=schema, notes=notes)
        return Shape("open", optional, notes=("open: an object without declared fields",))
    if kind == "string" and schema.get("contentEncoding") == "base64":
        return Shape("scalar", optional, "bytes", notes=notes)
    if kind in ("integer", "number", "boolean", "string"):
        formatted = (f"format: {one_line(str(schema['format']))}",) if "format" in schema \
            else ()
        return Shape("scalar", optional, kind, notes=notes + formatted)
    return Shape("open", optional, notes=(f"open: type {one_line(str(kind))}",))


def comment(lines: Iterable[str], marker: str, indent: str = "") -> list[str]:
    """Lines as comments: ``// text`` in proto, ``# text`` in SDL; each made ``one_line``
    here, whatever its caller did, so no text from the code can end a comment."""
    found: list[str] = []
    for line in lines:
        lead = " " * (len(line) - len(line.lstrip(" ")))  # an indented line stays indented
        text = one_line(line)
        found.append(f"{indent}{marker} {lead}{text}" if text else f"{indent}{marker}")
    return found


def trailing(notes: Iterable[str], marker: str) -> str:
    """Notes as a comment at the end of a line (``  // a; b``), or nothing."""
    text = "; ".join(one_line(note) for note in notes)
    return f"  {marker} {text}" if text else ""


def call_comments(call: Call) -> list[str]:
    """What OpenAPI's ``x-seamline-*`` keys say of an operation, as comment lines."""
    return [one_line(call.summary), f"python: {one_line(call.python)} at "
            f"{one_line(call.source)}", "consumers:",
            *(f"  {one_line(c)}" for c in call.consumers),
            *(f"review: {one_line(r)}" for r in call.review)]


def component_comments(atom: str, component: Schema) -> list[str]:
    """A component's docstring, Python class and review mark, as comment lines."""
    found = [one_line(component.get("description", "")), f"python: {one_line(atom)}"]
    if REVIEW in component:
        found.append(f"review: {one_line(str(component[REVIEW]))}")
    return [line for line in found if line]


_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                          "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
                          "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"})


def name_parts(text: str) -> list[str]:
    """``parts`` of ``text`` spelt in ASCII where it can be (NFKD without its accents, and a
    few letters by hand): ``größe`` -> ``["grosse"]``; what has no ASCII spelling (``注文``) is
    dropped, and the names made of it are told apart by the callers (a number, a hash)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return parts("".join(c for c in decomposed if not unicodedata.combining(c)))


def readable(name: str, separator: str) -> str:
    """``name`` as lower-case words joined by ``separator`` (at most 40 characters), and a short
    hash of ``name`` when that lost anything, so that two names never give one result (a file
    name, a proto package): ``Orders */`` and ``orders``, ``注文`` and ``在庫``."""
    found = re.sub(r"[^a-z0-9]+", separator, name.lower()).strip(separator)[:40] or "context"
    if found != name:
        found += separator + hashlib.sha256(name.encode()).hexdigest()[:6]
    return found


def pascal(text: str) -> str:
    """``order_line`` -> ``OrderLine``: a type's name in either protocol."""
    found = "".join(p.capitalize() for p in name_parts(text))
    return found if found and not found[0].isdigit() else f"X{found}"


def one_line(text: str) -> str:
    """Text from the analysed code, safe on one comment line: no line breaks or controls."""
    return "".join(c if c.isprintable() else " " for c in " ".join(text.split()))



class Names:
    """Names one document or one message has given: ``unique`` numbers a name taken before.
    With ``loose``, names that differ only in underscores and case count as one (protobuf's
    JSON names, GraphQL's camel case)."""

    def __init__(self, taken: Iterable[str] = (), separator: str = "",
                 loose: bool = False) -> None:
        self._loose = loose
        self._taken = {self._key(name) for name in taken}
        self._separator = separator

    def _key(self, name: str) -> str:
        return name.replace("_", "").lower() if self._loose else name

    def unique(self, wanted: str) -> str:
        candidate, counter = wanted, 2
        while self._key(candidate) in self._taken:
            candidate, counter = f"{wanted}{self._separator}{counter}", counter + 1
        self._taken.add(self._key(candidate))
        return candidate
