"""How fast is ``seamline check`` on every pull request? Cold and warm, on nova 34.0.0, beside
``lint-imports`` and ``tach check`` on the same tree.

A copy of nova goes to ``.corpus/_tmp/check-nova`` (the corpus itself is never touched);
``seamline init`` writes its decomposition and ``check --update-baseline`` records today's
violations (``--keep`` reuses both when a previous run left them). ``seamline export`` writes
the same decomposition as import-linter contracts and as ``tach.toml``. Then, each as a fresh
process (what CI runs), median of ``--runs``:

* seamline cold: an empty cache;
* seamline warm: the cache present, nothing changed;
* seamline warm, one file changed: a function appended to one module, as a pull request would;
* ``lint-imports`` and ``tach check`` warm: their own caches present, nothing changed.

The goals: warm with one file changed in 2 s or less, warm in 1.0 s or less (issue 20).

Each row gives the wall clock and the CPU time (user and system, the process's children
included: a cold run's worker processes add up). On a busy machine the clock is slowed by
the other work, while the CPU time of a run that does not wait for anything is about what
an idle machine's clock would show.

seamline is timed as installed: its modules' bytecode compiled first (pip compiles a wheel's);
an editable install under ``PYTHONDONTWRITEBYTECODE`` would compile them again in every run,
about 0.1 s more.

    .venv/bin/python benchmarks/check_speed.py [--runs 3] [--project nova] [--source DIR]
        [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import REPO_ROOT, Timing, print_table, timed

BIN = REPO_ROOT / ".venv" / "bin"
SEAMLINE = [str(BIN / "seamline")]


def _run(*args: str) -> Timing:
    timing = timed([*SEAMLINE, *args])
    if timing.code == 2:
        raise SystemExit(f"seamline {' '.join(args)} failed:\n{timing.output[-2000:]}")
    return timing


def _row(what: str, timings: Sequence[Timing], verdict: str = "") -> tuple[str, ...]:
    return (what, f"{statistics.median(t.seconds for t in timings):.2f}",
            f"{statistics.median(t.cpu for t in timings):.2f}", str(len(timings)), verdict)


def _tool(name: str, command: Sequence[str], root: Path, runs: int) -> tuple[str, ...]:
    """A tool's warm medians over ``runs`` fresh processes (one run first fills its cache)."""
    env = os.environ | {"PYTHONPATH": str(root)}
    first = timed(command, root, env)
    if first.code not in (0, 1):
        print(f"{name} exited {first.code}:\n{first.output[-1500:]}", file=sys.stderr)
    verdict = "passes" if first.code == 0 else f"fails (exit {first.code})"
    return _row(f"{name} (warm)", [timed(command, root, env) for _ in range(runs)], verdict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", default="nova")
    parser.add_argument("--source", type=Path,
                        help="an unpacked copy of the project (default: the corpus's)")
    parser.add_argument("--work", type=Path, help="where the copy, its decomposition and the "
                        "caches go (default: .corpus/_tmp/check-PROJECT)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the copy, decomposition and baseline a previous run left")
    args = parser.parse_args()
    work = args.work or REPO_ROOT / ".corpus" / "_tmp" / f"check-{args.project}"
    root, cache = work / "src", work / "cache"
    decomposition = root / "seamline-decomposition.toml"
    init_seconds = baseline_seconds = 0.0
    if not (args.keep and (root / "seamline-baseline.json").exists()):
        source = args.source or corpus.ensure(args.project)
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(source, root)
        init_seconds = _run("init", str(root), "--cache-dir", str(cache)).seconds
        baseline_seconds = _run("check", str(root), "--cache-dir", str(cache),
                                "--update-baseline").seconds
    for tool, name in (("import-linter", "importlinter.toml"), ("tach", "tach.toml")):
        _run("export", str(root), "--cache-dir", str(cache), "--to", tool, "--out",
             str(root / name))
    files = sum(1 for _ in root.rglob("*.py"))
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(REPO_ROOT / "analyzer")],
                   check=True, env={k: v for k, v in os.environ.items()
                                    if k != "PYTHONDONTWRITEBYTECODE"})

    _run("check", str(root), "--cache-dir", str(cache))  # the cache filled
    cold: list[Timing] = []
    warm: list[Timing] = []
    changed: list[Timing] = []
    for _ in range(args.runs):
        empty = work / "cold-cache"
        shutil.rmtree(empty, ignore_errors=True)
        cold.append(_run("check", str(root), "--cache-dir", str(empty)))
    for _ in range(args.runs):  # after the cold runs, whose workers may still be ending
        warm.append(_run("check", str(root), "--cache-dir", str(cache)))
    target = sorted(p for p in root.rglob("*.py") if p.stat().st_size > 2000)[0]
    original = target.read_text(encoding="utf-8")
    for run in range(args.runs):
        target.write_text(original + f"\n\ndef _pull_request_{run}():\n    return {run}\n",
                          encoding="utf-8")
        changed.append(_run("check", str(root), "--cache-dir", str(cache)))
    target.write_text(original, encoding="utf-8")
    tools = [
        _tool("lint-imports", [str(BIN / "lint-imports"), "--config", "importlinter.toml"],
              root, args.runs),
        _tool("tach check", [str(BIN / "tach"), "check"], root, args.runs),
    ]
    print(f"{args.project}: {files:,} files; init {init_seconds:.1f} s, baseline "
          f"{baseline_seconds:.1f} s (0: reused); decomposition "
          f"{decomposition.stat().st_size:,} bytes")
    verdict = "passes" if warm[0].code == 0 else f"fails (exit {warm[0].code})"
    print_table(("check", "median s", "median CPU s", "runs", "verdict"), [
        _row("seamline cold (empty cache)", cold),
        _row("seamline warm (nothing changed)", warm, verdict),
        _row("seamline warm (one file changed)", changed),
        *tools,
    ])
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: above that, the "
          "clock is slowed by other work and the CPU time is the fairer measure")
    for goal, timings, limit in (("warm with one file changed", changed, 2.0),
                                 ("warm", warm, 1.0)):
        seconds = statistics.median(t.seconds for t in timings)
        print(f"goal: {goal} <= {limit} s: {'met' if seconds <= limit else 'NOT met'} "
              f"({seconds:.2f} s; CPU {statistics.median(t.cpu for t in timings):.2f} s)")


if __name__ == "__main__":
    main()
