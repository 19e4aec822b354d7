"""The YAML writer: whatever JSON can hold reads back identical with a real YAML parser
(PyYAML, a YAML 1.1 reader, the strictest about plain scalars)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.yamlout import dumps

TRICKY = ["", " ", "yes", "No", "on", "OFF", "null", "~", "true", "1", "1.5", "-2", "1e3",
          ".inf", "0x1F", "0o17", "12:30", "2026-11-23", "a: b", "a #b", "#x", "- item",
          "key:", "[x]", "{x}", "*ref", "&anchor", "!tag", "|", ">", "'q'", '"q"', "back\\slash",
          "line\nbreak", "tab\there", "  lead", "trail  ", "é ü 🚀", "/orders/{order_id}",
          "application/json", "#/components/schemas/Order", "x-seamline-review", "@at", "%p",
          "`tick`", "?q", "a,b", "=", "<script>"]


@pytest.mark.parametrize("text", TRICKY)
def test_every_tricky_string_reads_back_as_the_same_string(text: str) -> None:
    assert yaml.safe_load(dumps({"v": text, text: [text]})) == {"v": text, text: [text]}


def test_an_openapi_like_document_is_block_yaml_in_the_given_order() -> None:
    document = {"openapi": "3.1.0", "info": {"title": "orders", "version": "0.1.0"},
                "paths": {"/orders/{order_id}": {"get": {
                    "operationId": "orders.get_order", "parameters": [
                        {"name": "order_id", "in": "path", "required": True,
                         "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "OK"}}}}},
                "components": {"schemas": {}}, "tags": []}
    text = dumps(document)
    assert text.startswith("openapi: 3.1.0\ninfo:\n  title: orders\n")
    assert "  /orders/{order_id}:\n" in text  # a path is a plain key
    assert "      parameters:\n        - name: order_id\n          in: path\n" in text
    assert "components:\n  schemas: {}\ntags: []\n" in text
    assert yaml.safe_load(text) == document
    assert list(yaml.safe_load(text)) == list(document)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10), JSON, max_size=5))
def test_any_json_document_round_trips(document: dict[str, Any]) -> None:
    assert yaml.safe_load(dumps(document)) == document


def test_what_json_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(TypeError):
        dumps({1: "x"})  # type: ignore[dict-item]


def test_values_that_compare_equal_are_each_written_as_themselves() -> None:
    # each document remembers how it wrote a string; 1, 1.0 and True are equal in Python
    document = {"1": [1, "1", True, 1.0, "true"], "true": {"1": True, "x": 1.0},
                "items": [{"1": "1"}, {"1": 1}]}
    assert yaml.safe_load(dumps(document)) == document
    assert [type(v) for v in yaml.safe_load(dumps(document))["1"]] == [int, str, bool, float, str]
