"""The flow of docs/check.md, walked on copies of two samples with the real tools: ``init``,
``check --update-baseline`` and both exports pass ``seamline check``, ``lint-imports`` and
``tach check``; then each change a pull request might bring, one at a time on a fresh copy of
that agreed tree, gets the verdict it must get from each tool that can see it. The tools run
on the configs exported before the change, as a team's committed ones would be."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.config import load_settings
from analyzer.decomposition import Agreed, load_agreed
from analyzer.discover import discover
from tests.test_export_parity import _agree, _copy, _export, _forbidden_import, _seamline, _tools

pytestmark = pytest.mark.slow

SAMPLES_USED = ("djshop", "shopfront")


@pytest.fixture(scope="module")
def agreed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each sample after steps 1-4 of docs/check.md, and the exports a team would commit."""
    base = tmp_path_factory.mktemp("agreed")
    roots = {}
    for name in SAMPLES_USED:
        root = _copy(base, name)
        _agree(root)
        _export(root)
        roots[name] = root
    return roots


def _fresh(agreed: dict[str, Path], name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(agreed[name], tmp_path / name))


def _decomposition(root: Path) -> Agreed:
    return load_agreed(root / "seamline-decomposition.toml")


def _modules(root: Path) -> dict[str, Path]:
    """The modules ``seamline check`` reads (its excludes applied), by name."""
    settings = load_settings(root)
    return {f.module: root / f.path
            for f in discover(settings.root, settings.exclude, settings.source_roots).files}


def _held(root: Path) -> Iterator[tuple[str, Path, str]]:
    """(module, file, context) for each plain module (no package's ``__init__``) a non-kernel
    context holds, in name order."""
    agreed = _decomposition(root)
    kernels = {c.name for c in agreed.contexts if c.kernel}
    for module, path in sorted(_modules(root).items()):
        context = agreed.assign(module, module)
        if context is not None and context not in kernels and path.name != "__init__.py":
            yield module, path, context


def _own_function(agreed: Agreed, module: str, path: Path, context: str) -> str | None:
    """A public top-level function of the module that its module's context holds (not one
    that ``atoms`` place elsewhere: the tools see modules only, docs/check.md)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next((n.name for n in tree.body
                 if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
                 and agreed.assign(f"{module}:{n.name}", module) == context), None)


def _append(path: Path, code: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n\n" + code)


def _verdicts(root: Path) -> tuple[int, str, dict[str, tuple[bool, str]]]:
    code, output = _seamline("check", str(root))
    return code, output, _tools(root)


@pytest.mark.parametrize("name", SAMPLES_USED)
def test_after_init_and_update_baseline_all_three_pass(agreed: dict[str, Path],
                                                       name: str) -> None:
    code, output, tools = _verdicts(agreed[name])
    assert code == 0, output
    for tool, (passed, said) in tools.items():
        assert passed, f"{tool} fails where check passes:\n{said}"


@pytest.mark.parametrize("name", SAMPLES_USED)
def test_an_unused_cross_context_import_fails_all_three(agreed: dict[str, Path], name: str,
                                                        tmp_path: Path) -> None:
    root = _fresh(agreed, name, tmp_path)
    path, target = _forbidden_import(root)
    _append(path, f"import {target}  # nothing uses it\n")
    code, output, tools = _verdicts(root)
    assert code == 1 and "SL401" in output, output
    for tool, (passed, said) in tools.items():
        assert not passed and target in said, f"{tool} passes an unused forbidden import:\n{said}"


def _private_use(root: Path) -> tuple[Path, str, str]:
    """A module of a context, and a private module (with a function) of a context it may
    use, which it does not import yet."""
    agreed = _decomposition(root)
    held = list(_held(root))
    for _, path, context in held:
        allowed = set(agreed.context(context).uses)
        for target, target_path, other in held:
            if other not in allowed or agreed.context(other).is_public(target):
                continue
            function = _own_function(agreed, target, target_path, other)
            if function and target not in path.read_text(encoding="utf-8"):
                return path, target, function
    raise AssertionError("no context may use another that has a private module")


@pytest.mark.parametrize("name", SAMPLES_USED)
def test_a_new_use_of_a_private_module_fails_all_three(agreed: dict[str, Path], name: str,
                                                       tmp_path: Path) -> None:
    root = _fresh(agreed, name, tmp_path)
    path, target, function = _private_use(root)
    _append(path, f"from {target} import {function} as _flow_probe_target\n\n\n"
                  "def flow_probe(*args):\n    return _flow_probe_target(*args)\n")
    code, output, tools = _verdicts(root)
    assert code == 1 and "SL402" in output and target.partition(".")[2] in output, output
    for tool, (passed, said) in tools.items():
        assert not passed and target in said, (
            f"{tool} passes a new use of a private module:\n{said}")


def _other_table(root: Path) -> tuple[Path, str]:
    """A module of one context, and a table another context owns."""
    owners = _decomposition(root).owner_of()
    for _, path, context in _held(root):
        table = next((t for t, owner in sorted(owners.items()) if owner != context), None)
        if table:
            return path, table
    raise AssertionError("no table owned by another context")


@pytest.mark.parametrize("name", SAMPLES_USED)
def test_a_write_to_another_contexts_table_fails_seamline_only(
        agreed: dict[str, Path], name: str, tmp_path: Path) -> None:
    root = _fresh(agreed, name, tmp_path)
    path, table = _other_table(root)
    _append(path, "def flow_probe():\n    import sqlite3\n\n"
                  f'    sqlite3.connect("shop.db").execute("DELETE FROM {table}")\n')
    code, output, tools = _verdicts(root)
    assert code == 1 and "SL403" in output and table in output, output
    # import-linter and tach judge imports between modules only: a table written through
    # SQL or an ORM is no import (docs/check.md, "What the tools cannot see"), and the one
    # import added here is of the standard library, so both still pass
    for tool, (passed, said) in tools.items():
        assert passed, f"{tool} fails on a change that adds no project import:\n{said}"


def _package_of_a_context(root: Path) -> tuple[Path, str]:
    """A package that a context holds with a glob (``pkg.*``), and that context: one that
    owns tables first."""
    agreed = _decomposition(root)
    for context in sorted(agreed.contexts, key=lambda c: not c.tables):
        for pattern in context.modules:
            package = pattern.removesuffix(".*")
            folder = root / package.replace(".", "/")
            if pattern.endswith(".*") and "*" not in package and (folder / "__init__.py").is_file():
                return folder, context.name
    raise AssertionError("no context holds a package with a glob")


@pytest.mark.parametrize("name", SAMPLES_USED)
def test_a_new_module_in_a_contexts_package_is_that_contexts_and_passes(
        agreed: dict[str, Path], name: str, tmp_path: Path) -> None:
    root = _fresh(agreed, name, tmp_path)
    folder, context = _package_of_a_context(root)
    (folder / "flow_probe.py").write_text("def flow_probe(amount):\n    return amount * 2\n",
                                          encoding="utf-8")
    module = f"{folder.relative_to(root).as_posix().replace('/', '.')}.flow_probe"
    assert module in _modules(root)
    assert _decomposition(root).assign(module, module) == context
    code, output, tools = _verdicts(root)
    assert code == 0 and "SL405" not in output, output
    for tool, (passed, said) in tools.items():
        assert passed, f"{tool} fails on a new module that imports nothing:\n{said}"
