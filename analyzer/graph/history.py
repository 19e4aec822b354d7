"""Git co-change: files that keep changing in the same commits belong together.

Reads ``git log`` of the analysed folder (never runs anything of the project). Merge commits
and bulk commits (reformatting, renames, licence headers: more than ``BULK_FILES`` Python
files) are ignored. Two files are coupled when they changed together at least
``MIN_TOGETHER`` times; the strength is the share of the rarer file's commits that also
changed the other.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

BULK_FILES = 30
MIN_TOGETHER = 2
_TIMEOUT = 300


@dataclass(frozen=True, slots=True)
class CoChange:
    pairs: tuple[tuple[str, str, float, int], ...]  # (path a, path b, strength, commits)
    commits: int  # commits read
    note: str | None  # why there is no co-change signal, or what limited it


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def co_change(root: Path, paths: Mapping[str, str], since: str | None,
              max_commits: int) -> CoChange:
    """``paths`` maps each analysed file's path (relative to ``root``) to its module."""
    if max_commits <= 0:
        return CoChange((), 0, "git co-change switched off (history-commits = 0)")
    if shutil.which("git") is None:
        return CoChange((), 0, "git is not installed: no co-change signal")
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix is None:
        return CoChange((), 0, "not a git repository: no co-change signal")
    prefix = prefix.strip()
    args = ["log", "--no-merges", "--no-renames", "--name-only", "--format=%x1e",
            f"--max-count={max_commits}"]
    if since:
        args.append(f"--since={since}")
    log = _git(root, "-c", "core.quotePath=false", *args, "--", ".")
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
        note = f"git co-change: {commits} commits read, {bulk} bulk commits ignored"
    return CoChange(pairs, commits, note)
