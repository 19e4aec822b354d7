"""Git co-change: files that keep changing in the same commits belong together.

Reads ``git log`` of the analysed folder (never runs anything of the project). Merge commits
and bulk commits (reformatting, renames, licence headers: more than ``BULK_FILES`` Python
files) are ignored. Two files are coupled when they changed together at least
``MIN_TOGETHER`` times; the strength is the share of the rarer file's commits that also
changed the other.

The analysed repository is not trusted: its ``.git/config`` (and the attributes of its files)
could name programs for git to run (``gpg.program`` with ``log.showSignature``,
``core.fsmonitor``, ``diff.external``, textconv drivers, a pager, hooks, a transport for the
lazy fetch of a partial clone). Every git call goes through ``_git``, which overrides each of
those on the command line (the command line beats every config file), asks for no signature,
diff, textconv or pager, forbids every transport, and runs git in an environment without the
parent's ``GIT_*`` variables and without the system config. git's own ``safe.directory`` check
stays on: a repository owned by another user is read only if the user says so in their global
git config.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from analyzer import text

BULK_FILES = 30
MIN_TOGETHER = 2
_TIMEOUT = 300

# Every configuration key that makes ``git log`` or ``git rev-parse`` run a program, set on the
# command line to a value that runs nothing (an empty program name: git cannot start it).
_NOTHING_TO_RUN = (
    "log.showSignature=false",
    "gpg.program=", "gpg.openpgp.program=", "gpg.x509.program=", "gpg.ssh.program=",
    "gpg.ssh.defaultKeyCommand=", "gpg.ssh.allowedSignersFile=",
    "core.fsmonitor=false",
    f"core.hooksPath={os.devnull}",
    "core.pager=cat", "pager.log=false", "pager.rev-parse=false",
    "diff.external=",
    "core.sshCommand=", "core.askPass=", "credential.helper=",
    "protocol.allow=never",
)
_PATHS_AS_THEY_ARE = ("core.quotePath=false",)  # file names unquoted, one per line
# A protocol name no URL can have ("git-remote-/" is no program either): with it as the only
# allowed protocol, git uses no transport whatever the repository's ``protocol.*.allow`` say.
_NO_PROTOCOL = "/"
LOG_OPTIONS = ("--no-show-signature", "--no-ext-diff", "--no-textconv", "--no-merges",
                "--no-renames", "--name-only", "--format=%x1e")


@dataclass(frozen=True, slots=True)
class CoChange:
    pairs: tuple[tuple[str, str, float, int], ...]  # (path a, path b, strength, commits)
    commits: int  # commits read
    note: str | None  # why there is no co-change signal, or what limited it


@dataclass(frozen=True, slots=True)
class _GitResult:
    output: str | None  # None: git failed
    refused_owner: bool  # git refused a repository owned by another user (safe.directory)


def git_environment(parent: Mapping[str, str]) -> dict[str, str]:
    """The environment git runs in: the parent's without its ``GIT_*`` variables (a hook's
    ``GIT_DIR``, an ``GIT_EXTERNAL_DIFF``, ``GIT_CONFIG_*``...), no system config, no
    prompt, no pager, no transport and no lazy fetch."""
    clean = {key: value for key, value in parent.items() if not key.startswith("GIT_")}
    return clean | {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_ALLOW_PROTOCOL": _NO_PROTOCOL,
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_OPTIONAL_LOCKS": "0",
    }


def git_command(git: str, root: Path, *args: str) -> list[str]:
    """The argument list of one git call on ``root`` with every program-running setting
    overridden."""
    overrides = [part for setting in (*_NOTHING_TO_RUN, *_PATHS_AS_THEY_ARE)
                 for part in ("-c", setting)]
    return [git, "--no-pager", *overrides, "-C", str(root), *args]


def _git(git: str, root: Path, *args: str) -> _GitResult:
    try:
        done = subprocess.run(git_command(git, root, *args), capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=_TIMEOUT, check=False,
                              env=git_environment(os.environ))
    except (OSError, subprocess.TimeoutExpired):
        return _GitResult(None, False)
    if done.returncode != 0:
        return _GitResult(None, b"dubious ownership" in done.stderr)
    return _GitResult(done.stdout.decode("utf-8", errors="replace"), False)


def co_change(root: Path, paths: Mapping[str, str], since: str | None,
              max_commits: int) -> CoChange:
    """``paths`` maps each analysed file's path (relative to ``root``) to its module."""
    if max_commits <= 0:
        return CoChange((), 0, "git co-change switched off (history-commits = 0)")
    git = shutil.which("git")
    if git is None:
        return CoChange((), 0, "git is not installed: no co-change signal")
    found = _git(git, root, "rev-parse", "--show-prefix")
    if found.refused_owner:
        return CoChange((), 0, "git refuses to read this repository: it belongs to another "
                               "user (git's safe.directory); no co-change signal")
    if found.output is None:
        return CoChange((), 0, "not a git repository: no co-change signal")
    prefix = found.output.strip()
    args = ["log", *LOG_OPTIONS, f"--max-count={max_commits}"]
    if since:
        args.append(f"--since={since}")
    log = _git(git, root, *args, "--", ".").output
    if log is None:
        return CoChange((), 0, "git log failed: no co-change signal")
    together: Counter[tuple[str, str]] = Counter()
    alone: Counter[str] = Counter()
    commits = bulk = 0
    for chunk in log.split("\x1e"):
        if not chunk.strip():
            continue
        changed = sorted({
            relative for line in chunk.splitlines()
            if line.startswith(prefix) and (relative := line[len(prefix):]) in paths
        })
        commits += 1
        if len(changed) > BULK_FILES:
            bulk += 1
            continue
        alone.update(changed)
        together.update(combinations(changed, 2))
    pairs = tuple(
        (a, b, round(count / min(alone[a], alone[b]), 6), count)
        for (a, b), count in sorted(together.items()) if count >= MIN_TOGETHER
    )
    note = None
    if commits == 0:
        note = "no commits in the git history of this folder: no co-change signal"
    elif bulk:
        note = (f"git co-change: {text.count(commits, 'commit')} read, "
                f"{text.count(bulk, 'bulk commit')} ignored")
    return CoChange(pairs, commits, note)
