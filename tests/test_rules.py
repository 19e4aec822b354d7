"""The rule catalogue: one case file per rule (``tests/rules/SL*.toml``) with code that must
trigger it and code that must not, each run through the whole pipeline with its agreed
decomposition pinned in ``seamline.toml``; the catalogue, the checks and the documentation
pages in step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from analyzer.catalogue import catalogue
from analyzer.findings import Finding
from analyzer.findings.rule import Rule
from analyzer.findings.rules import RULES
from analyzer.tomlfile import read_toml
from tests.conftest import REPO, run, write_tree

CASES = REPO / "tests" / "rules"
DOCS = REPO / "rules" / "docs"


def _case(code: str) -> dict[str, Any]:
    return read_toml(CASES / f"{code}.toml")


def _analyse(tmp_path: Path, case: dict[str, Any], variant: str) -> api.Analysis:
    root = write_tree(tmp_path / variant, dict(case[variant]["files"]))
    (root / "seamline.toml").write_text(case.get("config", ""), encoding="utf-8")
    return run(root)


def _of(analysis: api.Analysis, code: str) -> list[Finding]:
    return [f for f in analysis.findings.findings if f.code == code]


def _where(finding: Finding) -> set[str]:
    return {f"{e.path}:{e.line}" for e in finding.evidence}


@pytest.mark.parametrize("code", [r.code for r in catalogue() if r.stage == "analyze"])
def test_each_rule_fires_on_its_trigger_case_exactly_as_expected(tmp_path: Path,
                                                                 code: str) -> None:
    case = _case(code)
    assert case["rule"] == code
    analysis = _analyse(tmp_path, case, "trigger")
    assert not analysis.decomposition.conflicts
    found = _of(analysis, code)
    expected = case["trigger"]["expect"]
    assert len(found) == len(expected), [f.message for f in found]
    for want in expected:
        matches = [f for f in found if set(f.contexts) == set(want["contexts"])
                   and set(want.get("tables", [])) <= set(f.tables)
                   and set(want.get("evidence", [])) <= _where(f)
                   and want.get("message", "") in f.message]
        assert matches, (want, [(f.contexts, f.tables, sorted(_where(f)), f.message)
                                for f in found])
    for item in found:
        assert item.evidence and item.remediation and item.message
        assert item.name == next(r.name for r in catalogue() if r.code == code)


@pytest.mark.parametrize("code", [r.code for r in catalogue() if r.stage == "analyze"])
def test_each_rule_stays_quiet_on_its_clean_case(tmp_path: Path, code: str) -> None:
    analysis = _analyse(tmp_path, _case(code), "clean")
    assert not analysis.decomposition.conflicts
    assert _of(analysis, code) == [], [f.message for f in _of(analysis, code)]


def test_catalogue_registry_cases_and_pages_are_in_step() -> None:
    codes = [r.code for r in catalogue()]
    assert codes == sorted(RULES)  # every rule of the catalogue runs, and nothing else does
    # the SL4xx cases are run by tests/test_check_rules.py
    assert sorted(p.stem for p in CASES.glob("SL*.toml")) == codes
    assert sorted(p.stem for p in DOCS.glob("SL*.md")) == codes
    names = [r.name for r in catalogue()]
    assert len(set(names)) == len(names)
    for known in catalogue():
        assert re.fullmatch(r"SL[1-9][0-9]{2}", known.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", known.name)
        page = known.doc.read_text(encoding="utf-8")
        assert page.startswith(f"# {known.code} {known.name}\n")
        assert f"**Default severity:** {known.severity}" in page
        for heading in ("What it finds", "Why it blocks a split", "Example", "How to fix it",
                        "Options", "Configuration"):
            assert f"\n## {heading}\n" in page, (known.code, heading)
        for option in known.options:
            assert f"`{option.name}`" in page, (known.code, option.name)
        assert known.code in (DOCS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(RULES))
def test_each_rule_is_registered_under_its_own_code_and_the_catalogues_name(code: str) -> None:
    rule = RULES[code]
    assert issubclass(rule, Rule) and rule.code == code
    known = rule.catalogued()
    assert rule.name == known.name
    assert (rule.severity(), rule.stage(), rule.doc()) == (known.severity, known.stage,
                                                           known.doc)
    # each family module holds one hundred of the codes (SL1xx data, SL2xx dependencies...)
    family = {"1": "data", "2": "dependencies", "3": "shape", "4": "drift"}[code[2]]
    assert rule.__module__ in (f"analyzer.findings.rules.{family}", "analyzer.findings.chains")
    # made with no options, a rule takes the catalogue's defaults; given some, those
    assert rule().options == {o.name: o.default for o in known.options}
    for option in known.options:
        assert rule({option.name: 7}).options[option.name] == 7
