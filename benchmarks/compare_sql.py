"""Agreement of seamline's SQL table sets with sqlglot's, statement by statement.

Run (from the repository root; the corpus is fetched on first use)::

    .venv/bin/python benchmarks/compare_sql.py                   # Trac 1.6 and roundup 2.6.0
    .venv/bin/python benchmarks/compare_sql.py --project trac --show 5

The SQL strings are the ones seamline itself finds in the project (``analysis.data.sql``, every
confidence; dynamic parts already replaced with ``PLACEHOLDER``). Each string is cut into
statements with ``sqlparse.split``; each statement is read by ``read_sql`` and parsed by sqlglot
with the first dialect of ``DIALECTS`` that parses it into something other than a generic
``Command``. sqlglot's tables are its ``exp.Table`` nodes, normalised as seamline normalises
names, minus CTE names, index and trigger names (``DROP INDEX i``) and ``DUAL`` where only
read: those are
seamline's documented rules, so comparing without them would count a convention, not a
mistake. Written tables are the targets of ``Insert``, ``Update``, ``Delete``, ``Merge``,
``TruncateTable`` and ``SELECT ... INTO``.

Skipped and counted apart: statements sqlglot cannot parse, and statements with a run-time part
(or a query parameter) where a table name stands, whose true tables nobody can know. Agreement is
the share of the compared statements whose sets of tables (seamline's reads, writes and ddl
together) are equal; the written sets are compared too. Disagreements are grouped by a guessed
cause with examples; everything goes to ``.corpus/_reports/compare-sql-<project>.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
import sqlparse
from sqlglot import exp

sys.path.insert(0, str(Path(__file__).parent))

from _common import print_table
from corpus import CORPUS_DIR, ensure

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.data.sql import (
    DYNAMIC_FROM,
    DYNAMIC_SCHEMA,
    DYNAMIC_TABLE,
    PARAMETER_TABLE,
    PLACEHOLDER,
    read_sql,
)
from analyzer.model import SqlStatement

DIALECTS: tuple[str | None, ...] = (None, "sqlite", "postgres", "mysql")
DEFAULT_SCHEMAS = frozenset({"public", "dbo", "main"})
# Keywords a dialect-less parse sometimes takes for a table name (UPDATE ONLY t).
KEYWORDS = frozenset({"only", "lateral", "table", "if", "exists", "ignore", "temporary"})
# seamline's problems that mean "the tables of this statement are only known at run time".
DYNAMIC_PROBLEMS = frozenset({DYNAMIC_TABLE, DYNAMIC_SCHEMA, DYNAMIC_FROM, PARAMETER_TABLE})


@dataclass(frozen=True)
class Disagreement:
    text: str
    seamline: list[str]
    sqlglot: list[str]
    seamline_writes: list[str]
    sqlglot_writes: list[str]
    dialect: str


@dataclass
class Report:
    strings: int = 0
    statements: int = 0
    compared: int = 0
    agree: int = 0
    writes_agree: int = 0
    unparsed: int = 0  # sqlglot could not parse the statement in any dialect
    dynamic: int = 0  # a run-time part or a parameter where a table name stands
    split_differs: int = 0  # sqlparse.split and read_sql cut a string differently
    causes: dict[str, list[Disagreement]] = field(default_factory=dict)

    @property
    def agreement(self) -> float:
        return self.agree / self.compared if self.compared else 1.0

    @property
    def writes_agreement(self) -> float:
        return self.writes_agree / self.compared if self.compared else 1.0

    def add(self, cause: str, case: Disagreement) -> None:
        self.causes.setdefault(cause, []).append(case)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["agreement"] = round(self.agreement, 4)
        data["writes_agreement"] = round(self.writes_agreement, 4)
        data["cause_counts"] = {cause: len(cases) for cause, cases in self.causes.items()}
        return data


# --------------------------------------------------------------------------- sqlglot's side


@dataclass(frozen=True)
class Theirs:
    tables: frozenset[str]
    writes: frozenset[str]
    dialect: str
    tree: exp.Expr


def _name(identifier: object) -> str | None:
    if not isinstance(identifier, exp.Identifier):
        return None
    return identifier.name if identifier.quoted else identifier.name.lower()


def normalised(table: exp.Table) -> str | None:
    """A table's name as seamline writes it: ``schema.table`` minus default schemas."""
    name = _name(table.this)
    if name is None:  # a table function: generate_series(...), unnest(...)
        return None
    schema = _name(table.args.get("db"))
    return f"{schema}.{name}" if schema and schema not in DEFAULT_SCHEMAS else name


def _is_index_name(table: exp.Table) -> bool:
    """``DROP INDEX i`` and ``DROP TRIGGER t``: sqlglot keeps the name as a table."""
    parent = table.parent
    return isinstance(parent, exp.Drop) and str(parent.args.get("kind", "")).upper() in (
        "INDEX", "TRIGGER")


def _targets(tree: exp.Expr) -> set[str]:
    """The tables a statement writes, by sqlglot's tree."""
    found: list[exp.Expr] = []
    for node in tree.find_all(exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Into):
        target = node.this
        found.append(target.this if isinstance(target, exp.Schema) else target)
    for truncate in tree.find_all(exp.TruncateTable):
        found.extend(truncate.expressions)
    return {name for node in found if isinstance(node, exp.Table) and (name := normalised(node))}


def sqlglot_tables(tree: exp.Expr, dialect: str) -> Theirs:
    ctes = {name for cte in tree.find_all(exp.CTE) if (name := _name(cte.args["alias"].this))}
    writes = _targets(tree) - ctes
    tables = {name for node in tree.find_all(exp.Table)
              if not _is_index_name(node) and (name := normalised(node))} - ctes
    if "dual" in tables and "dual" not in writes and not isinstance(
            tree, exp.Create | exp.Drop | exp.Alter):
        tables.discard("dual")
    return Theirs(frozenset(tables), frozenset(writes), dialect, tree)


def parse(statement: str) -> Theirs | None:
    for dialect in DIALECTS:
        try:
            parsed = [tree for tree in sqlglot.parse(statement, read=dialect) if tree is not None]
        except Exception:  # sqlglot raises many kinds; any means "not in this dialect"
            continue
        if len(parsed) == 1 and not isinstance(parsed[0], exp.Command):
            return sqlglot_tables(parsed[0], dialect or "default")
    return None


# --------------------------------------------------------------------------- causes


def _nodes_named(tree: exp.Expr, name: str) -> list[exp.Table]:
    return [node for node in tree.find_all(exp.Table) if normalised(node) == name]


def _missed_cause(tree: exp.Expr, missed: str) -> str:
    """Why seamline may have missed a table sqlglot names."""
    if missed in KEYWORDS:
        return "sqlglot took a keyword for a table"
    if isinstance(tree, exp.Grant | exp.Revoke):
        return "GRANT / REVOKE object (not an access for seamline)"
    for node in _nodes_named(tree, missed):
        if node.find_ancestor(exp.Reference):
            return "foreign-key target (not an access for seamline)"
        if node.find_ancestor(exp.Subquery):
            return "seamline missed a subquery table"
        if isinstance(node.parent, exp.Join):
            return "seamline missed a joined table"
        if node.find_ancestor(exp.Create, exp.Alter, exp.Drop):
            return "seamline missed a DDL target"
    return "seamline missed a table"


def _extra_cause(tree: exp.Expr, extra: str) -> str:
    """Why seamline may have named a table sqlglot does not."""
    last = extra.rsplit(".", 1)[-1]
    if any(_name(cte.args["alias"].this) == last for cte in tree.find_all(exp.CTE)):
        return "CTE name taken as table"
    if any(_name(alias.this) == last for alias in tree.find_all(exp.TableAlias)):
        return "alias taken as table"
    if any(func.name.lower() == last for func in tree.find_all(exp.Func)):
        return "function taken as table"
    if any(column.name.lower() == last for column in tree.find_all(exp.Column)):
        return "column taken as table"
    return "sqlglot parse differs (it does not see this table)"


def cause(ours: SqlStatement, theirs: Theirs) -> str:
    mine = set(ours.reads) | set(ours.writes) | set(ours.ddl)
    if mine == theirs.tables:
        return "written set differs"
    if {t.rsplit(".", 1)[-1] for t in mine} == {t.rsplit(".", 1)[-1] for t in theirs.tables}:
        return "schema-qualified name read differently"
    if ours.problems:
        return "seamline read it only partly: " + ours.problems[0]
    if theirs.tables - mine:
        return _missed_cause(theirs.tree, sorted(theirs.tables - mine)[0])
    return _extra_cause(theirs.tree, sorted(mine - theirs.tables)[0])


# --------------------------------------------------------------------------- comparing


def _is_dynamic(ours: SqlStatement, theirs: Theirs | None) -> bool:
    if any(problem in DYNAMIC_PROBLEMS for problem in ours.problems):
        return True
    return theirs is not None and any(PLACEHOLDER in name for name in theirs.tables)


def _compare_statement(piece: str, report: Report) -> None:
    ours_all = read_sql(piece)
    if len(ours_all) != 1:
        report.split_differs += 1
        return
    ours = ours_all[0]
    theirs = parse(piece)
    if _is_dynamic(ours, theirs):
        report.dynamic += 1
        return
    if theirs is None:
        report.unparsed += 1
        return
    report.compared += 1
    mine = set(ours.reads) | set(ours.writes) | set(ours.ddl)
    tables_agree = mine == theirs.tables
    writes_agree = set(ours.writes) == theirs.writes
    report.agree += tables_agree
    report.writes_agree += writes_agree
    if not (tables_agree and writes_agree):
        report.add(cause(ours, theirs), Disagreement(
            " ".join(piece.split())[:400], sorted(mine), sorted(theirs.tables),
            sorted(ours.writes), sorted(theirs.writes), theirs.dialect))


def compare(texts: Iterable[str]) -> Report:
    """Compare seamline's reading of every statement in ``texts`` with sqlglot's."""
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallbacks are counted
    report = Report()
    for text in texts:
        report.strings += 1
        for piece in sqlparse.split(text):
            if piece.strip().strip(";").strip():
                report.statements += 1
                _compare_statement(piece, report)
    return report


def project_texts(name: str) -> tuple[list[str], float]:
    """The SQL strings seamline finds in a corpus project, and the analysis time."""
    root = ensure(name)
    started = time.perf_counter()
    analysis = api.analyze(load_settings(root, Overrides(no_cache=True)))
    seconds = time.perf_counter() - started
    data = getattr(analysis, "data", None)
    if data is None or not hasattr(data, "sql"):
        raise SystemExit("error: this seamline has no `analysis.data.sql` yet (the SQL sites "
                         "of the data-access stage); nothing to compare")
    return [site.text for site in data.sql], seconds


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare seamline's SQL tables with sqlglot's.")
    parser.add_argument("--project", action="append", choices=["trac", "roundup"],
                        help="corpus project, repeatable (default: trac and roundup)")
    parser.add_argument("--show", type=int, default=3, help="examples per cause (default 3)")
    parser.add_argument("--report-dir", type=Path, default=CORPUS_DIR / "_reports")
    args = parser.parse_args(argv)
    rows: list[tuple[str, ...]] = []
    reports: dict[str, Report] = {}
    for name in args.project or ["trac", "roundup"]:
        texts, seconds = project_texts(name)
        report = reports[name] = compare(texts)
        rows.append((name, str(report.strings), str(report.statements), str(report.compared),
                     str(report.unparsed), str(report.dynamic), str(report.split_differs),
                     _pct(report.agreement), _pct(report.writes_agreement), f"{seconds:.1f} s"))
    print_table(("project", "strings", "statements", "compared", "sqlglot failed", "dynamic",
                 "split differs", "tables agree", "writes agree", "analysis"), rows)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    for name, report in reports.items():
        print(f"\n{name}: disagreements by cause")
        for reason, cases in sorted(report.causes.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(cases):4}  {reason}")
            for case in cases[:args.show]:
                print(f"          {case.text[:110]}")
                print(f"            seamline {case.seamline}  sqlglot {case.sqlglot} "
                      f"({case.dialect})")
        path = args.report_dir / f"compare-sql-{name}.json"
        path.write_text(json.dumps(report.as_json(), indent=1, sort_keys=True))
        print(f"  wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
