"""Entry points, found statically: routes, views, URL confs, tasks, commands, GraphQL mutations.

The rules are data (``rules/entrypoints.toml``). Each entry point is a static use case: the
atoms it reaches through references and framework links within a few steps serve it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from analyzer.errors import ConfigError
from analyzer.model import ClassFacts, CodeModel, Module
from analyzer.resources import rules_dir
from analyzer.tomlfile import read_toml

REACH_DEPTH = 3  # steps followed from an entry point

_KEYS = {"kind": str, "decorators": list, "bases": list, "names": list, "modules": list,
         "url-confs": bool, "variables": list, "imports": list, "scripts": bool,
         "instances": list, "whole": bool}


@dataclass(frozen=True, slots=True)
class EntryRule:
    kind: str
    decorators: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    modules: tuple[str, ...] = ("*",)
    url_confs: bool = False
    # a module binding one: its module-level code matches; so does a config object binding
    # one, and its subclasses (``_config_classes``)
    variables: tuple[str, ...] = ()
    # a qualified name imported (``django.core.management.execute_from_command_line``): the
    # definition importing it matches, or the module-level code for an import at the top
    imports: tuple[str, ...] = ()
    # true: the module-level code of a module that runs as a script (``if __name__ ==
    # "__main__":`` at its top level)
    scripts: bool = False
    # a call an imported name stands for (``django.template.Library()``): a module binding a
    # name to what it returns (``register = template.Library()``) matches as a whole (its
    # module-level code and all it defines that no other rule matched)
    instances: tuple[str, ...] = ()
    # true: a module in which ``names`` matches a definition matches as a whole too (a
    # Django command's module: what else it defines serves the command)
    whole: bool = False


@dataclass(frozen=True, slots=True, order=True)
class EntryPoint:
    atom: str
    kind: str
    path: str
    line: int


def load_rules(path: Path | None = None, section: str = "entry-points"
               ) -> tuple[EntryRule, ...]:
    """The ``[[section]]`` tables of a rules file: the entry points (``rules/entrypoints.toml``),
    or the framework plumbing (``rules/plumbing.toml``, section ``plumbing``)."""
    path = path or rules_dir() / "entrypoints.toml"
    data = read_toml(path, f"{section} rules")
    rules: list[EntryRule] = []
    for index, table in enumerate(data.get(section, [])):
        where = f"{section}[{index}]"
        for key, value in table.items():
            expected = _KEYS.get(key)
            if expected is None:
                raise ConfigError(f"{where}: unknown key {key!r}", source=str(path))
            if not isinstance(value, expected) or (
                    isinstance(value, list) and not all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{where}.{key} has the wrong type", source=str(path))
        if "kind" not in table:
            raise ConfigError(f"{where}: missing 'kind'", source=str(path))
        rules.append(EntryRule(
            kind=table["kind"], decorators=tuple(table.get("decorators", ())),
            bases=tuple(table.get("bases", ())), names=tuple(table.get("names", ())),
            modules=tuple(table.get("modules", ("*",))),
            url_confs=bool(table.get("url-confs", False)),
            variables=tuple(table.get("variables", ())),
            imports=tuple(table.get("imports", ())),
            scripts=bool(table.get("scripts", False)),
            instances=tuple(table.get("instances", ())),
            whole=bool(table.get("whole", False)),
        ))
    return tuple(rules)


def _callee(decorator: str) -> str:
    return decorator.split("(", 1)[0].strip()


def _imported_names(module: Module) -> dict[str, str]:
    """The names ``module``'s own imports bind at its top level when it runs, each with the
    dotted name it stands for (``from invoke import task`` binds ``task``, ``invoke.task``):
    the last import of a name wins, as it does in Python; one only a type checker reads, or
    one the module binds again itself (``task = app.task``, ``def task``), binds nothing. A
    name the module assigns once, to what a call of such an import returns, and neither
    defines nor imports again after, stands for that call (``spec = HookspecMarker("shop")``
    after ``from pluggy import HookspecMarker`` is ``pluggy.HookspecMarker()``), which only
    a pattern with ``()`` matches (:func:`_qualified`). Only assignments are counted as
    bindings: a ``for`` or ``with`` target of the same name is not."""
    bound: dict[str, str] = {}
    last: dict[str, int] = {}  # the line of the import that binds a name last
    for item in sorted(module.imports, key=lambda i: i.line):
        if item.star or item.in_function or item.type_checking:
            continue
        name = item.alias or item.symbol or item.module.split(".", 1)[0]
        # ``import a.b`` binds ``a``
        bound[name] = (f"{item.module}.{item.symbol}" if item.symbol
                       else item.module if item.alias else name)
        last[name] = item.line
    defined = {d.name for d in module.definitions}
    rebound = defined | {v.name for v in module.variables}
    imported = {name: target for name, target in bound.items() if name not in rebound}
    calls = dict(imported)
    for variable in module.variables:
        head, dot, rest = variable.call.partition(".")
        if (head in imported and variable.name not in defined
                and last.get(variable.name, 0) < variable.line):
            calls[variable.name] = f"{imported[head]}{dot}{rest}()"
    return calls


def _decorated(decorators: Sequence[str], imported: Mapping[str, str],
               written: Callable[[str], object], qualified: _Qualified) -> bool:
    """Whether a callee of ``decorators`` matches: as written, or, when its first name is an
    import, as the dotted name it stands for by a ``qualified`` pattern (one that starts with
    a module's name): ``@task`` after ``from invoke import task`` is ``invoke.task``, which
    tells it from a Celery task, while a bare ``@patch`` from ``unittest.mock`` is matched
    as written only, and so is no HTTP ``*.patch`` route."""
    return any(written(_callee(d)) or _stands_for(_callee(d), imported, qualified)
               for d in decorators)


def _stands_for(name: str, imported: Mapping[str, str], qualified: _Qualified) -> bool:
    """Whether the dotted ``name``, its first name an import, stands for a name a
    ``qualified`` pattern matches (``forms.Select`` after ``from django import forms`` is
    ``django.forms.Select``)."""
    head, dot, rest = name.partition(".")
    target = imported.get(head)
    if target is None:
        return False
    match = qualified.calls if target.endswith("()") else qualified.names
    return bool(match(target + dot + rest))


class _Qualified(NamedTuple):
    """The patterns that start with a module's name (one that starts with a wildcard matches
    only as written): ``names`` for what an import stands for, ``calls`` (patterns with
    ``()``) for what a name bound to an imported call's result stands for, so that
    ``verbose = click.option(...)`` is no ``click.*``."""

    names: Callable[[str], object]
    calls: Callable[[str], object]


def _qualified(patterns: Sequence[str]) -> _Qualified:
    named = tuple(p for p in patterns if not p.startswith(("*", "?")))
    return _Qualified(_matcher(tuple(p for p in named if "()" not in p)),
                      _matcher(tuple(p for p in named if "()" in p)))


@lru_cache(maxsize=256)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """Whether a name matches any of the glob ``patterns`` (``fnmatchcase``'s meaning): one
    compiled alternation, tried once per name instead of once per pattern."""
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns) or "(?!)").match


def find_entry_points(code: CodeModel, rules: Sequence[EntryRule],
                      references: Mapping[str, Mapping[str, int]],
                      bodies: Mapping[str, Sequence[ClassFacts]] | None = None
                      ) -> list[EntryPoint]:
    """Every atom an entry point rule matches. ``references`` maps an atom to the atoms it
    uses (for base classes of the project and for URL confs); ``bodies``, a module's classes'
    bodies (for a rule's ``variables`` bound in a class)."""
    found: dict[str, EntryPoint] = {}
    class_bases: dict[str, tuple[str, ...]] = {}
    written: dict[str, tuple[Module, tuple[str, ...]]] = {}  # each class's bases as written
    located: dict[str, tuple[str, int]] = {}
    for module in code.modules:
        located[module.name] = (module.path, 1)
        for definition in module.definitions:
            atom = f"{module.name}:{definition.name}"
            located[atom] = (module.path, definition.line)
            if definition.kind == "class":
                bases = tuple(b.split("[", 1)[0].strip() for b in definition.bases)
                class_bases[atom] = tuple(b.rsplit(".", 1)[-1] for b in bases)
                written[atom] = (module, bases)

    def add(atom: str, kind: str) -> None:
        if atom not in found and atom in located:
            path, line = located[atom]
            found[atom] = EntryPoint(atom, kind, path, line)

    imports_of: dict[str, dict[str, str]] = {}  # per module, made when a rule asks
    wholes: list[tuple[Module, str]] = []  # modules a rule's ``instances`` match, and its kind

    def imports(module: Module) -> dict[str, str]:
        imported = imports_of.get(module.name)
        if imported is None:
            imported = imports_of[module.name] = _imported_names(module)
        return imported

    for rule in rules:
        # classes whose base (or a base's base, within the project) matches
        if rule.bases:
            base, qualified = _matcher(rule.bases), _qualified(rule.bases)
            # a base matches by its name unless it is a class of the project's own (Superset's
            # ``BaseCommand`` is its own command pattern, not Django's): a class of the project
            # matches through its own bases, below; a pattern that starts with a module's name
            # also matches what an imported base stands for (``forms.Select`` after ``from
            # django import forms``)
            matching = _with_subclasses(
                {atom for atom, bases in class_bases.items()
                 if any(base(b) and not _own_base(atom, b, references, class_bases)
                        for b in bases)
                 or any(_stands_for(b, imports(written[atom][0]), qualified)
                        for b in written[atom][1])}, references, class_bases)
            for atom in sorted(matching):
                add(atom, rule.kind)
        decorator, name = _matcher(rule.decorators), _matcher(rule.names)
        qualified = _qualified(rule.decorators)
        in_module, variable = _matcher(rule.modules), _matcher(rule.variables)
        if rule.variables and bodies:
            for atom in sorted(_config_classes(bodies, variable, references, class_bases)):
                add(atom, rule.kind)
        for module in code.modules:
            named_here = bool(rule.names) and bool(in_module(module.name))
            if named_here or rule.decorators:
                imported = imports(module)
                for definition in module.definitions:
                    named = named_here and bool(name(definition.name))
                    if named or (definition.decorators and _decorated(
                            definition.decorators, imported, decorator, qualified)):
                        add(f"{module.name}:{definition.name}", rule.kind)
                    if named and rule.whole:
                        wholes.append((module, rule.kind))
            if rule.variables and any(variable(v.name) for v in module.variables):
                add(module.name, rule.kind)
            if rule.imports:
                _importing(module, _matcher(rule.imports), rule.kind, add)
            if rule.scripts and module.script:
                add(module.name, rule.kind)
            if rule.instances and _makes(module, imports(module), _matcher(rule.instances)):
                wholes.append((module, rule.kind))
            if rule.url_confs and any(v.name == "urlpatterns" for v in module.variables):
                for target in sorted(references.get(module.name, {})):
                    if ":" in target:  # a view the URL conf names, not a module
                        add(target, rule.kind)
    # a module that is one as a whole: what no other rule matched, after every rule (a tag
    # library's module may hold a middleware too)
    for module, kind in wholes:
        for atom in (module.name, *(f"{module.name}:{d.name}" for d in module.definitions)):
            add(atom, kind)
    return sorted(found.values(), key=lambda e: e.atom)  # one per atom: the dataclass's order


def _makes(module: Module, imported: Mapping[str, str], made: Callable[[str], object]) -> bool:
    """Whether ``module`` binds a name to what a call ``made`` matches returns, as the call an
    imported name stands for (``register = template.Library()`` after ``from django import
    template`` is ``django.template.Library()``: :func:`_imported_names`)."""
    return any(v.call and made(imported.get(v.name, "")) for v in module.variables)


def _config_classes(bodies: Mapping[str, Sequence[ClassFacts]], variable: Callable[[str], object],
                    references: Mapping[str, Mapping[str, int]],
                    class_bases: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The config objects among the project's classes: a class whose body binds a setting a
    rule names among mostly uppercase names, and two of them at least (Flask's
    ``app.config.from_object`` reads only a class's uppercase names; a config class may keep
    a lowercase helper, FlaskBB's ``basedir``), and a subclass of one that binds nothing else
    (``class ProductionConfig(DefaultConfig): DEBUG = False``). A view with a ``TEMPLATES``
    dict, or a class with lowercase fields beside one, is the domain's."""
    names = {f"{module}:{body.name}": [n for n in (*(a[0] for a in body.attrs),
                                                   *(f[0] for f in body.fields))
                                       if not n.startswith("_")]
             for module, own in bodies.items() for body in own}

    def mostly_upper(atom: str) -> int:  # its uppercase names, 0 unless they are most of them
        upper = sum(1 for n in names.get(atom, ()) if n.isupper())
        return upper if upper > len(names.get(atom, ())) / 2 else 0

    return _with_subclasses(
        {atom for atom, bound in names.items()
         if mostly_upper(atom) >= 2 and any(variable(n) for n in bound)},
        references, class_bases, lambda atom: bool(mostly_upper(atom) or not names.get(atom)))


def _with_subclasses(found: set[str], references: Mapping[str, Mapping[str, int]],
                     class_bases: Mapping[str, tuple[str, ...]],
                     admits: Callable[[str], bool] = lambda atom: True) -> set[str]:
    """``found`` and every class of the project that ``admits`` and has one of them as a base
    (or a base's base, within the project), to a fixed point."""
    changed = True
    while changed:
        changed = False
        for atom in class_bases:
            if atom not in found and admits(atom) and any(
                    target in found and _is_base(atom, target, class_bases)
                    for target in references.get(atom, {})):
                found.add(atom)
                changed = True
    return found


def _importing(module: Module, imported: Callable[[str], object], kind: str,
               add: Callable[[str, str], None]) -> None:
    """Mark what in ``module`` imports a name ``imported`` matches: the definition whose
    lines hold the import (``manage.py``'s ``main``), else the module-level code."""
    for item in module.imports:
        name = f"{item.module}.{item.symbol}" if item.symbol else item.module
        if not imported(name):
            continue
        holder = next((d for d in module.definitions
                       if item.in_function and d.line <= item.line <= d.end_line), None)
        add(f"{module.name}:{holder.name}" if holder else module.name, kind)


def _own_base(atom: str, name: str, references: Mapping[str, Mapping[str, int]],
              class_bases: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the base ``name`` of the class ``atom`` is a class of the project."""
    return any(target in class_bases and target.rsplit(":", 1)[-1] == name
               for target in references.get(atom, {}))


def _is_base(atom: str, target: str, class_bases: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``target`` (a class the class ``atom`` references) is one of its bases."""
    return target.rsplit(":", 1)[-1] in class_bases.get(atom, ())


def reach(start: str, successors: Mapping[str, Mapping[str, int]],
          depth: int = REACH_DEPTH) -> dict[str, int]:
    """Atoms reachable from ``start`` within ``depth`` steps, with their distance."""
    seen = {start: 0}
    queue = deque([start])
    while queue:
        atom = queue.popleft()
        distance = seen[atom]
        if distance >= depth:
            continue
        for target in sorted(successors.get(atom, {})):
            if target not in seen:
                seen[target] = distance + 1
                queue.append(target)
    return seen
