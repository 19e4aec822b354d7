"""The tables a codebase declares: Django and SQLAlchemy models and ``Table(...)`` objects.

Django's names follow Django's own rules (``django.db.models.options.Options``):
``<app_label>_<model name lower-cased>`` unless ``Meta.db_table`` says otherwise; the app label
comes from ``Meta.app_label``, else from the ``AppConfig`` whose ``name`` is the longest prefix of
the model's module (its ``label``, or the last part of its name), else from the package that
holds ``models``. Abstract models have no table; a child of an abstract model without a ``Meta``
of its own inherits the parent's; proxies use their concrete parent's table; multi-table
inheritance gives the child a table of its own and writes go to both. Many-to-many fields without
``through`` create ``<model table>_<field name>``.

SQLAlchemy: ``__tablename__``, ``__table__``, single-table inheritance (a mapped child without a
table of its own), joined inheritance, Flask-SQLAlchemy's automatic snake_case names, and
``Table("name", metadata, ...)`` objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.codebase import Base, Codebase
from analyzer.model import (
    Call,
    Const,
    Declaration,
    Diagnostic,
    Expr,
    ForeignKey,
    Items,
    Link,
    Name,
    Severity,
    Str,
    Table,
)
from analyzer.packs import Pack

_MAX_DEPTH = 30
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
    #                  the model itself: ``line`` is in that class's file


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
class Catalogue:
    """What the data stage knows about models and tables."""

    index: ModelIndex
    models: dict[str, ModelInfo]  # by atom, abstract ones included
    table_vars: dict[str, str]  # "pkg.mod:var" of a Table(...) -> table name
    by_label: dict[tuple[str, str], str]  # (app label, model name), lower-case -> atom
    user_model: str | None  # atom of the swappable user model, when the settings name one
    tables: dict[str, Table]
    links: list[Link]
    diagnostics: list[Diagnostic]


def _string(summary: Expr | None) -> str | None:
    return summary.text if isinstance(summary, Str) else None


def _truthy(summary: Expr | None) -> bool:
    return summary in (Name("True"), Const(1))


def _called(summary: Expr | None) -> str | None:
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
        """The pack whose models ``atom`` is one of, and whether it is Flask-SQLAlchemy's."""
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
        its body: ``__tablename__``, or fields made by the model module of a framework whose
        model base a pack names (``models.CharField`` for ``django.db.models.Model``)."""
        body = self.bodies[atom]
        names = {n for n, _, _ in body.attrs}
        module = atom.split(":", 1)[0]
        for pack in self.packs:
            if pack.framework == "sqlalchemy" and names & {"__tablename__", "__table__"}:
                return pack, False
            homes = {base.rsplit(".", 1)[0] + "." for base in pack.model_bases}
            for _, summary, _ in body.attrs:
                if (function := _called(summary)) is not None:
                    called, internal, _ = self.qualify(module, function)
                    if not internal and any(called.startswith(h) for h in homes):
                        return pack, False
        return None

    def _factory(self, variable: str) -> tuple[Pack, bool] | None:
        """``Base = declarative_base()`` or ``db = SQLAlchemy()``: a base made by a call."""
        function = _called(self.values[variable][0])
        if function is None:
            return None
        called, _, _ = self.qualify(variable.split(":", 1)[0], function)
        for pack in self.packs:
            if called in pack.base_factories:
                return pack, called.endswith("SQLAlchemy")
        return None

    def attrs(self, atom: str) -> dict[str, tuple[Expr, int]]:
        return self.index.attrs(atom)


def _meta(builder: ModelIndex, atom: str, depth: int = 0) -> dict[str, Expr]:
    """A Django model's effective Meta options (``abstract`` is never inherited)."""
    body = builder.bodies.get(atom)
    if depth > _MAX_DEPTH:
        return {}
    if body is not None and body.meta is not None:
        options: dict[str, Expr] = {}
        module = atom.split(":", 1)[0]
        for base in body.meta_bases:  # class Meta(AbstractThing.Meta)
            name, internal, rest = builder.qualify(module, base)
            if internal and rest == ("Meta",):
                options.update({k: v for k, v in _meta(builder, name, depth + 1).items()
                                if k != "abstract"})
        options.update({n: v for n, v, _ in body.meta})
        return options
    for parent in builder.parent_classes(atom):
        if _is_abstract(builder, parent):
            inherited = _meta(builder, parent, depth + 1)
            inherited.pop("abstract", None)
            return inherited
    return {}


def _is_abstract(builder: ModelIndex, atom: str) -> bool:
    body = builder.bodies.get(atom)
    return body is not None and body.meta is not None and any(
        n == "abstract" and _truthy(v) for n, v, _ in body.meta)


def _app_configs(builder: ModelIndex) -> dict[str, tuple[str, str]]:
    """Package name -> (the ``AppConfig`` subclass, its app label), from every app config
    that names its package (the first in name order where two name one package)."""
    configs: dict[str, tuple[str, str]] = {}
    for atom in sorted(builder.definitions):
        if not builder.is_subclass(atom, "django.apps.AppConfig"):
            continue
        attrs = builder.attrs(atom)
        name = _string(attrs.get("name", (None, 0))[0])
        if name is None:
            continue
        label = _string(attrs.get("label", (None, 0))[0]) or name.rsplit(".", 1)[-1]
        configs.setdefault(name, (atom, label))
    return configs


def _app_of(module: str, names: Iterable[str]) -> str:
    """The app a module belongs to, as Django's registry has it: the longest package name
    that is the module or holds it; ``""`` for none."""
    best = ""
    for name in names:
        if (module == name or module.startswith(name + ".")) and len(name) > len(best):
            best = name
    return best


def _app_label(module: str, labels: Mapping[str, str]) -> str:
    best = _app_of(module, labels)
    if best:
        return labels[best]
    parts = module.split(".")
    if "models" in parts[1:]:
        return parts[parts.index("models", 1) - 1]
    return parts[-2] if len(parts) > 1 else parts[0]


def _user_model_label(builder: ModelIndex) -> str:
    for atom, (summary, _) in sorted(builder.values.items()):
        if atom.endswith(":AUTH_USER_MODEL"):
            text = _string(summary)
            if text:
                return text
    return "auth.User"


class _Django:
    def __init__(self, builder: ModelIndex, models: dict[str, ModelInfo]) -> None:
        self.builder = builder
        self.models = models
        self.configs = _app_configs(builder)
        self.labels = {name: label for name, (_, label) in self.configs.items()}
        self.app_label: dict[str, str] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        self.proxy: dict[str, bool] = {}

    def registrations(self, atoms: list[str]) -> None:
        """An app config registers the models of its app: Django imports ``<name>.models``
        by the config's ``name``, a string, so the config and its models are linked as a
        framework reference (``app-config``) like a string foreign key."""
        for atom in atoms:
            app = _app_of(atom.split(":", 1)[0], self.configs)
            if not app:
                continue
            config = self.configs[app][0]
            module = config.split(":", 1)[0]
            self.builder.links.append(Link(config, atom, "app-config",
                                           self.builder.paths.get(module, ""),
                                           self.builder.definitions[config].line))

    def name_tables(self, atoms: list[str]) -> None:
        builder = self.builder
        concrete: list[str] = []
        for atom in atoms:
            meta = _meta(builder, atom)
            module = atom.split(":", 1)[0]
            label = _string(meta.get("app_label")) or _app_label(module, self.labels)
            self.app_label[atom] = label
            if _is_abstract(builder, atom):
                continue
            name = atom.split(":", 1)[1]
            self.by_label[(label.lower(), name.lower())] = atom
            concrete.append(atom)
            info = self.models[atom]
            if _truthy(meta.get("proxy")):
                self.proxy[atom] = True
                continue
            explicit = _string(meta.get("db_table"))
            info.table = explicit or f"{label}_{name.lower()}".lower()
            info.default_name = not explicit
        for atom in concrete:  # proxies, once every concrete table is known
            info = self.models[atom]
            if info.table is None:
                parent = next((a for a in builder.ancestors(atom)
                               if a in self.models and self.models[a].table
                               and not _is_abstract(builder, a)), None)
                info.table = self.models[parent].table if parent else None
        for atom in concrete:
            info = self.models[atom]
            parents = [self.models[a].table for a in builder.ancestors(atom)
                       if a in self.models and not _is_abstract(builder, a)
                       and self.models[a].table]
            own = [info.table] if info.table else []
            info.write_tables = tuple(dict.fromkeys([*(t for t in parents if t), *own]))

    def _abstract_parents(self, atom: str) -> list[str]:
        """Abstract ancestors whose fields ``atom`` copies: those not behind a concrete one."""
        found: list[str] = []
        stack = list(self.builder.parent_classes(atom))
        while stack and len(found) < _MAX_DEPTH:
            parent = stack.pop(0)
            if parent in self.models and _is_abstract(self.builder, parent) \
                    and parent not in found:
                found.append(parent)
                stack.extend(self.builder.parent_classes(parent))
        return found

    def resolve_target(self, atom: str, summary: Expr) -> str | None:
        """The model a relation field points at: a class, "app.Model", "Model" or "self"."""
        module = atom.split(":", 1)[0]
        text = _string(summary)
        if text is not None:
            if text == "self":
                return atom
            label, _, name = text.rpartition(".")
            label = label or self.app_label.get(atom, "")
            return self.by_label.get((label.lower(), name.lower()))
        if isinstance(summary, Name):
            if summary.name.endswith("AUTH_USER_MODEL"):
                label, _, name = _user_model_label(self.builder).rpartition(".")
                return self.by_label.get((label.lower(), name.lower()))
            name, internal, rest = self.builder.qualify(module, summary.name)
            if internal and not rest and name in self.models:
                return name
        return None

    def relations(self, atoms: list[str]) -> None:
        builder = self.builder
        for atom in atoms:
            info = self.models[atom]
            if info.table is not None and not _is_abstract(builder, atom):
                external = builder.external_bases(atom)
                for base, names in info.pack.inherited_many_to_many.items():
                    if base in external:
                        for name in names:
                            info.relations.setdefault(name, Relation(
                                "many-to-many", None, f"{info.table}_{name}", info.line,
                                auto=True))
            if self.proxy.get(atom):
                continue  # a proxy has its concrete parent's fields and tables
            owners = [atom, *self._abstract_parents(atom)]
            for owner in reversed(owners):  # fields of abstract parents first
                for name, (summary, line) in builder.attrs(owner).items():
                    self._field(atom, info, name, summary, line, owner)

    def _field(self, atom: str, info: ModelInfo, name: str, summary: Expr, line: int,
               owner: str) -> None:
        function = _called(summary)
        if function is None or not isinstance(summary, Call):
            return
        callee = function.rsplit(".", 1)[-1]
        if callee.endswith("Manager") or function.endswith("as_manager"):
            info.managers.add(name)
            return
        kind = info.pack.relation_fields.get(callee)
        if kind is None:
            return
        args, keywords = summary.args, dict(summary.keywords)
        target_summary = keywords.get("to", args[0] if args else None)
        target = self.resolve_target(atom, target_summary) if target_summary else None
        through: str | None = None
        auto = False
        if kind == "many-to-many":
            through_summary = keywords.get("through")
            if through_summary is not None:
                through_model = self.resolve_target(atom, through_summary)
                through = self.models[through_model].table if through_model else None
            elif info.table is not None and not _is_abstract(self.builder, atom):
                through = _string(keywords.get("db_table")) or f"{info.table}_{name}"
                auto = True
        info.relations[name] = Relation(kind, target, through, line, auto,
                                        "" if owner == atom else owner)
        if target is None and target_summary is not None and not _is_abstract(
                self.builder, atom):
            self.builder.diagnostics.append(Diagnostic(
                self.builder.path_of(owner), line, "unresolved-model",
                f"{atom.split(':')[1]}.{name} points at a model seamline cannot find "
                f"({_describe(target_summary)})", Severity.INFO))
        if target is not None:
            related = _string(keywords.get("related_name"))
            default = atom.split(":")[1].lower() + ("" if kind == "one-to-one" else "_set")
            reverse = related or default
            if target in self.models and not reverse.endswith("+"):
                self.models[target].reverse.setdefault(reverse, Relation(
                    "reverse-" + kind, atom, through, line))


def _describe(summary: Expr) -> str:
    match summary:
        case Str(text) | Name(text):
            return text
    return "an expression"


def _sqlalchemy_tables(builder: ModelIndex, models: dict[str, ModelInfo],
                       flask: dict[str, bool]) -> dict[str, str]:
    table_vars: dict[str, str] = {}
    table_functions = {name for p in builder.packs for name in p.table_functions}
    for atom, (summary, _) in builder.values.items():
        function = _called(summary)
        if function is not None and isinstance(summary, Call) and summary.args:
            called, _, _ = builder.qualify(atom.split(":", 1)[0], function)
            name = _string(summary.args[0])
            if called in table_functions and name:
                table_vars[atom] = name
    for atom in sorted(models):
        info = models[atom]
        if info.pack.framework != "sqlalchemy":
            continue
        attrs = builder.attrs(atom)
        own = _string(attrs.get("__tablename__", (None, 0))[0])
        table_attr = attrs.get("__table__")
        if own is None and table_attr is not None:
            value = table_attr[0]
            if isinstance(value, Call) and value.args:
                own = _string(value.args[0])
            elif isinstance(value, Name):
                name, internal, _ = builder.qualify(atom.split(":", 1)[0], value.name)
                own = table_vars.get(name) if internal else None
        abstract = _truthy(attrs.get("__abstract__", (None, 0))[0])
        info.table = None if abstract else own
    for atom in sorted(models):  # inheritance, once every own table is known
        info = models[atom]
        if info.pack.framework != "sqlalchemy" or info.table is not None:
            continue
        attrs = builder.attrs(atom)
        if _truthy(attrs.get("__abstract__", (None, 0))[0]):
            continue
        parent = next((a for a in builder.ancestors(atom) if a in models and models[a].table),
                      None)
        if parent is not None:
            info.table = models[parent].table  # single-table inheritance
        elif flask.get(atom) and any(_is_column(v) for v, _ in attrs.values()):
            info.table = snake_case(atom.split(":", 1)[1])
    for atom, info in models.items():
        if info.pack.framework != "sqlalchemy":
            continue
        if info.table:
            parents = [models[a].table for a in builder.ancestors(atom)
                       if a in models and models[a].table]
            info.write_tables = tuple(dict.fromkeys([*(t for t in parents if t), info.table]))
        _sqlalchemy_relations(builder, models, table_vars, atom)
    return table_vars


def _sqlalchemy_relations(builder: ModelIndex, models: dict[str, ModelInfo],
                          table_vars: dict[str, str], atom: str) -> None:
    info = models[atom]
    module = atom.split(":", 1)[0]
    for name, (summary, line) in builder.attrs(atom).items():
        function = _called(summary)
        if function is None or not isinstance(summary, Call) or not summary.args:
            continue
        if info.pack.relation_fields.get(function.rsplit(".", 1)[-1]) != "relationship":
            continue
        target_summary = summary.args[0]
        target_name = _string(target_summary) or (
            target_summary.name if isinstance(target_summary, Name) else None)
        target: str | None = None
        if target_name:
            qualified, internal, rest = builder.qualify(module, target_name)
            if internal and not rest and qualified in models:
                target = qualified
            else:  # a string names a mapped class anywhere in the registry
                short = target_name.rsplit(".", 1)[-1]
                target = next((a for a in sorted(models) if a.endswith(":" + short)
                               and models[a].pack.framework == "sqlalchemy"), None)
        secondary = dict(summary.keywords).get("secondary")
        through: str | None = None
        if secondary is not None:
            through = _string(secondary)
            if through is None and isinstance(secondary, Name):
                qualified, internal, _ = builder.qualify(module, secondary.name)
                through = table_vars.get(qualified) if internal else None
        info.relations[name] = Relation("relationship", target, through, line)


def _is_column(summary: Expr) -> bool:
    function = _called(summary)
    return function is not None and function.rsplit(".", 1)[-1] in {"Column", "mapped_column"}


def _foreign_keys(summary: Expr) -> Iterator[str]:
    """Targets of ``ForeignKey("table.column")`` inside a column or table summary."""
    match summary:
        case Call(func, args, keywords):
            if isinstance(func, Name) and func.name.rsplit(".", 1)[-1] == "ForeignKey":
                target = _string(args[0]) if args else None
                if target:
                    yield target.rsplit(".", 1)[0] if "." in target else target
            for item in [*args, *(v for _, v in keywords)]:
                yield from _foreign_keys(item)
        case Items(items):
            for item in items:
                yield from _foreign_keys(item)


def _loaded_models(builder: ModelIndex, by_label: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """Module variables bound by a model loader: ``Benefit = get_model("offer", "Benefit")``."""
    loaders = {loader.function for pack in builder.packs for loader in pack.loaders
               if loader.kind == "model"}
    found: dict[str, str] = {}
    for variable, (summary, _) in sorted(builder.values.items()):
        function = _called(summary)
        if function is None or not isinstance(summary, Call):
            continue
        called, _, _ = builder.qualify(variable.split(":", 1)[0], function)
        texts = [_string(arg) for arg in summary.args]
        if called.replace(":", ".") not in loaders or not texts or None in texts:
            continue
        label, _, name = ".".join(t for t in texts[:2] if t).rpartition(".")
        target = by_label.get((label.lower(), name.lower()))
        if target is not None:
            found[variable] = target
    return found


def build_catalogue(codebase: Codebase, packs: Sequence[Pack]) -> Catalogue:
    builder = ModelIndex(codebase, packs)
    first = _catalogue(builder)
    aliases = _loaded_models(builder, first.by_label)
    if not aliases:
        return first
    # Classes can derive from a model a loader returns: a second pass that knows them.
    builder.learn(aliases)
    return _catalogue(builder)


def _catalogue(builder: ModelIndex) -> Catalogue:
    models: dict[str, ModelInfo] = {}
    flask: dict[str, bool] = {}
    for atom in sorted(builder.definitions):
        found = builder.framework(atom)
        if found is None or found[0].framework is None:
            continue
        pack, is_flask = found
        module = atom.split(":", 1)[0]
        models[atom] = ModelInfo(atom, pack, builder.paths.get(module, ""),
                                 builder.definitions[atom].line, None)
        flask[atom] = is_flask
    django_atoms = [a for a in sorted(models) if models[a].pack.framework == "django"]
    django = _Django(builder, models)
    django.name_tables(django_atoms)
    django.relations(django_atoms)
    django.registrations(django_atoms)
    table_vars = _sqlalchemy_tables(builder, models, flask)
    tables = _collect(builder, models, table_vars)
    user_label = _user_model_label(builder)
    label, _, name = user_label.rpartition(".")
    return Catalogue(
        index=builder, models=models, table_vars=table_vars, by_label=django.by_label,
        user_model=django.by_label.get((label.lower(), name.lower())),
        tables=tables, links=sorted(set(builder.links)), diagnostics=builder.diagnostics,
    )


def _collect(builder: ModelIndex, models: dict[str, ModelInfo],
             table_vars: dict[str, str]) -> dict[str, Table]:
    declarations: dict[str, set[Declaration]] = {}
    keys: dict[str, set[ForeignKey]] = {}
    spoken: dict[str, str] = {}  # a name the framework made up -> the model's own words
    for atom in sorted(models):
        info = models[atom]
        via = info.pack.via
        model = atom.rpartition(":")[2]
        if info.table and info.default_name:
            spoken.setdefault(info.table, model)
        if info.table:
            declarations.setdefault(info.table, set()).add(
                Declaration(atom, "model", via, info.path, info.line))
        for field_name, relation in sorted(info.relations.items()):
            where = builder.path_of(relation.owner) if relation.owner else info.path
            if relation.target is not None:
                builder.links.append(Link(atom, relation.target, relation.kind,
                                          where, relation.line))
            target_table = models[relation.target].table if relation.target else None
            if relation.auto and relation.through and info.table:
                declarations.setdefault(relation.through, set()).add(Declaration(
                    atom, "many-to-many", via, where, relation.line, field_name))
                if info.default_name and relation.through == f"{info.table}_{field_name}":
                    spoken.setdefault(relation.through, f"{model}_{field_name}")
            elif target_table and info.table and relation.kind != "relationship":
                keys.setdefault(info.table, set()).add(
                    ForeignKey(field_name, target_table, relation.owner or atom, relation.line))
        if info.pack.framework == "sqlalchemy" and info.table:
            for column, (summary, line) in builder.attrs(atom).items():
                for target in _foreign_keys(summary):
                    keys.setdefault(info.table, set()).add(
                        ForeignKey(column, target, atom, line))
    for variable, name in sorted(table_vars.items()):
        summary, line = builder.values[variable]
        module = variable.split(":", 1)[0]
        declarations.setdefault(name, set()).add(Declaration(
            variable, "table", "sqlalchemy", builder.paths.get(module, ""), line))
        columns = summary.args[1:] if isinstance(summary, Call) else ()
        for argument in columns:
            column_name = (_string(argument.args[0])
                           if isinstance(argument, Call) and argument.args else None)
            for target in _foreign_keys(argument):
                keys.setdefault(name, set()).add(
                    ForeignKey(column_name or "?", target, variable, line))
    return {
        name: Table(name, tuple(sorted(declarations.get(name, ()))),
                    tuple(sorted(keys.get(name, ()))), spoken.get(name, ""))
        for name in sorted(set(declarations) | set(keys))
    }
