"""analyzer.jsonout writes exactly the bytes of ``json.dumps(value, indent=1,
ensure_ascii=False)``: on random values, on the shapes it hands back to ``json``, and on
the sample's real documents."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import jsonout
from analyzer.coupling import CouplingGraph, Edge, Node, dumps_graph, graph_to_data
from analyzer.model import (
    Definition,
    Import,
    ImportKind,
    Method,
    Module,
    Param,
    ParseStatus,
    Reference,
    Variable,
)
from analyzer.render.json import analysis_document, analysis_json, dumps
from tests.conftest import SAMPLES, run


def _standard(value: Any) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Mode(str, enum.Enum):
    READ = "read"


class Name(str):
    pass


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(), st.sampled_from([Level.HIGH, Mode.READ, Name("n"), 2**80, -0.0, 1e16, 1e-7]),
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(),
                 st.none(), st.just(Name("key")))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(), inner, max_size=5),
        st.dictionaries(keys, inner, max_size=5),
    ),
    max_leaves=40,
)


@settings(max_examples=400)
@given(values)
def test_the_bytes_are_the_standard_librarys(value: Any) -> None:
    assert jsonout.dumps(value) == _standard(value)


def test_shapes_json_alone_knows_are_written_as_json_writes_them() -> None:
    value = {"a": [{"1": {7: "int key", 2.5: None, True: [], None: {}}},
                   [math.nan, math.inf, -math.inf], {"level": Level.HIGH, "mode": Mode.READ}],
             "control": "tab\there, quote \" and back\\slash, \x00 \u2028 é 字", "e": [[], {}]}
    assert jsonout.dumps(value) == _standard(value)


def test_what_json_refuses_jsonout_refuses() -> None:
    for value in ({"x": [Colour.RED]}, {(1, 2): 3}):
        for encode in (jsonout.dumps, _standard):
            try:
                encode(value)
            except TypeError:
                continue
            raise AssertionError(f"{encode} wrote {value!r}")


def test_the_samples_documents_are_unchanged() -> None:
    analysis = run(SAMPLES / "shopfront")
    document = analysis_document("shopfront", (), analysis.code, analysis.data)
    assert dumps(document) == _standard(document)
    assert dumps_graph(analysis.graph) == _standard(graph_to_data(analysis.graph))


@pytest.mark.parametrize("sample", ["tradepost", "shopfront", "djshop", "atelier"])
def test_analysis_json_is_the_documents_bytes(sample: str) -> None:
    """The modules written straight to text (``render/modules_json.py``) and the rest of the
    document as dicts make the same bytes as the whole document made as dicts."""
    analysis = run(SAMPLES / sample)
    made = (sample, ("src",), analysis.code, analysis.data)
    assert analysis_json(*made) == _standard(analysis_document(*made))


texts = st.text(max_size=8)
optional = st.none() | texts
lines = st.integers(min_value=0, max_value=10**6)
params = st.builds(Param, texts, texts, optional, optional)
names = st.lists(texts, max_size=3).map(tuple)
methods = st.builds(Method, texts, lines, lines, names, st.booleans(),
                    st.lists(params, max_size=3).map(tuple), optional)
modules = st.builds(
    Module, texts, texts, st.booleans(), lines, st.sampled_from(ParseStatus),
    st.lists(st.builds(Import, texts, optional, optional, lines, st.sampled_from(ImportKind),
                       lines, st.booleans(), st.booleans(), st.booleans(), st.booleans()),
             max_size=3).map(tuple),
    st.lists(st.builds(Definition, texts, texts, lines, lines, names, names,
                       st.lists(methods, max_size=3).map(tuple), st.booleans(),
                       st.lists(params, max_size=3).map(tuple), optional),
             max_size=3).map(tuple),
    st.lists(st.builds(Variable, texts, lines), max_size=2).map(tuple),
    st.lists(st.builds(Reference, texts, texts, lines, lines, names, names),
             max_size=3).map(tuple))


@settings(max_examples=200)
@given(st.lists(modules, max_size=3))
def test_modules_written_as_text_are_the_dicts_bytes(found: list[Module]) -> None:
    from analyzer.render.json import _module
    from analyzer.render.modules_json import modules_text

    text = jsonout.Text(lambda newline: modules_text(found, newline))
    dicts = [_module(m) for m in found]
    assert jsonout.dumps(text) == _standard(dicts)
    assert jsonout.dumps({"a": [{"modules": text}]}) == _standard({"a": [{"modules": dicts}]})


graph_nodes = st.builds(Node, texts, texts, texts, texts, lines, lines, names, texts)
weights = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 1e-7, 0.1234565, 2.5e300, float("inf"), 3, True]) | st.integers()
graph_edges = st.builds(Edge, texts, texts, texts, texts, weights, lines,
                        st.lists(st.tuples(texts, texts), max_size=2).map(tuple))
graphs = st.builds(CouplingGraph, texts, st.lists(graph_nodes, max_size=3).map(tuple),
                   st.lists(graph_edges, max_size=3).map(tuple), names)


@settings(max_examples=300)
@given(graphs)
def test_graph_json_written_as_text_is_the_dicts_bytes(graph: CouplingGraph) -> None:
    # nodes and edges are written one piece of text each: roles, terms, evidence, any weight
    assert dumps_graph(graph) == _standard(graph_to_data(graph))


def test_a_text_is_written_in_pieces_and_read_back_where_the_standard_library_writes() -> None:
    # a Text's pieces, far more than one flush's worth, one of them wide (U+2014)
    pieces = ["[", *(f"\n  {i}," for i in range(200_000)), '\n  "\u2014"\n ]']
    text = jsonout.Text(lambda newline: pieces)
    expected = [*range(200_000), "\u2014"]
    assert jsonout.dumps({"a": text}) == _standard({"a": expected})
    # a key that is no string sends the document to the standard library: the Text too
    assert jsonout.dumps({"a": text, "b": {1: 2}}) == _standard({"a": expected, "b": {1: 2}})
