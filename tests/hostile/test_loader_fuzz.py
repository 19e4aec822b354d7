"""Random bytes, random TOML and random JSON given to the loaders of the settings, the agreed
decomposition and the baseline: each either loads or raises seamline's user error
(``SeamlineError``, exit 2 on the command line), never any other exception. A few examples go
through ``seamline check`` itself."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cli import cli
from analyzer.config import Overrides, load_settings
from analyzer.decomposition import Agreed, AgreedContext, load_agreed, toml_string
from analyzer.drift.baseline import load_baseline, vouch
from analyzer.errors import SeamlineError

_FUZZ = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
_CONFIG_KEYS = ("exclude", "extend-exclude", "source-roots", "include-generated",
                "max-file-bytes", "rule-packs", "granularity", "contexts", "resolution", "seed",
                "shared-kernel", "signals", "history-since", "history-commits", "pin",
                "keep-together", "keep-apart", "reference", "findings", "select", "severity",
                "options", "code", "data", "cochange", "SL401", "tool", "seamline")
_DECOMPOSITION_KEYS = ("version", "check", "contexts", "reads", "max-coupling-increase",
                       "modules", "atoms", "public", "tables", "uses", "kernel", "infrastructure",
                       "orders",
                       "shared-kernel", "pkg", "pkg.*")
_BASELINE_KEYS = ("format", "version", "project", "coupling", "violations", "contexts",
                  "packages", "code", "subject", "message")

_keys = st.one_of(st.sampled_from(_CONFIG_KEYS + _DECOMPOSITION_KEYS + _BASELINE_KEYS),
                  st.text(max_size=8))
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 0.5, 1.0, 1e308]),
    st.text(max_size=12),
    st.sampled_from(["seamline-baseline", "atom", "module", "error", "warning", "off",
                     "packages", "..", "../..", "/etc", "pkg", "pkg.*", "SL401", "app"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


def toml_value(value: Any) -> str:
    """``value`` as a TOML inline value (None has none in TOML: an empty array stands in)."""
    if value is None:
        return "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(table: dict[str, Any], section: str = "") -> str:
    lines = [f"[{section}]"] if section else []
    lines += [f"{toml_string(key)} = {toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


_config_tables = st.dictionaries(st.sampled_from(_CONFIG_KEYS) | st.text(max_size=6), _values,
                                 max_size=5)
_context_tables = st.dictionaries(st.sampled_from(_DECOMPOSITION_KEYS[3:]), _values,
                                  max_size=5)
_decompositions = st.fixed_dictionaries(
    {},
    optional={"version": st.one_of(st.just(1), _scalars),
              "check": st.one_of(st.dictionaries(st.sampled_from(_DECOMPOSITION_KEYS), _values,
                                                 max_size=3), _values),
              "contexts": st.one_of(st.dictionaries(st.sampled_from(["app", "orders", "k"]) | _keys,
                                                    _context_tables | _values, max_size=3),
                                    _values),
              "extra": _values},
)
_violations = st.lists(
    st.one_of(st.fixed_dictionaries({"code": st.sampled_from(["SL401", "SL407"]),
                                     "subject": st.text(max_size=10)},
                                    optional={"message": _scalars}),
              st.dictionaries(st.sampled_from(_BASELINE_KEYS), _values, max_size=3), _values),
    max_size=3,
)
_baselines = st.fixed_dictionaries(
    {},
    optional={"format": st.one_of(st.just("seamline-baseline"), _scalars),
              "version": st.one_of(st.sampled_from([1, 2]), _scalars),
              "project": st.one_of(
                  st.fixed_dictionaries({"contexts": st.one_of(st.just(["app"]), _values),
                                         "packages": st.one_of(st.just(["pkg"]), _values)}),
                  _values),
              "coupling": st.one_of(st.floats(allow_nan=True, allow_infinity=True), _scalars),
              "violations": st.one_of(_violations, _values)},
)
_AGREED = Agreed((AgreedContext("app", ("pkg", "pkg.*")),))
# What Python says, not seamline: "'list' object has no attribute 'get'", a KeyError's "'subject'"
_PYTHON_TEXT = re.compile(r"object has no attribute|object is not|unhashable type|"
                          r"not supported between|: '[^' ]*'$|Traceback")


def loads_or_says_why(load: Any, *args: Any) -> None:
    """``load(*args)`` returns, or raises seamline's user error; anything else fails."""
    try:
        load(*args)
    except SeamlineError as error:
        assert error.message.strip() and not _PYTHON_TEXT.search(error.message), error.message


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "a.py").write_text("def f():\n    return 1\n")
    return root


# --------------------------------------------------------------------------- settings


def load_config(root: Path, name: str, content: bytes) -> None:
    for stale in ("seamline.toml", "pyproject.toml"):
        (root / stale).unlink(missing_ok=True)
    (root / name).write_bytes(content)
    loads_or_says_why(load_settings, root, Overrides(no_cache=True, jobs=1))


@_FUZZ
@given(content=st.binary(max_size=200))
def test_settings_from_random_bytes(tmp_path: Path, content: bytes) -> None:
    root = project(tmp_path)
    load_config(root, "seamline.toml", content)
    load_config(root, "pyproject.toml", b"[tool.seamline]\n" + content)


@_FUZZ
@given(table=_config_tables, in_pyproject=st.booleans())
def test_settings_from_random_toml(tmp_path: Path, table: dict[str, Any],
                                   in_pyproject: bool) -> None:
    root = project(tmp_path)
    if in_pyproject:
        load_config(root, "pyproject.toml", toml_document(table, "tool.seamline").encode())
    else:
        load_config(root, "seamline.toml", toml_document(table).encode())


# --------------------------------------------------------------------------- decomposition


@_FUZZ
@given(content=st.binary(max_size=300))
def test_decomposition_from_random_bytes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "seamline-decomposition.toml"
    path.write_bytes(content)
    loads_or_says_why(load_agreed, path)
    path.write_bytes(b"version = 1\n" + content)
    loads_or_says_why(load_agreed, path)


@_FUZZ
@given(document=_decompositions)
def test_decomposition_from_random_toml(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "seamline-decomposition.toml"
    path.write_text(toml_document(document), encoding="utf-8")
    loads_or_says_why(load_agreed, path)


# --------------------------------------------------------------------------- baseline


def load_and_vouch(path: Path) -> None:
    baseline = load_baseline(path)
    vouch(baseline, _AGREED, path, False)
    vouch(baseline, _AGREED, path, True)


@_FUZZ
@given(content=st.binary(max_size=300))
def test_baseline_from_random_bytes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "seamline-baseline.json"
    path.write_bytes(content)
    loads_or_says_why(load_and_vouch, path)


@_FUZZ
@given(document=st.one_of(_baselines, _values))
def test_baseline_from_random_json(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "seamline-baseline.json"
    path.write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    loads_or_says_why(load_and_vouch, path)


# --------------------------------------------------------------------------- the command line


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(config=_config_tables, decomposition=_decompositions, baseline=_baselines)
def test_seamline_check_exits_0_1_or_2(tmp_path: Path, config: dict[str, Any],
                                       decomposition: dict[str, Any],
                                       baseline: dict[str, Any]) -> None:
    root = project(tmp_path)
    (root / "seamline.toml").write_text(toml_document(config), encoding="utf-8")
    (root / "seamline-decomposition.toml").write_text(toml_document(decomposition),
                                                      encoding="utf-8")
    (root / "seamline-baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", os.fspath(root), "--no-cache", "-j", "1"])
    assert result.exit_code in (0, 1, 2), (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    if result.exit_code == 2:
        assert result.output.count("seamline: error: ") == 1, result.output
