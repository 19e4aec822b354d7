"""Reading expression summaries as the values they write: constants, calls, flags."""

from __future__ import annotations

from analyzer.model import Call, Const, Expr, Items, Name, Str
from analyzer.typeschema import Schema

UNKNOWN = object()  # what ``constant`` gives for anything but a constant


def last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def each(names: tuple[str, ...], schema: Schema) -> dict[str, Schema]:
    return {name: dict(schema) for name in names}


def constant(summary: Expr | None) -> object:
    """The value of a constant summary (``"paid"``, ``2``, ``True``); for a Django choice
    (``"paid", "Paid"``) its first part."""
    match summary:
        case Str(text):
            return text
        case Const(value):
            return value
        case Name("True" | "False" | "None" as name):
            return {"True": True, "False": False, "None": None}[name]
        case Items((first, *_)):
            return constant(first)
    return UNKNOWN


def call_of(summary: Expr | None) -> tuple[str, tuple[Expr, ...], dict[str, Expr]] | None:
    match summary:
        case Call(Name(name), args, keywords):
            return last(name), args, dict(keywords)
    return None


def true(summary: Expr | None) -> bool:
    return constant(summary) is True


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]} if schema else schema

