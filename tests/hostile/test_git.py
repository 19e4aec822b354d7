"""A hostile repository's git settings never make ``seamline analyze`` run a program.

Each test builds a real repository whose ``.git/config`` (or ``.gitattributes``) names
``tools.sh``, a script that leaves a marker file outside the repository, and runs
``seamline analyze`` on it. The marker must not appear. Plain ``git log`` on the same repository
does run the script in the signature and partial-clone cases (checked first, so the test proves
its repository is really hostile).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.graph.history import LOG_OPTIONS, co_change, git_command, git_environment

pytestmark = pytest.mark.skipif(shutil.which("git") is None,
                                reason="git is part of the CI machine")

_AUTHOR = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
_FILES = {"pkg/__init__.py": "", "pkg/a.py": "def a_fn():\n    return 0\n",
          "pkg/b.py": "def b_fn():\n    return 0\n"}
_SIGNATURES = {
    "openpgp": "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----",
    "x509": "-----BEGIN SIGNED MESSAGE-----\n\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n"
            "-----END SIGNED MESSAGE-----",
    "ssh": "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ\n-----END SSH SIGNATURE-----",
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          env=git_free_environment() | _AUTHOR)
    return done.stdout.decode()


def git_free_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def tools_script(root: Path, marker: Path) -> Path:
    """``tools.sh``: leaves ``marker`` behind when anything runs it."""
    script = root / "tools.sh"
    script.write_text(f'#!/bin/sh\necho ran >> "{marker}"\nexit 1\n')
    script.chmod(0o755)
    return script


def history(root: Path, rounds: int = 3) -> None:
    """A repository with ``rounds`` commits that change pkg/a.py and pkg/b.py together."""
    for rel, text in _FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "pkg")
    git(root, "commit", "-qm", "start")
    for round_ in range(rounds):
        for name in ("a", "b"):
            path = root / "pkg" / f"{name}.py"
            path.write_text(path.read_text() + f"# {round_}\n")
        git(root, "commit", "-qam", f"a and b together {round_}")


def signed_commit(root: Path, signature: str) -> None:
    """One more commit, written with ``git hash-object`` with a ``gpgsig`` header."""
    (root / "pkg" / "a.py").write_text("def a_fn():\n    return 1\n")
    git(root, "add", "pkg")
    tree = git(root, "write-tree").strip()
    parent = git(root, "rev-parse", "HEAD").strip()
    header = signature.replace("\n", "\n ")
    commit = (f"tree {tree}\nparent {parent}\nauthor t <t@t> 1700000000 +0000\n"
              f"committer t <t@t> 1700000000 +0000\ngpgsig {header}\n\nsigned\n")
    body = root.parent / "commit.txt"
    body.write_text(commit)
    sha = git(root, "hash-object", "-t", "commit", "-w", str(body)).strip()
    git(root, "update-ref", "HEAD", sha)


def analyze(root: Path, out: Path) -> None:
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(out), "--no-cache",
                                      "-j", "1"])
    assert result.exit_code == 0, result.output


def plain_git_log(root: Path) -> None:
    """What seamline used to run, for the proof that the repository is hostile."""
    subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", "log",
                    "--no-merges", "--no-renames", "--name-only", "--format=%x1e", "--", "."],
                   capture_output=True, check=False, env=git_free_environment(),
                   stdin=subprocess.DEVNULL, timeout=60)


def assert_hostile_and_harmless(root: Path, marker: Path, out: Path) -> None:
    """Plain git log runs the repository's program (the test is real); seamline does not."""
    plain_git_log(root)
    assert marker.exists(), "the repository is not hostile: plain git log ran nothing"
    marker.unlink()
    analyze(root, out)
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["openpgp", "x509", "ssh"])
def test_a_signed_commit_never_runs_the_repositorys_signature_program(
        tmp_path: Path, kind: str) -> None:
    root, marker = tmp_path / "repo", tmp_path / "marker"
    root.mkdir()
    history(root)
    signed_commit(root, _SIGNATURES[kind])
    tools_script(root, marker)
    git(root, "config", "log.showSignature", "true")
    git(root, "config", "gpg.program", "./tools.sh")
    git(root, "config", f"gpg.{kind}.program", "./tools.sh")
    git(root, "config", "gpg.ssh.allowedSignersFile", "tools.sh")  # ssh verifies only with it
    assert_hostile_and_harmless(root, marker, tmp_path / "out")
    found = co_change(root, {p: p for p in _FILES}, None, 100)
    assert found.commits == 5 and found.note is None  # the history is still read
    assert [(a, b) for a, b, _, _ in found.pairs] == [("pkg/a.py", "pkg/b.py")]


def test_fsmonitor_pager_external_diff_and_textconv_run_nothing(tmp_path: Path) -> None:
    """Settings that run a program when git writes a patch (an external diff, a textconv
    driver) or in a terminal (a pager, fsmonitor, hooks): a plain ``git log -p`` runs them;
    seamline's log, even made to write patches, runs none of them."""
    root, marker = tmp_path / "repo", tmp_path / "marker"
    root.mkdir()
    history(root)
    tools_script(root, marker)
    (root / ".gitattributes").write_text("*.py diff=evil filter=evil\n")
    git(root, "add", ".gitattributes")
    git(root, "commit", "-qm", "attributes")
    for key in ("core.fsmonitor", "core.pager", "pager.log", "diff.external",
                "diff.evil.textconv", "diff.evil.command", "filter.evil.clean",
                "filter.evil.smudge", "core.hooksPath"):
        git(root, "config", key, "./tools.sh" if key != "core.hooksPath" else ".")
    for hook in ("post-checkout", "post-index-change", "reference-transaction"):
        shutil.copy(root / "tools.sh", root / hook)
    for patch in (["-p"], ["-p", "--ext-diff"]):  # textconv, then the external diff
        subprocess.run(["git", "-C", str(root), "log", *patch], capture_output=True,
                       check=False, env=git_free_environment(), timeout=60)
        assert marker.exists(), f"the repository is not hostile: git log {patch} ran nothing"
        marker.unlink()
    command = git_command(shutil.which("git") or "git", root, "log", *LOG_OPTIONS, "-p")
    subprocess.run(command, capture_output=True, check=False, timeout=60,
                   env=git_environment(os.environ))
    assert not marker.exists()
    analyze(root, tmp_path / "out")
    assert not marker.exists()
    found = co_change(root, {p: p for p in _FILES}, None, 100)
    assert found.commits == 5


def partial_clone(tmp_path: Path) -> Path:
    """A clone without trees (``--filter=tree:0``): reading its history needs a fetch."""
    source = tmp_path / "source"
    source.mkdir()
    history(source)
    git(source, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--filter=tree:0", "--no-checkout",
        source.resolve().as_uri(), str(clone))
    # something to analyse, written by hand: a checkout would fetch the trees itself
    (clone / "pkg").mkdir()
    (clone / "pkg" / "a.py").write_text("def a():\n    return 1\n", encoding="utf-8")
    return clone


def test_a_partial_clone_never_runs_the_repositorys_upload_pack(tmp_path: Path) -> None:
    root, marker = partial_clone(tmp_path), tmp_path / "marker"
    script = tools_script(root, marker)
    git(root, "config", "remote.origin.uploadpack", str(script))
    git(root, "config", "protocol.file.allow", "always")
    assert_hostile_and_harmless(root, marker, tmp_path / "out")


def test_a_partial_clone_never_runs_an_alias_as_remote_helper(tmp_path: Path) -> None:
    root, marker = partial_clone(tmp_path), tmp_path / "marker"
    git(root, "config", "remote.origin.vcs", "evil")
    git(root, "config", "protocol.evil.allow", "always")
    git(root, "config", "alias.remote-evil", f"!echo ran >> '{marker}'; false")
    assert_hostile_and_harmless(root, marker, tmp_path / "out")
    found = co_change(root, {p: p for p in _FILES}, None, 100)
    assert found.commits == 0 and found.note == "git log failed: no co-change signal"


def test_the_parents_git_variables_do_not_reach_git(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a git hook, seamline inherits ``GIT_DIR`` and friends of another repository;
    they must not redirect or reconfigure the git it runs on the analysed folder."""
    root, marker, elsewhere = tmp_path / "repo", tmp_path / "marker", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    history(root)
    git(elsewhere, "init", "-q")
    tools_script(root, marker)
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(root / "tools.sh"))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(root / "tools.sh"))
    found = co_change(root, {p: p for p in _FILES}, None, 100)
    assert found.commits == 4 and not marker.exists()
    environment = git_environment(os.environ)
    assert "GIT_DIR" not in environment and "GIT_CONFIG_COUNT" not in environment
    assert environment["GIT_CONFIG_NOSYSTEM"] == "1"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="giving the repository to another user needs root")
def test_a_repository_of_another_user_is_left_to_gits_safe_directory(tmp_path: Path) -> None:
    """git's own ownership check stays on: seamline does not pass ``safe.directory=*``."""
    root = tmp_path / "repo"
    root.mkdir()
    history(root)
    for folder, _, names in os.walk(root):
        os.chown(folder, 65534, 65534)
        for name in names:
            os.chown(Path(folder) / name, 65534, 65534, follow_symlinks=False)
    found = co_change(root, {p: p for p in _FILES}, None, 100)
    assert found.commits == 0
    assert found.note is not None and "safe.directory" in found.note
