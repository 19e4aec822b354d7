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
from typing import TypeAlias

from analyzer.quickinit import quick_init

# Stands for the part of a string only known at run time (an f-string hole, a % field).
DYNAMIC = "__seamline_dyn__"
# Ends a SQL string the extractor had to cut (``analyzer.extract.longsql``), so that the SQL
# reader can say which tables may be missing.
CUT_NOTE = "/* seamline: the text is cut here; {count:,} more characters not read */"


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


# --------------------------------------------------------------------------- expressions
# Small summaries of expressions: the shape that says which table code touches, the rest
# dropped (``analyzer.extract.exprs`` makes them). Frozen and slotted; read with ``match``.


@quick_init
@dataclass(frozen=True, slots=True)
class Name:
    """A dotted name chain: ``a.b.c``."""

    name: str


@quick_init
@dataclass(frozen=True, slots=True)
class Str:
    """A string; its dynamic parts (f-string holes, % and .format fields, non-literal operands
    of +) are ``DYNAMIC``."""

    text: str


@dataclass(frozen=True, slots=True)
class Const:
    """An integer literal."""

    value: int


@quick_init
@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]
    keywords: tuple[tuple[str, Expr], ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Attr:
    """An attribute of something that is not a name chain: ``f().attr``."""

    value: Expr
    attr: str


@dataclass(frozen=True, slots=True)
class Index:
    """A subscript; ``index`` is the integer written, None for any other index."""

    value: Expr
    index: int | None


@quick_init
@dataclass(frozen=True, slots=True)
class Items:
    """A list, tuple or set display."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Comp:
    """A comprehension: its element and what it iterates over."""

    item: Expr
    iterables: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Unknown:
    """Anything else."""


Expr: TypeAlias = Name | Str | Const | Call | Attr | Index | Items | Comp | Unknown
UNKNOWN = Unknown()

# --------------------------------------------------------------------------- flow events
# What one atom does with data, in source order (``Flow.events``).

# A bound name, or a nested tuple of them for unpacking (None: a target that is not a name).
Target: TypeAlias = "str | tuple[Target, ...] | None"


@quick_init
@dataclass(frozen=True, slots=True)
class Start:
    """A function body starts: its parameters, each with the class its annotation names."""

    line: int
    params: tuple[tuple[str, str | None], ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Bind:
    """Names bound: ``how`` is ``=``, ``for`` or ``+=``; ``text`` a snippet of the value."""

    targets: str | tuple[Target, ...]
    value: Expr
    line: int
    how: str
    text: str


@quick_init
@dataclass(frozen=True, slots=True)
class Evaluate:
    """An expression evaluated (an outermost call), with a short snippet of its code."""

    value: Expr
    line: int
    text: str


@quick_init
@dataclass(frozen=True, slots=True)
class Write:
    """An attribute of local ``name`` assigned."""

    name: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class LooseSql:
    """A SQL-looking string that no recorded call holds."""

    text: str
    line: int


Event: TypeAlias = Start | Bind | Evaluate | Write | LooseSql


# --------------------------------------------------------------------------- per-file facts


@quick_init
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


@quick_init
@dataclass(frozen=True, slots=True)
class Param:
    """One parameter as written: ``kind`` is positional-only, positional, var-positional,
    keyword-only or var-keyword; ``annotation`` and ``default`` are source text (shortened),
    None when absent."""

    name: str
    kind: str
    annotation: str | None = None
    default: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class Method:
    name: str
    line: int
    end_line: int
    decorators: tuple[str, ...]
    is_async: bool
    params: tuple[Param, ...] = ()  # ``self`` and ``cls`` included, as written
    returns: str | None = None  # the return annotation's source text


@quick_init
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


@quick_init
@dataclass(frozen=True, slots=True)
class Variable:
    """A module-level name bound by assignment (a constant, a registry, a blueprint...);
    ``call``: the callee as written when the module assigns the name once, to a call's result
    (``spec = HookspecMarker("shop")`` is bound to a call of ``HookspecMarker``), else
    empty. Other bindings (a ``for`` or ``with`` target, an import) are not counted."""

    name: str
    line: int
    call: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class NameUse:
    """A dotted name chain used inside one atom, e.g. ``("money", "to_cents")``."""

    chain: tuple[str, ...]
    kinds: tuple[str, ...]  # sorted: annotation, attribute, base, call, decorator, default, name
    count: int
    line: int


@quick_init
@dataclass(frozen=True, slots=True)
class AtomUses:
    atom: str  # a top-level definition's name, or "" for module-level code
    uses: tuple[NameUse, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class ClassFacts:
    """The simple assignments in a top-level class body and in its inner ``class Meta``:
    model fields, ``__tablename__``, ``objects = Manager()``, ``label = "shop"``. Values are
    expression summaries (see ``analyzer.extract.exprs``)."""

    name: str
    attrs: tuple[tuple[str, Expr, int], ...]  # (name, summary, line)
    meta: tuple[tuple[str, Expr, int], ...] | None  # None: no inner Meta class
    meta_bases: tuple[str, ...] = ()
    # annotated names in the class body (dataclass, TypedDict, NamedTuple, pydantic, attrs
    # fields): (name, annotation, default or None, line), as source text
    fields: tuple[tuple[str, str, str | None, int], ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Flow:
    """What one atom does with data, in source order: ``Start``, ``Bind``, ``Evaluate``,
    ``Write`` and ``LooseSql`` events. Only events that mention a word of the data vocabulary
    (or SQL) are kept.
    """

    atom: str
    events: tuple[Event, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class Words:
    """The language of one atom: identifiers it uses (names bound by imports left out) with
    their counts, and its docstring. Feeds the vocabulary signal."""

    atom: str  # a top-level definition's name, or "" for module-level code
    identifiers: tuple[tuple[str, int], ...]  # sorted by name
    doc: str
    dotted: tuple[str, ...] = ()  # strings that look like dotted paths ("shop.apps.Config")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Web endpoints as one file names them (Flask: ``analyzer.extract.endpoints``)."""

    # (variable, the blueprint's name, line); an app's name is ""
    blueprints: tuple[tuple[str, str, int], ...] = ()
    # (the variable a view is registered on, the blueprint's name when this file made it and
    # None when the variable comes from elsewhere, endpoint, the view as written "a.b", line)
    views: tuple[tuple[str, str | None, str, str, int], ...] = ()
    # (atom, the function called as written "url_for", an endpoint's name "bp.endpoint", line)
    links: tuple[tuple[str, str, str, int], ...] = ()
    # (the function that routes as written: "path", "bp.add_url_rule", "bp.route"; its URL
    # rule; the view as written "a.b"; line): Django's path/re_path/url and Flask's rules
    routes: tuple[tuple[str, str, str, int], ...] = ()


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
    endpoints: Endpoints = Endpoints()
    script: bool = False  # a top-level ``if __name__ == "__main__":``: it runs as a script


# --------------------------------------------------------------------------- resolved model


@quick_init
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


@quick_init
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
    script: bool = False  # a top-level ``if __name__ == "__main__":``: it runs as a script


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
    framework: str | None = None  # the framework of the pack whose model it is (not rendered)


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
# checked-in folder) must never be able to run code, which rules out pickle for it. This is the
# one encoder and decoder of that JSON. Expressions and events are written as short tagged lists
# (``["n", name]``, ``["c", func, [args], [[keyword, value]]]``, ``["b", targets, value, line,
# how, text]``...). Decoding checks every type and shape: anything else raises ``ValueError`` or
# ``TypeError``, so the cache treats the entry as a miss.


def facts_to_data(facts: FileFacts) -> list[object]:
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
        [[v.name, v.line, v.call] for v in facts.variables],
        None if facts.exports is None else list(facts.exports),
        [
            [a.atom, [[list(u.chain), list(u.kinds), u.count, u.line] for u in a.uses]]
            for a in facts.uses
        ],
        None if facts.problem is None else list(facts.problem),
        [[c.name, _assigned(c.attrs), None if c.meta is None else _assigned(c.meta),
          list(c.meta_bases), [list(f) for f in c.fields]]
         for c in facts.classes],
        [[f.atom, [event_to_data(e) for e in f.events]] for f in facts.flows],
        [list(r) for r in facts.returns],
        [[w.atom, [list(i) for i in w.identifiers], w.doc, list(w.dotted)] for w in facts.words],
        [[line, list(names)] for line, names in facts.suppressions],
        [[list(b) for b in facts.endpoints.blueprints], [list(v) for v in facts.endpoints.views],
         [list(link) for link in facts.endpoints.links],
         [list(r) for r in facts.endpoints.routes]],
        facts.script,
    ]


def facts_from_data(data: object) -> FileFacts:
    """Rebuild ``FileFacts``; raises ``ValueError`` or ``TypeError`` on data of another shape."""
    (status, lines, imports, defs, variables, exports, uses, problem, classes, flows,
     returns, words, suppressed, endpoints, script) = _list(data, 15)
    return FileFacts(
        status=ParseStatus(status),
        lines=_int(lines),
        imports=tuple(_import(i) for i in _list(imports)),
        definitions=tuple(_definition(d) for d in _list(defs)),
        variables=tuple(Variable(_str(n), _int(ln), _str(c))
                        for n, ln, c in _items(variables, 3)),
        exports=None if exports is None else _strs(exports),
        uses=tuple(
            AtomUses(_str(atom), tuple(
                NameUse(_strs(c), _strs(k), _int(n), _int(ln))
                for c, k, n, ln in _items(atom_uses, 4)))
            for atom, atom_uses in _items(uses, 2)
        ),
        problem=None if problem is None else _problem(problem),
        classes=tuple(
            ClassFacts(_str(name), _unassigned(attrs),
                       None if meta is None else _unassigned(meta), _strs(bases),
                       tuple((_str(n), _str(a), _optional_str(d), _int(ln))
                             for n, a, d, ln in _items(fields, 4)))
            for name, attrs, meta, bases, fields in _items(classes, 5)
        ),
        flows=tuple(Flow(_str(atom), tuple(event_from_data(e) for e in _list(events)))
                    for atom, events in _items(flows, 2)),
        returns=tuple((_str(name), _str(annotation)) for name, annotation in _items(returns, 2)),
        words=tuple(Words(_str(atom), tuple((_str(w), _int(n)) for w, n in _items(ids, 2)),
                          _str(doc), _strs(dotted))
                    for atom, ids, doc, dotted in _items(words, 4)),
        suppressions=tuple((_int(line), _strs(names)) for line, names in _items(suppressed, 2)),
        endpoints=_endpoints(endpoints),
        script=_bool(script),
    )


def _endpoints(data: object) -> Endpoints:
    blueprints, views, links, routes = _list(data, 4)
    return Endpoints(
        tuple((_str(v), _str(n), _int(ln)) for v, n, ln in _items(blueprints, 3)),
        tuple((_str(v), _optional_str(b), _str(e), _str(w), _int(ln))
              for v, b, e, w, ln in _items(views, 5)),
        tuple((_str(a), _str(c), _str(e), _int(ln)) for a, c, e, ln in _items(links, 4)),
        tuple((_str(f), _str(r), _str(w), _int(ln)) for f, r, w, ln in _items(routes, 4)))


def expr_to_data(expr: Expr) -> list[object]:
    match expr:
        case Name(name):
            return ["n", name]
        case Str(text):
            return ["s", text]
        case Const(value):
            return ["k", value]
        case Call(func, args, keywords):
            return ["c", expr_to_data(func), [expr_to_data(a) for a in args],
                    [[k, expr_to_data(v)] for k, v in keywords]]
        case Attr(value, attr):
            return ["a", expr_to_data(value), attr]
        case Index(value, index):
            return ["i", expr_to_data(value), index]
        case Items(items):
            return ["l", [expr_to_data(i) for i in items]]
        case Comp(item, iterables):
            return ["g", expr_to_data(item), [expr_to_data(i) for i in iterables]]
        case Unknown():
            return ["?"]


def expr_from_data(data: object) -> Expr:
    """Rebuild an expression; raises ``ValueError`` or ``TypeError`` on data of another shape.
    (A warm run rebuilds some 180,000 of them on nova: one check of the tag, then the fields
    by position.)"""
    if type(data) is not list or not data:
        raise TypeError(f"not an expression: {data!r:.40}")
    tag, size = data[0], len(data)
    if tag == "n" and size == 2:
        return Name(_str(data[1]))
    if tag == "a" and size == 3:
        return Attr(expr_from_data(data[1]), _str(data[2]))
    if tag == "c" and size == 4:
        return Call(expr_from_data(data[1]), tuple(map(expr_from_data, _list(data[2]))),
                    tuple((_str(k), expr_from_data(v)) for k, v in _items(data[3], 2)))
    if tag == "s" and size == 2:
        return Str(_str(data[1]))
    if tag == "k" and size == 2:
        return Const(_int(data[1]))
    if tag == "i" and size == 3:
        index = data[2]
        return Index(expr_from_data(data[1]), None if index is None else _int(index))
    if tag == "l" and size == 2:
        return Items(tuple(map(expr_from_data, _list(data[1]))))
    if tag == "g" and size == 3:
        return Comp(expr_from_data(data[1]), tuple(map(expr_from_data, _list(data[2]))))
    if tag == "?" and size == 1:
        return UNKNOWN
    raise ValueError(f"not an expression: {data!r:.40}")


def event_to_data(event: Event) -> list[object]:
    match event:
        case Start(line, params):
            return ["f", line, [list(p) for p in params]]
        case Bind(targets, value, line, how, text):
            return ["b", _target_to_data(targets), expr_to_data(value), line, how, text]
        case Evaluate(value, line, text):
            return ["x", expr_to_data(value), line, text]
        case Write(name, line, text):
            return ["w", name, line, text]
        case LooseSql(text, line):
            return ["q", text, line]


def event_from_data(data: object) -> Event:
    tag, *rest = _list(data)
    if tag == "f":
        line, params = rest
        return Start(_int(line), tuple((_str(n), _optional_str(a))
                                       for n, a in _items(params, 2)))
    if tag == "b":
        targets, value, line, how, text = rest
        bound = _target_from_data(targets)
        if bound is None:
            raise ValueError("a binding without a target")
        return Bind(bound, expr_from_data(value), _int(line), _str(how), _str(text))
    if tag == "x":
        value, line, text = rest
        return Evaluate(expr_from_data(value), _int(line), _str(text))
    if tag == "w":
        name, line, text = rest
        return Write(_str(name), _int(line), _str(text))
    if tag == "q":
        text, line = rest
        return LooseSql(_str(text), _int(line))
    raise ValueError(f"not an event: {tag!r}")


def _target_to_data(target: Target) -> object:
    if isinstance(target, tuple):
        return [_target_to_data(t) for t in target]
    return target


def _target_from_data(data: object) -> Target:
    if data is None or isinstance(data, str):
        return data
    return tuple(_target_from_data(t) for t in _list(data))


def _assigned(assignments: tuple[tuple[str, Expr, int], ...]) -> list[object]:
    return [[name, expr_to_data(value), line] for name, value, line in assignments]


def _unassigned(data: object) -> tuple[tuple[str, Expr, int], ...]:
    return tuple((_str(name), expr_from_data(value), _int(line))
                 for name, value, line in _items(data, 3))


def _params(params: tuple[Param, ...]) -> list[object]:
    return [[p.name, p.kind, p.annotation, p.default] for p in params]


def _unparams(data: object) -> tuple[Param, ...]:
    return tuple(Param(_str(n), _str(k), _optional_str(a), _optional_str(d))
                 for n, k, a, d in _items(data, 4))


def _import(data: object) -> RawImport:
    line, level, module, name, alias, conditional, type_checking, in_function = _list(data, 8)
    return RawImport(_int(line), _int(level), _str(module), _optional_str(name),
                     _optional_str(alias), _bool(conditional), _bool(type_checking),
                     _bool(in_function))


def _definition(data: object) -> Definition:
    name, kind, line, end, decorators, bases, methods, is_async, params, returns = _list(data, 10)
    return Definition(
        _str(name), _str(kind), _int(line), _int(end), _strs(decorators), _strs(bases),
        tuple(Method(_str(mn), _int(ml), _int(me), _strs(md), _bool(ma), _unparams(mp),
                     _optional_str(mr))
              for mn, ml, me, md, ma, mp, mr in _items(methods, 7)),
        _bool(is_async), _unparams(params), _optional_str(returns),
    )


def _problem(data: object) -> tuple[int, str]:
    line, message = _list(data, 2)
    return _int(line), _str(message)


def _list(data: object, length: int | None = None) -> list[object]:
    if type(data) is not list:  # JSON's own types, never a subclass: the quickest test
        raise TypeError(f"expected a list, not {type(data).__name__}")
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} items, not {len(data)}")
    return data


def _items(data: object, length: int) -> list[list[object]]:
    """A list of lists of ``length`` items each."""
    return [_list(item, length) for item in _list(data)]


def _str(data: object) -> str:
    if type(data) is not str:
        raise TypeError(f"expected a string, not {type(data).__name__}")
    return data


def _optional_str(data: object) -> str | None:
    return None if data is None else _str(data)


def _strs(data: object) -> tuple[str, ...]:
    return tuple(_str(item) for item in _list(data))


def _int(data: object) -> int:
    if type(data) is not int:  # not a bool either
        raise TypeError(f"expected an integer, not {type(data).__name__}")
    return data


def _bool(data: object) -> bool:
    if not isinstance(data, bool):
        raise TypeError(f"expected a boolean, not {type(data).__name__}")
    return data
