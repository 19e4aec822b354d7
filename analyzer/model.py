"""Frozen facts that flow through the pipeline.

Two families live here:

* per-file facts (``FileFacts`` and its parts), produced by a worker process from one file's
  bytes alone. They say nothing about other files, so they are cached by content hash and shipped
  between processes as plain picklable values;
* the resolved code model (``CodeModel``), made once all files are known: imports point at
  modules, references point at definitions.

Identifiers of definitions ("atoms") are ``"package.module:Name"``; a method is
``"package.module:Class.method"``. Module-level code is the atom ``"package.module"``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

# Stands for the part of a string only known at run time (an f-string hole, a % field).
DYNAMIC = "__seamline_dyn__"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ParseStatus(str, enum.Enum):
    """What became of one source file."""

    OK = "ok"
    SYNTAX_ERROR = "syntax-error"
    DECODE_ERROR = "decode-error"
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deeply-nested"
    GENERATED = "generated"
    CRASHED = "parser-crashed"


class ImportKind(str, enum.Enum):
    INTERNAL = "internal"
    STDLIB = "stdlib"
    THIRD_PARTY = "third-party"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """Something seamline could not read or had to guess, located as ``path:line``."""

    path: str
    line: int
    code: str
    message: str
    severity: Severity = Severity.WARNING

    def render(self) -> str:
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file discovered under the analysed root, named as Python would import it."""

    path: str  # relative to the analysed root, POSIX separators
    module: str  # dotted module name
    is_package: bool  # an __init__.py


# --------------------------------------------------------------------------- per-file facts


@dataclass(frozen=True, slots=True)
class RawImport:
    """One imported name as written, before it is resolved against the other files.

    ``import a.b as c`` is ``module="a.b", name=None, alias="c"``;
    ``from ..x import y`` is ``level=2, module="x", name="y"``; a star import has ``name="*"``.
    """

    line: int
    level: int
    module: str
    name: str | None
    alias: str | None
    conditional: bool
    type_checking: bool
    in_function: bool


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter as written: ``kind`` is positional-only, positional, var-positional,
    keyword-only or var-keyword; ``annotation`` and ``default`` are source text (shortened),
    None when absent."""

    name: str
    kind: str
    annotation: str | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    line: int
    end_line: int
    decorators: tuple[str, ...]
    is_async: bool
    params: tuple[Param, ...] = ()  # ``self`` and ``cls`` included, as written
    returns: str | None = None  # the return annotation's source text


@dataclass(frozen=True, slots=True)
class Definition:
    """A top-level class or function: an atom of the decomposition."""

    name: str
    kind: str  # "class" | "function"
    line: int
    end_line: int
    decorators: tuple[str, ...]
    bases: tuple[str, ...]
    methods: tuple[Method, ...]
    is_async: bool
    params: tuple[Param, ...] = ()  # a function's parameters
    returns: str | None = None  # a function's return annotation


@dataclass(frozen=True, slots=True)
class Variable:
    """A module-level name bound by assignment (a constant, a registry, a blueprint...)."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class NameUse:
    """A dotted name chain used inside one atom, e.g. ``("money", "to_cents")``."""

    chain: tuple[str, ...]
    kinds: tuple[str, ...]  # sorted: annotation, attribute, base, call, decorator, default, name
    count: int
    line: int


@dataclass(frozen=True, slots=True)
class AtomUses:
    atom: str  # a top-level definition's name, or "" for module-level code
    uses: tuple[NameUse, ...]


@dataclass(frozen=True, slots=True)
class ClassFacts:
    """The simple assignments in a top-level class body and in its inner ``class Meta``:
    model fields, ``__tablename__``, ``objects = Manager()``, ``label = "shop"``. Values are
    expression summaries (see ``analyzer.extract.exprs``)."""

    name: str
    attrs: tuple[tuple[str, Any, int], ...]  # (name, summary, line)
    meta: tuple[tuple[str, Any, int], ...] | None  # None: no inner Meta class
    meta_bases: tuple[str, ...] = ()
    # annotated names in the class body (dataclass, TypedDict, NamedTuple, pydantic, attrs
    # fields): (name, annotation, default or None, line), as source text
    fields: tuple[tuple[str, str, str | None, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Flow:
    """What one atom does with data, in source order, as plain JSON-ready events:

    * ``["f", line, [[param, annotation or None], ...]]``: a function body starts;
    * ``["b", targets, summary, line, how, text]``: names bound (``how`` is ``=``, ``for`` or
      ``+=``; targets is a name or a nested list of names; text a snippet of the value);
    * ``["x", summary, line, text]``: an expression evaluated (an outermost call), with a short
      snippet of its code;
    * ``["w", name, line, text]``: an attribute of local ``name`` assigned;
    * ``["q", text, line]``: a SQL-looking string that no recorded call holds.

    Only events that mention a word of the data vocabulary (or SQL) are kept.
    """

    atom: str
    events: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Words:
    """The language of one atom: identifiers it uses (names bound by imports left out) with
    their counts, and its docstring. Feeds the vocabulary signal."""

    atom: str  # a top-level definition's name, or "" for module-level code
    identifiers: tuple[tuple[str, int], ...]  # sorted by name
    doc: str
    dotted: tuple[str, ...] = ()  # strings that look like dotted paths ("shop.apps.Config")


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one file says on its own. Cached by content hash."""

    status: ParseStatus
    lines: int
    imports: tuple[RawImport, ...] = ()
    definitions: tuple[Definition, ...] = ()
    variables: tuple[Variable, ...] = ()
    exports: tuple[str, ...] | None = None  # a literal __all__, when there is one
    uses: tuple[AtomUses, ...] = ()
    problem: tuple[int, str] | None = None  # (line, message) when status is not OK
    classes: tuple[ClassFacts, ...] = ()
    flows: tuple[Flow, ...] = ()
    returns: tuple[tuple[str, str], ...] = ()  # ("f" or "Class.m", the class its annotation names)
    words: tuple[Words, ...] = ()
    suppressions: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (line, rule codes or names)


# --------------------------------------------------------------------------- resolved model


@dataclass(frozen=True, slots=True)
class Import:
    """An import resolved to its target module (and symbol, when it names one)."""

    module: str
    symbol: str | None
    alias: str | None
    line: int
    kind: ImportKind
    level: int
    star: bool
    conditional: bool
    type_checking: bool
    in_function: bool


@dataclass(frozen=True, slots=True)
class Reference:
    """Atom ``source`` uses definition ``target`` ``count`` times, first at ``line``;
    ``members`` are the attributes it names on it (``OrderService.place`` -> ``place``)."""

    source: str
    target: str
    count: int
    line: int
    kinds: tuple[str, ...]
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: str
    is_package: bool
    lines: int
    status: ParseStatus
    imports: tuple[Import, ...]
    definitions: tuple[Definition, ...]
    variables: tuple[Variable, ...]
    references: tuple[Reference, ...]


@dataclass(frozen=True, slots=True)
class CodeModel:
    modules: tuple[Module, ...]
    diagnostics: tuple[Diagnostic, ...]


# --------------------------------------------------------------------------- data access


class AccessMode(str, enum.Enum):
    READ = "read"
    WRITE = "write"
    DDL = "ddl"


class Confidence(str, enum.Enum):
    """How sure seamline is that an access happens: ``high`` when the call is a known database
    call on a known model or table, ``medium`` when the SQL reaches it through a variable or
    constant, ``low`` for SQL-looking text that reaches no known database call."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """What one SQL statement touches. Table names are normalised: unquoted identifiers lower-
    cased, quotes removed, default schemas (``public``, ``dbo``, ``main``) dropped, any other
    schema kept as ``schema.table``. CTE names and aliases are never tables."""

    kind: str  # select | insert | update | delete | merge | replace | truncate | create | ...
    reads: tuple[str, ...]  # sorted
    writes: tuple[str, ...]  # sorted
    ddl: tuple[str, ...]  # sorted: CREATE / ALTER / DROP targets
    problems: tuple[str, ...] = ()  # what could not be read, for diagnostics
    # read tables that are only ever joined (after a JOIN or a FROM list's comma): lookups
    # beside the table a query is about, never its first FROM table
    lookups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class TableAccess:
    """Atom ``atom`` reads or writes ``table`` at ``path:line``."""

    table: str
    mode: AccessMode
    via: str  # "sql", "django", "sqlalchemy" or the name of the rule pack that matched
    atom: str
    path: str
    line: int
    confidence: Confidence
    evidence: str  # a short snippet of the code
    # a read of a table only joined to the one the query is about (SQL JOIN, Django's
    # select_related, SQLAlchemy's join): a lookup, which couples less than a read
    lookup: bool = False


@dataclass(frozen=True, slots=True, order=True)
class Declaration:
    """Where a table is declared: a model class, a many-to-many field, a ``Table(...)``.
    ``path:line`` is where the code says it: for a field inherited from an abstract parent,
    that parent's file."""

    atom: str
    kind: str  # "model" | "many-to-many" | "table"
    via: str  # "django" | "sqlalchemy"
    path: str
    line: int
    field: str | None = None  # the many-to-many field that creates the table


@dataclass(frozen=True, slots=True, order=True)
class ForeignKey:
    """``table`` points at ``target`` through ``column`` (a field or column name)."""

    column: str
    target: str
    atom: str  # the class or table variable that declares it (``line`` is in its file)
    line: int


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    declarations: tuple[Declaration, ...]
    foreign_keys: tuple[ForeignKey, ...]
    # the name as the domain says it, when a framework made the name up from the app label
    # and the model (Django's ``catalogue_productalert`` is ``ProductAlert``): the app label
    # is package layout in disguise, so never a word of the domain
    spoken: str = ""

    @property
    def words_name(self) -> str:
        return self.spoken or self.name


@dataclass(frozen=True, slots=True, order=True)
class SqlSite:
    """A SQL string found in the code, with what sqlparse read in it. ``text`` has a
    placeholder where an f-string or template puts a dynamic part."""

    path: str
    line: int
    atom: str
    confidence: Confidence
    text: str
    statements: tuple[SqlStatement, ...]


@dataclass(frozen=True, slots=True, order=True)
class Link:
    """A dependency that only a framework makes: a string foreign key, ``get_model``,
    ``get_class``, a SQLAlchemy relationship. Feeds the coupling graph."""

    source: str
    target: str
    kind: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class DataModel:
    tables: tuple[Table, ...]
    accesses: tuple[TableAccess, ...]
    sql: tuple[SqlSite, ...]
    links: tuple[Link, ...]
    diagnostics: tuple[Diagnostic, ...]


# --------------------------------------------------------------------------- codec
# Per-file facts are cached as JSON: a cache written by someone else (a shared CI cache, a
# checked-in folder) must never be able to run code, which rules out pickle for it.


def facts_to_data(facts: FileFacts) -> list[Any]:
    return [
        facts.status.value,
        facts.lines,
        [
            [i.line, i.level, i.module, i.name, i.alias, i.conditional, i.type_checking,
             i.in_function]
            for i in facts.imports
        ],
        [
            [d.name, d.kind, d.line, d.end_line, list(d.decorators), list(d.bases),
             [[m.name, m.line, m.end_line, list(m.decorators), m.is_async, _params(m.params),
               m.returns] for m in d.methods],
             d.is_async, _params(d.params), d.returns]
            for d in facts.definitions
        ],
        [[v.name, v.line] for v in facts.variables],
        None if facts.exports is None else list(facts.exports),
        [
            [a.atom, [[list(u.chain), list(u.kinds), u.count, u.line] for u in a.uses]]
            for a in facts.uses
        ],
        None if facts.problem is None else list(facts.problem),
        [[c.name, [list(a) for a in c.attrs],
          None if c.meta is None else [list(a) for a in c.meta], list(c.meta_bases),
          [list(f) for f in c.fields]]
         for c in facts.classes],
        [[f.atom, list(f.events)] for f in facts.flows],
        [list(r) for r in facts.returns],
        [[w.atom, [list(i) for i in w.identifiers], w.doc, list(w.dotted)] for w in facts.words],
        [[line, list(names)] for line, names in facts.suppressions],
    ]


def _params(params: tuple[Param, ...]) -> list[list[Any]]:
    return [[p.name, p.kind, p.annotation, p.default] for p in params]


def _unparams(data: Any) -> tuple[Param, ...]:
    return tuple(Param(str(n), str(k), None if a is None else str(a),
                       None if d is None else str(d)) for n, k, a, d in data)


def facts_from_data(data: Any) -> FileFacts:
    """Rebuild ``FileFacts``; raises ``ValueError``/``TypeError``/``KeyError`` on bad data."""
    (status, lines, imports, defs, variables, exports, uses, problem, classes, flows,
     returns, words, suppressed) = data
    return FileFacts(
        status=ParseStatus(status),
        lines=int(lines),
        imports=tuple(
            RawImport(int(a), int(b), str(c), d, e, bool(f), bool(g), bool(h))
            for a, b, c, d, e, f, g, h in imports
        ),
        definitions=tuple(
            Definition(
                str(name), str(kind), int(line), int(end), tuple(decs), tuple(bases),
                tuple(Method(str(mn), int(ml), int(me), tuple(md), bool(ma), _unparams(mp),
                             None if mr is None else str(mr))
                      for mn, ml, me, md, ma, mp, mr in methods),
                bool(is_async), _unparams(params), None if returns is None else str(returns),
            )
            for name, kind, line, end, decs, bases, methods, is_async, params, returns in defs
        ),
        variables=tuple(Variable(str(n), int(ln)) for n, ln in variables),
        exports=None if exports is None else tuple(str(x) for x in exports),
        uses=tuple(
            AtomUses(str(atom), tuple(NameUse(tuple(c), tuple(k), int(n), int(ln))
                                      for c, k, n, ln in atom_uses))
            for atom, atom_uses in uses
        ),
        problem=None if problem is None else (int(problem[0]), str(problem[1])),
        classes=tuple(
            ClassFacts(str(name), tuple((str(n), v, int(ln)) for n, v, ln in attrs),
                       None if meta is None else tuple((str(n), v, int(ln)) for n, v, ln in meta),
                       tuple(str(b) for b in bases),
                       tuple((str(n), str(a), None if d is None else str(d), int(ln))
                             for n, a, d, ln in fields))
            for name, attrs, meta, bases, fields in classes
        ),
        flows=tuple(Flow(str(atom), tuple(events)) for atom, events in flows),
        returns=tuple((str(name), str(annotation)) for name, annotation in returns),
        words=tuple(Words(str(atom), tuple((str(w), int(n)) for w, n in identifiers), str(doc),
                          tuple(str(d) for d in dotted))
                    for atom, identifiers, doc, dotted in words),
        suppressions=tuple((int(line), tuple(str(n) for n in names))
                           for line, names in suppressed),
    )
