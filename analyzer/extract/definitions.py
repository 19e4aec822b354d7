"""Top-level definitions (functions, classes and their methods, with signatures), module-level
variables, a literal ``__all__`` and the classes return annotations name."""

from __future__ import annotations

import ast
import re

from analyzer.extract.exprs import dotted_name
from analyzer.extract.lines import Lines
from analyzer.extract.scope import Scope, unstarred
from analyzer.extract.segments import SourceText
from analyzer.model import Definition, Method, Param, Variable
from analyzer.text import one_literal

DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

Function = ast.FunctionDef | ast.AsyncFunctionDef


def parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None, str]]:
    """Every parameter as written, in order: (parameter, default, kind)."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    found: list[tuple[ast.arg, ast.expr | None, str]] = []
    for index, (param, default) in enumerate(zip(positional, defaults, strict=True)):
        kind = "positional-only" if index < len(args.posonlyargs) else "positional"
        found.append((param, default, kind))
    if args.vararg is not None:
        found.append((args.vararg, None, "var-positional"))
    for param, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        found.append((param, default, "keyword-only"))
    if args.kwarg is not None:
        found.append((args.kwarg, None, "var-keyword"))
    return found


def annotation_name(node: ast.expr, source: SourceText) -> str | None:
    """The class an annotation names: ``Order``, ``Order | None``, ``Optional[Order]``,
    ``list[Order]`` and ``"Order"`` all give ``Order``."""
    name = dotted_name(node)
    if name is not None:
        return name if name != "None" else None
    kind = type(node)
    if kind is ast.Constant:
        text = node.value  # type: ignore[attr-defined]
        if type(text) is str and one_literal(source.segment(node)):
            return text if DOTTED.fullmatch(text) else None
        return None
    if kind is ast.BinOp and type(node.op) is ast.BitOr:  # type: ignore[attr-defined]
        return (annotation_name(node.left, source)  # type: ignore[attr-defined]
                or annotation_name(node.right, source))  # type: ignore[attr-defined]
    if kind is ast.Subscript:
        index = node.slice  # type: ignore[attr-defined]
        elements = index.elts if type(index) is ast.Tuple else [index]
        for element in elements:
            if type(element) is not ast.Slice:
                found = annotation_name(element, source)
                if found is not None:
                    return found
    return None


def names_a_class(dotted_name: str) -> bool:
    """``Order``, ``models.Order``: capitalised, so possibly a model (not ``str``, ``int``)."""
    return dotted_name.rsplit(".", 1)[-1][:1].isupper()


def string_list(node: ast.expr, source: SourceText) -> list[str] | None:
    """``["a", "b"]`` or ``("a", "b")`` of plain literals; None for anything else."""
    if type(node) is not ast.List and type(node) is not ast.Tuple:
        return None
    values: list[str] = []
    for element in node.elts:
        if type(element) is not ast.Constant or type(element.value) is not str:
            return None
        if not one_literal(source.segment(element)):
            return None
        values.append(element.value)
    return values


class Definitions:
    def __init__(self, scope: Scope, lines: Lines) -> None:
        self._scope = scope
        self._lines = lines
        self.definitions: dict[str, Definition] = {}  # the first of a name wins
        self.variables: dict[str, int] = {}
        self._calls: dict[str, list[str]] = {}  # each binding of a name: the callee, or ""
        self.exports: list[str] | None = None
        self.returns: list[tuple[str, str]] = []
        self._methods: list[Method] = []

    def signature(self, args: ast.arguments) -> tuple[Param, ...]:
        """Every parameter as written, in order, with its kind, annotation and default."""
        code = self._lines.code
        return tuple(Param(param.arg, kind,
                           None if param.annotation is None else code(param.annotation),
                           None if default is None else code(default))
                     for param, default, kind in parameters(args))

    def returned(self, node: Function) -> None:
        """The class a top-level function's or a method's return annotation names."""
        scope = self._scope
        top = scope.top
        if node.returns is not None and (top or (scope.cls == 1 and scope.func == 0)):
            returned = annotation_name(node.returns, self._lines.source)
            if returned is not None and names_a_class(returned):
                name = node.name
                self.returns.append((name if top else f"{scope.atom}.{name}", returned))

    def function(self, node: Function, top: bool, decorators: tuple[str, ...]) -> None:
        """After the function's body: a definition, a method of a top-level class, or
        nothing (a nested function)."""
        scope = self._scope
        name = node.name
        is_async = type(node) is ast.AsyncFunctionDef
        signature = self.signature(node.args)
        returns = None if node.returns is None else self._lines.code(node.returns)
        if top:
            if name not in self.definitions:
                self.definitions[name] = Definition(
                    name=name, kind="function", line=node.lineno,
                    end_line=self._lines.end(node), decorators=decorators, bases=(),
                    methods=(), is_async=is_async, params=signature, returns=returns,
                )
        elif scope.cls == 1 and scope.func == 0 and scope.atom:
            self._methods.append(Method(name, node.lineno, self._lines.end(node),
                                        decorators, is_async, signature, returns))

    def class_starts(self) -> None:
        self._methods = []

    def klass(self, node: ast.ClassDef, decorators: tuple[str, ...]) -> None:
        """After a top-level class's body."""
        if node.name not in self.definitions:
            paren = self._lines.class_paren(node) if node.bases else -1
            self.definitions[node.name] = Definition(
                name=node.name, kind="class", line=node.lineno,
                end_line=self._lines.end(node), decorators=decorators,
                bases=tuple(self._lines.text(unstarred(b), paren) for b in node.bases),
                methods=tuple(self._methods), is_async=False,
            )
        self._methods = []

    def bind(self, names: list[str], target: ast.expr, value: ast.expr | None = None,
             binds: bool = True) -> None:
        """Names an assignment binds at module level, and for a name bound to a call's result
        (``value``), the callee as written; an annotation without a value (``binds`` false)
        binds nothing."""
        if self._scope.top:
            line = self._lines.first(target)
            callee = ""
            if type(value) is ast.Call and type(target) is ast.Name:
                callee = dotted_name(value.func) or ""
            for name in names:
                self.variables.setdefault(name, line)
                if binds:
                    self._calls.setdefault(name, []).append(callee)

    def assign_all(self, node: ast.Assign) -> None:
        if self._scope.top and any(type(t) is ast.Name and t.id == "__all__"
                                   for t in node.targets):
            self.exports = string_list(node.value, self._lines.source)

    def extend_all(self, node: ast.AugAssign) -> None:
        target = node.target
        if (self._scope.top and type(target) is ast.Name and target.id == "__all__"
                and self.exports is not None):
            extra = string_list(node.value, self._lines.source)
            self.exports = None if extra is None else self.exports + extra

    def variable_facts(self) -> tuple[Variable, ...]:
        """The module-level names, in order; a name bound more than once is bound to no one
        call."""
        return tuple(Variable(n, ln, calls[0] if len(calls := self._calls.get(n, [])) == 1
                              else "")
                     for n, ln in sorted(self.variables.items(), key=lambda kv: kv[1]))
