"""How fast does seamline cut a large graph once it is built? ``seamline cluster`` on nova
34.0.0 with its tests, beside one run of each community-detection engine on the same graph.

``seamline analyze --no-default-excludes`` writes nova's ``graph.json`` once into
``.corpus/_tmp/cluster-nova`` (``--keep`` reuses it). Then, each as a fresh process (what a
user runs), median of ``--runs``: ``seamline cluster graph.json -j 2``, reading the graph and
writing ``contexts.json`` included. Every run's ``contexts.json`` must be byte-identical.

Beside it, in this process, on the graph seamline cuts (the signals mixed, the kernel not yet
set apart): one run of networkx's Louvain (pure Python, the engine seamline used before
issue 17) and one seeded Leiden run of igraph (C), the engine seamline runs 22 times per cut
(two consensus cuts of ten runs each, and their agreement graphs).

The goal (issue 17): the whole command in 2 s or less.

    .venv/bin/python benchmarks/cluster_speed.py [--runs 5] [--jobs 2] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _common import REPO_ROOT, Timing, print_table, timed

from analyzer.cluster.leiden import leiden
from analyzer.cluster.weighted import mix
from analyzer.config import Overrides, load_cluster_settings
from analyzer.coupling import loads_graph

BIN = REPO_ROOT / ".venv" / "bin"
GOAL_SECONDS = 2.0


def _graph(work: Path, keep: bool) -> Path:
    """nova's graph.json with its tests, made by ``seamline analyze`` unless kept."""
    graph = work / "out" / "graph.json"
    if keep and graph.is_file():
        return graph
    root = corpus.ensure("nova")
    made = timed([str(BIN / "seamline"), "analyze", str(root), "--no-default-excludes",
                  "--out", str(work / "out"), "--cache-dir", str(work / "cache"), "-q"])
    if made.code != 0:
        raise SystemExit(f"seamline analyze failed:\n{made.output[-2000:]}")
    return graph


def _engines(graph_file: Path) -> list[tuple[str, ...]]:
    """One run of each engine on the mixed graph, timed here."""
    options, _ = load_cluster_settings(Overrides())
    weighted = mix(loads_graph(graph_file.read_bytes(), str(graph_file)), options)
    import networkx as nx

    rows: list[tuple[str, ...]] = []
    started = time.perf_counter()
    louvain = nx.community.louvain_communities(weighted.graph, weight="weight", seed=7)
    rows.append(("networkx louvain_communities, one run", f"{time.perf_counter() - started:.2f}",
                 f"{len(louvain)} communities"))
    started = time.perf_counter()
    found = leiden(weighted.numbered, 1.0, 7)  # the graph made into igraph's included
    rows.append(("igraph Leiden (seamline's engine), one run",
                 f"{time.perf_counter() - started:.2f}", f"{len(found)} communities"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path,
                        help="where nova's graph and the cuts go (default: "
                        ".corpus/_tmp/cluster-nova)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the graph.json a previous run left")
    args = parser.parse_args()
    work = args.work or REPO_ROOT / ".corpus" / "_tmp" / "cluster-nova"
    graph = _graph(work, args.keep)
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(REPO_ROOT / "analyzer")],
                   check=True, env={k: v for k, v in os.environ.items()
                                    if k != "PYTHONDONTWRITEBYTECODE"})
    runs: list[Timing] = []
    digests: set[str] = set()
    for _ in range(args.runs):
        cut = timed([str(BIN / "seamline"), "cluster", str(graph), "-j", str(args.jobs),
                     "--out", str(work / "cut")])
        if cut.code != 0:
            raise SystemExit(f"seamline cluster failed:\n{cut.output[-2000:]}")
        runs.append(cut)
        digests.add(hashlib.sha256((work / "cut" / "contexts.json").read_bytes()).hexdigest())
    seconds = statistics.median(t.seconds for t in runs)
    print(f"nova 34.0.0 with its tests: graph.json {graph.stat().st_size / 2**20:.1f} MiB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print_table(("what", "seconds", "notes"), [
        (f"seamline cluster -j {args.jobs}, fresh process, median of {len(runs)}",
         f"{seconds:.2f}", f"{min(t.seconds for t in runs):.2f} to "
         f"{max(t.seconds for t in runs):.2f} s; CPU {statistics.median(t.cpu for t in runs):.2f} s"
         f"; contexts.json {'identical in every run' if len(digests) == 1 else 'DIFFERS'}"),
        *_engines(graph),
    ])
    print(f"goal: seamline cluster <= {GOAL_SECONDS} s: "
          f"{'met' if seconds <= GOAL_SECONDS else 'NOT met'} ({seconds:.2f} s)")
    if len(digests) != 1:
        raise SystemExit("contexts.json differs between runs")


if __name__ == "__main__":
    main()
