"""What ``seamline check`` prints: for a terminal, for machines and for CI servers.

``render(outcome, fmt, ...)`` turns an ``Outcome`` into one of ``FORMATS``:

- ``text``: one line per new violation (``path:line: severity CODE name: message``), its other
  evidence and its fix, the number of known violations, the stale baseline entries, a summary;
- ``json``: the whole outcome (``"format": "seamline-check"``, version 1);
- ``sarif``: SARIF 2.1.0 for code scanning; new violations have ``baselineState`` ``new``,
  known ones ``unchanged``;
- ``github``: GitHub Actions workflow commands (``::error file=...::message``), new only;
- ``junit``: JUnit XML, one test case per violation, new errors and warnings failing;
- ``gitlab``: GitLab Code Quality JSON, new violations only.

Every format is deterministic (the same outcome gives the same string, no timestamps) and ends
with a newline. A violation without evidence is placed at line 1 of the decomposition file.
Violations are identified across runs the way the baseline identifies them: by code and subject.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from analyzer.catalogue import Rule, catalogue, rule
from analyzer.drift.baseline import Outcome
from analyzer.findings.facts import Finding
from analyzer.render.json import finding_dict
from analyzer.text import count

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "seamlineSubject/v1"
EVIDENCE_SHOWN = 10  # text: evidence lines shown per violation before "... and N more"

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
# Characters XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(outcome: Outcome, fmt: str, *, version: str, decomposition: str,
           strict: bool = False) -> str:
    """``outcome`` in format ``fmt`` (one of ``FORMATS``; anything else is a ``ValueError``).
    ``version`` is seamline's version, ``decomposition`` the decomposition file's path;
    ``strict``: new warnings fail too (JUnit failures and JSON's ``failed`` follow it)."""
    if fmt == "text":
        return _text(outcome, decomposition)
    if fmt == "json":
        return _json(outcome, strict)
    if fmt == "sarif":
        return _sarif(outcome, version, decomposition)
    if fmt == "github":
        return _github(outcome, decomposition)
    if fmt == "junit":
        return _junit(outcome, version, decomposition, strict)
    if fmt == "gitlab":
        return _gitlab(outcome, decomposition)
    raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _where(item: Finding, decomposition: str) -> tuple[str, int]:
    """Where a violation is: its first evidence, or the decomposition file."""
    return item.location if item.evidence else (decomposition, 1)


def _key(item: Finding) -> str:
    return f"{item.code}:{item.subject}"


def summary(outcome: Outcome) -> str:
    """``check: 2 new (1 error, 1 warning), 3 known, 0 stale; coupling 12.3% (baseline 11.0%)``"""
    errors = sum(f.severity == "error" for f in outcome.new)
    warnings = sum(f.severity == "warning" for f in outcome.new)
    line = (f"check: {len(outcome.new)} new ({count(errors, 'error')}, "
            f"{count(warnings, 'warning')}), "
            f"{len(outcome.known)} known, {len(outcome.stale)} stale; "
            f"coupling {outcome.coupling:.1%}")
    if outcome.baseline_coupling is not None:
        line += f" (baseline {outcome.baseline_coupling:.1%})"
    return line


# -- text -------------------------------------------------------------------------------------


def _line(text: str) -> str:
    """``text`` on one line. A line of its own could start with ``::``, which GitHub Actions
    would run as a workflow command when the text output is printed in CI."""
    return " ".join(text.splitlines())


def _text(outcome: Outcome, decomposition: str) -> str:
    lines: list[str] = []
    for item in outcome.new:
        path, line = _where(item, decomposition)
        lines.append(f"{_line(path)}:{line}: {item.severity} {item.code} {item.name}: "
                     f"{_line(item.message)}")
        others = item.evidence[1:]
        lines.extend(f"  evidence: {_line(e.render())}" for e in others[:EVIDENCE_SHOWN])
        if len(others) > EVIDENCE_SHOWN:
            lines.append(f"  ... and {len(others) - EVIDENCE_SHOWN} more")
        if item.remediation:
            lines.append(f"  fix: {_line(item.remediation)}")
    if outcome.known:
        lines.append(f"{count(len(outcome.known), 'known violation')} recorded in the "
                     "baseline")
    lines.extend(f"stale baseline entry: {code} {_line(subject)} ({_line(message)})"
                 for code, subject, message in outcome.stale)
    lines.append(summary(outcome))
    return "\n".join(lines) + "\n"


# -- json -------------------------------------------------------------------------------------


def _dumps(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _json(outcome: Outcome, strict: bool) -> str:
    return _dumps({
        "format": "seamline-check",
        "version": 1,
        "new": [finding_dict(f) for f in outcome.new],
        "known": [finding_dict(f) for f in outcome.known],
        "stale": [{"code": code, "subject": subject, "message": message}
                  for code, subject, message in outcome.stale],
        "coupling": outcome.coupling,
        "baseline_coupling": outcome.baseline_coupling,
        "failed": outcome.failed(strict),
    })


# -- sarif ------------------------------------------------------------------------------------


def _page(known: Rule) -> str:
    """A rule's documentation page, or its summary when the page cannot be read."""
    try:
        text = known.doc.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return known.summary
    return text or known.summary


def _sarif_rule(known: Rule) -> dict[str, Any]:
    page = _page(known)
    return {
        "id": known.code,
        "name": known.name,
        "shortDescription": {"text": known.summary},
        "fullDescription": {"text": page},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(known.severity, "warning")},
    }


def _sarif_rules(findings: Iterable[Finding]) -> list[Rule]:
    """Every ``check`` rule, and any other rule a finding names, in code order."""
    chosen = {r.code: r for r in catalogue() if r.stage == "check"}
    for item in findings:
        if item.code not in chosen:
            try:
                chosen[item.code] = rule(item.code)
            except KeyError:
                continue
    return [chosen[code] for code in sorted(chosen)]


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/")


def _physical(path: str, line: int) -> dict[str, Any]:
    return {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, line)}}


def _sarif_result(item: Finding, state: str, index: dict[str, int],
                  decomposition: str) -> dict[str, Any]:
    text = item.message
    if item.remediation:
        text += f"\n\nFix: {item.remediation}"
    path, line = _where(item, decomposition)
    primary: dict[str, Any] = {"physicalLocation": _physical(path, line)}
    if item.evidence and item.evidence[0].what:
        primary["message"] = {"text": item.evidence[0].what}
    result: dict[str, Any] = {"ruleId": item.code}
    if item.code in index:
        result["ruleIndex"] = index[item.code]
    result.update({
        "level": _SARIF_LEVEL.get(item.severity, "warning"),
        "message": {"text": text},
        "locations": [primary],
        "partialFingerprints": {FINGERPRINT: _key(item)},
        "baselineState": state,
        "properties": {"subject": item.subject, "contexts": list(item.contexts),
                       "tables": list(item.tables)},
    })
    related = [{"id": number, "physicalLocation": _physical(e.path, e.line),
                "message": {"text": e.what or e.render()}}
               for number, e in enumerate(item.evidence[1:], start=1)]
    if related:
        result["relatedLocations"] = related
    return result


def _sarif(outcome: Outcome, version: str, decomposition: str) -> str:
    rules = _sarif_rules((*outcome.new, *outcome.known))
    index = {known.code: number for number, known in enumerate(rules)}
    results = [_sarif_result(f, "new", index, decomposition) for f in outcome.new]
    results += [_sarif_result(f, "unchanged", index, decomposition) for f in outcome.known]
    return _dumps({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "seamline", "version": version,
                                "rules": [_sarif_rule(r) for r in rules]}},
            "results": results,
            "properties": {"decomposition": decomposition, "coupling": outcome.coupling,
                           "baselineCoupling": outcome.baseline_coupling},
        }],
    })


# -- github -----------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped, so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(outcome: Outcome, decomposition: str) -> str:
    lines: list[str] = []
    for item in outcome.new:
        path, line = _where(item, decomposition)
        properties = ",".join(f"{key}={escape_property(value)}" for key, value in (
            ("file", path), ("line", str(max(1, line))), ("title", f"{item.code} {item.name}")))
        message = item.message
        if item.remediation:
            message += f" Fix: {item.remediation}"
        command = _GITHUB_COMMAND.get(item.severity, "warning")
        lines.append(f"::{command} {properties}::{escape_data(message)}")
    lines.append(f"seamline {summary(outcome)}")
    return "\n".join(lines) + "\n"


# -- junit ------------------------------------------------------------------------------------


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids become U+FFFD (ElementTree escapes the rest)."""
    return _NOT_XML.sub("\ufffd", text)


def _failure_text(item: Finding, decomposition: str) -> str:
    path, line = _where(item, decomposition)
    lines = [f"{path}:{line}: {item.message}"]
    lines += [f"evidence: {e.render()}" for e in item.evidence[1:]]
    if item.remediation:
        lines.append(f"fix: {item.remediation}")
    return "\n".join(lines)


def _junit(outcome: Outcome, version: str, decomposition: str, strict: bool) -> str:
    cases: list[ET.Element] = []
    failures = 0
    for item in outcome.new:
        case = ET.Element("testcase", {"classname": _xml(f"seamline.{item.code}"),
                                       "name": _xml(item.subject)})
        if item.severity == "error" or (strict and item.severity == "warning"):
            failures += 1
            failure = ET.SubElement(case, "failure", {"type": _xml(item.code),
                                                      "message": _xml(item.message)})
            failure.text = _xml(_failure_text(item, decomposition))
        else:
            ET.SubElement(case, "system-out").text = _xml(_failure_text(item, decomposition))
        cases.append(case)
    for item in outcome.known:
        case = ET.Element("testcase", {"classname": _xml(f"seamline.{item.code}"),
                                       "name": _xml(item.subject)})
        ET.SubElement(case, "system-out").text = _xml(
            f"recorded in the baseline: {item.message}")
        cases.append(case)
    if not cases:
        cases.append(ET.Element("testcase", {"classname": "seamline", "name": "seamline check"}))
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0",
              "skipped": "0"}
    root = ET.Element("testsuites", {"name": "seamline", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "seamline check", **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("seamline.version", version), ("decomposition", decomposition),
                        ("summary", summary(outcome))):
        ET.SubElement(properties, "property", {"name": name, "value": _xml(value)})
    suite.extend(cases)
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


# -- gitlab -----------------------------------------------------------------------------------


def fingerprint(item: Finding) -> str:
    """What identifies a violation across runs: sha256 of ``code:subject``."""
    return hashlib.sha256(_key(item).encode("utf-8")).hexdigest()


def _gitlab(outcome: Outcome, decomposition: str) -> str:
    entries: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for item in outcome.new:
        mark = fingerprint(item)
        # Code Climate wants unique fingerprints; code and subject should already be unique,
        # a repeat (should one ever occur) gets its occurrence number added.
        repeat = seen.get(mark, 0)
        seen[mark] = repeat + 1
        if repeat:
            mark = hashlib.sha256(f"{_key(item)}:{repeat + 1}".encode()).hexdigest()
        path, line = _where(item, decomposition)
        entries.append({
            "description": f"{item.code} {item.name}: {item.message}",
            "check_name": item.code,
            "fingerprint": mark,
            "severity": _GITLAB_SEVERITY.get(item.severity, "minor"),
            "location": {"path": path, "lines": {"begin": max(1, line)}},
        })
    return _dumps(entries)
