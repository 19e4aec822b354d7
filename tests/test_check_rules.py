"""The rule catalogue of ``seamline check``: one case file per SL4xx rule
(``tests/rules/SL4*.toml``), in the format of the analyze rules' case files
(``tests/test_rules.py``), each run through the whole check against the agreed decomposition
the case gives. A drift rule judges code against an agreed decomposition, so its case holds
one (``decomposition``, written as ``seamline-decomposition.toml``) and, for the rules that
compare with the past, a baseline (``baseline``, written as ``seamline-baseline.json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from analyzer.catalogue import catalogue
from analyzer.config import Overrides, load_settings
from analyzer.findings import Finding
from analyzer.findings.rules import RULES
from analyzer.tomlfile import read_toml
from tests.conftest import REPO, write_tree

CASES = REPO / "tests" / "rules"
DRIFT_RULES = [code for code, rule in RULES.items() if rule.stage() == "check"]


def _case(code: str) -> dict[str, Any]:
    case = read_toml(CASES / f"{code}.toml")
    assert case["rule"] == code
    return case


def _check(tmp_path: Path, case: dict[str, Any], variant: str) -> list[Finding]:
    """Every violation of the case's rule that ``seamline check`` reports on the variant,
    new or known."""
    root = write_tree(tmp_path / variant, dict(case[variant]["files"]))
    decomposition = root / "seamline-decomposition.toml"
    decomposition.write_text(case["decomposition"], encoding="utf-8")
    baseline = root / "seamline-baseline.json"
    if "baseline" in case:
        baseline.write_text(case["baseline"], encoding="utf-8")
    done = api.check(load_settings(root, Overrides(no_cache=True, jobs=1)), decomposition,
                     baseline)
    assert not done.unread, [d.render() for d in done.unread]
    return [f for f in (*done.outcome.new, *done.outcome.known) if f.code == case["rule"]]


def _where(finding: Finding) -> set[str]:
    return {f"{e.path}:{e.line}" for e in finding.evidence}


@pytest.mark.parametrize("code", DRIFT_RULES)
def test_each_check_rule_fires_on_its_trigger_case_exactly_as_expected(tmp_path: Path,
                                                                       code: str) -> None:
    case = _case(code)
    found = _check(tmp_path, case, "trigger")
    expected = case["trigger"]["expect"]
    assert len(found) == len(expected), [(f.subject, f.message) for f in found]
    for want in expected:
        matches = [f for f in found if set(f.contexts) == set(want["contexts"])
                   and f.subject == want.get("subject", f.subject)
                   and set(want.get("tables", [])) <= set(f.tables)
                   and set(want.get("evidence", [])) <= _where(f)
                   and want.get("message", "") in f.message]
        assert matches, (want, [(f.contexts, f.subject, f.tables, sorted(_where(f)), f.message)
                                for f in found])
    for item in found:
        assert item.evidence and item.remediation and item.message
        assert item.name == next(r.name for r in catalogue() if r.code == code)


@pytest.mark.parametrize("code", DRIFT_RULES)
def test_each_check_rule_stays_quiet_on_its_clean_case(tmp_path: Path, code: str) -> None:
    found = _check(tmp_path, _case(code), "clean")
    assert found == [], [f.message for f in found]


def test_the_check_rules_are_the_sl4xx_family() -> None:
    assert [r.code for r in catalogue() if r.stage == "check"] == DRIFT_RULES
    assert [f"SL40{n}" for n in range(1, 8)] == DRIFT_RULES
