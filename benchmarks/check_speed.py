"""How fast is ``seamline check`` on every pull request? Cold and warm, on nova 34.0.0.

A copy of nova goes to ``.corpus/_tmp/check-nova`` (the corpus itself is never touched);
``seamline init`` writes its decomposition and ``check --update-baseline`` records today's
violations. Then, each as a fresh ``seamline`` process (what CI runs), median of ``--runs``:

* cold: an empty cache;
* warm: the cache present, nothing changed;
* warm, one file changed: a function appended to one module, as a pull request would.

The goal: warm with one file changed in 2 s or less.

    .venv/bin/python benchmarks/check_speed.py [--runs 3] [--project nova]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import REPO_ROOT, print_table

SEAMLINE = [str(REPO_ROOT / ".venv" / "bin" / "seamline")]


def _run(*args: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run([*SEAMLINE, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode == 2:
        raise SystemExit(f"seamline {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", default="nova")
    args = parser.parse_args()
    source = corpus.ensure(args.project)
    work = REPO_ROOT / ".corpus" / "_tmp" / f"check-{args.project}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work / "src")
    root, cache = work / "src", work / "cache"
    files = sum(1 for _ in root.rglob("*.py"))

    init_seconds, _ = _run("init", str(root), "--cache-dir", str(cache))
    baseline_seconds, _ = _run("check", str(root), "--cache-dir", str(cache),
                               "--update-baseline")
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
    decomposition = root / "seamline-decomposition.toml"
    print(f"{args.project}: {files:,} files; init {init_seconds:.1f} s, baseline "
          f"{baseline_seconds:.1f} s; decomposition {decomposition.stat().st_size:,} bytes")
    print_table(("check", "median s", "runs"), [
        ("cold (empty cache)", f"{statistics.median(cold):.2f}", str(args.runs)),
        ("warm (nothing changed)", f"{statistics.median(warm):.2f}", str(args.runs)),
        ("warm (one file changed)", f"{statistics.median(changed):.2f}", str(args.runs)),
    ])
    goal = statistics.median(changed)
    print(f"goal: warm with one file changed <= 2 s: {'met' if goal <= 2 else 'NOT met'} "
          f"({goal:.2f} s)")


if __name__ == "__main__":
    main()
