"""What the rules read: the code and data models of a project, indexed by element once.

The project as resolved is ``analyzer.codebase.Codebase`` (what resolve makes, every stage's
input); ``Project`` here is the rules' view of its code model and of the data model, by element.

``Project`` knows nothing of contexts: a rule asks a ``Partition`` which context an element
is in, so one project can be judged against a proposed cut and an agreed decomposition alike.
Each index is built the first time a rule reads it (``seamline check`` reads no foreign key
and no SQL statement), and what several rules derive from one partition (the uses that cross
it, the owners of its tables) is computed once through ``derived``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from analyzer.coupling import CouplingGraph, Node
from analyzer.findings.partition import Partition
from analyzer.findings.uses import ImportEdge, Use, collect_uses, import_edges
from analyzer.model import CodeModel, DataModel, Declaration, ForeignKey, SqlSite, TableAccess

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Access:
    access: TableAccess
    element: str


@dataclass(frozen=True, slots=True)
class Declared:
    table: str
    declaration: Declaration
    element: str


@dataclass(frozen=True, slots=True)
class Key:
    table: str
    key: ForeignKey
    path: str


@dataclass(frozen=True, slots=True)
class Statement:
    site: SqlSite
    element: str
    tables: tuple[str, ...]  # every table one statement reads or writes


@dataclass(frozen=True)
class Project:
    code: CodeModel
    data: DataModel
    element_of: Callable[[str], str]  # atom -> the element it is part of
    graph: CouplingGraph | None = None  # analyze builds one; check does not
    baseline_coupling: float | None = None  # what the baseline recorded (SL407)
    _derived: dict[tuple[str, Partition | None], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def accesses(self) -> tuple[Access, ...]:
        return tuple(Access(a, self.element_of(a.atom)) for a in self.data.accesses)

    @cached_property
    def declared(self) -> tuple[Declared, ...]:
        return tuple(Declared(table.name, declaration, self.element_of(declaration.atom))
                     for table in self.data.tables for declaration in table.declarations)

    @cached_property
    def keys(self) -> tuple[Key, ...]:
        paths = {m.name: m.path for m in self.code.modules}
        found: list[Key] = []
        for table in self.data.tables:
            for key in table.foreign_keys:
                owner = key.atom.partition(":")[0]
                found.append(Key(table.name, key, paths.get(owner, owner)))
        return tuple(found)

    @cached_property
    def statements(self) -> tuple[Statement, ...]:
        found: list[Statement] = []
        for site in self.data.sql:
            element = self.element_of(site.atom)
            for statement in site.statements:
                tables = tuple(sorted(set(statement.reads) | set(statement.writes)))
                if tables:
                    found.append(Statement(site, element, tables))
        return tuple(found)

    @cached_property
    def uses(self) -> tuple[Use, ...]:
        """Code references and framework links between elements (``uses.collect_uses``)."""
        return tuple(collect_uses(self.code, self.data, self.element_of))

    def imports(self, kinds: Collection[str]) -> tuple[ImportEdge, ...]:
        """The imports of the given kinds between the project's modules."""
        return self.derived(f"imports:{','.join(sorted(kinds))}", None,
                            lambda: tuple(import_edges(self.code, self.element_of, kinds)))

    @cached_property
    def nodes(self) -> dict[str, Node]:
        return self.graph.node_map() if self.graph is not None else {}

    def site(self, element: str) -> tuple[str, int]:
        node = self.nodes.get(element)
        return (node.path, node.line) if node is not None else ("", 0)

    def derived(self, name: str, partition: Partition | None, compute: Callable[[], T]) -> T:
        """What ``compute`` derives from this project (and ``partition``), computed once."""
        key = (name, partition)
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value
