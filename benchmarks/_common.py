"""Helpers shared by the benchmark scripts: finding and running ``seamline``,
and running a command while sampling the memory of its whole process tree.

Not a script of its own; see ``bench_parse.py`` and ``compare_imports.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
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
