"""The names each atom uses, as dotted chains with how (call, attribute, annotation...), how
often and where first; minus the ones a parameter or a local assignment shadows."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from analyzer.extract.scope import Scope
from analyzer.extract.words import BUILTINS, Vocabulary
from analyzer.model import AtomUses, NameUse


class _Tally:
    """How often one chain is used inside one atom (mutable while a file is walked)."""

    __slots__ = ("count", "kinds", "line")

    def __init__(self, line: int, kind: str) -> None:
        self.count = 1
        self.line = line
        self.kinds = {kind}


class Uses:
    def __init__(self, scope: Scope, bound: set[str], words: Vocabulary,
                 line: Callable[[ast.expr], int]) -> None:
        self._scope = scope
        self._bound = bound
        self._words = words
        self._line = line
        self.calls: set[int] = set()  # ids of the nodes called: ``f`` of ``f(x)``
        self._uses: dict[str, dict[tuple[str, ...], _Tally]] = {}
        self._locals: dict[str, set[str]] = {}

    def kind(self, node: ast.AST, chain: tuple[str, ...]) -> str:
        context = self._scope.context
        if context:
            return context[-1]
        if id(node) in self.calls:
            return "call"
        return "attribute" if len(chain) > 1 else "name"

    def use(self, chain: tuple[str, ...], where: ast.expr | int, kind: str) -> None:
        """``where``: the node (its line is found on the chain's first use) or a line."""
        if chain[0] in BUILTINS and chain[0] not in self._bound:
            return
        self._words.count(chain)
        table = self._uses.setdefault(self._scope.atom, {})
        tally = table.get(chain)
        if tally is None:
            line = where if isinstance(where, int) else self._line(where)
            table[chain] = _Tally(line, kind)
        else:
            tally.count += 1
            tally.kinds.add(kind)

    def local(self, names: Sequence[str]) -> None:
        """Names a function binds: they shadow the module's."""
        if self._scope.func:
            self._locals.setdefault(self._scope.atom, set()).update(names)

    def parameter(self, name: str) -> None:
        self._locals.setdefault(self._scope.atom, set()).add(name)

    def imported(self, names: Sequence[str]) -> None:
        """``import x`` inside a function: ``x`` is the module's again."""
        if self._scope.func:
            shadow = self._locals.setdefault(self._scope.atom, set())
            for name in names:
                shadow.discard(name)

    def facts(self, known: set[str], star: bool) -> tuple[AtomUses, ...]:
        """The uses of names the module knows (any name, after a star import)."""
        uses: list[AtomUses] = []
        for atom in sorted(self._uses):
            shadow = self._locals.get(atom, set())
            kept = [
                NameUse(chain, tuple(sorted(tally.kinds)), tally.count, tally.line)
                for chain, tally in sorted(self._uses[atom].items())
                if chain[0] not in shadow and (chain[0] in known or star)
            ]
            if kept:
                uses.append(AtomUses(atom, tuple(kept)))
        return tuple(uses)
