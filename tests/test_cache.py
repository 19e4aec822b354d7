"""Facts are cached by content: a second run re-parses only what changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from analyzer.model import FileFacts, ParseStatus, Severity, facts_from_data, facts_to_data
from analyzer.render.json import analysis_document, dumps
from tests.conftest import Tree, module, run

FILES: Tree = {
    "app/__init__.py": "",
    "app/a.py": "from app.b import helper\n\ndef main():\n    return helper()\n",
    "app/b.py": "def helper():\n    return 1\n",
    "app/broken.py": "def (:\n",
}


def document(analysis: object) -> bytes:
    from analyzer.api import Analysis
    assert isinstance(analysis, Analysis)
    return dumps(analysis_document("proj", analysis.discovery.source_roots, analysis.code,
                                    analysis.data))


def test_second_run_reads_everything_from_the_cache(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    cold = run(root, no_cache=False, cache_dir=cache)
    warm = run(root, no_cache=False, cache_dir=cache)
    assert (cold.stats.parsed, cold.stats.cached) == (4, 0)
    assert (warm.stats.parsed, warm.stats.cached) == (0, 4)
    assert document(cold) == document(warm)  # broken files are cached as broken, too


def test_only_changed_files_are_parsed_again(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    run(root, no_cache=False, cache_dir=cache)
    (root / "app" / "b.py").write_text("def helper():\n    return 2\n\ndef extra(): ...\n")
    again = run(root, no_cache=False, cache_dir=cache)
    assert (again.stats.parsed, again.stats.cached) == (1, 3)
    assert [d.name for d in module(again, "app.b").definitions] == ["helper", "extra"]


def test_identical_files_at_two_places_are_resolved_separately(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    same = "from . import models\n\ndef load():\n    return models.Thing()\n"
    root = project({"one/__init__.py": "", "one/models.py": "class Thing: ...\n",
                    "one/api.py": same, "two/__init__.py": "",
                    "two/models.py": "class Thing: ...\n", "two/api.py": same})
    analysis = run(root, no_cache=False, cache_dir=tmp_path / "cache")
    assert [r.target for r in module(analysis, "one.api").references] == ["one.models:Thing"]
    assert [r.target for r in module(analysis, "two.api").references] == ["two.models:Thing"]


def test_a_damaged_cache_costs_time_once_and_is_rebuilt(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    cache.mkdir()
    for attempt in range(2):  # damaged twice: only the newest damaged copy is kept
        (cache / "facts-v1.sqlite3").write_bytes(b"this is not a database" * 100)
        (cache / "facts-v1.sqlite3-journal").write_bytes(b"stale")
        analysis = run(root, no_cache=False, cache_dir=cache)
        assert [r.target for r in module(analysis, "app.a").references] == ["app.b:helper"]
        rebuilt = [d for d in analysis.code.diagnostics if d.code == "cache-rebuilt"]
        assert [d.severity for d in rebuilt] == [Severity.WARNING]
        assert "kept as facts-v1.sqlite3.corrupt-" in rebuilt[0].message
        assert (analysis.stats.parsed, analysis.stats.cached) == (4, 0)
        kept = [p for p in cache.iterdir() if ".corrupt-" in p.name]
        assert len(kept) == 1, (attempt, kept)
        assert kept[0].read_bytes().startswith(b"this is not a database")
        assert not (cache / "facts-v1.sqlite3-journal").exists()
        again = run(root, no_cache=False, cache_dir=cache)
        assert (again.stats.parsed, again.stats.cached) == (0, 4)  # repaired
        assert not any(d.code.startswith("cache-") for d in again.code.diagnostics)


def test_a_cache_found_malformed_while_reading_is_rebuilt(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    run(root, no_cache=False, cache_dir=cache)
    database = cache / "facts-v1.sqlite3"
    data = database.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    database.write_bytes(data[:page] + b"\xff" * (len(data) - page))  # the header survives
    analysis = run(root, no_cache=False, cache_dir=cache)
    assert [d.code for d in analysis.code.diagnostics if d.code.startswith("cache-")] == [
        "cache-rebuilt"]
    assert (analysis.stats.parsed, analysis.stats.cached) == (4, 0)
    again = run(root, no_cache=False, cache_dir=cache)
    assert (again.stats.parsed, again.stats.cached) == (0, 4)


def test_a_cache_that_cannot_be_opened_is_skipped_not_moved(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    (cache / "facts-v1.sqlite3").mkdir(parents=True)  # not damaged: unusable
    analysis = run(root, no_cache=False, cache_dir=cache)
    assert [d.code for d in analysis.code.diagnostics if d.code.startswith("cache-")] == [
        "cache-unavailable"]
    assert sorted(p.name for p in cache.iterdir()) == ["facts-v1.sqlite3"]


def test_cache_codec_round_trips(project: Callable[[Tree], Path]) -> None:
    from analyzer.extract.code import extract
    source = (Path(__file__).parent.parent / "analyzer" / "extract" / "code.py").read_bytes()
    facts = extract(source, marker="@generated", include_generated=False, max_bytes=10**6)
    assert facts.status is ParseStatus.OK and facts.uses
    restored = facts_from_data(json.loads(json.dumps(facts_to_data(facts))))
    assert restored == facts
    broken = FileFacts(ParseStatus.SYNTAX_ERROR, 3, problem=(2, "bad"))
    assert facts_from_data(json.loads(json.dumps(facts_to_data(broken)))) == broken
