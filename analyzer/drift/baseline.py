"""The ratchet: violations recorded in a baseline file do not fail the build, new ones do.

A violation is known by its rule code and its subject (``source->target``, ``element->table``,
a module, a cycle's contexts), never by its line, so moving code does not make it new. The
baseline also records the cross-context coupling, which may not grow by more than the
decomposition's ``max-coupling-increase``.

The baseline records whose it is: the agreed decomposition's contexts and the top-level
packages its module patterns name (never the checkout's folder, which CI names as it likes). A
baseline recorded for another decomposition, another project's or before the contexts
changed, is refused: its subjects and its coupling would be measured against other contexts.
``--force`` uses it anyway, with a warning.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.decomposition import Agreed, quoted
from analyzer.drift import Drift
from analyzer.errors import ConfigError, UsageError
from analyzer.findings.facts import Finding

DEFAULT_FILE = "seamline-baseline.json"
FORMAT = "seamline-baseline"
VERSION = 2  # 2 records the project's identity; 1 (seamline 0.1) did not
_WILD = "*?["


@dataclass(frozen=True, slots=True)
class Identity:
    """Whose baseline: the agreed contexts and the top-level packages of their modules."""

    contexts: tuple[str, ...]
    packages: tuple[str, ...]

    @classmethod
    def of(cls, agreed: Agreed) -> Identity:
        patterns = [p for c in agreed.contexts for p in (*c.modules, *c.atoms)]
        tops = {p.partition(":")[0].split(".")[0] for p in patterns}
        return cls(tuple(sorted(c.name for c in agreed.contexts)),
                   tuple(sorted(t for t in tops if t and not any(w in t for w in _WILD))))


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: dict[tuple[str, str], str]  # (code, subject) -> message when recorded
    coupling: float | None
    identity: Identity | None = None  # None: recorded by seamline 0.1, which kept none


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``check`` reports: violations not in the baseline (``new``), those it already
    records (``known``), and baseline entries no longer found (``stale``)."""

    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    stale: tuple[tuple[str, str, str], ...]  # (code, subject, recorded message)
    coupling: float
    baseline_coupling: float | None
    warnings: tuple[str, ...] = ()  # for stderr: a baseline used with --force, say

    def failed(self, strict: bool = False) -> bool:
        return any(f.severity == "error" or (strict and f.severity == "warning")
                   for f in self.new)


def load_baseline(path: Path, required: bool = False) -> Baseline | None:
    """The baseline at ``path``, every key checked; ``None`` when there is none, unless
    ``required`` (a ``--baseline`` the user named): then its absence is an error."""
    if not path.exists():
        if required:
            raise UsageError(f"baseline not found: {path} (record one with "
                             "`seamline check --update-baseline`)")
        return None
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the baseline: {error.strerror}", source=source) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"not a seamline baseline: not UTF-8 (byte {error.start})",
                          source=source) from None
    try:
        data: Any = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(f"not a seamline baseline: not valid JSON: {error.msg} (line "
                          f"{error.lineno}, column {error.colno})", source=source) from None
    except _NotJsonNumber as error:
        raise ConfigError(f"not a seamline baseline: {error}", source=source) from None
    except ValueError:  # json's other ValueError: int() refuses over 4,300 digits
        raise ConfigError("not a seamline baseline: an integer too long to convert",
                          source=source) from None
    except RecursionError:
        raise ConfigError("not a seamline baseline: JSON nested too deeply",
                          source=source) from None
    return _checked(data, source)


class _NotJsonNumber(ValueError):
    """NaN or Infinity: Python's json reads them, JSON has no such numbers."""


def _no_constant(name: str) -> Any:
    raise _NotJsonNumber(f"{name} is not a number JSON allows")


def _checked(data: Any, source: str) -> Baseline:
    def wrong(message: str) -> ConfigError:
        return ConfigError(f"not a seamline baseline: {message}", source=source)

    if not isinstance(data, dict):
        raise wrong(f"a JSON object was expected, not {quoted(data)}")
    if data.get("format") != FORMAT:
        raise wrong(f"format must be {FORMAT!r}, not {quoted(data.get('format'))}")
    version = data.get("version")
    if type(version) is not int or version not in (1, VERSION):
        raise wrong(f"version must be 1 or {VERSION}, not {quoted(version)}")
    coupling = data.get("coupling")
    if coupling is not None and (isinstance(coupling, bool)
                                 or not isinstance(coupling, (int, float))
                                 or not 0 <= coupling <= 1):  # NaN fails the comparison
        raise wrong(f"coupling must be a share from 0 to 1, not {quoted(coupling)}")
    violations = data.get("violations")
    if not isinstance(violations, list):
        raise wrong(f"violations must be a list, not {quoted(violations)}")
    entries: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(violations):
        where = f"violations[{index}]"
        if not isinstance(entry, dict):
            raise wrong(f"{where} must be an object with code, subject and message, not "
                        f"{quoted(entry)}")
        for key in ("code", "subject", "message"):
            if key not in entry and key != "message":
                raise wrong(f"{where} has no {key!r}")
            if not isinstance(entry.get(key, ""), str):
                raise wrong(f"{where}.{key} must be a string, not {quoted(entry[key])}")
        entries[(entry["code"], entry["subject"])] = entry.get("message", "")
    identity = None
    if version == VERSION:
        identity = _identity(data.get("project"), wrong)
    return Baseline(entries, None if coupling is None else float(coupling), identity)


def _identity(project: Any, wrong: Callable[[str], ConfigError]) -> Identity:
    if not isinstance(project, dict):
        raise wrong(f"project must be an object with contexts and packages, not "
                    f"{quoted(project)}")
    names: dict[str, tuple[str, ...]] = {}
    for key in ("contexts", "packages"):
        value = project.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong(f"project.{key} must be a list of strings, not {quoted(value)}")
        names[key] = tuple(sorted(value))
    return Identity(names["contexts"], names["packages"])


def vouch(baseline: Baseline | None, agreed: Agreed, path: Path, force: bool
          ) -> tuple[str, ...]:
    """Check that ``baseline`` was recorded for ``agreed``: a ``ConfigError`` naming what
    differs when not, or with ``force`` the same words as a warning to print."""
    if baseline is None:
        return ()
    expected = Identity.of(agreed)
    if baseline.identity is None:
        problem = ("it records no project (seamline 0.1 wrote it), so it cannot be told "
                   "from another project's")
    elif baseline.identity != expected:
        problem = "it was recorded for another decomposition: " + "; ".join(
            _differences(baseline.identity, expected, agreed.source))
    else:
        return ()
    if force:
        return (f"{path}: {problem}; used anyway (--force)",)
    raise ConfigError(f"{problem}. Record this project's baseline with `seamline check "
                      "--update-baseline`, or pass --force to use this one anyway",
                      source=str(path))


def _differences(recorded: Identity, expected: Identity, decomposition: str) -> list[str]:
    said: list[str] = []
    for what, old, new in (("contexts", recorded.contexts, expected.contexts),
                           ("packages", recorded.packages, expected.packages)):
        only_old = sorted(set(old) - set(new))
        only_new = sorted(set(new) - set(old))
        if only_old:
            said.append(f"{what} only in the baseline: {_names(only_old)}")
        if only_new:
            said.append(f"{what} only in {decomposition or 'the decomposition'}: "
                        f"{_names(only_new)}")
    return said


def _names(items: list[str], most: int = 8) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def dump_baseline(found: Drift, agreed: Agreed) -> bytes:
    identity = Identity.of(agreed)
    document = {
        "format": FORMAT, "version": VERSION,
        "project": {"contexts": list(identity.contexts), "packages": list(identity.packages)},
        "coupling": found.coupling,
        "violations": [{"code": f.code, "subject": f.subject, "message": f.message}
                       for f in sorted(found.violations, key=lambda f: (f.code, f.subject))],
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def compare(found: Drift, baseline: Baseline | None, warnings: tuple[str, ...] = ()
            ) -> Outcome:
    """Tell ``found``'s violations (SL407 among them, when the coupling grew past the
    baseline's) into new and known, and the baseline's entries no longer found."""
    violations = found.violations
    recorded = baseline.entries if baseline is not None else {}
    new = tuple(f for f in violations if (f.code, f.subject) not in recorded)
    known_ones = tuple(f for f in violations if (f.code, f.subject) in recorded)
    current = {(f.code, f.subject) for f in violations}
    stale = tuple(sorted((code, subject, message) for (code, subject), message in
                         recorded.items() if (code, subject) not in current))
    return Outcome(new, known_ones, stale, found.coupling,
                   baseline.coupling if baseline is not None else None, warnings)
