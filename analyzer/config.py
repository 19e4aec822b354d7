"""Settings: ``[tool.seamline]`` (pyproject.toml) or ``seamline.toml``, then the command line.

Every key is checked: an unknown key or a value of the wrong type is a ``ConfigError`` that names
the file and the key. Nothing is silently ignored.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.catalogue import RuleChoice, choose_rules
from analyzer.coupling import DEFAULT_WEIGHTS, SIGNALS, ClusterOptions, Constraints
from analyzer.errors import ConfigError, UsageError
from analyzer.packs import Pack, bundled_packs, load_pack
from analyzer.resources import rules_dir
from analyzer.text import printable_path
from analyzer.tomlfile import read_toml


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one run needs to know, frozen."""

    root: Path
    exclude: tuple[str, ...]
    source_roots: tuple[str, ...]  # relative to root; empty means "find them"
    include_generated: bool
    generated_marker: str
    max_file_bytes: int
    cache_dir: Path | None  # None: no cache
    jobs: int
    packs: tuple[Pack, ...] = ()  # rule packs: the bundled ones, then the project's
    clustering: ClusterOptions = field(default_factory=ClusterOptions)
    history_since: str | None = None  # git co-change: only commits since (git's --since)
    history_commits: int = 1000  # git co-change: at most this many commits
    reference: str | None = None  # a mapping file, or "packages", to score the cut against
    rules: RuleChoice = field(default_factory=choose_rules)  # which findings, how severe
    traces: tuple[Path, ...] = ()  # trace exports (files or folders): the runtime signal
    protocols: tuple[str, ...] = ("openapi",)  # contracts.protocols: the documents per context

    @property
    def project(self) -> str:
        """The project's name (its root folder's), as text every output can hold."""
        return printable_path(self.root.name)


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line says; ``None`` means "not given"."""

    config_file: Path | None = None
    extend_exclude: tuple[str, ...] = ()
    no_default_excludes: bool = False
    include_generated: bool | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    jobs: int | None = None
    granularity: str | None = None
    contexts: int | None = None
    resolution: float | None = None
    signals: tuple[tuple[str, float], ...] = ()  # --signal NAME=WEIGHT
    structure_blind: bool = False
    kernel: bool | None = None
    reference: str | None = None
    since: str | None = None
    max_commits: int | None = None
    traces: tuple[Path, ...] = ()  # --traces FILE (repeatable): replaces the config's list
    protocols: tuple[str, ...] = ()  # --protocol, repeatable; empty: the config's


# Bounds of the numbers that steer clustering: finite, and wide enough for any real use. A weight
# is a signal's share of the picture (the defaults are 0.3 to 1); the cut is made at resolution 1
# unless one is set, and ``--contexts`` bisects between 0.05 and 20.
MAX_SIGNAL_WEIGHT = 100.0
MIN_RESOLUTION, MAX_RESOLUTION = 0.01, 100.0

# key -> (expected type, description used in error messages)
_KEYS: dict[str, tuple[type, str]] = {
    "exclude": (list, "a list of glob patterns"),
    "extend-exclude": (list, "a list of glob patterns"),
    "source-roots": (list, "a list of folders relative to the project root"),
    "include-generated": (bool, "true or false"),
    "max-file-bytes": (int, "a positive integer"),
    "rule-packs": (list, "a list of rule pack files (TOML) relative to the config file"),
    "granularity": (str, "atom or module"),
    "contexts": (int, "a positive integer"),
    "resolution": (float, f"a number from {MIN_RESOLUTION} to {MAX_RESOLUTION:g}"),
    "seed": (int, "an integer"),
    "shared-kernel": (bool, "true or false"),
    "signals": (dict, f"a table of signal = weight (a number from 0 to {MAX_SIGNAL_WEIGHT:g})"),
    "history-since": (str, "a date git understands, e.g. '2 years ago'"),
    "history-commits": (int, "a number of commits (0 switches co-change off)"),
    "pin": (dict, "a table of context name = list of atom or module patterns"),
    "keep-together": (list, "a list of lists of atom or module patterns"),
    "keep-apart": (list, "a list of lists of atom or module patterns"),
    "reference": (str, "a mapping file relative to the config file, or 'packages'"),
    "traces": (list, "a list of trace exports (OTLP JSON, Jaeger or Zipkin files, or folders "
                     "of them) relative to the config file"),
    "findings": (dict, "a table with select, ignore, severity and options (see rules/docs)"),
    "contracts": (dict, "a table with protocols (see docs/contracts.md)"),
}
# the protocols a context's proposed API can be written in (analyzer.contracts.PROTOCOLS, which
# the contracts themselves are not imported for: tests/test_lazy_imports.py holds the two equal)
PROTOCOLS = ("openapi", "grpc", "graphql")
_FINDINGS_KEYS = ("select", "ignore", "severity", "options")
_NESTED = {"keep-together", "keep-apart"}


def _defaults() -> dict[str, Any]:
    path = rules_dir() / "discovery.toml"
    data = read_toml(path)
    for key in ("exclude", "generated-marker", "max-file-bytes"):
        if key not in data:
            raise ConfigError(f"bundled defaults lack {key!r}", source=str(path))
    return data


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    table: Mapping[str, Any]
    prefix: str  # how keys are named in messages: "tool.seamline." or ""


def _config_in(path: Path) -> _Source | None:
    """The seamline settings a TOML file holds: its ``[tool.seamline]`` table when it has one,
    else (for any file but ``pyproject.toml``) its top-level keys."""
    data = read_toml(path)
    tool = data.get("tool")
    section = tool.get("seamline") if isinstance(tool, dict) else None
    if section is not None:
        if not isinstance(section, dict):
            raise ConfigError("[tool.seamline] must be a table", source=str(path))
        return _Source(path, section, "tool.seamline.")
    if path.name == "pyproject.toml":
        return None
    return _Source(path, data, "")


def _find_config(root: Path) -> _Source | None:
    """``seamline.toml`` first, then ``[tool.seamline]`` in ``pyproject.toml``."""
    for name in ("seamline.toml", "pyproject.toml"):
        if (root / name).is_file():
            found = _config_in(root / name)
            if found is not None:
                return found
    return None


def _validate(found: _Source) -> dict[str, Any]:
    source, table, prefix = found.path, found.table, found.prefix
    checked: dict[str, Any] = {}
    for key, raw in table.items():
        value = raw
        if key not in _KEYS:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"unknown key '{prefix}{key}'{hint}; known keys: {known}", source=str(source)
            )
        expected, described = _KEYS[key]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if ok and expected is list and key in _NESTED:
            ok = all(isinstance(group, list) and len(group) >= 2 and all(
                isinstance(item, str) and item for item in group) for group in value)
            value = [tuple(group) for group in value] if ok else value
        elif ok and expected is list:
            ok = all(isinstance(item, str) and item for item in value)
        if ok and key == "signals":
            for name in value:
                if name not in SIGNALS:
                    raise ConfigError(f"{prefix}signals: unknown signal {name!r}; known: "
                                      f"{', '.join(SIGNALS)}", source=str(source))
            for name, weight in value.items():
                if not _is_weight(weight):
                    raise ConfigError(f"{prefix}signals.{name} must be a number from 0 to "
                                      f"{MAX_SIGNAL_WEIGHT:g}, not {weight!r}",
                                      source=str(source))
        if ok and key == "pin":
            ok = all(isinstance(patterns, list) and patterns and all(
                isinstance(p, str) and p for p in patterns) for patterns in value.values())
        if ok and key == "granularity":
            ok = value in ("atom", "module")
        if ok and key == "contexts":
            ok = value > 0
        if ok and key == "resolution":
            ok = _is_resolution(value)
        if ok and key == "history-commits":
            ok = value >= 0
        if ok and key == "max-file-bytes":
            ok = value > 0
        if ok and key == "findings":
            value = _rule_choice(value, f"{prefix}findings", str(source))
        if ok and key == "contracts":
            value = _protocols(value, f"{prefix}contracts", str(source))
        if not ok:
            raise ConfigError(
                f"{prefix}{key} must be {described}, not {value!r}", source=str(source)
            )
        checked[key] = tuple(value) if expected is list else value
    return checked


def _is_weight(weight: object) -> bool:
    return (isinstance(weight, (int, float)) and not isinstance(weight, bool)
            and 0 <= weight <= MAX_SIGNAL_WEIGHT)  # NaN and infinity fail the comparison


def _is_resolution(value: float) -> bool:
    return MIN_RESOLUTION <= value <= MAX_RESOLUTION  # NaN and infinity fail the comparison


def _source_root(entry: str, root: Path, found: _Source | None) -> str:
    """A ``source-roots`` entry as a normalised path relative to ``root``; an absolute path, or
    one that leads outside the project (``../..``, a symbolic link out), is refused."""
    where = f"{found.prefix if found else ''}source-roots"
    source = str(found.path) if found else None
    relative = posixpath.normpath(entry)
    if posixpath.isabs(relative) or relative == ".." or relative.startswith("../"):
        raise ConfigError(f"{where} entry {entry!r} is outside the project {root}: a source "
                          "root is a folder under it, relative to it", source=source)
    folder = root / relative
    try:
        real = folder.resolve()
        is_dir = folder.is_dir()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a loop of links
        is_dir = False
        real = folder
    if not is_dir:
        raise ConfigError(f"{where} entry {entry!r} is not a folder under {root}",
                          source=source)
    if not real.is_relative_to(root):
        raise ConfigError(f"{where} entry {entry!r} leads outside the project {root} (a "
                          "symbolic link): a source root is a folder under it", source=source)
    return relative


def _rule_choice(table: Mapping[str, Any], where: str, source: str) -> RuleChoice:
    for key in table:
        if key not in _FINDINGS_KEYS:
            raise ConfigError(f"unknown key '{where}.{key}'; known keys: "
                              f"{', '.join(_FINDINGS_KEYS)}", source=source)
    for key in ("select", "ignore"):
        if key in table and not (isinstance(table[key], list) and all(
                isinstance(item, str) and item for item in table[key])):
            raise ConfigError(f"{where}.{key} must be a list of rule codes, names or code "
                              f"prefixes, not {table[key]!r}", source=source)
    for key in ("severity", "options"):
        if key in table and not isinstance(table[key], dict):
            raise ConfigError(f"{where}.{key} must be a table, not {table[key]!r}",
                              source=source)
    try:
        return choose_rules(table.get("select"), table.get("ignore", ()),
                            table.get("severity"), table.get("options"), where)
    except ConfigError as error:
        raise ConfigError(error.message, source=source) from None


def _protocols(table: Mapping[str, Any], where: str, source: str) -> tuple[str, ...]:
    for key in table:
        if key != "protocols":
            raise ConfigError(f"unknown key '{where}.{key}'; known keys: protocols",
                              source=source)
    protocols = table.get("protocols", ["openapi"])
    if not (isinstance(protocols, list) and protocols and all(
            isinstance(p, str) and p in PROTOCOLS for p in protocols)):
        raise ConfigError(f"{where}.protocols must be a non-empty list of {', '.join(PROTOCOLS)}"
                          f", not {protocols!r}", source=source)
    return tuple(dict.fromkeys(protocols))


def default_cache_dir() -> Path:
    explicit = os.environ.get("SEAMLINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seamline"


def load_settings(root: Path, overrides: Overrides | None = None) -> Settings:
    """Combine the bundled defaults, the project's config and the command line."""
    given = overrides or Overrides()
    if not root.exists():
        raise UsageError(f"no such file or folder: {root}")
    if not root.is_dir():
        raise UsageError(f"not a folder: {root} (give the root of a Python project)")
    root = root.resolve()

    defaults = _defaults()
    if given.config_file is not None:
        if not given.config_file.is_file():
            raise UsageError(f"config file not found: {given.config_file}")
        found = _config_in(given.config_file)
    else:
        found = _find_config(root)
    config: dict[str, Any] = _validate(found) if found else {}

    exclude: tuple[str, ...] = config.get("exclude", tuple(defaults["exclude"]))
    if given.no_default_excludes:
        exclude = config.get("exclude", ())
    exclude = exclude + config.get("extend-exclude", ()) + given.extend_exclude

    source_roots = tuple(_source_root(entry, root, found)
                         for entry in config.get("source-roots", ()))

    include_generated = config.get("include-generated", False)
    if given.include_generated is not None:
        include_generated = given.include_generated

    jobs = given.jobs if given.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")

    cache_dir = None if given.no_cache else (given.cache_dir or default_cache_dir())

    packs = list(bundled_packs())
    for entry in config.get("rule-packs", ()):
        assert found is not None  # a key of the config file
        path = found.path.parent / entry
        if not path.is_file():
            raise ConfigError(f"{found.prefix}rule-packs entry {entry!r}: no such file {path}",
                              source=str(found.path))
        packs.append(load_pack(path))

    clustering = _clustering(config, given)
    reference = given.reference or config.get("reference")
    if reference and reference != "packages":
        base = Path.cwd() if given.reference else (found.path.parent if found else root)
        reference = str((base / reference).resolve())
        if not Path(reference).is_file():
            raise UsageError(f"reference mapping not found: {reference} (give a TOML mapping "
                             "file or 'packages')")
    if given.traces:
        traces = tuple(path.resolve() for path in given.traces)
    else:
        base = found.path.parent if found else root
        traces = tuple((base / entry).resolve() for entry in config.get("traces", ()))
    for path in traces:
        if not path.exists():
            where = "--traces" if given.traces else f"{found.prefix if found else ''}traces"
            raise UsageError(f"{where}: trace file not found: {printable_path(str(path))}")
    max_commits = given.max_commits if given.max_commits is not None else config.get(
        "history-commits", 1000)
    return Settings(
        root=root,
        exclude=exclude,
        source_roots=source_roots,
        include_generated=bool(include_generated),
        generated_marker=str(defaults["generated-marker"]),
        max_file_bytes=int(config.get("max-file-bytes", defaults["max-file-bytes"])),
        cache_dir=cache_dir,
        jobs=jobs,
        packs=tuple(packs),
        clustering=clustering,
        history_since=given.since or config.get("history-since"),
        history_commits=int(max_commits),
        reference=reference,
        rules=config.get("findings") or choose_rules(),
        traces=traces,
        protocols=tuple(dict.fromkeys(given.protocols)) or config.get("contracts",
                                                                      ("openapi",)),
    )


def _clustering(config: Mapping[str, Any], given: Overrides) -> ClusterOptions:
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({k: float(v) for k, v in config.get("signals", {}).items()})
    for name, weight in given.signals:
        if name not in SIGNALS:
            raise UsageError(f"--signal: unknown signal {name!r}; known: {', '.join(SIGNALS)}")
        if not _is_weight(weight):
            raise UsageError(f"--signal {name}={weight}: a weight is a number from 0 to "
                             f"{MAX_SIGNAL_WEIGHT:g}")
        weights[name] = weight
    if given.resolution is not None and not _is_resolution(given.resolution):
        raise UsageError(f"--resolution {given.resolution}: the resolution is a number from "
                         f"{MIN_RESOLUTION} to {MAX_RESOLUTION:g}")
    if given.structure_blind:
        weights["packages"] = 0.0
    if not any(weights.values()):
        raise UsageError("every signal is switched off: nothing to cluster on")
    pins = tuple((name, tuple(patterns)) for name, patterns in config.get("pin", {}).items())
    return ClusterOptions(
        weights=weights,
        granularity=given.granularity or config.get("granularity", "atom"),
        contexts=given.contexts or config.get("contexts"),
        resolution=given.resolution or config.get("resolution"),
        seed=int(config.get("seed", 7)),
        kernel=given.kernel if given.kernel is not None else config.get("shared-kernel", True),
        constraints=Constraints(pin=pins, together=tuple(config.get("keep-together", ())),
                                apart=tuple(config.get("keep-apart", ()))),
        jobs=max(1, given.jobs if given.jobs is not None else (os.cpu_count() or 1)),
    )


def load_cluster_settings(overrides: Overrides) -> tuple[ClusterOptions, str | None]:
    """The clustering settings of ``seamline cluster``: the command line over the config file
    it names (if any). Returns the options and the reference (a file path or "packages")."""
    config: dict[str, Any] = {}
    base = Path.cwd()
    if overrides.config_file is not None:
        if not overrides.config_file.is_file():
            raise UsageError(f"config file not found: {overrides.config_file}")
        found = _config_in(overrides.config_file)
        if found is not None:
            config = _validate(found)
            base = found.path.parent
    reference = overrides.reference or config.get("reference")
    if reference and reference != "packages":
        path = (Path.cwd() if overrides.reference else base) / reference
        if not path.is_file():
            raise UsageError(f"reference mapping not found: {path} (give a TOML mapping file "
                             "or 'packages')")
        reference = str(path.resolve())
    return _clustering(config, overrides), reference
