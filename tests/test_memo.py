"""What an earlier run computed is remembered, never trusted: the Leiden runs of the same graph,
the vocabulary's vectors of the same documents and the drawings of the same map are recalled
from the cache, and the outputs are the same bytes whether they were recalled, made afresh,
or recalled from a damaged memo."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from analyzer import api
from analyzer.cache import _MEMO_KEPT, FactCache
from analyzer.cluster import decompose
from analyzer.config import Overrides, load_settings
from analyzer.coupling import dumps_graph
from analyzer.graph import build_graph
from analyzer.graph.vocabulary import similarity
from analyzer.render import contextmap
from tests.conftest import SAMPLES


class Memo:
    """A memo in a dict, that counts what it is asked (the protocol's simplest keeper)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.recalled = self.remembered = 0

    def recall(self, key: str) -> bytes | None:
        self.recalled += key in self.kept
        return self.kept.get(key)

    def remember(self, key: str, value: bytes) -> None:
        self.remembered += 1
        self.kept[key] = value


@pytest.fixture(scope="module")
def shopfront() -> api.Analysis:
    return api.analyze(load_settings(SAMPLES / "shopfront", Overrides(no_cache=True, jobs=1)))


def test_the_cut_recalls_its_leiden_runs_and_is_the_same(shopfront: api.Analysis) -> None:
    graph, options = shopfront.graph, shopfront.settings.clustering
    memo = Memo()
    first = decompose(graph, replace(options, memo=memo))
    assert memo.remembered > 0 and memo.recalled == 0
    made = memo.remembered
    second = decompose(graph, replace(options, memo=memo))
    assert memo.remembered == made  # nothing made again: every batch of runs was recalled
    assert memo.recalled == made
    assert first == second == shopfront.decomposition


def test_a_damaged_memo_is_a_miss(shopfront: api.Analysis) -> None:
    graph, options = shopfront.graph, shopfront.settings.clustering
    memo = Memo()
    decompose(graph, replace(options, memo=memo))
    made = memo.remembered
    for n, key in enumerate(sorted(memo.kept)):  # cut short, or labels past the last node
        value = memo.kept[key]
        memo.kept[key] = value[:-4] if n % 2 else b"\xff\xff\xff\x7f" * (len(value) // 4)
    assert decompose(graph, replace(options, memo=memo)) == shopfront.decomposition
    assert memo.remembered == 2 * made  # each made again, and remembered again


def _graph(analysis: api.Analysis, memo: Memo | None) -> bytes:
    settings = analysis.settings
    built = api.models(replace(settings, jobs=1))
    graph = build_graph(settings.project, built.codebase, built.data, settings.root, memo=memo)
    return dumps_graph(graph.graph)


def test_the_graph_recalls_its_vocabulary_and_is_the_same(shopfront: api.Analysis) -> None:
    memo = Memo()
    made = _graph(shopfront, memo)
    assert made == dumps_graph(shopfront.graph) == _graph(shopfront, None)
    assert [key.partition(":")[0] for key in memo.kept] == ["vocabulary"]
    assert (memo.remembered, memo.recalled) == (1, 0)
    assert _graph(shopfront, memo) == made
    assert (memo.remembered, memo.recalled) == (1, 1)  # recalled, not vectorised again
    assert b'"signal": "vocabulary"' in made


def test_changed_documents_are_vectorised_again() -> None:
    ids = ["a:Order", "b:OrderLine", "c:Customer", "d:Invoice"]
    documents = ["order order line", "order line item", "customer name", "invoice order"]
    memo = Memo()
    first = similarity(ids, documents, memo=memo)
    assert first.neighbours and first.terms
    assert similarity(ids, documents, memo=memo) == first and memo.recalled == 1
    other = similarity(ids, [*documents[:3], "invoice customer"], memo=memo)
    assert memo.remembered == 2 and other != first
    assert similarity(ids, documents, nouns_only=True, memo=memo) is not None
    assert memo.remembered == 3  # the settings are part of the key too


@pytest.mark.parametrize("value", [
    b"", b"not json", b"[]", b'{"terms": []}', b'{"terms": [], "pairs": [], "more": 1}',
    b'{"terms": [[9, ["x"]]], "pairs": []}',  # an atom past the last
    b'{"terms": [[0, [1]]], "pairs": []}',  # a term that is no string
    b'{"terms": [], "pairs": [[1, 0, 0.5]]}',  # a pair out of order
    b'{"terms": [], "pairs": [[0, 1, 2.5]]}',  # a similarity above 1
    b'{"terms": [], "pairs": [[0, 1, "0.5"]]}', b'{"terms": [], "pairs": [[0, true, 0.5]]}',
    b'{"terms": [], "pairs": [[0, 1]]}',
    b"[" * 100_000,  # deeper than the decoder goes
    b'{"terms": [[0, ["\\ud800x"]]], "pairs": []}',  # a lone surrogate: no word
    b'{"terms": [[0, ["Order"]]], "pairs": []}',  # not a word of the documents
    b'{"terms": [[0, []]], "pairs": []}',
    b'{"terms": [[0, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]]], "pairs": []}',
    b'{"terms": [[1, ["order"]], [0, ["order"]]], "pairs": []}',  # out of order
    b'{"terms": [[0, ["order"]], [0, ["line"]]], "pairs": []}',  # twice
    b'{"terms": [], "pairs": [[0, 1, 0.5], [0, 1, 0.5]]}',  # a pair twice: its weight summed
    b'{"terms": [], "pairs": [[0, 2, 0.5], [0, 1, 0.5]]}',
])
def test_a_damaged_vocabulary_memo_is_a_miss(value: bytes) -> None:
    ids = ["a:Order", "b:OrderLine", "c:Customer", "d:Invoice"]
    documents = ["order order line", "order line item", "customer name", "invoice order"]
    memo = Memo()
    made = similarity(ids, documents, memo=memo)
    (key,) = memo.kept
    memo.kept[key] = value
    assert similarity(ids, documents, memo=memo) == made
    assert memo.remembered == 2  # made again, and remembered again


def test_the_cache_remembers_the_most_recently_used(tmp_path: Path) -> None:
    kept = _MEMO_KEPT["leiden:"]
    first = FactCache(tmp_path)
    for n in range(kept):
        first.remember(f"leiden:{n:03}", b"%d" % n)
    assert first.recall("leiden:001") == b"1"  # before it is written
    first.close()
    second = FactCache(tmp_path)
    assert second.recall("leiden:000") == b"0"  # used again: it stays
    for n in range(5):
        second.remember(f"leiden:b{n}", b"b")
    second.close()  # five too many: the five least recently used are forgotten
    third = FactCache(tmp_path)
    assert third.recall("leiden:000") == b"0" and third.recall("leiden:b4") == b"b"
    assert [third.recall(f"leiden:{n:03}") is None for n in range(1, kept)].count(True) == 5
    third.close()
    assert FactCache(None).recall("leiden:000") is None  # no cache, no memo


def test_one_kind_of_memo_never_pushes_out_another(tmp_path: Path) -> None:
    # "drawing:" sorts before "leiden:": a run of many drawings must not cost the Leiden runs
    cache = FactCache(tmp_path)
    for n in range(10):
        cache.remember(f"leiden:{n}", b"runs")
    for n in range(_MEMO_KEPT["drawing:"] + 40):
        cache.remember(f"drawing:{n:04}", b"svg")
    cache.remember("other:1", b"x")  # no kind of the memo: not kept
    cache.close()
    again = FactCache(tmp_path)
    assert all(again.recall(f"leiden:{n}") == b"runs" for n in range(10))
    drawn = [again.recall(f"drawing:{n:04}") for n in range(_MEMO_KEPT["drawing:"] + 40)]
    assert drawn.count(None) == 40
    assert again.recall("other:1") is None


def test_the_reports_drawings_are_recalled_when_graphviz_is_gone(
        shopfront: api.Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = replace(shopfront.settings, cache_dir=tmp_path / "cache")
    analysis = replace(shopfront, settings=settings)
    first = api.write_analysis(analysis, tmp_path / "first")
    contextmap._engine()  # graphviz's version, known to this process from here on
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no `dot` to run any more
    assert contextmap.render("digraph { a -> b }") is None
    second = api.write_analysis(analysis, tmp_path / "second")
    assert not second.notes  # no "graphviz's dot was not found": every drawing was recalled
    pages = sorted(p.name for p in (tmp_path / "first").glob("*.html"))
    assert pages and pages == sorted(p.name for p in (tmp_path / "second").glob("*.html"))
    for name in pages:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    assert first.report.name == second.report.name


def test_a_drawing_memo_of_another_shape_is_redrawn() -> None:
    assert contextmap.unpack(None) is None
    assert contextmap.unpack(b"no header") is None
    assert contextmap.unpack(b"999\n<svg") is None  # shorter than it says
    assert contextmap.unpack(b"1" * 5000 + b"\n<svg>") is None  # past int()'s digits
    assert contextmap.unpack(b"5\nhello<map>") is None  # not an SVG
    assert contextmap.unpack(b"4\n<svg\xff") is None  # an image map that is not UTF-8
    rendered = (b"<svg width=\"1pt\" height=\"2pt\"></svg>", "<map></map>")
    assert contextmap.unpack(contextmap.pack(rendered)) == rendered
    for size in (b"1.2.3", b"9" * 400, b"-1", b"1e9"):  # a damaged one: no size, no crash
        svg = b'<svg width="' + size + b'pt" height="1pt"></svg>'
        recalled = contextmap.unpack(contextmap.pack((svg, "")))
        assert recalled is not None
        drawn = contextmap.drawing(recalled, {})
        assert (drawn.width, drawn.height) == (0, 0)
    assert contextmap.drawing((b'<svg width="12.5pt" height="3pt">', ""), {}).width == 17
