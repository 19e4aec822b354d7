"""The exports pass the real tools exactly when ``seamline check`` passes: right after
``init`` and ``--update-baseline`` all three pass, and one new forbidden import fails all
three. The baseline's known violations are excused in the tools' own terms (import-linter's
``ignore_imports``, tach's ``cannot_depend_on`` left short), one import at a time, so a new
import along a dependency the baseline knows still fails them. Real ``lint-imports`` and
``tach check``, no stand-ins."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.decomposition import load_agreed
from analyzer.drift.export import forbidden
from tests.conftest import SAMPLES, run

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _seamline(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--no-cache"])
    return result.exit_code, result.output


def _export(root: Path) -> None:
    """Both exports, where the tools look for them."""
    for target, name in (("import-linter", "pyproject.toml"), ("tach", "tach.toml")):
        code, output = _seamline("export", str(root), "--to", target, "--output",
                                 str(root / name))
        assert code == 0, output


def _tools(root: Path) -> dict[str, tuple[bool, str]]:
    """Each tool's verdict (passed, its output), run as a team runs it."""
    env = os.environ | {"PYTHONPATH": str(root)}
    verdicts = {}
    for name, command in (("lint-imports", [str(BIN / "lint-imports"), "--no-cache"]),
                          ("tach", [str(BIN / "tach"), "check"])):
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env,
                              check=False, timeout=300)
        verdicts[name] = (done.returncode == 0, done.stdout + done.stderr)
    return verdicts


def _copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _agree(root: Path, *init: str) -> None:
    assert _seamline("init", str(root), *init)[0] == 0
    assert _seamline("check", str(root), "--update-baseline")[0] == 0


def _forbidden_import(root: Path) -> tuple[Path, str]:
    """A module of one context and a module of a context it may not use, which it does not
    import yet: the tools see a dependency as one module importing another, so an import
    along a pair of modules already imported (and excused) is nothing new to them."""
    agreed = load_agreed(root / "seamline-decomposition.toml")
    imported = {(m.name, i.module) for m in run(root).code.modules for i in m.imports}
    for context in agreed.contexts:
        for other in agreed.contexts:
            if other.kernel or other.name == context.name or other.name in context.uses:
                continue
            source = next((m for m in context.modules if "*" not in m and "." in m), None)
            target = next((m for m in other.modules if "*" not in m and "." in m
                           and (source, m) not in imported), None)
            if source and target:
                path = root / (source.replace(".", "/") + ".py")
                if path.is_file():
                    return path, target
    raise AssertionError("no forbidden pair")


@pytest.mark.parametrize(("name", "init"), [
    ("tradepost", ("--config", "agreed.toml")), ("djshop", ()), ("shopfront", ())])
def test_the_exports_pass_when_check_passes_and_fail_with_it_on_a_new_import(
        tmp_path: Path, name: str, init: tuple[str, ...]) -> None:
    root = _copy(tmp_path, name)
    _agree(root, *[str(root / a) if a.endswith(".toml") else a for a in init])
    _export(root)
    assert _seamline("check", str(root))[0] == 0
    for tool, (passed, output) in _tools(root).items():
        assert passed, f"{tool} fails where check passes:\n{output}"

    path, target = _forbidden_import(root)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nimport {target}  # nothing uses it\n")
    code, output = _seamline("check", str(root))
    assert code == 1 and "SL401" in output and "imports" in output, output
    for tool, (passed, output) in _tools(root).items():  # the exports made before the change
        assert not passed and target in output, f"{tool} passes a new forbidden import:\n{output}"


def test_known_violations_are_excused_one_import_at_a_time(tmp_path: Path) -> None:
    root = _copy(tmp_path, "tradepost")
    _agree(root, "--config", str(root / "agreed.toml"))
    decomposition = root / "seamline-decomposition.toml"
    text = decomposition.read_text(encoding="utf-8")
    shipping = text.index("[contexts.shipping]")
    # the team prunes shipping's use of customers: today's imports become known violations
    decomposition.write_text(text[:shipping] + text[shipping:].replace('"customers",\n', "", 1)
                             .replace('["customers", ', "[", 1), encoding="utf-8")
    assert "customers" not in load_agreed(decomposition).context("shipping").uses
    code, output = _seamline("check", str(root), "--update-baseline")
    assert code == 0, output
    _export(root)
    assert "# known: the baseline records it" in (root / "pyproject.toml").read_text("utf-8")
    assert "not forbidden here, known" in (root / "tach.toml").read_text("utf-8")
    assert _seamline("check", str(root))[0] == 0
    for tool, (passed, output) in _tools(root).items():
        assert passed, f"{tool} fails on a known violation:\n{output}"

    # the same forbidden dependency, from a module that did not have it
    api = root / "tradepost" / "api" / "shipping.py"
    with api.open("a", encoding="utf-8") as handle:
        handle.write("\nimport tradepost.services.customer_service  # nothing uses it\n")
    code, output = _seamline("check", str(root))
    assert code == 1 and "shipping uses customers" in output, output
    for tool, (passed, output) in _tools(root).items():
        assert not passed and "tradepost.services.customer_service" in output, (
            f"{tool} passes a new import of a known dependency:\n{output}")


def test_a_kernels_private_module_is_forbidden_in_the_export_as_in_check(tmp_path: Path) -> None:
    # check reports SL402 for a kernel module left out of the kernel's `public`: the exported
    # files must forbid it too, and leave its public modules to everyone
    path = tmp_path / "seamline-decomposition.toml"
    path.write_text('version = 1\n\n[contexts.orders]\nmodules = ["shop.orders", "shop.orders.*"]\n'
                    '\n[contexts.kernel]\nkernel = true\nmodules = ["shop.util", "shop.util.*"]\n'
                    'public = ["shop.util.api"]\n', encoding="utf-8")
    agreed = load_agreed(path)
    assert forbidden(agreed, "shop.orders.service", "shop.util.cache")
    assert not forbidden(agreed, "shop.orders.service", "shop.util.api")
