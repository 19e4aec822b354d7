"""The wheel installs one top-level package, ``analyzer``, with rules, reports and schemas, and
installs the way the README's Install section says: with pip, pipx and uv, each into a
brand-new environment, and the installed ``seamline`` analyses the sample from there.

pipx and uv are taken from ``PATH`` when they are there, else installed from the package
registry into a throwaway venv. Every tool's home, bin folder and cache is under the test's
temporary folder, so nothing lands in the user's home. A tool that cannot be installed fails
the test with the reason: these tests are part of CI and never skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from analyzer import __version__
from tests.conftest import REPO, SAMPLES

# The venv running the tests: its ``seamline`` is the editable install of this checkout.
SEAMLINE = Path(sys.executable).parent / "seamline"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """seamline's wheel, built once for the whole module."""
    outdir = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir),
         str(REPO)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    [built] = outdir.glob("seamline-*.whl")
    return built


@pytest.fixture(scope="module")
def caches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Download caches shared by the module's installs, kept out of the user's home."""
    root = tmp_path_factory.mktemp("caches")
    return {"PIP_CACHE_DIR": str(root / "pip"), "UV_CACHE_DIR": str(root / "uv")}


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without the test venv's traces, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"}}
    return env | dict(extra)


def run_ok(argv: list[str], env: Mapping[str, str], cwd: Path) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=dict(env),
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 0, (f"`{' '.join(argv)}` exited {done.returncode}\n"
                                  f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def tool(name: str, where: Path, env: Mapping[str, str]) -> Path:
    """``name`` from PATH, else installed from the package registry into a throwaway venv."""
    found = shutil.which(name)
    if found:
        return Path(found)
    venv = where / f"{name}-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", name],
                          capture_output=True, text=True, check=False, env=dict(env),
                          stdin=subprocess.DEVNULL, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{name} is not on PATH and `pip install {name}` into a throwaway venv failed "
                    f"(it needs the package registry):\n{done.stderr[-3000:]}")
    return venv / "bin" / name


def _analyses_the_sample(seamline: Path, python: Path, tmp_path: Path, env: Mapping[str, str],
                         install_root: Path) -> None:
    """The installed ``seamline`` runs from its own environment and writes the report."""
    assert seamline.is_file(), f"no {seamline}"
    # Not the checkout's editable install: the package comes from the new environment.
    where = run_ok([str(python), "-c", "import analyzer; print(analyzer.__file__)"], env, tmp_path)
    assert Path(where.strip()).resolve().is_relative_to(install_root.resolve()), where
    assert run_ok([str(python), "-m", "analyzer", "--version"], env, tmp_path) == (
        f"seamline, version {__version__}\n")
    sample = tmp_path / "tradepost"
    shutil.copytree(SAMPLES / "tradepost", sample,
                    ignore=shutil.ignore_patterns("__pycache__", ".seamline*"))
    out = tmp_path / "out"
    run_ok([str(seamline), "analyze", str(sample), "--out", str(out), "--no-cache", "-q"], env,
         tmp_path)
    assert (out / "index.html").is_file()
    assert (out / "analysis.json").is_file()


def test_wheel_holds_only_analyzer_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"analyzer"}  # no top-level rules/ or reports/ package
    for folder in ("rules", "reports"):
        shipped = sorted(p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts)
        assert shipped, f"{folder}/ is empty"
        for rel in shipped:
            assert f"analyzer/{rel}" in names, f"{rel} missing from the wheel"
    assert "analyzer/schemas/analysis.schema.json" in names
    assert "analyzer/reports/templates/index.html.j2" in names
    assert "analyzer/docs/clustering.md" in names  # the report's method.html and metric cards
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "seamline = analyzer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_pip_install_into_a_new_venv(wheel: Path, caches: dict[str, str], tmp_path: Path) -> None:
    env = clean_env(caches)
    venv = tmp_path / "venv"
    run_ok([sys.executable, "-m", "venv", str(venv)], env, tmp_path)
    run_ok([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], env,
         tmp_path)
    _analyses_the_sample(venv / "bin" / "seamline", venv / "bin" / "python", tmp_path, env, venv)


@pytest.mark.slow
def test_pipx_install(wheel: Path, caches: dict[str, str], tmp_path: Path) -> None:
    home, bin_dir = tmp_path / "pipx-home", tmp_path / "pipx-bin"
    env = clean_env(caches | {"PIPX_HOME": str(home), "PIPX_BIN_DIR": str(bin_dir),
                         "PIPX_MAN_DIR": str(tmp_path / "pipx-man")})
    pipx = tool("pipx", tmp_path, env)
    run_ok([str(pipx), "install", "--python", sys.executable, str(wheel)], env, tmp_path)
    venv = home / "venvs" / "seamline"
    _analyses_the_sample(bin_dir / "seamline", venv / "bin" / "python", tmp_path, env, venv)


@pytest.mark.slow
def test_uv_tool_install(wheel: Path, caches: dict[str, str], tmp_path: Path) -> None:
    tools, bin_dir = tmp_path / "uv-tools", tmp_path / "uv-bin"
    # uv never downloads a Python here: it uses the interpreter running the tests.
    env = clean_env(caches | {"UV_TOOL_DIR": str(tools), "UV_TOOL_BIN_DIR": str(bin_dir),
                         "UV_PYTHON_DOWNLOADS": "never"})
    uv = tool("uv", tmp_path, env)
    run_ok([str(uv), "tool", "install", "--python", sys.executable, str(wheel)], env, tmp_path)
    venv = tools / "seamline"
    _analyses_the_sample(bin_dir / "seamline", venv / "bin" / "python", tmp_path, env, venv)


def test_python_dash_m_analyzer_is_the_seamline_command(tmp_path: Path) -> None:
    env = clean_env({})
    assert run_ok([sys.executable, "-m", "analyzer", "--version"], env, tmp_path) == (
        f"seamline, version {__version__}\n")
    assert run_ok([sys.executable, "-m", "analyzer", "--help"], env, tmp_path).startswith(
        "Usage: seamline [OPTIONS] COMMAND [ARGS]...")


def test_shell_completion_scripts(tmp_path: Path) -> None:
    assert SEAMLINE.is_file(), f"no seamline command beside {sys.executable}"
    scripts = {shell: run_ok([str(SEAMLINE)], clean_env({"_SEAMLINE_COMPLETE": f"{shell}_source"}),
                           tmp_path) for shell in ("bash", "zsh", "fish")}
    assert "complete -o nosort -F _seamline_completion seamline" in scripts["bash"]
    assert scripts["zsh"].startswith("#compdef seamline")
    assert "complete --no-files --command seamline" in scripts["fish"]


def test_bash_completion_completes_commands_and_options(tmp_path: Path) -> None:
    """The README's ``eval "$(_SEAMLINE_COMPLETE=bash_source seamline)"``, run in real bash."""
    bash = shutil.which("bash")
    assert bash, "bash is needed to test its completion"
    script = """
        eval "$(_SEAMLINE_COMPLETE=bash_source seamline)"
        complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
                           _seamline_completion seamline; echo "${COMPREPLY[*]}"; }
        complete_words seamline an
        complete_words seamline analyze --structure-
        complete_words seamline check --format ju
    """
    env = clean_env({"PATH": f"{SEAMLINE.parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert run_ok([bash, "-c", script], env, tmp_path).splitlines() == [
        "analyze", "--structure-blind", "junit"]
