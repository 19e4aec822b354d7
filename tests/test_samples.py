"""The bundled samples: realistic layered monoliths whose answer keys match their code.

Later accuracy tests score seamline against ``samples/*/expected.toml``; these tests keep each
key complete and true to the code, checked with seamline's own code model.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from analyzer.model import ImportKind, ParseStatus
from tests.conftest import SAMPLES, run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SAMPLE_DIRS = sorted(p.parent for p in SAMPLES.glob("*/expected.toml"))
MAIN = SAMPLES / "tradepost"


def load(sample: Path) -> tuple[dict[str, Any], api.Analysis]:
    with (sample / "expected.toml").open("rb") as handle:
        key = tomllib.load(handle)
    return key, run(sample)


@pytest.fixture(scope="module", params=SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def sample(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any], api.Analysis]:
    path: Path = request.param
    key, analysis = load(path)
    return path, key, analysis


def test_the_main_sample_and_a_django_sample_exist() -> None:
    names = {p.name for p in SAMPLE_DIRS}
    assert "tradepost" in names
    assert len(names) >= 2


def test_every_file_parses(sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    _, _, analysis = sample
    assert [m.path for m in analysis.code.modules if m.status is not ParseStatus.OK] == []
    assert [d.render() for d in analysis.code.diagnostics if d.severity.value != "info"] == []


def test_key_names_every_module_once(sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    _, key, analysis = sample
    found = {m.name for m in analysis.code.modules}
    assert set(key["modules"]) == found


def test_key_names_every_top_level_definition(
        sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    _, key, analysis = sample
    found = {f"{m.name}:{d.name}" for m in analysis.code.modules for d in m.definitions}
    assert set(key["atoms"]) == found


def test_key_uses_only_declared_contexts(
        sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    _, key, _ = sample
    contexts = set(key["contexts"])
    assert "shared" in contexts
    assert set(key["modules"].values()) <= contexts | {"split"}
    assert set(key["atoms"].values()) <= contexts
    owned = [t for c in key["contexts"].values() for t in c.get("tables", [])]
    assert len(owned) == len(set(owned)), "a table has two owners in the key"


def test_split_modules_really_mix_contexts(
        sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    _, key, _ = sample
    by_module: dict[str, set[str]] = defaultdict(set)
    for atom, context in key["atoms"].items():
        by_module[atom.split(":")[0]].add(context)
    for module, context in key["modules"].items():
        if context == "split":
            assert len(by_module[module]) >= 2, module
        elif by_module[module]:
            assert by_module[module] == {context}, module


def test_table_access_evidence_points_at_real_lines(
        sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    path, key, analysis = sample
    modules = {m.path: m for m in analysis.code.modules}
    assert key["table_access"], "the key lists no table access"
    for access in key["table_access"]:
        assert access["mode"] in {"read", "write", "ddl"}
        assert access["via"] in {"sql", "sqlalchemy", "django"}
        module = modules[access["path"]]
        lines = (path / access["path"]).read_text().splitlines()
        assert 1 <= access["line"] <= len(lines)
        atom = access["atom"]
        if ":" in atom:
            [definition] = [d for d in module.definitions if f"{module.name}:{d.name}" == atom]
            assert definition.line <= access["line"] <= definition.end_line, access
        else:
            assert atom == module.name


def test_main_sample_is_a_realistic_layered_monolith() -> None:
    key, analysis = load(MAIN)
    modules = analysis.code.modules
    assert len(modules) >= 40
    business = set(key["contexts"]) - {"shared"}
    assert len(business) >= 6
    layers = {m.name.split(".")[1] for m in modules if m.name.count(".") >= 1}
    assert {"services", "repositories", "utils"} <= layers
    # organised by layer: each business context spans several technical folders
    spread: dict[str, set[str]] = defaultdict(set)
    for atom, context in key["atoms"].items():
        spread[context].add(atom.split(":")[0].split(".")[1])
    assert all(len(spread[c]) >= 2 for c in business)


def test_main_sample_has_the_deliberate_smells() -> None:
    key, _ = load(MAIN)
    kinds = {smell["kind"] for smell in key["smells"]}
    assert {"shared-table-write", "god-module", "context-cycle"} <= kinds


def test_samples_read_data_three_ways() -> None:
    keys = [load(p)[0] for p in SAMPLE_DIRS]
    styles = {a["via"] for key in keys for a in key["table_access"]}
    assert styles == {"sql", "sqlalchemy", "django"}
    _, analysis = load(MAIN)
    third_party = {i.module.split(".")[0] for m in analysis.code.modules for i in m.imports
                   if i.kind is ImportKind.THIRD_PARTY}
    assert "sqlalchemy" in third_party


def test_deliberate_smells_are_in_the_code(
        sample: tuple[Path, dict[str, Any], api.Analysis]) -> None:
    """Each smell the key declares is visible in the code model, not only claimed."""
    _, key, analysis = sample
    atoms: dict[str, str] = key["atoms"]
    context_of = dict(atoms)
    for module, context in key["modules"].items():
        context_of.setdefault(module, context)
    edges: set[tuple[str, str]] = set()
    for module in analysis.code.modules:
        for ref in module.references:
            source = context_of.get(ref.source)
            target = context_of.get(ref.target)
            if source and target and source != target:
                edges.add((source, target))
        for item in module.imports:
            source = key["modules"].get(module.name)
            target = key["modules"].get(item.module)
            ignored = (None, "split", "shared")
            if source not in ignored and target not in ignored and source != target:
                edges.add((source, target))
    for smell in key["smells"]:
        if smell["kind"] == "context-cycle":
            first, second = smell["contexts"]
            assert (first, second) in edges and (second, first) in edges, smell
        elif smell["kind"] == "sync-call-chain":
            chain = smell["contexts"]
            assert all(hop in edges for hop in itertools.pairwise(chain)), smell
        elif smell["kind"] == "god-module":
            mixed = {c for a, c in atoms.items() if a.split(":")[0] == smell["module"]}
            assert len(mixed) >= 3, smell
        elif smell["kind"] == "shared-table-write":
            writers = {context_of[a["atom"]] for a in key["table_access"]
                       if a["table"] == smell["table"] and a["mode"] == "write"}
            assert writers >= set(smell["contexts"]), smell
