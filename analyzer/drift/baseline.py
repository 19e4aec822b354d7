"""The ratchet: violations recorded in a baseline file do not fail the build, new ones do.

A violation is known by its rule code and its subject (``source->target``, ``element->table``,
a module, a cycle's contexts), never by its line, so moving code does not make it new. The
baseline also records the cross-context coupling, which may not grow by more than the
decomposition's ``max-coupling-increase``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzer.catalogue import RuleChoice, rule
from analyzer.decomposition import Agreed
from analyzer.drift import Drift
from analyzer.errors import ConfigError
from analyzer.findings.facts import Evidence, Finding, finding

DEFAULT_FILE = "seamline-baseline.json"
FORMAT = "seamline-baseline"


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: dict[tuple[str, str], str]  # (code, subject) -> message when recorded
    coupling: float | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``check`` reports: violations not in the baseline (``new``), those it already
    records (``known``), and baseline entries no longer found (``stale``)."""

    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    stale: tuple[tuple[str, str, str], ...]  # (code, subject, recorded message)
    coupling: float
    baseline_coupling: float | None

    def failed(self, strict: bool = False) -> bool:
        return any(f.severity == "error" or (strict and f.severity == "warning")
                   for f in self.new)


def load_baseline(path: Path) -> Baseline | None:
    if not path.exists():
        return None
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != 1:
            raise ValueError("not a seamline baseline (version 1)")
        entries = {(str(e["code"]), str(e["subject"])): str(e.get("message", ""))
                   for e in data["violations"]}
        coupling = data.get("coupling")
        return Baseline(entries, None if coupling is None else float(coupling))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"unreadable baseline: {error}", source=str(path)) from None


def dump_baseline(found: Drift) -> bytes:
    document = {
        "format": FORMAT, "version": 1,
        "coupling": found.coupling,
        "violations": [{"code": f.code, "subject": f.subject, "message": f.message}
                       for f in sorted(found.violations, key=lambda f: (f.code, f.subject))],
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def compare(found: Drift, baseline: Baseline | None, agreed: Agreed, choice: RuleChoice,
            decomposition_path: str) -> Outcome:
    violations = list(found.violations)
    if baseline is not None and baseline.coupling is not None and "SL407" in choice.severity:
        limit = baseline.coupling + agreed.max_coupling_increase
        if found.coupling > limit + 1e-9:
            known = rule("SL407")
            violations.append(replace(finding(
                f"{found.coupling:.1%} of uses now cross agreed contexts, up from "
                f"{baseline.coupling:.1%} in the baseline (the limit is {limit:.1%})",
                "coupling", (), [Evidence(decomposition_path, 1, "check.max-coupling-increase")],
                "find the new cross-context uses (`git diff` of the change; the violations "
                "above point at the forbidden ones) and keep them inside their context, or "
                "accept the new level with --update-baseline"),
                code=known.code, name=known.name, severity=choice.severity["SL407"]))
    recorded = baseline.entries if baseline is not None else {}
    new = tuple(f for f in violations if (f.code, f.subject) not in recorded)
    known_ones = tuple(f for f in violations if (f.code, f.subject) in recorded)
    current = {(f.code, f.subject) for f in violations}
    stale = tuple(sorted((code, subject, message) for (code, subject), message in
                         recorded.items() if (code, subject) not in current))
    return Outcome(new, known_ones, stale, found.coupling,
                   baseline.coupling if baseline is not None else None)
