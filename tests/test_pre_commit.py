"""The pre-commit hooks that docs/check.md documents, run by the real pre-commit on a copy of
the sample: the local hook exactly as the guide prints it, and this repository's own
``seamline-check`` from .pre-commit-hooks.yaml (which pre-commit installs from the checkout).

pre-commit is taken from ``PATH`` when it is there, else installed from the package registry
into a throwaway venv; its home and pip's cache are under the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES
from tests.test_packaging import SEAMLINE, clean_env, run_ok, tool

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit's home and pip's cache in a temporary folder; the checkout's ``seamline``
    on ``PATH`` for the local hook."""
    root = tmp_path_factory.mktemp("pre-commit")
    return clean_env({"PRE_COMMIT_HOME": str(root / "home"), "PIP_CACHE_DIR": str(root / "pip"),
                      "PATH": f"{SEAMLINE.parent}{os.pathsep}{os.environ.get('PATH', '')}"})


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    return tool("pre-commit", tmp_path_factory.mktemp("tools"), env)


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    """A git repository holding the sample, its decomposition and its baseline, all staged."""
    root = tmp_path / "tradepost"
    shutil.copytree(SAMPLES / "tradepost", root, ignore=shutil.ignore_patterns("__pycache__"))
    run_ok([str(SEAMLINE), "init", ".", "--no-cache", "-q"], env, root)
    run_ok([str(SEAMLINE), "check", ".", "--no-cache", "--update-baseline"], env, root)
    assert (root / "seamline-baseline.json").is_file()
    run_ok(["git", "init", "-q"], env, root)
    return root


def _documented_local_config() -> str:
    """The ``repo: local`` block of docs/check.md's pre-commit section, as printed there."""
    text = (REPO / "docs" / "check.md").read_text(encoding="utf-8")
    section = text[text.index("## pre-commit\n"):]
    blocks: list[str] = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    [block] = [b for b in blocks if "repo: local" in b]
    return block


def _pre_commit(argv: list[str], env: dict[str, str],
                cwd: Path) -> subprocess.CompletedProcess[str]:
    """``argv`` after staging everything in ``cwd``: pre-commit runs on tracked files."""
    run_ok(["git", "add", "-A"], env, cwd)
    return subprocess.run(argv, capture_output=True, text=True, check=False, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=600)


def test_the_hook_manifest_and_the_documented_config_are_valid(
        pre_commit: Path, env: dict[str, str], tmp_path: Path) -> None:
    run_ok([str(pre_commit), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], env,
           tmp_path)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(_documented_local_config(), encoding="utf-8")
    run_ok([str(pre_commit), "validate-config", str(config)], env, tmp_path)


def test_the_documented_local_hook_passes_then_fails_on_drift(
        pre_commit: Path, env: dict[str, str], project: Path) -> None:
    (project / ".pre-commit-config.yaml").write_text(_documented_local_config(), encoding="utf-8")
    argv = [str(pre_commit), "run", "--all-files"]
    done = _pre_commit(argv, env, project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^seamline check\.+Passed$", done.stdout, re.MULTILINE), done.stdout
    # Without the baseline, today's violations are new: the hook fails the commit.
    (project / "seamline-baseline.json").unlink()
    done = _pre_commit(argv, env, project)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^seamline check\.+Failed$", done.stdout, re.MULTILINE), done.stdout
    assert " error SL40" in done.stdout, done.stdout


def test_this_repositorys_hook_installs_seamline_and_runs_it(
        pre_commit: Path, env: dict[str, str], project: Path) -> None:
    """``pre-commit try-repo`` installs the hook from this checkout (``language: python``) into
    an environment of pre-commit's own, as ``repo: <address>`` does from a clone."""
    assert (REPO / ".git").exists(), f"{REPO} is not a git checkout: pre-commit needs one"
    # No seamline on PATH: the hook can only pass with the one pre-commit installs.
    path = os.pathsep.join(d for d in env["PATH"].split(os.pathsep)
                           if d and not (Path(d) / "seamline").exists())
    env = env | {"PATH": path}
    assert shutil.which("seamline", path=path) is None
    done = _pre_commit([str(pre_commit), "try-repo", str(REPO), "seamline-check", "--all-files"],
                       env, project)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^seamline check\.+Passed$", done.stdout, re.MULTILINE), done.stdout
