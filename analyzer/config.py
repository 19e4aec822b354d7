"""Settings: ``[tool.seamline]`` (pyproject.toml) or ``seamline.toml``, then the command line.

Every key is checked: an unknown key or a value of the wrong type is a ``ConfigError`` that names
the file and the key. Nothing is silently ignored.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError, UsageError
from analyzer.packs import Pack, bundled_packs, load_pack
from analyzer.resources import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


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


# key -> (expected type, description used in error messages)
_KEYS: dict[str, tuple[type, str]] = {
    "exclude": (list, "a list of glob patterns"),
    "extend-exclude": (list, "a list of glob patterns"),
    "source-roots": (list, "a list of folders relative to the project root"),
    "include-generated": (bool, "true or false"),
    "max-file-bytes": (int, "a positive integer"),
    "rule-packs": (list, "a list of rule pack files (TOML) relative to the config file"),
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return dict(tomllib.load(handle))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from exc


def _defaults() -> dict[str, Any]:
    path = rules_dir() / "discovery.toml"
    data = _read_toml(path)
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
    data = _read_toml(path)
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
    for key, value in table.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"unknown key '{prefix}{key}'{hint}; known keys: {known}", source=str(source)
            )
        expected, described = _KEYS[key]
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if ok and expected is list:
            ok = all(isinstance(item, str) and item for item in value)
        if ok and key == "max-file-bytes":
            ok = value > 0
        if not ok:
            raise ConfigError(
                f"{prefix}{key} must be {described}, not {value!r}", source=str(source)
            )
        checked[key] = tuple(value) if expected is list else value
    return checked


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

    source_roots: tuple[str, ...] = config.get("source-roots", ())
    for entry in source_roots:
        if not (root / entry).is_dir():
            raise ConfigError(
                f"source-roots entry {entry!r} is not a folder under {root}",
                source=str(found.path) if found else None,
            )

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
    )
