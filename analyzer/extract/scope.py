"""The walk's shared context: where in the file the walk is, and what a statement binds.

Every concern's handler reads it (``analyzer.extract.walk`` keeps it up to date); none reads
another concern's state.
"""

from __future__ import annotations

import ast

MODULE_LEVEL = ""  # the atom of code outside any top-level definition


class Scope:
    """Mutable while one file is walked."""

    __slots__ = ("atom", "cls", "cond", "context", "func", "quiet", "type_checking")

    def __init__(self) -> None:
        self.func = 0  # functions the walk is inside
        self.cls = 0  # classes the walk is inside
        self.cond = 0  # blocks that run only sometimes (if, try, loops, match)
        self.type_checking = 0  # ``if TYPE_CHECKING:`` blocks
        self.atom = MODULE_LEVEL  # the top-level definition the walk is in
        self.context: list[str] = []  # "annotation", "decorator", "default", "base"
        self.quiet = 0  # > 0: inside an expression whose data flow is already recorded

    @property
    def top(self) -> bool:
        return self.func == 0 and self.cls == 0

    @property
    def in_class_body(self) -> bool:
        return self.cls > 0 and self.func == 0

    @property
    def in_annotation(self) -> bool:
        return bool(self.context) and self.context[-1] == "annotation"


def unstarred(node: ast.expr) -> ast.expr:
    return node.value if type(node) is ast.Starred else node


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds: ``a``, ``a, (b, *c)``."""
    kind = type(target)
    if kind is ast.Name:
        return [target.id]  # type: ignore[attr-defined]
    if kind is ast.Tuple or kind is ast.List:
        names: list[str] = []
        for element in target.elts:  # type: ignore[attr-defined]
            names.extend(target_names(element))
        return names
    if kind is ast.Starred:
        return target_names(target.value)  # type: ignore[attr-defined]
    return []
