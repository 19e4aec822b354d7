"""The output formats of ``seamline check`` (``analyzer.render.ci``), on outcomes built by hand:
a hostile message, a path with a comma and a colon, more evidence than the text shows, a
violation without evidence, known and stale entries."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from analyzer.catalogue import catalogue, rule
from analyzer.drift.baseline import Outcome
from analyzer.findings.facts import Evidence, Finding
from analyzer.render.ci import FORMATS, render

DATA = Path(__file__).resolve().parent / "data"
VERSION = "9.8.7"
DECOMPOSITION = "seamline-decomposition.toml"
HOSTILE = ('orders uses <script>alert("x")</script> & billing, twice:\n'
           'line two: "quoted" 100% done\r\n::error file=x.py::injected %0A')
ODD_PATH = "shop/odd,name:v2.py"


def _finding(code: str, severity: str, message: str, subject: str,
             evidence: list[Evidence], remediation: str = "") -> Finding:
    known = rule(code)
    return Finding(code, known.name, severity, message, ("billing", "orders"), ("invoices",),
                   tuple(sorted(set(evidence))), remediation, subject)


def _outcome(baseline_coupling: float | None = 0.11) -> Outcome:
    forbidden = _finding(
        "SL401", "error", HOSTILE, "orders->billing",
        [Evidence("shop/orders/service.py", 12, "orders.service:place -> billing.api:charge")]
        + [Evidence("shop/orders/views.py", n, f"use {n}") for n in range(20, 32)],
        "add billing to the `uses` of orders, or call it through an event: see the "
        "decomposition, section [contexts.orders]")
    read = _finding("SL404", "warning", "orders reads invoices, owned by billing",
                    "orders.views->invoices", [Evidence(ODD_PATH, 0, "SELECT, via raw SQL")],
                    "read it through billing's API")
    unassigned = _finding("SL405", "info", "shop.misc matches no context", "shop.misc", [],
                          "add a pattern for it")
    known = _finding("SL402", "error", "orders imports billing.internal",
                     "orders->billing.internal",
                     [Evidence("shop/orders/models.py", 3, "import billing.internal")],
                     "import billing.api instead")
    return Outcome(new=(forbidden, read, unassigned), known=(known,),
                   stale=(("SL403", "billing->stock", "billing writes stock"),),
                   coupling=0.123, baseline_coupling=baseline_coupling)


EMPTY = Outcome(new=(), known=(), stale=(), coupling=0.0, baseline_coupling=None)


def _render(fmt: str, outcome: Outcome | None = None, strict: bool = False) -> str:
    return render(_outcome() if outcome is None else outcome, fmt, version=VERSION,
                  decomposition=DECOMPOSITION, strict=strict)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_ends_with_a_newline(fmt: str) -> None:
    first = _render(fmt)
    assert first == _render(fmt)  # a separately built, equal outcome
    assert first.endswith("\n")
    if fmt in ("sarif", "junit"):
        assert VERSION in first
    assert _render(fmt, EMPTY).endswith("\n")


@pytest.mark.parametrize("fmt", ["", "TEXT", "xml", "checkstyle"])
def test_an_unknown_format_is_a_value_error(fmt: str) -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        _render(fmt)


# -- text -------------------------------------------------------------------------------------


def test_text_lists_new_violations_at_path_line_with_capped_evidence_and_fix() -> None:
    lines = _render("text").splitlines()
    assert lines[0] == ("shop/orders/service.py:12: error SL401 forbidden-dependency: "
                        'orders uses <script>alert("x")</script> & billing, twice: '
                        'line two: "quoted" 100% done ::error file=x.py::injected %0A')
    evidence = [line for line in lines if line.startswith("  evidence: ")]
    assert evidence[0] == "  evidence: shop/orders/views.py:20 (use 20)"
    assert len(evidence) == 10
    assert "  ... and 2 more" in lines
    assert any(line.startswith("  fix: add billing to the `uses`") for line in lines)
    assert f"{ODD_PATH}:0: warning SL404 other-context-table-read: orders reads invoices, " \
           "owned by billing" in lines
    # without evidence a violation is placed in the decomposition file
    assert f"{DECOMPOSITION}:1: info SL405 unassigned-module: shop.misc matches no context" \
        in lines


def test_text_counts_known_lists_stale_and_ends_with_the_summary() -> None:
    lines = _render("text").splitlines()
    assert "1 known violation recorded in the baseline" in lines
    assert "stale baseline entry: SL403 billing->stock (billing writes stock)" in lines
    assert lines[-1] == ("check: 3 new (1 error, 1 warning), 1 known, 1 stale; "
                         "coupling 12.3% (baseline 11.0%)")
    without = _render("text", _outcome(baseline_coupling=None)).splitlines()
    assert without[-1] == ("check: 3 new (1 error, 1 warning), 1 known, 1 stale; "
                           "coupling 12.3%")
    assert _render("text", EMPTY) == "check: 0 new (0 errors, 0 warnings), 0 known, 0 stale; " \
                                     "coupling 0.0%\n"


def test_text_keeps_each_violation_on_one_line() -> None:
    """No line of a message starts a line of output: GitHub Actions runs any log line that
    starts with ``::`` (leading spaces ignored) as a workflow command."""
    lines = _render("text").splitlines()
    assert len([line for line in lines if " SL401 " in line]) == 1
    assert not any(line.lstrip().startswith("::") for line in lines)
    odd = _finding("SL401", "error", "first\n::error::second", "a->b",
                   [Evidence("a.py", 1, "x"), Evidence("b.py", 2, "y\n::warning::z")],
                   "fix\r\n::notice::it")
    text = _render("text", Outcome((odd,), (), (("SL401", "c\nd", "e\n::f"),), 0.0, None))
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())


# -- json -------------------------------------------------------------------------------------


def _finding_from(data: dict[str, Any]) -> Finding:
    return Finding(data["code"], data["name"], data["severity"], data["message"],
                   tuple(data["contexts"]), tuple(data["tables"]),
                   tuple(Evidence(**e) for e in data["evidence"]), data["remediation"],
                   data["subject"])


def test_json_round_trips_the_whole_outcome() -> None:
    outcome = _outcome()
    data = json.loads(_render("json"))
    assert data["format"] == "seamline-check"
    assert data["version"] == 1
    assert tuple(_finding_from(f) for f in data["new"]) == outcome.new
    assert tuple(_finding_from(f) for f in data["known"]) == outcome.known
    assert data["new"][0]["message"] == HOSTILE
    assert data["new"][0]["evidence"][0] == {
        "path": "shop/orders/service.py", "line": 12,
        "what": "orders.service:place -> billing.api:charge"}
    assert data["stale"] == [{"code": "SL403", "subject": "billing->stock",
                              "message": "billing writes stock"}]
    assert data["coupling"] == 0.123
    assert data["baseline_coupling"] == 0.11
    assert data["failed"] is True
    empty = json.loads(_render("json", EMPTY))
    assert empty["failed"] is False
    assert empty["baseline_coupling"] is None
    assert (empty["new"], empty["known"], empty["stale"]) == ([], [], [])


def test_json_fails_only_on_new_errors() -> None:
    outcome = _outcome()
    warnings_only = Outcome(outcome.new[1:], outcome.known, (), 0.1, None)
    assert json.loads(_render("json", warnings_only))["failed"] is False


# -- sarif ------------------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return schema


@pytest.mark.parametrize("outcome", [_outcome(), _outcome(None), EMPTY],
                         ids=["full", "no-baseline", "empty"])
def test_sarif_validates_against_the_official_schema(outcome: Outcome) -> None:
    schema = _schema()
    document = json.loads(_render("sarif", outcome))
    # The validator the schema declares (the OASIS errata01 copy says draft-04), and Draft 7,
    # which the schemastore copy declares; the schema uses no keyword on which they differ.
    for validator in {jsonschema.validators.validator_for(schema), jsonschema.Draft7Validator}:
        validator.check_schema(schema)
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in validator(schema).iter_errors(document)]
        assert errors == []


def test_sarif_schema_catches_a_broken_log() -> None:
    """The validation above can fail: a result without a message is not SARIF."""
    document = json.loads(_render("sarif"))
    del document["runs"][0]["results"][0]["message"]
    assert not jsonschema.Draft7Validator(_schema()).is_valid(document)


def test_sarif_describes_every_check_rule_without_urls_to_fetch() -> None:
    document = json.loads(_render("sarif"))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    driver = document["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("seamline", VERSION)
    assert "informationUri" not in driver
    described = {r["id"]: r for r in driver["rules"]}
    check = {r.code for r in catalogue() if r.stage == "check"}
    assert check and check <= set(described)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for known in catalogue():
        if known.code not in described:
            continue
        entry = described[known.code]
        assert "helpUri" not in entry
        assert entry["name"] == known.name
        assert entry["shortDescription"]["text"] == known.summary
        assert entry["defaultConfiguration"]["level"] == levels[known.severity]
        page = (known.doc.read_text(encoding="utf-8").strip() if known.doc.is_file()
                else known.summary)
        assert entry["fullDescription"]["text"] == page
        assert entry["help"]["text"] == page


def test_sarif_results_are_new_and_known_violations_with_stable_fingerprints() -> None:
    run = json.loads(_render("sarif"))["runs"][0]
    results = run["results"]
    assert [(r["ruleId"], r["baselineState"]) for r in results] == [
        ("SL401", "new"), ("SL404", "new"), ("SL405", "new"), ("SL402", "unchanged")]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error"]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    first = results[0]
    assert first["message"]["text"].startswith(HOSTILE)
    assert "Fix: add billing to the `uses` of orders" in first["message"]["text"]
    assert first["partialFingerprints"] == {"seamlineSubject/v1": "SL401:orders->billing"}
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "shop/orders/service.py"
    assert location["region"] == {"startLine": 12}
    assert len(first["relatedLocations"]) == 12
    assert len({r["id"] for r in first["relatedLocations"]}) == 12
    read = results[1]["locations"][0]["physicalLocation"]
    assert read["region"]["startLine"] == 1  # line 0 is no SARIF line
    assert read["artifactLocation"]["uri"] == "shop/odd%2Cname%3Av2.py"
    nowhere = results[2]["locations"][0]["physicalLocation"]
    assert nowhere["artifactLocation"]["uri"] == DECOMPOSITION
    assert "relatedLocations" not in results[2]


# -- github -----------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    return (text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def _command(line: str) -> tuple[str, dict[str, str], str]:
    """``::name k=v,k=v::data`` parsed the way the runner does."""
    assert line.startswith("::")
    head, _, data = line[2:].partition("::")
    name, _, properties = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in properties.split(","))
    return name, {k: _unescape(v) for k, v in pairs.items()}, data


def test_github_emits_one_escaped_command_per_new_violation() -> None:
    output = _render("github")
    assert "\r" not in output
    lines = output.splitlines()
    assert len(lines) == 4  # three commands and the summary
    commands = [_command(line) for line in lines[:3]]
    outcome = _outcome()
    assert [name for name, _, _ in commands] == ["error", "warning", "notice"]
    assert [props for _, props, _ in commands] == [
        {"file": "shop/orders/service.py", "line": "12", "title": "SL401 forbidden-dependency"},
        {"file": ODD_PATH, "line": "1", "title": "SL404 other-context-table-read"},
        {"file": DECOMPOSITION, "line": "1", "title": "SL405 unassigned-module"}]
    for (_, _, data), item in zip(commands, outcome.new, strict=True):
        assert _unescape(data) == f"{item.message} Fix: {item.remediation}"
    assert "%0D%0A::error file=x.py::injected %250A" in lines[0]
    assert lines[-1] == ("seamline check: 3 new (1 error, 1 warning), 1 known, 1 stale; "
                         "coupling 12.3% (baseline 11.0%)")
    assert not lines[-1].startswith("::")


def test_github_with_nothing_new_prints_only_the_summary() -> None:
    assert _render("github", EMPTY).splitlines() == [
        "seamline check: 0 new (0 errors, 0 warnings), 0 known, 0 stale; coupling 0.0%"]


# -- junit ------------------------------------------------------------------------------------


def test_junit_parses_and_counts_match() -> None:
    output = _render("junit")
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "<script>" not in output
    root = ET.fromstring(output)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert suite.get("name") == "seamline check"
    assert suite.get("tests") == root.get("tests") == str(len(cases)) == "4"
    assert suite.get("failures") == root.get("failures") == "1"  # warnings pass unless strict
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("seamline.SL401", "orders->billing"), ("seamline.SL404", "orders.views->invoices"),
        ("seamline.SL405", "shop.misc"), ("seamline.SL402", "orders->billing.internal")]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "SL401"
    assert failure.get("message") == HOSTILE  # attributes keep even CR and LF
    assert failure.text is not None
    assert failure.text.startswith('shop/orders/service.py:12: orders uses <script>alert("x")')
    assert "evidence: shop/orders/views.py:31 (use 31)" in failure.text
    assert "fix: add billing to the `uses` of orders" in failure.text
    assert cases[1].find("failure") is None  # a warning fails only with --strict
    strict = ET.fromstring(_render("junit", strict=True))
    assert strict.get("failures") == "2"
    assert strict.findall("testsuite/testcase")[1].find("failure") is not None
    assert cases[2].find("failure") is None  # info passes, and says why it is there
    known = cases[3].find("system-out")
    assert cases[3].find("failure") is None
    assert known is not None
    assert known.text is not None
    assert "recorded in the baseline" in known.text
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["seamline.version"] == VERSION
    assert properties["decomposition"] == DECOMPOSITION


def test_junit_without_findings_has_one_passing_test() -> None:
    root = ET.fromstring(_render("junit", EMPTY))
    cases = list(root.iter("testcase"))
    assert [c.get("name") for c in cases] == ["seamline check"]
    assert list(cases[0]) == []
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_junit_survives_characters_xml_cannot_hold() -> None:
    nasty = _finding("SL401", "error", "colour \x1b[31mred\x1b[0m and a \x00 byte", "a->b",
                     [Evidence("a.py", 1, "use\x0b")])
    root = ET.fromstring(_render("junit", Outcome((nasty,), (), (), 0.5, None)))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "colour \ufffd[31mred\ufffd[0m and a \ufffd byte"


# -- gitlab -----------------------------------------------------------------------------------


def test_gitlab_code_quality_lists_new_violations_with_stable_unique_fingerprints() -> None:
    entries = json.loads(_render("gitlab"))
    outcome = _outcome()
    assert len(entries) == len(outcome.new)
    for entry, item in zip(entries, outcome.new, strict=True):
        assert set(entry) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert entry["description"] == f"{item.code} {item.name}: {item.message}"
        assert entry["check_name"] == item.code
        assert entry["fingerprint"] == hashlib.sha256(
            f"{item.code}:{item.subject}".encode()).hexdigest()
        assert entry["location"]["lines"]["begin"] >= 1
    assert [e["severity"] for e in entries] == ["major", "minor", "info"]
    assert [e["location"]["path"] for e in entries] == [
        "shop/orders/service.py", ODD_PATH, DECOMPOSITION]
    assert len({e["fingerprint"] for e in entries}) == len(entries)
    # the fingerprint follows code and subject, not the line: moving code keeps it
    moved = Outcome((_finding("SL401", "error", "other words", "orders->billing",
                              [Evidence("elsewhere.py", 99, "x")]),), (), (), 0.0, None)
    assert json.loads(_render("gitlab", moved))[0]["fingerprint"] == entries[0]["fingerprint"]
    assert json.loads(_render("gitlab", EMPTY)) == []


def test_gitlab_fingerprints_stay_unique_for_a_repeated_subject() -> None:
    twice = _finding("SL401", "error", "m", "a->b", [Evidence("a.py", 1, "x")])
    entries = json.loads(_render("gitlab", Outcome((twice, twice), (), (), 0.0, None)))
    assert len({e["fingerprint"] for e in entries}) == 2
