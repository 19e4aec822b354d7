"""SQLAlchemy's models and tables: ``__tablename__``, ``__table__``, single-table inheritance (a
mapped child without a table of its own), joined inheritance, Flask-SQLAlchemy's automatic
snake_case names, ``Table("name", metadata, ...)`` objects, ``relationship`` and
``ForeignKey("table.column")``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from analyzer.data.models import (
    Declared,
    ModelIndex,
    ModelInfo,
    Relation,
    called,
    snake_case,
    string_of,
    truthy,
)
from analyzer.model import Call, Declaration, Expr, ForeignKey, Items, Name


def catalogue(builder: ModelIndex, models: dict[str, ModelInfo], own: list[str],
              named: Mapping[str, bool], declared: Declared) -> None:
    """The tables of the SQLAlchemy models ``own`` (sorted atoms of ``models``) and of the
    ``Table(...)`` objects, their relationships and their columns' foreign keys."""
    table_vars = _tables(builder, declared)
    _model_tables(builder, models, own, named, table_vars)
    for atom in own:
        _relations(builder, models, own, table_vars, atom)
        info = models[atom]
        if info.table:
            for column, (summary, line) in builder.attrs(atom).items():
                for target in _foreign_keys(summary):
                    declared.foreign_keys.append((info.table, ForeignKey(column, target, atom,
                                                                         line)))


def _tables(builder: ModelIndex, declared: Declared) -> dict[str, str]:
    """``orders = Table("orders", metadata, Column(...), ...)``: module variables made by a
    pack's table function, each declaring its table and its columns' foreign keys."""
    table_vars = declared.table_vars
    functions = {name: pack for pack in reversed(builder.packs)
                 for name in pack.table_functions}  # the first pack that names one has it
    for atom, (summary, line) in builder.values.items():
        function = called(summary)
        if function is None or not isinstance(summary, Call) or not summary.args:
            continue
        callee, _, _ = builder.qualify(atom.split(":", 1)[0], function)
        name = string_of(summary.args[0])
        pack = functions.get(callee)
        if pack is None or not name:
            continue
        table_vars[atom] = name
        declared.table_packs[atom] = pack
        module = atom.split(":", 1)[0]
        declared.declarations.append((name, Declaration(
            atom, "table", pack.via, builder.paths.get(module, ""), line)))
        for argument in summary.args[1:]:
            column_name = (string_of(argument.args[0])
                           if isinstance(argument, Call) and argument.args else None)
            for target in _foreign_keys(argument):
                declared.foreign_keys.append((name, ForeignKey(column_name or "?", target, atom,
                                                               line)))
    return table_vars


def _model_tables(builder: ModelIndex, models: dict[str, ModelInfo], own: list[str],
                  named: Mapping[str, bool], table_vars: Mapping[str, str]) -> None:
    for atom in own:
        info = models[atom]
        attrs = builder.attrs(atom)
        table = string_of(attrs.get("__tablename__", (None, 0))[0])
        table_attr = attrs.get("__table__")
        if table is None and table_attr is not None:
            value = table_attr[0]
            if isinstance(value, Call) and value.args:
                table = string_of(value.args[0])
            elif isinstance(value, Name):
                name, internal, _ = builder.qualify(atom.split(":", 1)[0], value.name)
                table = table_vars.get(name) if internal else None
        abstract = truthy(attrs.get("__abstract__", (None, 0))[0])
        info.table = None if abstract else table
    for atom in own:  # inheritance, once every own table is known
        info = models[atom]
        if info.table is not None:
            continue
        attrs = builder.attrs(atom)
        if truthy(attrs.get("__abstract__", (None, 0))[0]):
            continue
        parent = next((a for a in builder.ancestors(atom) if a in models and models[a].table),
                      None)
        if parent is not None:
            info.table = models[parent].table  # single-table inheritance
        elif named.get(atom) and any(_is_column(v) for v, _ in attrs.values()):
            info.table = snake_case(atom.split(":", 1)[1])
    for atom in own:
        info = models[atom]
        if info.table:
            parents = [models[a].table for a in builder.ancestors(atom)
                       if a in models and models[a].table]
            info.write_tables = tuple(dict.fromkeys([*(t for t in parents if t), info.table]))


def _relations(builder: ModelIndex, models: dict[str, ModelInfo], own: list[str],
               table_vars: Mapping[str, str], atom: str) -> None:
    info = models[atom]
    module = atom.split(":", 1)[0]
    for name, (summary, line) in builder.attrs(atom).items():
        function = called(summary)
        if function is None or not isinstance(summary, Call) or not summary.args:
            continue
        if info.pack.relation_fields.get(function.rsplit(".", 1)[-1]) != "relationship":
            continue
        target_summary = summary.args[0]
        target_name = string_of(target_summary) or (
            target_summary.name if isinstance(target_summary, Name) else None)
        target: str | None = None
        if target_name:
            qualified, internal, rest = builder.qualify(module, target_name)
            if internal and not rest and qualified in models:
                target = qualified
            else:  # a string names a mapped class anywhere in the registry
                short = target_name.rsplit(".", 1)[-1]
                target = next((a for a in own if a.endswith(":" + short)), None)
        secondary = dict(summary.keywords).get("secondary")
        through: str | None = None
        if secondary is not None:
            through = string_of(secondary)
            if through is None and isinstance(secondary, Name):
                qualified, internal, _ = builder.qualify(module, secondary.name)
                through = table_vars.get(qualified) if internal else None
        info.relations[name] = Relation("relationship", target, through, line)


def _is_column(summary: Expr) -> bool:
    function = called(summary)
    return function is not None and function.rsplit(".", 1)[-1] in {"Column", "mapped_column"}


def _foreign_keys(summary: Expr) -> Iterator[str]:
    """Targets of ``ForeignKey("table.column")`` inside a column or table summary."""
    match summary:
        case Call(func, args, keywords):
            if isinstance(func, Name) and func.name.rsplit(".", 1)[-1] == "ForeignKey":
                target = string_of(args[0]) if args else None
                if target:
                    yield target.rsplit(".", 1)[0] if "." in target else target
            for item in [*args, *(v for _, v in keywords)]:
                yield from _foreign_keys(item)
        case Items(items):
            for item in items:
                yield from _foreign_keys(item)
