"""How well does the clustering recover real domain seams? Structure-blind, side by side.

For each project seamline runs with its defaults, structure-blind (no package-layout signal;
module and package names are never vocabulary), and its module plan is scored against the
ground truth of ../shared/EVALUATION.md: the bundled sample's answer key, the app under
``oscar.apps.*`` for django-oscar 4.2.1, the top-level package under ``saleor.*`` for saleor
2.10.1 (``saleor.core``, a shared kernel, is not scored), and as a held-out check never used to
choose a default, the top-level package under ``trac.*`` for Trac 1.6 (``util``, ``core``,
``db`` and ``web``, its kernel and framework, are not scored). In the same run two peers cut the
same modules: Louvain on grimp's import graph (median of five seeds) and emerge's Louvain
(median of its runs; emerge takes no seed).

    .venv/bin/python benchmarks/cluster_accuracy.py                 # sample, oscar, saleor, trac
    .venv/bin/python benchmarks/cluster_accuracy.py --nova          # + nova timing
    .venv/bin/python benchmarks/cluster_accuracy.py --no-emerge --projects sample

The corpus is downloaded from PyPI into the git-ignored ``.corpus/`` on first use.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import peers

from analyzer import api
from analyzer.cluster import KERNEL, UNPLACED
from analyzer.cluster.metrics import Agreement, compare
from analyzer.cluster.reference import load_reference, score_against
from analyzer.config import Overrides, load_settings

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "tradepost"


@dataclass(frozen=True)
class Target:
    name: str
    root: Path  # what seamline analyses
    package: str
    truth: Callable[[str], str | None]  # module -> app, None when not scored


def _sample_truth() -> Callable[[str], str | None]:
    reference = load_reference(SAMPLE / "expected.toml")

    def truth(module: str) -> str | None:
        found = reference.module_context(module)
        return None if found in (None, "shared", "split") else found
    return truth


def _app(prefix: str, kernel: frozenset[str] = frozenset()) -> Callable[[str], str | None]:
    def truth(module: str) -> str | None:
        app = peers.app_of(module, prefix)
        return None if app is None or app in kernel else app
    return truth


def targets(names: list[str]) -> list[Target]:
    found: list[Target] = []
    for name in names:
        if name == "sample":
            found.append(Target("tradepost (sample)", SAMPLE, "tradepost", _sample_truth()))
        elif name == "oscar":
            found.append(Target("django-oscar 4.2.1", corpus.ensure("oscar"), "oscar",
                                _app("oscar.apps")))
        elif name == "saleor":
            found.append(Target("saleor 2.10.1", corpus.ensure("saleor"), "saleor",
                                _app("saleor", frozenset({"core"}))))
        elif name == "trac":  # held out: never used to choose a default
            found.append(Target("Trac 1.6 (held out)", corpus.ensure("trac"), "trac",
                                _app("trac", frozenset({"util", "core", "db", "web"}))))
        else:
            raise SystemExit(f"unknown project {name!r}: sample, oscar, saleor or trac")
    return found


def scored(labels: Mapping[str, str], truth: Callable[[str], str | None]) -> Agreement:
    truths = {m: t for m in labels if (t := truth(m)) is not None}
    return compare({m: labels[m] for m in truths}, truths)


def row(target: str, tool: str, found: Agreement | None, apps: int, seconds: float,
        note: str = "") -> str:
    if found is None:
        return f"{target:<20} {tool:<22} {'-':>4} {'-':>5} {'-':>7} {'-':>7} {'-':>7} " \
               f"{'-':>5} {seconds:>7.1f}  {note}"
    return (f"{target:<20} {tool:<22} {found.k_proposed:>4} {apps:>5} {found.ari:>7.3f} "
            f"{found.ami:>7.3f} {found.mojofm:>7.1f} {found.n:>5} {seconds:>7.1f}  {note}")


def run_seamline(target: Target) -> tuple[dict[str, str], float, str]:
    settings = load_settings(target.root, Overrides(structure_blind=True))
    started = time.perf_counter()
    analysis = api.analyze(settings)
    seconds = time.perf_counter() - started
    plan = {p.module: p.context for p in analysis.decomposition.modules}
    kernel = sum(1 for c in plan.values() if c == KERNEL)
    unplaced = sum(1 for c in plan.values() if c == UNPLACED)
    note = f"kernel {kernel} modules, unplaced {unplaced}"
    if target.root == SAMPLE:
        atoms = score_against(load_reference(SAMPLE / "expected.toml"), analysis.graph,
                              analysis.decomposition).atoms
        if atoms is not None:
            note += f"; atoms: ARI {atoms.ari:.3f} MoJoFM {atoms.mojofm:.1f} (n={atoms.n})"
    return plan, seconds, note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="sample,oscar,saleor,trac")
    parser.add_argument("--seeds", type=int, default=5, help="seeds of the import Louvain")
    parser.add_argument("--emerge-runs", type=int, default=3)
    parser.add_argument("--no-emerge", action="store_true")
    parser.add_argument("--nova", action="store_true",
                        help="also time clustering nova 34.0.0 against its code model")
    args = parser.parse_args(argv)

    print(f"{'project':<20} {'tool':<22} {'K':>4} {'apps':>5} {'ARI':>7} {'AMI':>7} "
          f"{'MoJoFM':>7} {'n':>5} {'seconds':>7}")
    for target in targets(args.projects.split(",")):
        labels, seconds, note = run_seamline(target)
        truth_apps = len({t for m in labels if (t := target.truth(m)) is not None})
        print(row(target.name, "seamline (blind)", scored(labels, target.truth), truth_apps,
                  seconds, note), flush=True)
        runs: list[tuple[Agreement, float]] = []
        for seed in range(args.seeds):
            started = time.perf_counter()
            grimp_labels = peers.grimp_louvain(target.root, target.package, seed)
            runs.append((scored(grimp_labels, target.truth), time.perf_counter() - started))
        median = sorted(runs, key=lambda r: r[0].ari)[len(runs) // 2]
        print(row(target.name, "grimp + Louvain", median[0], truth_apps, median[1],
                  f"median ARI of {args.seeds} seeds"), flush=True)
        if args.no_emerge:
            continue
        emerged: list[tuple[Agreement, float]] = []
        reason = ""
        for _ in range(args.emerge_runs):
            started = time.perf_counter()
            found, reason = peers.emerge_clusters(target.root, target.package)
            if found is None:
                break
            emerged.append((scored(found, target.truth), time.perf_counter() - started))
        if emerged:
            middle = sorted(emerged, key=lambda r: r[0].ari)[len(emerged) // 2]
            print(row(target.name, "emerge (Louvain)", middle[0], truth_apps, middle[1],
                      f"median ARI of {len(emerged)} runs (unseeded)"), flush=True)
        else:
            print(row(target.name, "emerge (Louvain)", None, truth_apps, 0.0, reason))
    if args.nova:
        nova_timing()
    return 0


def nova_timing() -> None:
    """Clustering nova at definition granularity against building its code model (cold)."""
    root = corpus.ensure("nova")
    settings = load_settings(root, Overrides(no_cache=True))
    analysis = api.analyze(settings)
    code_model = sum(analysis.stats.seconds[s] for s in ("discover", "parse", "resolve"))
    cut = analysis.stats.seconds["graph"] + analysis.stats.seconds["cluster"]
    domain = sum(1 for c in analysis.decomposition.contexts if c.kind == "domain")
    graph, clustering = analysis.stats.seconds["graph"], analysis.stats.seconds["cluster"]
    print(f"\nnova 34.0.0: {len(analysis.graph.nodes):,} nodes, {len(analysis.graph.edges):,} "
          f"edges; code model {code_model:.1f} s (cold), graph {graph:.1f} s, clustering "
          f"{clustering:.1f} s; graph+clustering = {cut / code_model:.2f}x the code model; "
          f"{domain} contexts")


if __name__ == "__main__":
    raise SystemExit(main())
