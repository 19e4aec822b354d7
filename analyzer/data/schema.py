"""The tables a codebase declares: the catalogue of models and tables every framework's module
(``analyzer.data.django``, ``analyzer.data.sqlalchemy``) fills for the models of its rule packs,
with the model loaders' aliases (``get_model``) learnt in a second pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.codebase import Codebase
from analyzer.data import django, sqlalchemy
from analyzer.data.models import (
    Declared,
    ModelIndex,
    ModelInfo,
    called,
    string_of,
)
from analyzer.model import Call, Declaration, Diagnostic, ForeignKey, Link, Table
from analyzer.packs import Pack

# What each framework (a pack's ``framework``) says of its models, in this order.
Framework = Callable[[ModelIndex, dict[str, ModelInfo], list[str], Mapping[str, bool], Declared],
                     None]
FRAMEWORKS: dict[str, Framework] = {"django": django.catalogue,
                                    "sqlalchemy": sqlalchemy.catalogue}


@dataclass(slots=True)
class Catalogue:
    """What the data stage knows about models and tables."""

    index: ModelIndex
    models: dict[str, ModelInfo]  # by atom, abstract ones included
    table_vars: dict[str, str]  # "pkg.mod:var" of a Table(...) -> table name
    table_packs: dict[str, Pack]  # "pkg.mod:var" of a Table(...) -> the pack that made it
    by_label: dict[tuple[str, str], str]  # (app label, model name), lower-case -> atom
    user_model: str | None  # atom of the swappable user model, when the settings name one
    tables: dict[str, Table]
    links: list[Link]
    diagnostics: list[Diagnostic]


def _loaded_models(builder: ModelIndex, by_label: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """Module variables bound by a model loader: ``Benefit = get_model("offer", "Benefit")``."""
    loaders = {loader.function for pack in builder.packs for loader in pack.loaders
               if loader.kind == "model"}
    found: dict[str, str] = {}
    for variable, (summary, _) in sorted(builder.values.items()):
        function = called(summary)
        if function is None or not isinstance(summary, Call):
            continue
        callee, _, _ = builder.qualify(variable.split(":", 1)[0], function)
        texts = [string_of(arg) for arg in summary.args]
        if callee.replace(":", ".") not in loaders or not texts or None in texts:
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
    named: dict[str, bool] = {}  # a model whose table is named after it when it has columns
    for atom in sorted(builder.definitions):
        found = builder.framework(atom)
        if found is None or found[0].framework is None:
            continue
        pack, by_name = found
        module = atom.split(":", 1)[0]
        models[atom] = ModelInfo(atom, pack, builder.paths.get(module, ""),
                                 builder.definitions[atom].line, None)
        named[atom] = by_name
    own: dict[str | None, list[str]] = {}  # each framework's models, sorted
    for atom in sorted(models):
        own.setdefault(models[atom].pack.framework, []).append(atom)
    declared = Declared()
    for framework, add in FRAMEWORKS.items():
        add(builder, models, own.get(framework, []), named, declared)
    return Catalogue(
        index=builder, models=models, table_vars=declared.table_vars,
        table_packs=declared.table_packs, by_label=declared.by_label,
        user_model=declared.user_model, tables=_collect(builder, models, declared),
        links=sorted(set(builder.links)), diagnostics=builder.diagnostics,
    )


def _collect(builder: ModelIndex, models: dict[str, ModelInfo],
             declared: Declared) -> dict[str, Table]:
    declarations: dict[str, set[Declaration]] = {}
    keys: dict[str, set[ForeignKey]] = {}
    for table, declaration in declared.declarations:
        declarations.setdefault(table, set()).add(declaration)
    for table, key in declared.foreign_keys:
        keys.setdefault(table, set()).add(key)
    spoken: dict[str, str] = {}  # a name the framework made up -> the model's own words
    for atom in sorted(models):
        info = models[atom]
        via = info.pack.via
        model = atom.rpartition(":")[2]
        if info.table and info.default_name:
            spoken.setdefault(info.table, model)
        if info.table:
            declarations.setdefault(info.table, set()).add(
                Declaration(atom, "model", via, info.path, info.line,
                            framework=info.pack.framework))
        for field_name, relation in sorted(info.relations.items()):
            where = builder.path_of(relation.owner) if relation.owner else info.path
            if relation.target is not None:
                builder.links.append(Link(atom, relation.target, relation.kind,
                                          where, relation.line))
            target_table = models[relation.target].table if relation.target else None
            if relation.auto and relation.through and info.table:
                declarations.setdefault(relation.through, set()).add(Declaration(
                    atom, "many-to-many", via, where, relation.line, field_name,
                    info.pack.framework))
                if info.default_name and relation.through == f"{info.table}_{field_name}":
                    spoken.setdefault(relation.through, f"{model}_{field_name}")
            elif target_table and info.table and relation.kind != "relationship":
                keys.setdefault(info.table, set()).add(
                    ForeignKey(field_name, target_table, relation.owner or atom, relation.line))
    return {
        name: Table(name, tuple(sorted(declarations.get(name, ()))),
                    tuple(sorted(keys.get(name, ()))), spoken.get(name, ""))
        for name in sorted(set(declarations) | set(keys))
    }
