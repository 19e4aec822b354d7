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
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import REPO_ROOT, print_table

BIN = REPO_ROOT / ".venv" / "bin"
SEAMLINE = [str(BIN / "seamline")]


def _timed(command: Sequence[str], cwd: Path | None = None,
           env: dict[str, str] | None = None) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def _run(*args: str) -> tuple[float, int]:
    elapsed, code, output = _timed([*SEAMLINE, *args])
    if code == 2:
        raise SystemExit(f"seamline {' '.join(args)} failed:\n{output[-2000:]}")
    return elapsed, code


def _tool(name: str, command: Sequence[str], root: Path, runs: int
          ) -> tuple[str, str, str, str]:
    """A tool's warm median over ``runs`` fresh processes (one run first fills its cache)."""
    env = os.environ | {"PYTHONPATH": str(root)}
    _, code, output = _timed(command, root, env)
    if code not in (0, 1):
        print(f"{name} exited {code}:\n{output[-1500:]}", file=sys.stderr)
    seconds = [_timed(command, root, env)[0] for _ in range(runs)]
    verdict = "passes" if code == 0 else f"fails (exit {code})"
    return (f"{name} (warm)", f"{statistics.median(seconds):.2f}", str(runs), verdict)


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
        init_seconds, _ = _run("init", str(root), "--cache-dir", str(cache))
        baseline_seconds, _ = _run("check", str(root), "--cache-dir", str(cache),
                                   "--update-baseline")
    for tool, name in (("import-linter", "importlinter.toml"), ("tach", "tach.toml")):
        _run("export", str(root), "--cache-dir", str(cache), "--to", tool, "--out",
             str(root / name))
    files = sum(1 for _ in root.rglob("*.py"))

    _run("check", str(root), "--cache-dir", str(cache))  # the cache filled
    cold, warm, changed = [], [], []
    for _ in range(args.runs):
        empty = work / "cold-cache"
        shutil.rmtree(empty, ignore_errors=True)
        cold.append(_run("check", str(root), "--cache-dir", str(empty))[0])
        warm.append(_run("check", str(root), "--cache-dir", str(cache))[0])
    target = sorted(p for p in root.rglob("*.py") if p.stat().st_size > 2000)[0]
    original = target.read_text(encoding="utf-8")
    for run in range(args.runs):
        target.write_text(original + f"\n\ndef _pull_request_{run}():\n    return {run}\n",
                          encoding="utf-8")
        changed.append(_run("check", str(root), "--cache-dir", str(cache))[0])
    target.write_text(original, encoding="utf-8")
    tools = [
        _tool("lint-imports", [str(BIN / "lint-imports"), "--config", "importlinter.toml"],
              root, args.runs),
        _tool("tach check", [str(BIN / "tach"), "check"], root, args.runs),
    ]
    print(f"{args.project}: {files:,} files; init {init_seconds:.1f} s, baseline "
          f"{baseline_seconds:.1f} s (0: reused); decomposition "
          f"{decomposition.stat().st_size:,} bytes")
    print_table(("check", "median s", "runs", "verdict"), [
        ("seamline cold (empty cache)", f"{statistics.median(cold):.2f}", str(args.runs), ""),
        ("seamline warm (nothing changed)", f"{statistics.median(warm):.2f}", str(args.runs),
         ""),
        ("seamline warm (one file changed)", f"{statistics.median(changed):.2f}",
         str(args.runs), ""),
        *tools,
    ])
    for goal, seconds, limit in (("warm with one file changed", statistics.median(changed), 2.0),
                                 ("warm", statistics.median(warm), 1.0)):
        print(f"goal: {goal} <= {limit} s: {'met' if seconds <= limit else 'NOT met'} "
              f"({seconds:.2f} s)")


if __name__ == "__main__":
    main()
