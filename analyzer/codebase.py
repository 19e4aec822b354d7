"""The project as every stage after resolve reads it: one ``Codebase``, resolved once.

``resolve_codebase`` takes the per-file facts (``FileFacts``, the extractor's output) and makes
what the later stages need of them: the code model (imports, definitions, references), the one
``ClassIndex`` of the project's top-level classes (bodies, docstrings, bases bound through the
``Resolver``'s import binding), module-level values, return types, each atom's flows and words,
and the suppression comments. No stage after this one reads ``FileFacts`` or imports
``analyzer.extract`` (pyproject's import-linter contracts hold them to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.model import (
    Bind,
    ClassFacts,
    CodeModel,
    Definition,
    Diagnostic,
    Endpoints,
    Expr,
    FileFacts,
    Flow,
    SourceFile,
    Words,
)
from analyzer.resolve import Resolver, build_model

_MAX_DEPTH = 30
_DOTTED = re.compile(r"[\w.]+")

# A class's base, resolved: (name, internal, the parts of the chain beyond it), as
# ``Resolver.qualify`` gives it.
Base = tuple[str, bool, tuple[str, ...]]
NO_ALIASES: Mapping[str, str] = {}


class ClassIndex:
    """The project's top-level definitions and classes, indexed once: what each class declares
    (``bodies``), its docstring's first line, its bases resolved through the import binding,
    and what a name used in a module stands for."""

    def __init__(self, code: CodeModel, bodies: Mapping[str, tuple[ClassFacts, ...]],
                 words: Mapping[str, tuple[Words, ...]], names: Resolver) -> None:
        self.names = names
        self.definitions: dict[str, Definition] = {}  # every top-level definition, by atom
        self.classes: dict[str, Definition] = {}  # the classes among them
        self.by_name: dict[str, list[str]] = {}  # a class's own name -> its atoms
        for module in code.modules:
            for definition in module.definitions:
                atom = f"{module.name}:{definition.name}"
                self.definitions[atom] = definition
                if definition.kind == "class":
                    self.classes[atom] = definition
                    self.by_name.setdefault(definition.name, []).append(atom)
        self.in_module = bodies  # module -> its classes' bodies, in source order
        # "mod:Class" -> its simple assignments and annotated fields
        self.bodies = {f"{module}:{body.name}": body
                       for module, own in bodies.items() for body in own}
        self._words = words
        self._docs: dict[str, str] | None = None
        self._bases: dict[str, list[Base]] = {}

    @property
    def docs(self) -> dict[str, str]:
        """Atom -> the first line of its docstring (made on first use: ``check`` needs none)."""
        if self._docs is None:
            self._docs = {
                f"{module}:{words.atom}": doc.splitlines()[0].strip()
                for module, all_words in self._words.items() for words in all_words
                if words.atom and (doc := words.doc.strip())}
        return self._docs

    def qualify(self, module: str, dotted: str) -> Base:
        return self.names.qualify(module, dotted.split("."))

    def attrs(self, atom: str) -> dict[str, tuple[Expr, int]]:
        body = self.bodies.get(atom)
        return {} if body is None else {n: (v, ln) for n, v, ln in body.attrs}

    # ------------------------------------------------------------------ inheritance

    def bases(self, atom: str) -> list[Base]:
        """The bases of class ``atom`` written as dotted names, resolved."""
        found = self._bases.get(atom)
        if found is None:
            module = atom.split(":", 1)[0]
            found = [self.qualify(module, base) for base in self.classes[atom].bases
                     if _DOTTED.fullmatch(base)]
            self._bases[atom] = found
        return found

    def parent_classes(self, atom: str, aliases: Mapping[str, str] = NO_ALIASES
                       ) -> Iterator[str]:
        """The project classes ``atom`` derives from directly; ``aliases``: module variables
        that stand for a class (``Benefit = get_model("offer", "Benefit")``)."""
        for name, internal, rest in self.bases(atom):
            if internal and not rest and name in self.classes:
                yield name
            elif internal and not rest and name in aliases:
                yield aliases[name]

    def ancestors(self, atom: str, aliases: Mapping[str, str] = NO_ALIASES) -> list[str]:
        """Internal ancestors, nearest first (a depth-first approximation of the MRO)."""
        order: list[str] = []
        stack = list(reversed(list(self.parent_classes(atom, aliases))))
        while stack and len(order) < _MAX_DEPTH:
            current = stack.pop()
            if current in order or current == atom:
                continue
            order.append(current)
            stack.extend(reversed(list(self.parent_classes(current, aliases))))
        return order

    def external_bases(self, atom: str, aliases: Mapping[str, str] = NO_ALIASES) -> set[str]:
        """The dotted names of the bases from outside the project, ``atom``'s and its
        ancestors'."""
        names: set[str] = set()
        for current in [atom, *self.ancestors(atom, aliases)]:
            names.update(name for name, internal, _ in self.bases(current) if not internal)
        return names

    def is_subclass(self, atom: str, qualified: str,
                    aliases: Mapping[str, str] = NO_ALIASES) -> bool:
        """Whether ``atom`` derives from ``qualified`` (a dotted external name or an atom)."""
        if qualified in self.external_bases(atom, aliases):
            return True
        return qualified.replace(":", ".") in {
            a.replace(":", ".") for a in self.ancestors(atom, aliases)}


@dataclass(frozen=True, slots=True)
class Codebase:
    """Everything the stages after resolve read of the code, resolved once."""

    files: tuple[SourceFile, ...]  # the readable ones, in discovery order
    code: CodeModel
    names: Resolver  # the import binding: what a name used in a module stands for
    classes: ClassIndex
    values: dict[str, tuple[Expr, int]]  # module-level "mod:name" -> its value and line
    returns: dict[str, str]  # "mod:f" or "mod:Class.m" -> the class its annotation names
    flows: dict[str, tuple[Flow, ...]]  # module -> what each atom does with data
    words: dict[str, tuple[Words, ...]]  # module -> each atom's identifiers and docstring
    # path -> (line, the rule codes or names a ``# seamline: ignore`` comment there names)
    suppressions: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = field(
        default_factory=dict)
    endpoints: dict[str, Endpoints] = field(default_factory=dict)  # module -> its web endpoints

    @property
    def paths(self) -> dict[str, str]:
        """Module -> its path."""
        return {f.module: f.path for f in self.files}


def resolve_codebase(files: Sequence[SourceFile], facts: Mapping[str, FileFacts],
                     diagnostics: Sequence[Diagnostic]) -> Codebase:
    """The codebase of the ``files`` whose ``facts`` were read (the others are left out)."""
    readable = tuple(f for f in files if f.module in facts)
    names = Resolver(readable, facts)
    code = build_model(readable, facts, diagnostics, names)
    bodies: dict[str, tuple[ClassFacts, ...]] = {}
    values: dict[str, tuple[Expr, int]] = {}
    returns: dict[str, str] = {}
    flows: dict[str, tuple[Flow, ...]] = {}
    words: dict[str, tuple[Words, ...]] = {}
    suppressions: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {}
    endpoints: dict[str, Endpoints] = {}
    for source in readable:
        module, own = source.module, facts[source.module]
        for function, annotation in own.returns:
            returns[f"{module}:{function}"] = annotation
        bodies[module] = own.classes
        for flow in own.flows:
            if flow.atom:
                continue
            for event in flow.events:
                if isinstance(event, Bind) and isinstance(event.targets, str):
                    values[f"{module}:{event.targets}"] = (event.value, event.line)
        flows[module] = own.flows
        words[module] = own.words
        if own.suppressions:
            suppressions[source.path] = own.suppressions
        if (own.endpoints.blueprints or own.endpoints.views or own.endpoints.links
                or own.endpoints.routes):
            endpoints[module] = own.endpoints
    return Codebase(readable, code, names, ClassIndex(code, bodies, words, names), values,
                    returns, flows, words, suppressions, endpoints)
