"""What the rules read and what they produce.

``World`` indexes the code and data models by context once: every table access, declaration,
foreign key, SQL statement and cross-element reference, each with the context of the element
that makes it and its ``path:line``. Elements in the shared kernel or unplaced have no context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.coupling import KERNEL, UNPLACED, CouplingGraph, Node
from analyzer.model import CodeModel, DataModel, Declaration, ForeignKey, SqlSite, TableAccess

if TYPE_CHECKING:  # the clustering is not loaded by `seamline check`
    from analyzer.cluster import Decomposition


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    path: str
    line: int
    what: str

    def render(self) -> str:
        return f"{self.path}:{self.line} ({self.what})"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. ``subject`` names what it is about (a table, a module, a pair of
    contexts) and with the code identifies the finding across runs."""

    code: str
    name: str
    severity: str
    message: str
    contexts: tuple[str, ...]
    tables: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    remediation: str
    subject: str

    @property
    def location(self) -> tuple[str, int]:
        return (self.evidence[0].path, self.evidence[0].line) if self.evidence else ("", 0)


def finding(message: str, subject: str, contexts: tuple[str, ...], evidence: list[Evidence],
            remediation: str, tables: tuple[str, ...] = ()) -> Finding:
    """A finding whose code, name and severity ``find`` fills in."""
    return Finding("", "", "", message, contexts, tables, tuple(sorted(set(evidence))),
                   remediation, subject)


@dataclass(frozen=True, slots=True)
class Toucher:
    """A context that uses a table, and how."""

    context: str
    writes: int
    reads: int
    declares: int


@dataclass(frozen=True, slots=True)
class Ownership:
    table: str
    owner: str | None  # None: no context touches it
    reason: str  # writes most | reads most | declares it | untouched
    touchers: tuple[Toucher, ...]  # the owner first, then by name
    evidence: tuple[Evidence, ...]  # the owner's own sites


@dataclass(frozen=True, slots=True)
class Access:
    access: TableAccess
    element: str
    context: str | None


@dataclass(frozen=True, slots=True)
class Declared:
    table: str
    declaration: Declaration
    context: str | None


@dataclass(frozen=True, slots=True)
class Key:
    table: str
    key: ForeignKey
    path: str


@dataclass(frozen=True, slots=True)
class Statement:
    site: SqlSite
    context: str | None
    tables: tuple[str, ...]  # every table one statement reads or writes


@dataclass(frozen=True, slots=True)
class Use:
    """Element ``source`` uses element ``target`` (code or a framework link) at path:line."""

    source: str
    target: str
    path: str
    line: int
    kind: str


@dataclass(slots=True)
class World:
    decomposition: Decomposition
    nodes: dict[str, Node]
    context_of: dict[str, str]  # element -> domain context (kernel and unplaced left out)
    accesses: list[Access] = field(default_factory=list)
    declared: list[Declared] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    @classmethod
    def build(cls, code: CodeModel, data: DataModel, decomposition: Decomposition,
              graph: CouplingGraph, element_of: Callable[[str], str]) -> World:
        context_of = {element: context for element, context in decomposition.assignment().items()
                      if context not in (KERNEL, UNPLACED)}
        world = cls(decomposition, graph.node_map(), context_of)
        paths = {m.name: m.path for m in code.modules}

        def context(atom: str) -> str | None:
            return context_of.get(element_of(atom))

        for access in data.accesses:
            element = element_of(access.atom)
            world.accesses.append(Access(access, element, context_of.get(element)))
        for table in data.tables:
            for declaration in table.declarations:
                world.declared.append(Declared(table.name, declaration,
                                               context(declaration.atom)))
            for key in table.foreign_keys:
                owner = key.atom.partition(":")[0]
                world.keys.append(Key(table.name, key, paths.get(owner, owner)))
        for site in data.sql:
            for statement in site.statements:
                tables = tuple(sorted(set(statement.reads) | set(statement.writes)))
                if tables:
                    world.statements.append(Statement(site, context(site.atom), tables))
        world.uses = collect_uses(code, data, element_of)
        return world

    def site(self, element: str) -> tuple[str, int]:
        node = self.nodes.get(element)
        return (node.path, node.line) if node is not None else ("", 0)


def collect_uses(code: CodeModel, data: DataModel, element_of: Callable[[str], str]
                 ) -> list[Use]:
    """Every use of one element by another: code references and framework links, at
    ``path:line``. A use that is only a type hint is left out: a shared type is not a call."""
    found: list[Use] = []
    for module in code.modules:
        for reference in module.references:
            if set(reference.kinds) <= {"annotation"}:
                continue
            source, target = element_of(reference.source), element_of(reference.target)
            if source != target:
                found.append(Use(source, target, module.path, reference.line,
                                 "+".join(reference.kinds)))
    for link in data.links:
        source, target = element_of(link.source), element_of(link.target)
        if source != target:
            found.append(Use(source, target, link.path, link.line, link.kind))
    return found


def short(element: str) -> str:
    """``shop.orders.service:place_order`` -> ``orders.service:place_order``: the top-level
    package left out, for messages (``orders.services`` and ``stock.services`` stay apart)."""
    module, _, name = element.partition(":")
    tail = module.partition(".")[2] or module
    return f"{tail}:{name}" if name else tail


def possessive(context: str) -> str:
    """``orders'``, ``stock's``: for messages."""
    return f"{context}'" if context.endswith("s") else f"{context}'s"
