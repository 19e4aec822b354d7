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
class Method:
    name: str
    line: int
    end_line: int
    decorators: tuple[str, ...]
    is_async: bool


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
    """Atom ``source`` uses definition ``target`` ``count`` times, first at ``line``."""

    source: str
    target: str
    count: int
    line: int
    kinds: tuple[str, ...]


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
             [[m.name, m.line, m.end_line, list(m.decorators), m.is_async] for m in d.methods],
             d.is_async]
            for d in facts.definitions
        ],
        [[v.name, v.line] for v in facts.variables],
        None if facts.exports is None else list(facts.exports),
        [
            [a.atom, [[list(u.chain), list(u.kinds), u.count, u.line] for u in a.uses]]
            for a in facts.uses
        ],
        None if facts.problem is None else list(facts.problem),
    ]


def facts_from_data(data: Any) -> FileFacts:
    """Rebuild ``FileFacts``; raises ``ValueError``/``TypeError``/``KeyError`` on bad data."""
    status, lines, imports, defs, variables, exports, uses, problem = data
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
                tuple(Method(str(mn), int(ml), int(me), tuple(md), bool(ma))
                      for mn, ml, me, md, ma in methods),
                bool(is_async),
            )
            for name, kind, line, end, decs, bases, methods, is_async in defs
        ),
        variables=tuple(Variable(str(n), int(ln)) for n, ln in variables),
        exports=None if exports is None else tuple(str(x) for x in exports),
        uses=tuple(
            AtomUses(str(atom), tuple(NameUse(tuple(c), tuple(k), int(n), int(ln))
                                      for c, k, n, ln in atom_uses))
            for atom, atom_uses in uses
        ),
        problem=None if problem is None else (int(problem[0]), str(problem[1])),
    )
