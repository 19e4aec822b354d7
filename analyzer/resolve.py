"""Resolve per-file facts against each other: imports to modules, name uses to definitions.

Import targets follow Python's own rule for ``from package import name``: when
``package.name`` is a module it is the target, otherwise ``name`` is a symbol of ``package``.
Name uses are followed through aliases, ``import a.b.c`` attribute chains, re-exports in
``__init__`` modules and star imports, to the module that defines the name.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analyzer.model import (
    CodeModel,
    Definition,
    Diagnostic,
    FileFacts,
    Import,
    ImportKind,
    Module,
    ParseStatus,
    RawImport,
    Reference,
    Severity,
    SourceFile,
)
from analyzer.quickinit import quick_init

_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}
_MAX_DEPTH = 24


@quick_init
@dataclass(frozen=True, slots=True)
class _Target:
    """What a name stands for: a module, or a symbol (definition/variable) of a module."""

    module: str
    symbol: str | None = None
    external: bool = False

    @property
    def atom(self) -> str:
        return f"{self.module}:{self.symbol}"


@dataclass(frozen=True, slots=True)
class _Namespace:
    definitions: frozenset[str]
    variables: frozenset[str]
    bindings: Mapping[str, _Target]
    stars: tuple[str, ...]
    exports: frozenset[str] | None


class Resolver:
    def __init__(self, files: Sequence[SourceFile], facts: Mapping[str, FileFacts]) -> None:
        self.files = {f.module: f for f in files}
        self.facts = facts
        self.namespaces: set[str] = set(self.files)
        for name in self.files:
            parts = name.split(".")
            for end in range(1, len(parts)):
                self.namespaces.add(".".join(parts[:end]))
        self.tops = frozenset(name.split(".")[0] for name in self.files)
        self.diagnostics: list[Diagnostic] = []
        self._namespace_cache: dict[str, _Namespace] = {}
        self._lookup_cache: dict[tuple[str, str], _Target | None] = {}

    # ------------------------------------------------------------------ imports

    def kind(self, module: str) -> ImportKind:
        top = module.split(".", maxsplit=1)[0]
        if top in self.tops:
            return ImportKind.INTERNAL
        if top in _STDLIB:
            return ImportKind.STDLIB
        return ImportKind.THIRD_PARTY

    def absolute(self, importer: SourceFile, raw: RawImport) -> str | None:
        """The absolute module a (possibly relative) import names; None beyond the top."""
        if raw.level == 0:
            return raw.module
        package = importer.module.split(".")
        if not importer.is_package:
            package = package[:-1]
        up = raw.level - 1
        if up > len(package) or (up == len(package) and not raw.module):
            return None
        base = package[: len(package) - up]
        return ".".join(base + ([raw.module] if raw.module else []))

    def resolve_import(self, importer: SourceFile, raw: RawImport) -> Import | None:
        base = self.absolute(importer, raw)
        if base is None:
            self.diagnostics.append(Diagnostic(
                importer.path, raw.line, "relative-import-beyond-top",
                f"relative import ({'.' * raw.level}{raw.module}) goes above the top-level "
                f"package of {importer.module}", Severity.WARNING))
            return None
        symbol: str | None = None
        module = base
        if raw.name == "*":
            pass
        elif raw.name is not None:
            candidate = f"{base}.{raw.name}" if base else raw.name
            if candidate in self.namespaces:
                module = candidate
            else:
                symbol = raw.name
        kind = self.kind(module)
        if kind is ImportKind.INTERNAL and module not in self.namespaces:
            # ``import a.b.missing`` still runs a/__init__ and a/b/__init__: it depends on the
            # nearest package that exists (grimp counts it the same way). ``from a.missing
            # import x`` is left pointing at the missing module: no edge to anything real.
            fallback = raw.name is None
            self.diagnostics.append(Diagnostic(
                importer.path, raw.line, "unresolved-import",
                f"imports {module}, which is not a module of the analysed code"
                + ("; counted as a dependency on its nearest existing package"
                   if fallback else ""), Severity.INFO))
            if fallback:
                parts = module.split(".")
                while len(parts) > 1 and ".".join(parts) not in self.namespaces:
                    parts.pop()
                module, symbol = ".".join(parts), None
        return Import(
            module=module, symbol=symbol, alias=raw.alias, line=raw.line, kind=kind,
            level=raw.level, star=raw.name == "*", conditional=raw.conditional,
            type_checking=raw.type_checking, in_function=raw.in_function,
        )

    # ------------------------------------------------------------------ names

    def _namespace(self, module: str) -> _Namespace | None:
        cached = self._namespace_cache.get(module)
        if cached is not None:
            return cached
        facts = self.facts.get(module)
        source = self.files.get(module)
        if facts is None or source is None:
            return None
        bindings: dict[str, _Target] = {}
        stars: list[str] = []
        for raw in facts.imports:
            base = self.absolute(source, raw)
            if base is None:
                continue
            external = self.kind(base or raw.name or "") is not ImportKind.INTERNAL
            if raw.name is None:
                if raw.alias:
                    bindings[raw.alias] = _Target(base, external=external)
                else:
                    top = base.split(".")[0]
                    bindings.setdefault(top, _Target(top, external=external))
            elif raw.name == "*":
                stars.append(base)
            else:
                candidate = f"{base}.{raw.name}" if base else raw.name
                target = (_Target(candidate, external=external)
                          if candidate in self.namespaces
                          else _Target(base, raw.name, external=external))
                bindings.setdefault(raw.alias or raw.name, target)
        namespace = _Namespace(
            definitions=frozenset(d.name for d in facts.definitions),
            variables=frozenset(v.name for v in facts.variables),
            bindings=bindings,
            stars=tuple(stars),
            exports=None if facts.exports is None else frozenset(facts.exports),
        )
        self._namespace_cache[module] = namespace
        return namespace

    def bound(self, module: str, name: str) -> str | None:
        """The atom ``name`` stands for in ``module`` by its own binding: a definition of the
        module, or the internal symbol an import binds it to (``from x import Y`` ->
        ``"x:Y"``, not followed further); None for anything else."""
        namespace = self._namespace(module)
        if namespace is None:
            return None
        if name in namespace.definitions:
            return f"{module}:{name}"
        binding = namespace.bindings.get(name)
        if binding is None or binding.external or binding.symbol is None:
            return None
        return binding.atom

    def lookup(self, module: str, name: str, depth: int = 0) -> _Target | None:
        """What ``module.name`` is, followed to the internal module that defines it."""
        found = self.where(module, name, depth)
        return None if found is None or found.external else found

    def where(self, module: str, name: str, depth: int = 0) -> _Target | None:
        """Like ``lookup``, but a name imported from outside is followed there too."""
        key = (module, name)
        if key in self._lookup_cache:
            return self._lookup_cache[key]
        self._lookup_cache[key] = None  # guards against import cycles while resolving
        found = self._where(module, name, depth)
        self._lookup_cache[key] = found
        return found

    def _where(self, module: str, name: str, depth: int) -> _Target | None:
        if depth > _MAX_DEPTH:
            return None
        namespace = self._namespace(module)
        submodule = f"{module}.{name}"
        if namespace is None:
            return _Target(submodule) if submodule in self.namespaces else None
        if name in namespace.definitions:
            return _Target(module, name)
        binding = namespace.bindings.get(name)
        if binding is not None:
            return self._follow(binding, depth + 1)
        if submodule in self.namespaces:
            return _Target(submodule)
        if name in namespace.variables:
            return _Target(module, name)
        for star in namespace.stars:
            exported = self._namespace(star)
            if exported is None:
                continue
            if exported.exports is not None and name not in exported.exports:
                continue
            if exported.exports is None and name.startswith("_"):
                continue
            target = self.where(star, name, depth + 1)
            if target is not None:
                return target
        return None

    def _follow(self, target: _Target, depth: int) -> _Target | None:
        if target.external or target.symbol is None:
            return target
        return self.where(target.module, target.symbol, depth)

    def qualify(self, module: str, chain: Sequence[str]) -> tuple[str, bool, tuple[str, ...]]:
        """Where a dotted chain used in ``module`` points, as (name, internal, rest).

        ``name`` is ``"pkg.mod:Name"`` for an internal definition or variable, ``"pkg.mod"``
        for an internal module and the dotted name (``"django.db.models.Model"``) for anything
        imported from outside; ``rest`` holds the parts of the chain beyond it. A name that is
        not bound at all comes back as ``("", False, chain)``.
        """
        target = self.where(module, chain[0])
        position = 1
        while target is not None:
            if target.external:
                parts = [target.module, *([target.symbol] if target.symbol else []),
                         *chain[position:]]
                return ".".join(parts), False, ()
            if target.symbol is not None:
                return target.atom, True, tuple(chain[position:])
            if position == len(chain):
                return target.module, True, ()
            following = self.where(target.module, chain[position])
            if following is None:
                return target.module, True, tuple(chain[position:])
            target = following
            position += 1
        return "", False, tuple(chain)

    def resolve_chain(self, module: str, chain: tuple[str, ...]) -> tuple[_Target, int] | None:
        """The definition a dotted chain used in ``module`` ends at, if any, and how many
        parts of the chain it took (``OrderService.place``: the class, 1)."""
        target = self.lookup(module, chain[0])
        position = 1
        while target is not None and target.symbol is None and position < len(chain):
            target = self.lookup(target.module, chain[position])
            position += 1
        if target is None or target.symbol is None:
            return None
        return target, position

    def references(self, source: SourceFile, facts: FileFacts) -> tuple[Reference, ...]:
        merged: dict[tuple[str, str], tuple[int, int, set[str], set[str]]] = {}
        for atom_uses in facts.uses:
            atom = f"{source.module}:{atom_uses.atom}" if atom_uses.atom else source.module
            for use in atom_uses.uses:
                found = self.resolve_chain(source.module, use.chain)
                if found is None or found[0].atom == atom:
                    continue
                target, taken = found
                member = set(use.chain[taken:taken + 1])
                key = (atom, target.atom)
                previous = merged.get(key)
                if previous is None:
                    merged[key] = (use.count, use.line, set(use.kinds), member)
                else:
                    count, line, kinds, members = previous
                    merged[key] = (count + use.count, min(line, use.line), kinds | set(use.kinds),
                                   members | member)
        return tuple(
            Reference(source=key[0], target=key[1], count=count, line=line,
                      kinds=tuple(sorted(kinds)), members=tuple(sorted(members)))
            for key, (count, line, kinds, members) in sorted(merged.items())
        )


def _problem(source: SourceFile, facts: FileFacts) -> Diagnostic | None:
    if facts.problem is None:
        return None
    line, message = facts.problem
    severity = Severity.INFO if facts.status is ParseStatus.GENERATED else Severity.ERROR
    return Diagnostic(source.path, line, facts.status.value, message, severity)


def build_model(files: Sequence[SourceFile], facts: Mapping[str, FileFacts],
                diagnostics: Sequence[Diagnostic], resolver: Resolver | None = None) -> CodeModel:
    resolver = resolver or Resolver(files, facts)
    modules: list[Module] = []
    notes = list(diagnostics)
    for source in files:
        file_facts = facts.get(source.module)
        if file_facts is None:
            continue
        problem = _problem(source, file_facts)
        if problem is not None:
            notes.append(problem)
        imports = tuple(
            resolved for raw in file_facts.imports
            if (resolved := resolver.resolve_import(source, raw)) is not None
        )
        definitions: tuple[Definition, ...] = file_facts.definitions
        modules.append(Module(
            name=source.module, path=source.path, is_package=source.is_package,
            lines=file_facts.lines, status=file_facts.status, imports=imports,
            definitions=definitions, variables=file_facts.variables,
            references=resolver.references(source, file_facts), script=file_facts.script,
        ))
    notes.extend(resolver.diagnostics)
    return CodeModel(modules=tuple(modules), diagnostics=tuple(sorted(set(notes))))
