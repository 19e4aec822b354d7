"""The domain's own language, per atom: the identifiers it uses, its docstring and the dotted
strings it holds (``"shop.models.Order"``, a dynamic reference)."""

from __future__ import annotations

import ast
import builtins

from analyzer.extract.scope import Scope
from analyzer.model import Words

BUILTINS = frozenset(dir(builtins))
_DOC_CHARS = 600  # of a docstring kept for the vocabulary
_MAX_WORDS = 120  # identifiers kept per atom, the most used first

Documented = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


class Vocabulary:
    def __init__(self, scope: Scope, bound: set[str]) -> None:
        self._scope = scope
        self._bound = bound  # names imports bind: maybe modules, so no words
        self._words: dict[str, dict[str, int]] = {}  # atom -> identifier -> count
        self._docs: dict[str, str] = {}
        self._dotted: dict[str, set[str]] = {}  # atom -> "a.b.C" strings

    def count(self, chain: tuple[str, ...]) -> None:
        words = self._words.setdefault(self._scope.atom, {})
        # After an imported name only the last part is a word: the others may be modules.
        spoken = chain if chain[0] not in self._bound else (chain[0], *chain[1:][-1:])
        for word in spoken:
            words[word] = words.get(word, 0) + 1

    def doc(self, atom: str, node: Documented) -> None:
        body = node.body
        if not body or type(body[0]) is not ast.Expr:
            return
        value = body[0].value
        if type(value) is not ast.Constant or type(value.value) is not str:
            return
        text = ast.get_docstring(node, clean=True)
        if text:
            self._docs[atom] = text[:_DOC_CHARS]

    def dotted(self, text: str) -> None:
        self._dotted.setdefault(self._scope.atom, set()).add(text)

    def facts(self) -> tuple[Words, ...]:
        """A name an import binds may be a module, so it is left out (the path of a module is
        layout, not vocabulary); the definitions it stands for come back as references."""
        result: list[Words] = []
        bound = self._bound
        for atom in sorted(set(self._words) | set(self._docs) | set(self._dotted)):
            counts = self._words.get(atom, {})
            kept = sorted(((word, count) for word, count in counts.items()
                           if word not in bound and word not in BUILTINS),
                          key=lambda item: (-item[1], item[0]))[:_MAX_WORDS]
            doc = self._docs.get(atom, "")
            dotted = tuple(sorted(self._dotted.get(atom, ())))
            if kept or doc or dotted:
                result.append(Words(atom, tuple(sorted(kept)), doc, dotted))
        return tuple(result)
