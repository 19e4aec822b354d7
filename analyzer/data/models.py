"""The classes of a project as the data stage reads them, whatever their framework: which rule
pack's model each class is (``ModelIndex``), and what the catalogue learns of a model
(``ModelInfo``, its ``Relation`` fields). What one framework says of its models lives in its
own module (``analyzer.data.django``, ``analyzer.data.sqlalchemy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from analyzer.codebase import Base, Codebase
from analyzer.model import (
    Call,
    Const,
    Declaration,
    Diagnostic,
    Expr,
    ForeignKey,
    Link,
    Name,
    Str,
)
from analyzer.packs import Pack

MAX_DEPTH = 30
_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


@dataclass(slots=True)
class Relation:
    """A relation field of a model: where it points and the table that holds it."""

    kind: str  # foreign-key | one-to-one | many-to-many | relationship
    target: str | None  # model atom, when known
    through: str | None  # the table of a many-to-many (auto-created or ``through``)
    line: int
    auto: bool = False  # the many-to-many table is created by the field, not a model
    owner: str = ""  # the class whose body declares the field (an abstract parent), if not


@dataclass(slots=True)
class ModelInfo:
    atom: str
    pack: Pack
    path: str
    line: int
    table: str | None  # None: abstract, a mixin or unknown
    write_tables: tuple[str, ...] = ()  # saving an instance writes these (MTI: parents too)
    relations: dict[str, Relation] = field(default_factory=dict)
    reverse: dict[str, Relation] = field(default_factory=dict)  # related managers
    managers: set[str] = field(default_factory=set)
    default_name: bool = False  # the table's name is the framework's: app label and model


@dataclass(slots=True)
class Declared:
    """What a framework's module adds to the catalogue beside its models' tables."""

    table_vars: dict[str, str] = field(default_factory=dict)  # "pkg.mod:var" of a Table(...)
    #                                                            -> table name
    by_label: dict[tuple[str, str], str] = field(default_factory=dict)  # (app label, model
    #                                                  name), lower-case -> atom
    user_model: str | None = None  # atom of the swappable user model
    table_packs: dict[str, Pack] = field(default_factory=dict)  # Table(...) var -> its pack
    declarations: list[tuple[str, Declaration]] = field(default_factory=list)  # (table, ...)
    foreign_keys: list[tuple[str, ForeignKey]] = field(default_factory=list)  # (table, key)


def string_of(summary: Expr | None) -> str | None:
    return summary.text if isinstance(summary, Str) else None


def truthy(summary: Expr | None) -> bool:
    return summary in (Name("True"), Const(1))


def called(summary: Expr | None) -> str | None:
    """The dotted name a call calls: ``models.ForeignKey`` of ``models.ForeignKey(...)``."""
    match summary:
        case Call(Name(name)):
            return name
    return None


def snake_case(name: str) -> str:
    """Flask-SQLAlchemy's automatic table name for a model class."""
    return _CAMEL.sub(r"_\1", name).lower().lstrip("_")


class ModelIndex:
    """The project's class index (``Codebase.classes``) as the data stage reads it: which
    rule pack's model each class is, with the module variables a model loader binds to a
    class (``Benefit = get_model("offer", "Benefit")``) taken as those classes."""

    def __init__(self, codebase: Codebase, packs: Sequence[Pack]) -> None:
        self.index = codebase.classes
        self.packs = packs
        self.paths = codebase.paths
        self.definitions = codebase.classes.classes
        self.bodies = codebase.classes.bodies
        self.values = codebase.values  # module-level "mod:name" -> summary
        self.returns = codebase.returns  # "mod:f" or "mod:Class.m" -> annotated class
        self.aliases: dict[str, str] = {}  # module variable -> the class a loader gives it
        self._framework: dict[str, tuple[Pack, bool] | None] = {}
        self.diagnostics: list[Diagnostic] = []
        self.links: list[Link] = []

    # ------------------------------------------------------------------ classes

    def learn(self, aliases: dict[str, str]) -> None:
        """Take the classes module variables stand for; forget what depended on them."""
        self.aliases = aliases
        self._framework.clear()
        self.diagnostics.clear()
        self.links.clear()

    def path_of(self, atom: str) -> str:
        return self.paths.get(atom.split(":", 1)[0], "")

    def qualify(self, module: str, dotted: str) -> Base:
        return self.index.qualify(module, dotted)

    def bases(self, atom: str) -> list[Base]:
        return self.index.bases(atom)

    def parent_classes(self, atom: str) -> Iterator[str]:
        return self.index.parent_classes(atom, self.aliases)

    def ancestors(self, atom: str) -> list[str]:
        """Internal ancestors, nearest first (a depth-first approximation of the MRO)."""
        return self.index.ancestors(atom, self.aliases)

    def external_bases(self, atom: str) -> set[str]:
        return self.index.external_bases(atom, self.aliases)

    def is_subclass(self, atom: str, qualified: str) -> bool:
        """Whether ``atom`` derives from ``qualified`` (a dotted external name or an atom)."""
        return self.index.is_subclass(atom, qualified, self.aliases)

    def framework(self, atom: str) -> tuple[Pack, bool] | None:
        """The pack whose models ``atom`` is one of, and whether its table is named after it
        (a base made by one of the pack's ``named-factories``)."""
        if atom in self._framework:
            return self._framework[atom]
        self._framework[atom] = None
        found: tuple[Pack, bool] | None = None
        for name, internal, rest in self.bases(atom):
            if not internal:
                pack = next((p for p in self.packs if name in p.model_bases), None)
                found = (pack, False) if pack is not None else None
            elif not rest and name in self.definitions:
                found = self.framework(name)
            elif not rest and name in self.aliases:
                found = self.framework(self.aliases[name])
            elif name in self.values:
                found = self._factory(name)
            if found is not None:
                break
        if found is None and atom in self.bodies:
            found = self._by_body(atom)
        self._framework[atom] = found
        return found

    def _by_body(self, atom: str) -> tuple[Pack, bool] | None:
        """A class whose base comes from a library no pack knows (``MP_Node``), recognised by
        its body: a name that makes a table (``__tablename__``: a pack's ``table-attributes``),
        or fields made by the model module of a framework whose
        model base a pack names (``models.CharField`` for ``django.db.models.Model``)."""
        body = self.bodies[atom]
        names = {n for n, _, _ in body.attrs}
        module = atom.split(":", 1)[0]
        for pack in self.packs:
            if names & pack.table_attributes:
                return pack, False
            homes = {base.rsplit(".", 1)[0] + "." for base in pack.model_bases}
            for _, summary, _ in body.attrs:
                if (function := called(summary)) is not None:
                    callee, internal, _ = self.qualify(module, function)
                    if not internal and any(callee.startswith(h) for h in homes):
                        return pack, False
        return None

    def _factory(self, variable: str) -> tuple[Pack, bool] | None:
        """``Base = declarative_base()`` or ``db = SQLAlchemy()``: a base made by a call."""
        function = called(self.values[variable][0])
        if function is None:
            return None
        callee, _, _ = self.qualify(variable.split(":", 1)[0], function)
        for pack in self.packs:
            if callee in pack.base_factories:
                return pack, callee in pack.named_factories
        return None

    def attrs(self, atom: str) -> dict[str, tuple[Expr, int]]:
        return self.index.attrs(atom)
