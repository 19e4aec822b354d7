"""Helpers shared by the benchmark scripts: finding and running ``seamline``,
running a command while sampling the memory of its whole process tree, and scoring a
partition against a ground truth (ARI, AMI, MoJoFM) independently of ``analyzer``.

Not a script of its own; see ``bench_parse.py`` and ``compare_imports.py``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class SeamlineMissingError(RuntimeError):
    """The ``seamline`` command could not be found."""


def find_seamline(explicit: str | None = None) -> Path:
    """Locate the ``seamline`` executable: explicit path, then the venv, then PATH."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    candidates.append(Path(sys.executable).parent / "seamline")
    candidates.append(REPO_ROOT / ".venv" / "bin" / "seamline")
    on_path = shutil.which("seamline")
    if on_path:
        candidates.append(Path(on_path))
    candidates = list(dict.fromkeys(candidates))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise SeamlineMissingError(
        f"`seamline` not found (tried {tried}); install it with "
        "`.venv/bin/pip install -e .` or pass --seamline PATH"
    )


@dataclass(frozen=True, slots=True)
class Timing:
    """A command's run, as a fresh process."""

    seconds: float  # wall clock
    cpu: float  # user and system time of the process and its children: what a machine that
    # runs nothing else would about take, where other work slows the clock down
    code: int
    output: str


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: Sequence[str], cwd: Path | None = None,
          env: dict[str, str] | None = None) -> Timing:
    """Run ``command`` to its end: its wall clock, its CPU time, its exit code and output."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    return Timing(time.perf_counter() - started, _children_cpu() - cpu, done.returncode,
                  done.stdout + done.stderr)


def _proc_table() -> dict[int, tuple[int, int]]:
    """Map every live pid to (parent pid, RSS in bytes), read from /proc."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        # Fields after the ")" closing the command name: state ppid ... rss is the 22nd.
        fields = raw[raw.rfind(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE_SIZE)
    return table


def tree_rss(root: int) -> tuple[int, int]:
    """(sum of RSS over ``root`` and all its descendants, largest single RSS)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total = largest = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            rss = table[pid][1]
            total += rss
            largest = max(largest, rss)
        stack.extend(children.get(pid, ()))
    return total, largest


@dataclass(frozen=True)
class Measured:
    """Outcome of :func:`run_measured`."""

    returncode: int
    wall: float
    cpu: float  # user + system seconds of the process and the descendants it waited for
    peak_tree_rss: int
    peak_single_rss: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], *, interval: float = 0.05, cwd: Path | None = None) -> Measured:
    """Run ``cmd``; sample its process tree's RSS every ``interval`` seconds.

    The peak single-process RSS is also taken from the kernel (``wait4``'s
    ``ru_maxrss`` covers the child and every descendant it waited for), so a
    short-lived spike between two samples is not missed there.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        peak_tree = peak_single = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                wall = time.perf_counter() - start
                cpu = usage.ru_utime + usage.ru_stime
                proc.returncode = os.waitstatus_to_exitcode(status)
                peak_single = max(peak_single, usage.ru_maxrss * 1024)
                break
            total, largest = tree_rss(proc.pid)
            peak_tree = max(peak_tree, total)
            peak_single = max(peak_single, largest)
            time.sleep(interval)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    peak_tree = max(peak_tree, peak_single)
    return Measured(proc.returncode, wall, cpu, peak_tree, peak_single, stdout, stderr)


def seamline_command(
    seamline: Path,
    root: Path,
    out_dir: Path,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> list[str]:
    """The ``seamline analyze`` command line used by the benchmarks."""
    cmd = [str(seamline), "analyze", str(root), "--out", str(out_dir), "--no-default-excludes"]
    cmd += ["--no-cache"] if cache_dir is None else ["--cache-dir", str(cache_dir)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd


def load_analysis(out_dir: Path) -> dict[str, Any]:
    """Read ``analysis.json`` written by ``seamline analyze --out out_dir``."""
    data: dict[str, Any] = json.loads((out_dir / "analysis.json").read_text())
    return data


def tail(text: str, lines: int = 15) -> str:
    """The last ``lines`` lines of ``text``, indented, for error messages."""
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def fmt_bytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Print ``rows`` under ``header`` as left-aligned columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# --- agreement with a ground truth ---------------------------------------------
# Computed here, not with analyzer.cluster.metrics, so that the instrument stays fixed while
# the clustering it measures is redesigned. Definitions: ../shared/EVALUATION.md, "Metrics".


@dataclass(frozen=True)
class Agreement:
    """How far a proposed partition is from a ground truth, on their common elements."""

    ari: float
    ami: float
    mojofm: float
    n: int  # elements in both partitions
    k_proposed: int  # groups of the proposal among them
    k_truth: int  # groups of the truth among them


def _max_matching(edges: Mapping[str, Sequence[str]]) -> int:
    """Size of a maximum bipartite matching (Kuhn's augmenting paths; the graphs are small)."""
    owner: dict[str, str] = {}

    def augment(left: str, seen: set[str]) -> bool:
        for right in edges[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    return sum(1 for left in sorted(edges) if augment(left, set()))


def mno(proposed: Mapping[str, str], truth: Mapping[str, str]) -> int:
    """MoJo distance (Wen & Tzerpos) on the common elements: ``sum_i (|A_i| - max_j |A_i &
    B_j|) + (l - g')``, ``g'`` a maximum matching between the A-clusters and the B-clusters
    attaining each A-cluster's maximum overlap."""
    overlaps: dict[str, dict[str, int]] = {}
    for element in sorted(set(proposed) & set(truth)):
        row = overlaps.setdefault(proposed[element], {})
        row[truth[element]] = row.get(truth[element], 0) + 1
    moves = 0
    best_of: dict[str, list[str]] = {}
    for cluster, row in overlaps.items():
        best = max(row.values())
        moves += sum(row.values()) - best
        best_of[cluster] = sorted(t for t, c in row.items() if c == best)
    return moves + len(overlaps) - _max_matching(best_of)


def agreement(proposed: Mapping[str, str], truth: Mapping[str, str]) -> Agreement | None:
    """ARI and AMI (scikit-learn, AMI with its default arithmetic normalisation) and MoJoFM
    (``(1 - mno / (n - g)) * 100``, g the truth's groups; when ``n == g``: 100 if equal,
    else 0) of ``proposed`` against ``truth`` on their common elements; None if none."""
    from sklearn.metrics import (  # type: ignore[import-untyped, unused-ignore]
        adjusted_mutual_info_score,
        adjusted_rand_score,
    )

    common = sorted(set(proposed) & set(truth))
    if not common:
        return None
    a = [proposed[e] for e in common]
    b = [truth[e] for e in common]
    n, g = len(common), len(set(b))
    distance = mno(proposed, truth)
    mojo = (1.0 - distance / (n - g)) * 100.0 if n > g else (100.0 if distance == 0 else 0.0)
    return Agreement(
        ari=float(adjusted_rand_score(b, a)),
        ami=float(adjusted_mutual_info_score(b, a)),
        mojofm=mojo,
        n=n,
        k_proposed=len(set(a)),
        k_truth=g,
    )


# --- measuring a pinned commit --------------------------------------------------

PINNED_ENV = "SEAMLINE_BENCH_AT"  # set in the re-executed script: the commit measured
PINNED_DIR = REPO_ROOT / ".corpus" / "_seamline"  # git-ignored exports, one per commit
_PINNED_PATHS = ("analyzer", "rules", "reports")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`git {' '.join(args)}` failed: {done.stderr.strip()}")
    return done.stdout.strip()


def export_commit(rev: str) -> tuple[str, Path]:
    """seamline's code (``analyzer/``, ``rules/``, ``reports/``) at git revision ``rev``,
    exported once to ``.corpus/_seamline/<sha>/``: (the commit's sha, the folder)."""
    import tarfile

    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    target = PINNED_DIR / sha
    if (target / "analyzer" / "__init__.py").is_file():
        return sha, target
    present = set(_git("ls-tree", "--name-only", sha).splitlines())
    paths = [p for p in _PINNED_PATHS if p in present]
    partial = target.with_name(sha + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tempfile.TemporaryFile() as archive:
        subprocess.run(["git", "archive", "--format=tar", sha, *paths], cwd=REPO_ROOT,
                       stdout=archive, check=True)
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(partial, filter="data")
            else:  # pragma: no cover - older interpreters
                tar.extractall(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return sha, target


def rerun_at(rev: str | None, argv: Sequence[str]) -> None:
    """With ``rev``, re-execute the running script with seamline's code at that commit
    first on ``PYTHONPATH`` (the working tree may hold someone's unfinished changes); the
    ``seamline`` command in subprocesses inherits it. Returns at once without ``rev`` or in
    the re-executed process."""
    if rev is None:
        return
    sha, folder = export_commit(rev)
    if os.environ.get(PINNED_ENV) == sha:
        import analyzer  # the re-executed process: check what it imports

        if not Path(analyzer.__file__).resolve().is_relative_to(folder.resolve()):
            raise RuntimeError(f"analyzer was imported from {analyzer.__file__}, not {folder}")
        return
    old = os.environ.get("PYTHONPATH")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), *([old] if old else [])]))
    env[PINNED_ENV] = sha
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, sys.argv[0], *argv], env)


def measured_code() -> dict[str, str]:
    """Which seamline a run measures: where ``analyzer`` is imported from, the commit, and
    whether ``analyzer/`` has uncommitted changes there."""
    import analyzer

    home = Path(analyzer.__file__).resolve().parent.parent
    pinned = os.environ.get(PINNED_ENV, "")
    if pinned and home.is_relative_to(PINNED_DIR.resolve()):
        return {"analyzer": str(home), "commit": pinned, "analyzer_changes": ""}
    if not (home / ".git").exists():
        return {"analyzer": str(home), "commit": "", "analyzer_changes": ""}
    commit = _git("-C", str(home), "rev-parse", "HEAD")
    changes = _git("-C", str(home), "status", "--porcelain", "--", "analyzer")
    return {"analyzer": str(home), "commit": commit, "analyzer_changes": changes}


def describe_code(state: Mapping[str, str]) -> str:
    """One line saying which seamline is measured."""
    if not state["commit"]:
        return f"seamline from {state['analyzer']} (not a git checkout)"
    dirty = " + uncommitted changes in analyzer/" if state["analyzer_changes"] else ""
    return f"seamline {state['commit'][:12]}{dirty} (from {state['analyzer']})"
