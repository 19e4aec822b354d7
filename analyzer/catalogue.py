"""The rule catalogue (``rules/findings.toml``) and the choice of rules a run makes.

A rule is known by its code (``SL101``) or its kebab-case name (``shared-table-write``); config
may also name a code prefix (``SL1``). ``RuleChoice`` is what config made of the catalogue:
which rules run, at which severity, with which options.

The catalogue says what each rule is (its severity, options and documentation); the rules
themselves are classes, one module per rule family, that ``analyzer.findings.rules.RULES``
maps by code (a test keeps the two in step).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.resources import rules_dir
from analyzer.tomlfile import read_toml

SEVERITIES = ("error", "warning", "info")
_TYPES: dict[str, type] = {"int": int, "float": float, "bool": bool, "str": str}
_DESCRIBED = {"int": "an integer >= 0", "float": "a number >= 0", "bool": "true or false",
              "str": "a string"}


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    type: str  # int | float | bool | str
    default: Any
    help: str


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    options: tuple[Option, ...] = ()
    stage: str = "analyze"  # analyze: judges a cut; check: drift from the agreed one

    @property
    def doc(self) -> Path:
        """Its documentation page."""
        return rules_dir() / "docs" / f"{self.code}.md"


@cache
def catalogue() -> tuple[Rule, ...]:
    """Every rule seamline knows, in code order."""
    path = rules_dir() / "findings.toml"
    data = read_toml(path, "rule catalogue")
    rules: list[Rule] = []
    for entry in data.get("rules", []):
        options = tuple(
            Option(name, str(spec["type"]), spec["default"], str(spec.get("help", "")))
            for name, spec in sorted(entry.get("options", {}).items()))
        for option in options:
            if option.type not in _TYPES or not _fits(option.default, option.type):
                raise ConfigError(f"rule {entry.get('code')}: option {option.name!r} has a bad "
                                  "type or default", source=str(path))
        rule = Rule(str(entry["code"]), str(entry["name"]), str(entry["severity"]),
                    str(entry["summary"]), options, str(entry.get("stage", "analyze")))
        if rule.severity not in SEVERITIES:
            raise ConfigError(f"rule {rule.code}: bad severity {rule.severity!r}",
                              source=str(path))
        rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.code))


def _fits(value: Any, kind: str) -> bool:
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def rule(key: str) -> Rule:
    """A rule by code or name; ``KeyError`` when there is none."""
    for found in catalogue():
        if key in (found.code, found.name):
            return found
    raise KeyError(key)


def _matching(key: str) -> list[Rule]:
    """Rules a config entry names: a code, a name or a code prefix (``SL1``)."""
    exact = [r for r in catalogue() if key in (r.code, r.name)]
    if exact:
        return exact
    return [r for r in catalogue() if key[:2] == "SL" and r.code.startswith(key)]


def _unknown(key: str, where: str) -> ConfigError:
    names = [r.code for r in catalogue()] + [r.name for r in catalogue()]
    close = difflib.get_close_matches(key, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"{where}: unknown rule {key!r}{hint}; see `seamline rules`")


@dataclass(frozen=True, slots=True)
class RuleChoice:
    """Which rules run (``severity`` holds exactly those), at which severity, with which
    options (every option of a running rule, defaults filled in)."""

    severity: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def option(self, code: str, name: str) -> Any:
        return self.options[code][name]


def choose_rules(select: Iterable[str] | None = None, ignore: Iterable[str] = (),
                 severity: Mapping[str, Any] | None = None,
                 options: Mapping[str, Any] | None = None, where: str = "findings"
                 ) -> RuleChoice:
    """Apply config to the catalogue. Unknown rules, severities and options are
    ``ConfigError``s naming the key (``where`` prefixes it)."""
    chosen: set[str] = set()
    if select is None:
        chosen = {r.code for r in catalogue()}
    else:
        for key in select:
            found = _matching(key)
            if not found:
                raise _unknown(key, f"{where}.select")
            chosen.update(r.code for r in found)
    for key in ignore:
        found = _matching(key)
        if not found:
            raise _unknown(key, f"{where}.ignore")
        chosen.difference_update(r.code for r in found)
    levels = {r.code: r.severity for r in catalogue() if r.code in chosen}
    for key, level in (severity or {}).items():
        found = _matching(key)
        if not found:
            raise _unknown(key, f"{where}.severity")
        if level not in (*SEVERITIES, "off"):
            raise ConfigError(f"{where}.severity.{key} must be one of error, warning, info or "
                              f"off, not {level!r}")
        for match in found:
            if level == "off":
                levels.pop(match.code, None)
            elif match.code in chosen:
                levels[match.code] = level
    values: dict[str, dict[str, Any]] = {
        r.code: {o.name: o.default for o in r.options} for r in catalogue()}
    for key, given in (options or {}).items():
        try:
            target = rule(key)
        except KeyError:
            raise _unknown(key, f"{where}.options") from None
        if not isinstance(given, Mapping):
            raise ConfigError(f"{where}.options.{key} must be a table of option = value")
        known = {o.name: o for o in target.options}
        for name, value in given.items():
            if name not in known:
                listed = ", ".join(known) or "none"
                raise ConfigError(f"{where}.options.{key}: unknown option {name!r} "
                                  f"(options of {target.code}: {listed})")
            spec = known[name]
            if not _fits(value, spec.type) or (spec.type in ("int", "float") and value < 0):
                raise ConfigError(f"{where}.options.{key}.{name} must be {_DESCRIBED[spec.type]}"
                                  f", not {value!r}")
            values[target.code][name] = float(value) if spec.type == "float" else value
    return RuleChoice(severity=dict(sorted(levels.items())),
                      options={code: values[code] for code in sorted(levels)})


def suppressed_codes(names: Iterable[str]) -> tuple[set[str], list[str]]:
    """The codes an inline ``# seamline: ignore[...]`` names, and the names it does not know."""
    codes: set[str] = set()
    unknown: list[str] = []
    for name in names:
        try:
            codes.add(rule(name).code)
        except KeyError:
            unknown.append(name)
    return codes, unknown
