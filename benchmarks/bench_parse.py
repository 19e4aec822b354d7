"""Speed and memory of seamline's code model on a real monolith, next to grimp.

Run (from the repository root; the corpus is fetched on first use)::

    .venv/bin/python benchmarks/bench_parse.py                       # nova, 2 jobs
    .venv/bin/python benchmarks/bench_parse.py --project trac --jobs 1 --repeat 3
    .venv/bin/python benchmarks/bench_parse.py --repeat 3 --base /tmp/base/seamline  # A/B
    .venv/bin/python benchmarks/bench_parse.py --default-excludes    # nova without its tests

Rows:

* seamline cold: ``seamline analyze ROOT --out TMP --cache-dir EMPTY_CACHE
  --no-default-excludes --jobs N`` in a subprocess;
* seamline warm: the same command again on the same cache (nothing changed);
* base cold / base warm (with ``--base SEAMLINE``): the same two commands run by another
  seamline (an older commit's), interleaved with the rows above, run for run, so that both
  see the same load;
* grimp: ``grimp.build_graph(...)`` in a subprocess with ROOT on ``sys.path``
  (its time is that of ``build_graph`` alone, without interpreter start-up).

``--default-excludes`` drops ``--no-default-excludes``: the project without its tests.

"cpu s" is user + system time of the whole process tree (for grimp, of the
whole subprocess); cpu / wall shows how well ``--jobs`` is used.  Lines per
second use ``summary.lines`` from ``analysis.json`` (for grimp, the
``.py`` lines of the project's packages).  RSS is sampled from /proc every
``--interval`` seconds over the process and all its descendants: "tree" is the
peak of the sum, "max proc" the peak of the largest single process.  With
``--repeat K`` times are medians and RSS is the maximum over the K runs.
Exit status: 0, or 2 when a run failed (or seamline is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from _common import (
    Measured,
    SeamlineMissingError,
    find_seamline,
    fmt_bytes,
    load_analysis,
    print_table,
    run_measured,
    seamline_command,
    tail,
)
from corpus import ensure, get_project, stats

COLD_TARGET_S = 30.0
WARM_TARGET_S = 5.0
RSS_TARGET = 2**30
BUSY_LOAD = 0.5  # warn when something else already keeps the machine busy

GRIMP_SCRIPT = """\
import json, sys, time
sys.path.insert(0, sys.argv[1])
import grimp
start = time.perf_counter()
graph = grimp.build_graph(*sys.argv[2:], include_external_packages=False, cache_dir=None)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "modules": len(graph.modules),
                  "imports": graph.count_imports()}))
"""


@dataclass
class Row:
    """Repeated measurements of one command."""

    name: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    tree_rss: list[int] = field(default_factory=list)
    single_rss: list[int] = field(default_factory=list)
    lines: int = 0
    note: str = ""
    error: str = ""

    def add(self, measured: Measured, wall: float | None = None) -> None:
        self.walls.append(measured.wall if wall is None else wall)
        self.cpus.append(measured.cpu)
        self.tree_rss.append(measured.peak_tree_rss)
        self.single_rss.append(measured.peak_single_rss)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def peak_rss(self) -> int:
        return max(self.tree_rss, default=0)

    def cells(self) -> tuple[str, ...]:
        if self.error or not self.walls:
            return (self.name, "-", "-", "-", "-", "-", self.error or "not run")
        rate = f"{self.lines / self.wall:,.0f}" if self.lines and self.wall > 0 else "-"
        return (
            self.name,
            f"{self.wall:.2f}",
            f"{statistics.median(self.cpus):.2f}",
            rate,
            fmt_bytes(self.peak_rss),
            fmt_bytes(max(self.single_rss)),
            self.note,
        )


def bench_seamline(
    seamline: Path, root: Path, jobs: int, interval: float, rows: tuple[Row, Row],
    default_excludes: bool = False,
) -> bool:
    """One cold and one warm run, added to ``rows``; False when a run failed."""
    with tempfile.TemporaryDirectory(prefix="seamline-bench-") as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        for row in rows:
            out = Path(tmp) / f"out-{row.name.split()[-1]}"
            cmd = seamline_command(seamline, root, out, cache_dir=cache, jobs=jobs)
            if default_excludes:
                cmd.remove("--no-default-excludes")
            measured = run_measured(cmd, interval=interval)
            if measured.returncode != 0:
                row.error = f"exit {measured.returncode}"
                print(f"{row.name} failed: {' '.join(cmd)}\n{tail(measured.stderr)}")
                return False
            row.add(measured)
            try:
                summary = load_analysis(out).get("summary", {})
            except (OSError, ValueError) as exc:
                row.error = f"bad analysis.json: {exc}"
                return False
            row.lines = int(summary.get("lines", 0))
            row.note = (
                f"{summary.get('modules', '?')} modules, {summary.get('parsed', '?')} parsed"
            )
    return True


def bench_grimp(root: Path, packages: tuple[str, ...], repeat: int, interval: float) -> Row:
    row = Row("grimp build_graph")
    for _ in range(repeat):
        cmd = [sys.executable, "-c", GRIMP_SCRIPT, str(root), *packages]
        measured = run_measured(cmd, interval=interval)
        if measured.returncode != 0:
            row.error = f"exit {measured.returncode}"
            print(f"grimp failed:\n{tail(measured.stderr)}")
            return row
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        row.add(measured, wall=float(result["seconds"]))
        row.note = (
            f"{result['modules']} modules, {result['imports']} imports; "
            f"process {measured.wall:.2f} s"
        )
    return row


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark seamline's code model against grimp.")
    parser.add_argument("--project", default="nova", help="corpus project (default: nova)")
    parser.add_argument("--jobs", type=int, default=2, help="seamline --jobs (default: 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; median is shown")
    parser.add_argument("--interval", type=float, default=0.05, help="RSS sampling period, s")
    parser.add_argument("--seamline", help="path to the seamline executable")
    parser.add_argument("--base", help="another seamline to run interleaved (an older commit's)")
    parser.add_argument("--default-excludes", action="store_true",
                        help="leave the default excludes on (the project without its tests)")
    parser.add_argument("--skip-grimp", action="store_true", help="do not run grimp")
    args = parser.parse_args(argv)

    project = get_project(args.project)
    root = ensure(project.key)
    print(
        f"project {project.dist} {project.version}  root {root}  "
        f"jobs {args.jobs}  repeat {args.repeat}"
    )
    load = os.getloadavg()[0]
    if load > BUSY_LOAD:
        print(f"warning: 1-minute load average is {load:.2f}; timings will be inflated")
    cold, warm = Row("seamline cold"), Row("seamline warm")
    base_rows = (Row("base cold"), Row("base warm"))
    try:
        seamline = find_seamline(args.seamline)
        for _ in range(args.repeat):
            if not bench_seamline(seamline, root, args.jobs, args.interval, (cold, warm),
                                  args.default_excludes):
                break
            if args.base and not bench_seamline(Path(args.base), root, args.jobs,
                                                args.interval, base_rows,
                                                args.default_excludes):
                break
    except SeamlineMissingError as exc:
        print(f"error: {exc}")
        cold.error = warm.error = "seamline not found"
    rows = [cold, warm, *(base_rows if args.base else ())]
    if not args.skip_grimp:
        grimp_row = bench_grimp(root, project.packages, args.repeat, args.interval)
        grimp_row.lines = stats(project.key).package_py_lines
        rows.append(grimp_row)
    failed = any(r.error for r in rows)

    print()
    header = ("run", "wall s", "cpu s", "lines/s", "peak RSS tree", "peak RSS max proc", "note")
    print_table(header, [r.cells() for r in rows])

    print()
    targets: list[tuple[str, ...]] = []
    if cold.walls:
        targets.append(("cold <= 30 s", f"{cold.wall:.2f} s", verdict(cold.wall <= COLD_TARGET_S)))
    if warm.walls:
        targets.append(("warm <= 5 s", f"{warm.wall:.2f} s", verdict(warm.wall <= WARM_TARGET_S)))
    if cold.walls or warm.walls:
        peak = max(cold.peak_rss, warm.peak_rss)
        targets.append(("peak RSS <= 1 GiB", fmt_bytes(peak), verdict(peak <= RSS_TARGET)))
    if targets:
        print_table(("target", "seamline", "verdict"), targets)
    else:
        print("targets: no seamline measurement")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
