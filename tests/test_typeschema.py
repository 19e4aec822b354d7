"""Annotations as written to JSON Schema, without evaluating them."""

from __future__ import annotations

from typing import Any

import pytest

from analyzer.typeschema import REVIEW, Schema, schema_of

KNOWN = {"Order": {"$ref": "#/components/schemas/Order"},
         "Page": {"$ref": "#/components/schemas/Page"}}


def _schema(text: str | None) -> Schema:
    return schema_of(text, KNOWN.get)


@pytest.mark.parametrize(("annotation", "expected"), [
    ("int", {"type": "integer"}),
    ("float", {"type": "number"}),
    ("bool", {"type": "boolean"}),
    ("str", {"type": "string"}),
    ("None", {"type": "null"}),
    ("datetime.datetime", {"type": "string", "format": "date-time"}),
    ("uuid.UUID", {"type": "string", "format": "uuid"}),
    ("Decimal", {"type": "string", "format": "decimal"}),
    ("Optional[int]", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("int | None", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("typing.Union[int, str]", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    ("Union[int, None, int]", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    ("list[str]", {"type": "array", "items": {"type": "string"}}),
    ("Sequence[Order]", {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}),
    ("set[int]", {"type": "array", "items": {"type": "integer"}, "uniqueItems": True}),
    ("tuple[int, ...]", {"type": "array", "items": {"type": "integer"}}),
    ("tuple[int, str]", {"type": "array", "prefixItems": [{"type": "integer"},
                                                          {"type": "string"}],
                         "minItems": 2, "maxItems": 2}),
    ("dict[str, float]", {"type": "object", "additionalProperties": {"type": "number"}}),
    ("Mapping[str, list[int]]", {"type": "object", "additionalProperties": {
        "type": "array", "items": {"type": "integer"}}}),
    ('Literal["open", "paid"]', {"enum": ["open", "paid"]}),
    ("Literal[1, -2, True, None]", {"enum": [1, -2, True, None]}),
    ("Annotated[int, Field(gt=0)]", {"type": "integer"}),
    ('"Order"', {"$ref": "#/components/schemas/Order"}),
    ('Optional["Order"]', {"anyOf": [{"$ref": "#/components/schemas/Order"},
                                     {"type": "null"}]}),
    ("Page[Order]", {"$ref": "#/components/schemas/Page"}),
    ("list", {"type": "array", "items": {REVIEW: "list without item type"}}),
    ("dict", {"type": "object"}),
    ("'Order'", {"$ref": "#/components/schemas/Order"}),
    ("Union[(int), str]", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
    ("Literal[1, -2, 'a', True, None]", {"enum": [1, -2, "a", True, None]}),
    # a tuple in its own parentheses is one argument, however it is spaced, and so is ()
    ("Tuple[( int, str)]", {"type": "array", "prefixItems": [{REVIEW: "unreadable annotation"}],
                            "minItems": 1, "maxItems": 1}),
    ("Tuple[(\n int,  # why\n str)]", {"type": "array",
                                         "prefixItems": [{REVIEW: "unreadable annotation"}],
                                         "minItems": 1, "maxItems": 1}),
    ("Tuple[()]", {"type": "array", "prefixItems": [{REVIEW: "unreadable annotation"}],
                   "minItems": 1, "maxItems": 1}),
])
def test_annotations_map_to_schemas(annotation: str, expected: dict[str, Any]) -> None:
    assert _schema(annotation) == expected


@pytest.mark.parametrize(("annotation", "why"), [
    (None, "no annotation"),
    ("Any", "Any"),
    ("Frobnicator", "unknown type Frobnicator"),
    ("Callable[[int], str]", "Callable[...] has no wire form"),
    ("Literal[CONSTANT]", "Literal of non-constant values"),
    ("list[int", "cannot read annotation 'list[int'"),
    ("__import__('os').system('x')", "unreadable annotation"),
    # what the parser folds away is read from the text: a concatenation is no forward
    # reference, and a tuple in its own parentheses is one argument, not two
    ("'Ord' 'er'", "string annotation"),
    ("b'Order'", "string annotation"),
    ("f'{x}'", "unreadable annotation"),
    ("Union[(int, str)]", "unreadable annotation"),
])
def test_what_cannot_be_typed_is_open_and_marked_for_review(annotation: str | None,
                                                            why: str) -> None:
    assert _schema(annotation) == {REVIEW: why}


def test_deep_nesting_stops_instead_of_recursing_forever() -> None:
    text = "list[" * 40 + "int" + "]" * 40
    schema = _schema(text)
    depth = 0
    while "items" in schema:
        schema, depth = schema["items"], depth + 1
    assert depth <= 13 and REVIEW in schema
