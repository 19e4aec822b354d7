"""Agreement of seamline's internal import edges with grimp's, on real projects.

Run (from the repository root; the corpus is fetched on first use)::

    .venv/bin/python benchmarks/compare_imports.py                   # oscar and saleor
    .venv/bin/python benchmarks/compare_imports.py --project trac --report-dir /tmp/r

For each project, ``seamline analyze ROOT --out TMP --no-default-excludes
--no-cache`` and ``grimp.build_graph(..., include_external_packages=False,
exclude_type_checking_imports=False, cache_dir=None)`` see the same tree.
Internal module->module edges are taken from both and compared on the modules
both know.  Precision and recall are those of seamline, taking grimp as truth.
Every disagreeing edge goes to ``REPORT_DIR/imports-<project>.txt`` (default
``.corpus/_reports``) with its source lines and a guessed cause; the console
gets a summary.  Exit status is always 0.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grimp
from _common import (
    SeamlineMissingError,
    find_seamline,
    load_analysis,
    print_table,
    run_measured,
    seamline_command,
    tail,
)
from corpus import CORPUS_DIR, Project, ensure, get_project

Edge = tuple[str, str]
# importer -> [(imported, line)] for one side, unfiltered.
Evidence = dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class Stmt:
    """An import statement as found by ``ast`` in the importer's source."""

    line: int
    end_line: int
    is_from: bool
    module: str
    level: int
    names: tuple[str, ...]
    contexts: frozenset[str]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


# ast.TryStar (``except*``) exists from Python 3.11 on.
TRY_NODES: tuple[type[ast.AST], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


def _collect(node: ast.AST, contexts: frozenset[str], out: list[Stmt]) -> None:
    for child in ast.iter_child_nodes(node):
        ctx = contexts
        if isinstance(child, TRY_NODES):
            ctx = ctx | {"try"}
        elif isinstance(child, ast.If):
            ctx = ctx | {"type_checking" if _is_type_checking(child.test) else "if"}
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            ctx = ctx | {"function"}
        elif isinstance(child, ast.ClassDef):
            ctx = ctx | {"class"}
        if isinstance(child, ast.Import | ast.ImportFrom):
            is_from = isinstance(child, ast.ImportFrom)
            module = (child.module or "") if isinstance(child, ast.ImportFrom) else ""
            level = child.level if isinstance(child, ast.ImportFrom) else 0
            names = tuple(alias.name for alias in child.names)
            end = child.end_lineno or child.lineno
            out.append(Stmt(child.lineno, end, is_from, module, level, names, ctx))
        _collect(child, ctx, out)


@dataclass
class Sources:
    """Lazily read and parsed source files of one project."""

    root: Path
    paths: dict[str, str]  # module name -> path relative to root
    _lines: dict[str, list[str]] = field(default_factory=dict)
    _stmts: dict[str, list[Stmt]] = field(default_factory=dict)

    def lines(self, module: str) -> list[str]:
        if module not in self._lines:
            rel = self.paths.get(module)
            text = (self.root / rel).read_text(errors="replace") if rel else ""
            self._lines[module] = text.splitlines()
        return self._lines[module]

    def line(self, module: str, number: int) -> str:
        lines = self.lines(module)
        return lines[number - 1].strip() if 0 < number <= len(lines) else "?"

    def stmts_at(self, module: str, number: int) -> list[Stmt]:
        if module not in self._stmts:
            found: list[Stmt] = []
            with contextlib.suppress(SyntaxError):
                _collect(ast.parse("\n".join(self.lines(module))), frozenset(), found)
            self._stmts[module] = found
        return [s for s in self._stmts[module] if s.line <= number <= s.end_line]


def package_depth(module: str, is_package: bool) -> int:
    """How many leading dots a relative import in ``module`` may use."""
    return module.count(".") + 1 if is_package else module.count(".")


def guess_cause(
    edge: Edge,
    lines: list[int],
    *,
    other: Evidence,
    sources: Sources,
    packages: set[str],
    known: set[str],
) -> tuple[str, str]:
    """(cause, detail) for an edge that only one side has, found at ``lines``."""
    importer, imported = edge
    stmts = [s for n in lines for s in sources.stmts_at(importer, n)]
    if not stmts:
        return "no import statement at the reported line (dynamic import?)", ""
    at_same_line = sorted(
        {t for t, n in other.get(importer, []) if any(s.line <= n <= s.end_line for s in stmts)}
        - {imported}
    )
    contexts = set[str]().union(*(s.contexts for s in stmts))
    notes = [f"other side at this statement: {', '.join(at_same_line)}"] if at_same_line else []
    notes += [f"context: {', '.join(sorted(contexts))}"] if contexts else []
    detail = "; ".join(notes)
    depth = package_depth(importer, importer in packages)
    if any(s.level > depth for s in stmts):
        return "relative import beyond top-level package", detail
    related = [
        t for t in at_same_line if t.startswith(imported + ".") or imported.startswith(t + ".")
    ]
    if related:
        if any(t not in known for t in related):
            return (
                "import of a submodule that does not exist (one side fell back to a parent)",
                detail,
            )
        if not any(s.is_from for s in stmts):
            return "`import a.b` vs parent package", detail
        leaf_pairs = ((min(t, imported), max(t, imported)) for t in related)
        if any(long.rpartition(".")[2] in s.names for _, long in leaf_pairs for s in stmts):
            return "from-import of a name that is itself a submodule", detail
        return "resolved to a parent/child module (__init__ re-export?)", detail
    if at_same_line:
        return "resolved to a different module (__init__ re-export?)", detail
    for ctx, cause in (
        ("type_checking", "import under TYPE_CHECKING"),
        ("try", "import inside try/except"),
        ("function", "import inside a function"),
        ("if", "conditional import (if)"),
        ("class", "import inside a class body"),
    ):
        if ctx in contexts:
            return cause, detail
    if any("*" in s.names for s in stmts):
        return "star import", detail
    if any(s.level for s in stmts):
        return "relative import, other side has no edge", detail
    return "other", detail


def run_seamline(root: Path, explicit: str | None) -> dict[str, Any] | None:
    """Run ``seamline analyze`` on ``root``; the parsed analysis.json, or None."""
    try:
        seamline = find_seamline(explicit)
    except SeamlineMissingError as exc:
        print(f"  error: {exc}")
        return None
    with tempfile.TemporaryDirectory(prefix="seamline-compare-") as tmp:
        cmd = seamline_command(seamline, root, Path(tmp))
        measured = run_measured(cmd)
        if measured.returncode != 0:
            print(f"  error: seamline exited {measured.returncode}\n{tail(measured.stderr)}")
            return None
        print(f"  seamline: {measured.wall:.1f} s")
        return load_analysis(Path(tmp))


def run_grimp(root: Path, packages: tuple[str, ...]) -> grimp.ImportGraph:
    sys.path.insert(0, str(root))
    try:
        return grimp.build_graph(
            *packages,
            include_external_packages=False,
            exclude_type_checking_imports=False,
            cache_dir=None,
        )
    finally:
        sys.path.remove(str(root))


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def compare(
    project: Project, report_dir: Path, seamline: str | None
) -> tuple[tuple[str, ...], Counter[tuple[str, str]]]:
    """Compare one project; write its report; return a summary row and cause counts."""
    print(f"== {project.dist} {project.version}")
    root = ensure(project.key)
    graph = run_grimp(root, project.packages)
    g_modules = set(graph.modules)
    # grimp keeps self-imports (`import a.b` inside a/b.py); seamline drops them.
    g_edges = {
        (m, t) for m in g_modules for t in graph.find_modules_directly_imported_by(m) if t != m
    }
    analysis = run_seamline(root, seamline)
    if analysis is None:
        print(f"  grimp only: {len(g_modules)} modules, {len(g_edges)} edges")
        empty: tuple[str, ...] = (
            project.key,
            str(len(g_modules)),
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
        )
        return empty, Counter()

    s_evidence: Evidence = defaultdict(list)
    paths: dict[str, str] = {}
    packages: set[str] = set()
    for mod in analysis["modules"]:
        paths[mod["name"]] = mod["path"]
        if mod.get("is_package"):
            packages.add(mod["name"])
        for imp in mod.get("imports", []):
            if imp.get("kind") == "internal" and imp.get("module") and imp["module"] != mod["name"]:
                s_evidence[mod["name"]].append((imp["module"], int(imp.get("line") or 0)))
    s_modules = set(paths)
    common = s_modules & g_modules
    known = s_modules | g_modules
    s_edges = {(m, t) for m, targets in s_evidence.items() for t, _ in targets}
    s_in = {e for e in s_edges if e[0] in common and e[1] in common}
    g_in = {e for e in g_edges if e[0] in common and e[1] in common}
    both = s_in & g_in

    g_evidence: Evidence = defaultdict(list)
    for importer in {e[0] for e in s_in ^ g_in}:
        for target in graph.find_modules_directly_imported_by(importer):
            for d in graph.get_import_details(importer=importer, imported=target):
                g_evidence[importer].append((target, d["line_number"]))

    sources = Sources(root, paths)
    causes: Counter[tuple[str, str]] = Counter()
    grouped: dict[str, list[str]] = defaultdict(list)
    for side, edges, mine, other in (
        ("seamline only", s_in - g_in, s_evidence, g_evidence),
        ("grimp only", g_in - s_in, g_evidence, s_evidence),
    ):
        for edge in sorted(edges):
            lines = sorted({n for t, n in mine.get(edge[0], []) if t == edge[1]})
            cause, detail = guess_cause(
                edge, lines, other=other, sources=sources, packages=packages, known=known
            )
            causes[(cause, side)] += 1
            entry = [f"[{side}] {edge[0]} -> {edge[1]}"]
            rel = paths.get(edge[0], edge[0])
            entry += [f"    {rel}:{n}: {sources.line(edge[0], n)}" for n in lines]
            if detail:
                entry.append(f"    ({detail})")
            grouped[cause].append("\n".join(entry))

    only_s, only_g = sorted(s_modules - g_modules), sorted(g_modules - s_modules)
    for label, names in (("seamline", only_s), ("grimp", only_g)):
        sample = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        print(f"  modules only {label} knows: {len(names)}" + (f" ({sample})" if names else ""))
    dangling = sorted({e for e in s_edges if e[1] not in known})
    if dangling:
        sample = ", ".join(f"{a} -> {b}" for a, b in dangling[:3])
        print(f"  seamline internal edges to no known module: {len(dangling)} (e.g. {sample})")

    report_dir.mkdir(parents=True, exist_ok=True)
    report = report_dir / f"imports-{project.key}.txt"
    with report.open("w") as fh:
        fh.write(f"# {project.dist} {project.version}: seamline vs grimp import edges\n")
        fh.write(f"# root: {root}\n# modules only seamline knows ({len(only_s)}):\n")
        fh.writelines(f"#   {n}\n" for n in only_s)
        fh.write(f"# modules only grimp knows ({len(only_g)}):\n")
        fh.writelines(f"#   {n}\n" for n in only_g)
        fh.write(f"# seamline internal edges to no known module ({len(dangling)}):\n")
        fh.writelines(f"#   {a} -> {b}\n" for a, b in dangling)
        for cause in sorted(grouped, key=lambda c: -len(grouped[c])):
            fh.write(f"\n## {cause} ({len(grouped[cause])})\n\n")
            fh.write("\n".join(grouped[cause]) + "\n")
    print(f"  disagreements: {len(s_in ^ g_in)} edges written to {report}")

    row = (
        project.key,
        str(len(g_modules)),
        str(len(s_modules)),
        str(len(common)),
        str(len(g_in)),
        str(len(s_in)),
        str(len(both)),
        str(len(s_in - g_in)),
        str(len(g_in - s_in)),
        ratio(len(both), len(s_in)),
        ratio(len(both), len(g_in)),
    )
    return row, causes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare seamline's import edges with grimp's.")
    parser.add_argument(
        "--project", action="append", help="corpus project, repeatable (default: oscar, saleor)"
    )
    parser.add_argument("--report-dir", type=Path, default=CORPUS_DIR / "_reports")
    parser.add_argument("--seamline", help="path to the seamline executable")
    args = parser.parse_args(argv)
    rows: list[tuple[str, ...]] = []
    causes: Counter[tuple[str, str]] = Counter()
    for name in args.project or ["oscar", "saleor"]:
        try:
            row, project_causes = compare(get_project(name), args.report_dir, args.seamline)
        except KeyError as exc:
            print(f"error: {exc.args[0]}")
            continue
        except Exception as exc:  # report and go on: this script always exits 0
            print(f"error: {name}: {type(exc).__name__}: {exc}")
            continue
        rows.append(row)
        causes += project_causes
    print()
    header: tuple[str, ...] = ("project", "mods grimp", "mods seamline", "common")
    header += ("edges grimp", "edges seamline", "agree", "only seamline", "only grimp")
    header += ("precision", "recall")
    print_table(header, rows)
    if causes:
        print()
        cause_rows: list[tuple[str, ...]] = [
            (cause, str(causes[(cause, "seamline only")]), str(causes[(cause, "grimp only")]))
            for cause in sorted(
                {c for c, _ in causes},
                key=lambda c: -sum(n for (k, _), n in causes.items() if k == c),
            )
        ]
        print_table(("guessed cause", "only seamline", "only grimp"), cause_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
