"""How big is the report of a large monolith, and how fast does a browser open it?

Analyses nova 34.0.0 (the cache makes a second run quick), writes the report into
``.corpus/_tmp/report-nova``, and prints the size of every kind of page and the time Debian's
chromium (headless) takes to load and lay out the overview, the findings page and the largest
page, median of ``--runs``. The goal: every page opens in under 5 s.

    .venv/bin/python benchmarks/report_speed.py [--runs 3] [--project nova]
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

from analyzer import api
from analyzer.config import Overrides, load_settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--dump-dom"]


def _load(page: Path, profile: Path) -> float:
    assert CHROMIUM is not None
    started = time.perf_counter()
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", page.as_uri()],
                   capture_output=True, check=True, timeout=300)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", default="nova")
    args = parser.parse_args()
    if CHROMIUM is None:
        raise SystemExit("chromium is needed (bash .ci/setup installs it)")
    root = corpus.ensure(args.project)
    out = REPO_ROOT / ".corpus" / "_tmp" / f"report-{args.project}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    analysis = api.analyze(load_settings(root, Overrides()))
    analysed = time.perf_counter() - started
    started = time.perf_counter()
    written = api.write_analysis(analysis, out)
    rendered = time.perf_counter() - started
    pages = [p for p in written.files if p.suffix == ".html"]
    total = sum(p.stat().st_size for p in pages)
    largest = max(pages, key=lambda p: p.stat().st_size)
    print(f"{args.project}: analysis {analysed:.1f} s, writing the report {rendered:.1f} s; "
          f"{len(pages)} pages, {total / 1e6:.1f} MB in all; analysis.json "
          f"{written.files[0].stat().st_size / 1e6:.1f} MB")
    profile = out / "profile"
    rows: list[tuple[str, ...]] = []
    for label, page in (("overview (index.html)", written.report),
                        ("findings.html", out / "findings.html"),
                        (f"largest ({largest.name})", largest)):
        times = [_load(page, profile) for _ in range(args.runs)]
        rows.append((label, f"{page.stat().st_size / 1e6:.2f} MB",
                     f"{statistics.median(times):.2f} s"))
    print_table(("page", "size", "chromium load, median"), rows)
    worst = max(float(r[2].split()[0]) for r in rows)
    print(f"goal: every page opens in < 5 s: {'met' if worst < 5 else 'NOT met'} "
          f"(slowest {worst:.2f} s, chromium start-up included)")


if __name__ == "__main__":
    main()
