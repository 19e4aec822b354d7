"""What seamline pays outside parsing: importing itself for ``check``, writing its outputs,
and one module too large for a person to read; each beside grimp's ``build_graph`` on the same
tree in the same run.

Run (from the repository root; the corpus is fetched on first use)::

    .venv/bin/python benchmarks/write_speed.py                          # all three parts
    .venv/bin/python benchmarks/write_speed.py --part imports --repeat 5
    .venv/bin/python benchmarks/write_speed.py --part writes --project nova
    .venv/bin/python benchmarks/write_speed.py --part definitions --definitions 25000 100000

Parts:

* ``imports``: ``seamline check samples/tradepost`` in a fresh process with ``-X importtime``
  (a decomposition from ``seamline init`` and a warm cache in a temporary folder): seamline's
  own import cost (``analyzer.cli``, cumulative), the wall time of the whole command, and which
  heavy packages it loaded. Medians of ``--repeat``.
* ``writes``: the project (default excludes, a warm cache: the first analysis fills it) is
  analysed in this process, then each part of ``api.write_analysis`` is timed: the document,
  ``analysis.json`` and ``graph.json`` (seamline's ``jsonout`` beside
  ``json.dumps(indent=1)``, their bytes compared; ``analysis.json`` as ``write_analysis``
  makes it, its modules straight to text), the report and the folder. Medians of
  ``--repeat``.
* ``definitions``: one module of N definitions (nine in ten functions, one in ten a class whose
  method calls the function before it), ``analyze`` without a cache and with ``--jobs``, in a
  subprocess of this script: its stage times, wall time, peak RSS of the process tree and of
  its largest process, and the size of ``analysis.json``. Seconds per 1,000 definitions show
  whether the cost grows linearly.

Exit status: 0, or 2 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, fmt_bytes, print_table, run_measured, tail
from corpus import ensure, get_project

GRIMP_SCRIPT = """\
import json, sys, time
sys.path.insert(0, sys.argv[1])
import grimp
start = time.perf_counter()
graph = grimp.build_graph(*sys.argv[2:], include_external_packages=False, cache_dir=None)
print(json.dumps({"seconds": time.perf_counter() - start, "modules": len(graph.modules)}))
"""

HEAVY = ("sklearn", "scipy", "jinja2", "libcst", "networkx", "numpy", "graphviz")

# Run in a subprocess by the ``definitions`` part: analyse and write, print the stage times.
_STAGES = """\
import json, sys, time
from pathlib import Path
from analyzer import api
from analyzer.config import Overrides, load_settings
settings = load_settings(Path(sys.argv[1]), Overrides(no_cache=True, jobs=int(sys.argv[3])))
analysis = api.analyze(settings)
started = time.perf_counter()
api.write_analysis(analysis, Path(sys.argv[2]))
print(json.dumps(analysis.stats.seconds | {"write": time.perf_counter() - started}))
"""


def grimp_seconds(root: Path, *packages: str) -> str:
    done = subprocess.run([sys.executable, "-c", GRIMP_SCRIPT, str(root), *packages],
                          check=False, capture_output=True, text=True)
    if done.returncode != 0:
        return f"failed: {tail(done.stderr, 3).strip()}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return f"{result['seconds']:.2f} s ({result['modules']} modules)"


# --------------------------------------------------------------------------- imports


def _import_run(args: list[str]) -> tuple[float, float, list[str]]:
    """(seamline's import seconds, wall seconds, heavy packages loaded) of ``seamline args``."""
    probe = ("import runpy, sys, json\n"
             "sys.argv = ['seamline', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('analyzer', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             f"names = {{n.partition('.')[0] for n in sys.modules}} & {set(HEAVY)!r}\n"
             "sys.stderr.write('\\nHEAVY ' + json.dumps(sorted(names)) + '\\n')\n")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", probe, *args],
                          check=False, capture_output=True, text=True, cwd=REPO_ROOT)
    wall = time.perf_counter() - started
    cumulative = 0
    heavy: list[str] = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.rstrip().endswith("| analyzer.cli"):
            cumulative = int(line.split("|")[1])
        elif line.startswith("HEAVY "):
            heavy = json.loads(line[len("HEAVY "):])
    return cumulative / 1e6, wall, heavy


def part_imports(repeat: int) -> bool:
    print("== importing seamline for `seamline check samples/tradepost` (fresh process)")
    sample = REPO_ROOT / "samples" / "tradepost"
    with tempfile.TemporaryDirectory(prefix="seamline-imports-") as tmp:
        decomposition, cache = Path(tmp) / "agreed.toml", Path(tmp) / "cache"
        init = subprocess.run([sys.executable, "-m", "analyzer", "init", str(sample),
                               "--cache-dir", str(cache), "--out", str(decomposition)],
                              check=False, capture_output=True, text=True, cwd=REPO_ROOT)
        if init.returncode != 0:
            print(f"seamline init failed:\n{tail(init.stderr)}")
            return False
        runs = [_import_run(["check", str(sample), "--cache-dir", str(cache),
                             "--decomposition", str(decomposition)]) for _ in range(repeat)]
    print_table(("measure", f"median of {repeat}"), [
        ("seamline's own import (analyzer.cli, -X importtime)",
         f"{statistics.median(r[0] for r in runs):.3f} s"),
        ("the whole command, interpreter start included",
         f"{statistics.median(r[1] for r in runs):.3f} s"),
        ("heavy packages loaded", ", ".join(runs[0][2]) or "none"),
    ])
    print(f"grimp build_graph on the same tree: {grimp_seconds(sample, 'tradepost')}")
    return True


# --------------------------------------------------------------------------- writes


def _timed(repeat: int, work: Any) -> tuple[float, Any]:
    seconds: list[float] = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def part_writes(project_name: str, jobs: int, repeat: int) -> bool:
    from analyzer import api, jsonout
    from analyzer.config import Overrides, load_settings
    from analyzer.coupling import graph_to_data
    from analyzer.render.html import render_report
    from analyzer.render.json import (
        analysis_document,
        analysis_json,
        contexts_document,
        contracts_document,
        findings_document,
    )
    from analyzer.render.outdir import write_unit

    project = get_project(project_name)
    root = ensure(project.key)
    print(f"== writing the outputs of {project.key} (default excludes, warm cache)")
    settings = load_settings(root, Overrides(jobs=jobs))
    api.analyze(settings)  # fills the cache
    analysis = api.analyze(settings)
    stages = analysis.stats.seconds
    print("the warm run's stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))

    def document() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], Any, Any]:
        contexts = contexts_document(analysis.decomposition, analysis.graph,
                                     analysis.entry_points, analysis.reference)
        findings = findings_document(analysis.findings, analysis.settings.rules)
        contracts = contracts_document(analysis.contracts)
        notes = api.diagnostics(analysis)
        return (analysis_document(settings.project, analysis.discovery.source_roots,
                                  analysis.code, analysis.data, contexts, findings, notes,
                                  contracts), contexts, findings, contracts, notes)

    rows: list[tuple[str, ...]] = []
    built, (doc, contexts, findings, contracts, notes) = _timed(repeat, document)
    rows.append(("the analysis document (dicts)", f"{built:.3f} s", ""))
    graph_data = graph_to_data(analysis.graph)
    same = True
    for name, data in (("analysis.json", doc), ("graph.json", graph_data)):
        fast, ours = _timed(repeat, lambda data=data: jsonout.dumps(data))
        slow, theirs = _timed(repeat, lambda data=data: (json.dumps(
            data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        same = same and ours == theirs
        verdict = "equal" if ours == theirs else "DIFFER"
        rows.append((f"{name}: jsonout / json.dumps(indent=1)", f"{fast:.3f} s / {slow:.3f} s",
                     f"{len(ours) / 2**20:.1f} MiB, bytes {verdict}"))
    text, written = _timed(repeat, lambda: analysis_json(
        settings.project, analysis.discovery.source_roots, analysis.code, analysis.data,
        contexts, findings, notes, contracts))
    same = same and written == jsonout.dumps(doc)
    rows.append(("analysis.json as written (its modules straight to text)", f"{text:.3f} s",
                 "bytes equal" if written == jsonout.dumps(doc) else "bytes DIFFER"))
    report, _ = _timed(repeat, lambda: render_report(
        settings.project, analysis.code, analysis.data, contexts, findings,
        analysis.findings.dependencies, notes, contracts))
    rows.append(("the report (render/html.py)", f"{report:.3f} s", ""))
    with tempfile.TemporaryDirectory(prefix="seamline-writes-") as tmp:
        files = {"analysis.json": jsonout.dumps(doc), "graph.json": jsonout.dumps(graph_data)}
        folder, _ = _timed(repeat, lambda: write_unit(Path(tmp) / "unit", "analyze", files))
        rows.append(("the two files into the output folder (write_unit, fsync)",
                     f"{folder:.3f} s", ""))
        whole, _ = _timed(repeat, lambda: api.write_analysis(analysis, Path(tmp) / "out"))
    rows.append(("api.write_analysis, all of it", f"{whole:.3f} s", ""))
    print_table(("part", f"median of {repeat}", ""), rows)
    print(f"grimp build_graph on the same tree: {grimp_seconds(root, *project.packages)}")
    return same


# --------------------------------------------------------------------------- definitions


def write_module(folder: Path, count: int) -> Path:
    """``bigpkg/huge.py`` with ``count`` definitions, and a seamline.toml that lets it be read."""
    package = folder / "bigpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    chunks = []
    for i in range(count):
        if i % 10 == 9:
            chunks.append(f"class C{i}:\n    x = {i}\n\n    def m(self):\n"
                          f"        return f_{i - 1}()\n")
        else:
            chunks.append(f"def f_{i}():\n    return {i}\n")
    (package / "huge.py").write_text("\n".join(chunks))
    (folder / "seamline.toml").write_text("max-file-bytes = 100_000_000\n")
    return folder


def part_definitions(counts: list[int], jobs: int) -> bool:
    print(f"== one module of N definitions, no cache, {jobs} jobs")
    rows: list[tuple[str, ...]] = []
    ok = True
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="seamline-defs-") as tmp:
            root = write_module(Path(tmp) / "tree", count)
            out = Path(tmp) / "out"
            measured = run_measured([sys.executable, "-c", _STAGES, str(root), str(out),
                                     str(jobs)], cwd=REPO_ROOT)
            if measured.returncode != 0:
                print(f"{count}: failed\n{tail(measured.stderr)}")
                ok = False
                continue
            stages = json.loads(measured.stdout.strip().splitlines()[-1])
            size = (out / "analysis.json").stat().st_size
            grimp = grimp_seconds(root, "bigpkg")
        other = sum(v for k, v in stages.items() if k not in ("parse", "graph", "cluster", "write"))
        rows.append((
            f"{count:,}", f"{measured.wall:.1f}", f"{measured.wall / count * 1000:.2f}",
            f"{stages['parse']:.1f}", f"{stages['graph']:.1f}", f"{stages['cluster']:.1f}",
            f"{stages['write']:.1f}",
            f"{other:.1f}",
            fmt_bytes(measured.peak_tree_rss), fmt_bytes(measured.peak_single_rss),
            f"{size / 2**20:.0f} MiB", grimp))
        print(f"  {count:,}: done in {measured.wall:.1f} s")
    print_table(("definitions", "wall s", "s per 1k", "parse", "graph", "cluster", "write",
                 "other", "tree RSS", "max proc", "analysis.json", "grimp build_graph"), rows)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("imports", "writes", "definitions"), action="append",
                        help="run only this part (repeatable; default: all three)")
    parser.add_argument("--project", default="nova", help="the corpus tree of `writes`")
    parser.add_argument("--definitions", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    parts = args.part or ["imports", "writes", "definitions"]
    ok = True
    if "imports" in parts:
        ok = part_imports(args.repeat) and ok
    if "writes" in parts:
        ok = part_writes(args.project, args.jobs, args.repeat) and ok
    if "definitions" in parts:
        ok = part_definitions(args.definitions, args.jobs) and ok
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
