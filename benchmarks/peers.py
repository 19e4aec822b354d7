"""Two peer clustering tools, run the plain way, for a side-by-side accuracy benchmark.

Run (from the repository root, with the project's virtualenv)::

    .venv/bin/python benchmarks/peers.py .corpus/django-oscar-4.2.1 oscar --truth-prefix oscar.apps
    .venv/bin/python benchmarks/peers.py .corpus/saleor-2.10.1 saleor --truth-prefix saleor

``SOURCE_DIR`` is the folder that *contains* the package folder.  Each peer
returns ``{dotted module name: cluster label}``:

* :func:`grimp_louvain` -- grimp's import graph (files are parsed, never
  imported), made undirected and weighted by the number of import lines between
  two modules, clustered with networkx's Louvain.
* :func:`emerge_clusters` -- `emerge <https://github.com/glato/emerge>`_
  (PyPI ``emerge-viz``), installed on first use into its own virtualenv
  ``.corpus/_venvs/emerge``, run with its Python template's file scan; its
  per-file Louvain community is read from the exported
  ``emerge-statistics-and-metrics.json``.

Both drop the modules seamline excludes by default (tests, test, testing,
``test_*``, ``*_test``, conftest, migrations, alembic); see :func:`is_excluded`.  The CLI
prints, per peer, the number of modules and clusters and the wall time, and with
``--truth-prefix`` the adjusted Rand index against the "app" (the name component
right after the prefix) -- for grimp the median over several Louvain seeds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import grimp
import networkx as nx  # type: ignore[import-untyped, unused-ignore]
from corpus import CORPUS_DIR
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped, unused-ignore]

EMERGE_VENV = CORPUS_DIR / "_venvs" / "emerge"
EMERGE_TMP = CORPUS_DIR / "_tmp"
EMERGE_TIMEOUT = 15 * 60  # seconds, for the install and for one analysis alike
# `pkg_resources` (imported by emerge's Python parser) left setuptools in 81.
EMERGE_REQUIREMENTS = ("emerge-viz", "setuptools<81")
# Where emerge's JSON export keeps a file's community: `local-metrics` ->
# file's unique name -> this key (graph type name + "_" + metric key, lower-cased).
EMERGE_LOUVAIN_KEY = "file_result_dependency_graph_louvain-modularity-in-file"

# Same as seamline's default excludes, as module-name components.
EXCLUDED_COMPONENTS = frozenset(
    {"tests", "test", "testing", "migrations", "alembic", "conftest"}
)


def is_excluded(module: str) -> bool:
    """Whether seamline's default excludes would drop ``module`` (a dotted name)."""
    return any(
        part in EXCLUDED_COMPONENTS
        or part.startswith("test_")
        or part.endswith(("_test", "_tests"))
        for part in module.split(".")
    )


def label_communities(communities: Iterable[Iterable[str]]) -> dict[str, str]:
    """``{module: "c<i>"}``, communities numbered in the order of their smallest module."""
    ordered = sorted((sorted(c) for c in communities if c), key=lambda members: members[0])
    return {module: f"c{i}" for i, members in enumerate(ordered) for module in members}


# --- grimp + networkx Louvain ------------------------------------------------


def _names(packages: str | Sequence[str]) -> tuple[str, ...]:
    return (packages,) if isinstance(packages, str) else tuple(packages)


def grimp_graph(source_dir: Path, packages: str | Sequence[str]) -> Any:
    """grimp's import graph of the top-level ``packages`` (one name or several), found in
    ``source_dir``.

    grimp locates each package with :func:`importlib.util.find_spec`, which for a
    top-level name only asks the path finders (no module is executed), then
    parses the files; the analysed code is never imported.  ``source_dir`` is on
    ``sys.path`` for the call only.
    """
    root = str(source_dir.resolve())
    names = _names(packages)
    for package in names:
        if "." in package:
            raise ValueError(f"{package!r} is not a top-level package")
        if package in sys.modules:  # find_spec would answer from this module, not from root
            raise RuntimeError(f"a package named {package!r} is already imported here")
    sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        for package in names:
            spec = importlib.util.find_spec(package)
            found = list(spec.submodule_search_locations or []) if spec else []
            if not any(Path(folder).resolve().is_relative_to(root) for folder in found):
                raise RuntimeError(
                    f"package {package!r} was not found in {root} (found: {found})"
                )
        return grimp.build_graph(*names, include_external_packages=False, cache_dir=None)
    finally:
        sys.path.remove(root)
        importlib.invalidate_caches()


def import_graph(graph: Any) -> nx.Graph:
    """Undirected module graph; an edge's weight counts the import lines either way."""
    modules = {m for m in graph.modules if not is_excluded(m)}
    undirected: nx.Graph = nx.Graph()
    undirected.add_nodes_from(sorted(modules))
    for importer in sorted(modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported not in modules or imported == importer:
                continue
            lines = len(graph.get_import_details(importer=importer, imported=imported)) or 1
            if undirected.has_edge(importer, imported):
                undirected[importer][imported]["weight"] += lines
            else:
                undirected.add_edge(importer, imported, weight=lines)
    return undirected


def louvain_labels(undirected: nx.Graph, seed: int) -> dict[str, str]:
    """networkx's Louvain on ``undirected``; isolated modules come out as singletons."""
    communities = nx.algorithms.community.louvain_communities(
        undirected, weight="weight", seed=seed
    )
    return label_communities(communities)


def grimp_louvain(source_dir: Path, packages: str | Sequence[str], seed: int) -> dict[str, str]:
    """Cluster the modules of ``packages`` by Louvain on grimp's import graph."""
    return louvain_labels(import_graph(grimp_graph(source_dir, packages)), seed)


# --- emerge ------------------------------------------------------------------


class EmergeUnavailableError(RuntimeError):
    """emerge could not be installed."""


def ensure_emerge(venv: Path = EMERGE_VENV) -> Path:
    """The ``emerge`` executable, installed into ``venv`` first if missing."""
    emerge = venv / "bin" / "emerge"
    if emerge.is_file():
        return emerge
    python = venv / "bin" / "python"
    base = shutil.which("python3") or sys.executable
    steps = [] if python.is_file() else [[base, "-m", "venv", str(venv)]]
    steps.append([str(python), "-m", "pip", "install", "--quiet", *EMERGE_REQUIREMENTS])
    for cmd in steps:
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=EMERGE_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EmergeUnavailableError(f"`{' '.join(cmd)}` failed: {exc}") from exc
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise EmergeUnavailableError(f"`{' '.join(cmd)}` exited {done.returncode}: {last}")
    if not emerge.is_file():
        raise EmergeUnavailableError(f"emerge-viz installed no `emerge` in {emerge.parent}")
    return emerge


def emerge_config(
    source_dir: Path, export_dir: Path, *, scan_excluded: bool = False
) -> dict[str, Any]:
    """emerge's Python template (``emerge -a py``), exporting JSON only.

    The d3 export is left out (it copies a URL to the clipboard, which fails
    headless), and so are the table exports.  Unless ``scan_excluded``, the
    folders seamline excludes by default are not scanned, so emerge sees the
    files seamline sees; excluded files are dropped from the result anyway.
    """
    ignored = ["__pycache__"] + ([] if scan_excluded else sorted(EXCLUDED_COMPONENTS))
    return {
        "project_name": source_dir.name,
        "loglevel": "error",
        "analyses": [
            {
                "analysis_name": "peer",
                # emerge names files relative to this folder's parent and resolves
                # `from pkg.mod import x` to `<this folder's name>/pkg/mod.py`,
                # so it must be the folder that contains the package.
                "source_directory": str(source_dir),
                "only_permit_languages": ["py"],
                "only_permit_file_extensions": [".py"],
                "ignore_directories_containing": ignored,
                "file_scan": [
                    "number_of_methods",
                    "source_lines_of_code",
                    "dependency_graph",
                    "louvain_modularity",
                    "fan_in_out",
                    "tfidf",
                ],
                "export": [{"directory": str(export_dir)}, "json"],
            }
        ],
    }


def file_module(relative: Path) -> str:
    """``a/b/c.py`` -> ``a.b.c``; ``a/b/__init__.py`` -> ``a.b``."""
    parts = relative.with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def emerge_modules(
    local_metrics: Mapping[str, Mapping[str, Any]],
    source_dir: Path,
    packages: str | Sequence[str],
) -> dict[str, int]:
    """``{module: emerge community id}`` for the package's files in emerge's JSON export.

    emerge also gives a community to the imports it could not match with a file
    (external packages, unresolved names); those are left out.
    """
    prefix = f"{source_dir.name}/"
    found: dict[str, int] = {}
    for name, metrics in local_metrics.items():
        community = metrics.get(EMERGE_LOUVAIN_KEY)
        if community is None or not name.startswith(prefix) or not name.endswith(".py"):
            continue
        relative = Path(name[len(prefix) :])
        if not (source_dir / relative).is_file():
            continue
        module = file_module(relative)
        inside = any(module == p or module.startswith(f"{p}.") for p in _names(packages))
        if inside and not is_excluded(module):
            found[module] = int(community)
    return found


def emerge_clusters(
    source_dir: Path, packages: str | Sequence[str], *, scan_excluded: bool = False
) -> tuple[dict[str, str] | None, str]:
    """emerge's Louvain communities of the modules of ``packages``, or None and why not.

    emerge's Louvain (python-louvain's ``best_partition``) takes no seed: two
    runs may differ.  See :func:`emerge_config` for ``scan_excluded``.
    """
    source_dir = source_dir.resolve()
    for package in _names(packages):
        if not (source_dir / package).is_dir():
            return None, f"no package folder {source_dir / package}"
    try:
        emerge = ensure_emerge()
    except EmergeUnavailableError as exc:
        return None, f"emerge unavailable: {exc}"
    EMERGE_TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="emerge-", dir=EMERGE_TMP) as tmp:
        work = Path(tmp)
        export_dir = work / "export"
        export_dir.mkdir()
        config = work / "config.yaml"  # JSON is YAML, and emerge reads it with PyYAML
        settings = emerge_config(source_dir, export_dir, scan_excluded=scan_excluded)
        config.write_text(json.dumps(settings, indent=2))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        try:
            done = subprocess.run(
                [str(emerge), "-c", str(config)],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=EMERGE_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"emerge timed out after {EMERGE_TIMEOUT} s"
        result = export_dir / "emerge-statistics-and-metrics.json"
        if done.returncode != 0 or not result.is_file():
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            return None, f"emerge exited {done.returncode} without a JSON export: {last}"
        data = json.loads(result.read_text())
    found = emerge_modules(data.get("local-metrics", {}), source_dir, packages)
    communities: dict[int, list[str]] = {}
    for module, community in found.items():
        communities.setdefault(community, []).append(module)
    if not communities:
        return None, "emerge's export gave no Louvain community to any module of the package"
    n_files = data.get("statistics", {}).get("extracted_file_results", "?")
    return label_communities(communities.values()), f"emerge scanned {n_files} files"


# --- accuracy against the app layout -----------------------------------------


def app_of(module: str, prefix: str) -> str | None:
    """The name component right after ``prefix`` (``oscar.apps.x.y`` -> ``x``), else None."""
    head = f"{prefix}."
    if not module.startswith(head):
        return None
    return module[len(head) :].split(".", 1)[0]


def ari(labels: Mapping[str, str], prefix: str) -> tuple[float, int]:
    """ARI of ``labels`` against the app layout, and the number of modules scored."""
    scored = sorted(m for m in labels if app_of(m, prefix) is not None)
    truth = [app_of(m, prefix) for m in scored]
    return float(adjusted_rand_score(truth, [labels[m] for m in scored])), len(scored)


def summary(name: str, labels: Mapping[str, str], seconds: float) -> str:
    clusters = len(set(labels.values()))
    return f"{name}: {len(labels)} modules, {clusters} clusters, {seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the peer clustering tools on a package.")
    parser.add_argument("source_dir", type=Path, help="the folder that contains the package")
    parser.add_argument("package", help="the top-level package's name")
    parser.add_argument("--truth-prefix", help="score against the component after this prefix")
    parser.add_argument("--seeds", type=int, default=5, help="Louvain seeds 0..N-1 (default 5)")
    parser.add_argument("--no-emerge", action="store_true", help="run the grimp peer only")
    parser.add_argument(
        "--emerge-runs", type=int, default=1, help="emerge runs (it takes no seed; default 1)"
    )
    parser.add_argument(
        "--emerge-scan-excluded",
        action="store_true",
        help="let emerge scan tests/migrations folders too (still not scored)",
    )
    args = parser.parse_args(argv)
    source_dir: Path = args.source_dir
    package: str = args.package
    prefix: str | None = args.truth_prefix

    start = time.perf_counter()
    undirected = import_graph(grimp_graph(source_dir, package))
    graph_seconds = time.perf_counter() - start
    print(
        f"grimp graph: {undirected.number_of_nodes()} modules, "
        f"{undirected.number_of_edges()} edges, {graph_seconds:.1f} s"
    )
    scores: list[float] = []
    for seed in range(args.seeds):
        start = time.perf_counter()
        labels = louvain_labels(undirected, seed)
        line = summary(f"grimp+louvain seed {seed}", labels, time.perf_counter() - start)
        if prefix:
            score, scored = ari(labels, prefix)
            scores.append(score)
            line += f", ARI {score:.3f} over {scored} modules"
        print(line)
    if scores:
        median = statistics.median(scores)
        print(f"grimp+louvain median ARI over seeds 0..{args.seeds - 1}: {median:.3f}")

    emerge_scores: list[float] = []
    for run in range(0 if args.no_emerge else args.emerge_runs):
        start = time.perf_counter()
        clusters, reason = emerge_clusters(
            source_dir, package, scan_excluded=args.emerge_scan_excluded
        )
        seconds = time.perf_counter() - start
        if clusters is None:
            print(f"emerge: not run ({reason}), {seconds:.1f} s")
            break
        line = summary(f"emerge run {run}", clusters, seconds) + f" ({reason})"
        if prefix:
            score, scored = ari(clusters, prefix)
            emerge_scores.append(score)
            line += f", ARI {score:.3f} over {scored} modules"
        print(line)
    if len(emerge_scores) > 1:
        runs = len(emerge_scores)
        print(f"emerge median ARI over {runs} runs: {statistics.median(emerge_scores):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
