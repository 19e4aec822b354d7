"""What one atom reads and writes, statement by statement: the accesses pending for the
statement being read, flushed with its line and snippet; the SQL strings read on the way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer.data.sql import looks_like_sql, read_sql
from analyzer.data.values import Val
from analyzer.model import (
    AccessMode,
    Confidence,
    Diagnostic,
    Link,
    Severity,
    SqlSite,
    SqlStatement,
    TableAccess,
)
from analyzer.packs import SqlCall


@dataclass(slots=True)
class Findings:
    """What the readers of a run found, in the order they found it."""

    accesses: list[TableAccess] = field(default_factory=list)
    sql: list[SqlSite] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Recorder:
    """The accesses of atom ``atom`` (in ``path``) into ``findings``; ``quiet``: a reader
    evaluating a value for another atom records nothing. ``consumed``: the strings a database
    call used, shared by every reader of the run."""

    def __init__(self, findings: Findings, consumed: set[Val], path: str, atom: str,
                 quiet: bool) -> None:
        self.findings = findings
        self.consumed = consumed
        self.path = path
        self.atom = atom
        self.quiet = quiet
        self.line = 0  # the line of the statement being read
        self.strings: list[Val] = []  # string literals of the statement
        self.bound_strings: list[Val] = []  # literals bound to names in a function
        # (table, mode) -> (via, confidence, a lookup only) for the statement being read
        self.pending: dict[tuple[str, AccessMode], tuple[str, Confidence, bool]] = {}

    def sql_argument(self, call: SqlCall, args: list[Val], keywords: dict[str, Val]) -> bool:
        value = keywords.get(call.keyword) if call.keyword else None
        if value is None and call.argument < len(args):
            value = args[call.argument]
        if value is None or value.kind != "string" or not value.text:
            return value is not None and value.kind == "sql"
        self.consumed.add(value)
        self.read_sql(value.text, Confidence.HIGH if value.literal else Confidence.MEDIUM)
        return True

    def loose(self, value: Val, confidence: Confidence) -> None:
        if value.text and looks_like_sql(value.text):
            self.line = value.line or self.line
            self.read_sql(value.text, confidence)

    def read_sql(self, text: str, confidence: Confidence) -> None:
        if self.quiet:
            return
        statements: tuple[SqlStatement, ...] = read_sql(text)
        self.findings.sql.append(SqlSite(self.path, self.line, self.atom, confidence,
                                            text, statements))
        for statement in statements:
            lookups = set(statement.lookups)
            self.record([t for t in statement.reads if t not in lookups], AccessMode.READ,
                         "sql", confidence)
            self.record(statement.lookups, AccessMode.READ, "sql", confidence, lookup=True)
            self.record(statement.writes, AccessMode.WRITE, "sql", confidence)
            self.record(statement.ddl, AccessMode.DDL, "sql", confidence)
            for problem in statement.problems:
                self.findings.diagnostics.append(Diagnostic(
                    self.path, self.line, "sql-unreadable", problem, Severity.INFO))

    def record(self, tables: Iterable[str], mode: AccessMode, via: str,
                confidence: Confidence = Confidence.HIGH, lookup: bool = False) -> None:
        """``lookup``: the tables are only joined to the one the query is about."""
        if self.quiet:
            return
        for table in tables:
            key = (table, mode)
            old = self.pending.get(key)
            if old is None or _rank(confidence) > _rank(old[1]):
                self.pending[key] = (via, confidence, lookup and (old is None or old[2]))
            elif not lookup and old[2]:  # also read as the table a query is about
                self.pending[key] = (old[0], old[1], False)

    def flush(self, line: int, text: str) -> None:
        """One access per table and mode for the statement at ``line``; a write of a table
        makes a read of it in the same statement redundant. SQL-looking strings that reached
        no database call count at low confidence."""
        for value in self.strings:
            if (value not in self.consumed and value.literal
                    and not any(value is bound for bound in self.bound_strings)):
                self.consumed.add(value)
                self.loose(value, Confidence.LOW)
        self.strings = []
        written = {table for table, mode in self.pending if mode is AccessMode.WRITE}
        for (table, mode), (via, confidence, lookup) in sorted(self.pending.items()):
            if mode is AccessMode.READ and table in written and via != "sql":
                continue
            self.findings.accesses.append(TableAccess(
                table, mode, via, self.atom, self.path, line, confidence, text, lookup))
        self.pending = {}


def evidence(text: str) -> str:
    """A string's text on one line, cut short, as the snippet of an access."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 120 else flat[:117] + "..."


_RANKS = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


def _rank(confidence: Confidence) -> int:
    return _RANKS[confidence]

