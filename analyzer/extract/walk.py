"""One walk of a file's ``ast`` tree, in source order, dispatching each node by type.

The walk keeps the shared context (``analyzer.extract.scope``: functions and classes it is in,
the current atom, the annotation/default/decorator/base context, the quiet count) and decides
which children are visited in what context; each concern keeps its own facts: imports
(``imports``), definitions and variables (``definitions``), the classes' bodies (``classes``),
name uses (``uses``), the vocabulary (``words``), the data flow (``flows``). One walk rather
than one per concern: a walk that only dispatches costs about a third of the whole, and the
concerns read each other's results while the file is read (a use needs the imports' names).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from typing import Any

from analyzer.extract.classes import class_facts
from analyzer.extract.definitions import (
    DOTTED,
    Definitions,
    annotation_name,
    names_a_class,
    parameters,
)
from analyzer.extract.endpoints import EndpointNames
from analyzer.extract.exprs import Summarizer, call_args, dotted
from analyzer.extract.flows import Flows
from analyzer.extract.imports import Imports
from analyzer.extract.lines import Lines
from analyzer.extract.literals import concatenation, pieces
from analyzer.extract.scope import MODULE_LEVEL, Scope, target_names, unstarred
from analyzer.extract.segments import SourceText
from analyzer.extract.uses import Uses
from analyzer.extract.words import Vocabulary
from analyzer.model import ClassFacts, FileFacts, ParseStatus
from analyzer.text import one_literal

_SQL_WORD = re.compile(r"select|insert|update|delete|with|create|alter|drop|replace|merge"
                       r"|truncate", re.IGNORECASE)
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})

_Handler = Callable[["FileWalk", Any], None]


def _is_type_checking(test: ast.expr) -> bool:
    chain = dotted(test)
    return chain is not None and chain[-1] == "TYPE_CHECKING"


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if type(test) is not ast.Compare or len(test.ops) != 1 or type(test.ops[0]) is not ast.Eq:
        return False
    sides = {type(side): side for side in (test.left, test.comparators[0])}
    name, constant = sides.get(ast.Name), sides.get(ast.Constant)
    return (type(name) is ast.Name and name.id == "__name__"
            and type(constant) is ast.Constant and constant.value == "__main__")


class FileWalk:
    def __init__(self, source: SourceText, raw_lines: Sequence[str],
                 vocabulary: frozenset[str]) -> None:
        self._scope = scope = Scope()
        self._script = False  # a top-level ``if __name__ == "__main__":``
        self._source = source
        self._lines = lines = Lines(source, raw_lines)
        self._summarizer = Summarizer(vocabulary, source)
        self._imports = Imports(scope)
        self._definitions = Definitions(scope, lines)
        self._words = Vocabulary(scope, self._imports.bound)
        self._uses = Uses(scope, self._imports.bound, self._words, lines.line)
        self._flows = Flows(scope, lines, self._summarizer)
        self._endpoints = EndpointNames(scope)
        self._classes: list[ClassFacts] = []

    # ------------------------------------------------------------------ the walk

    def visit(self, node: ast.AST) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)
        else:
            self._generic(node)

    def _generic(self, node: ast.AST) -> None:
        fields = _CHILDREN.get(type(node))
        if fields is None:
            fields = _children(type(node))
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def _visit_all(self, nodes: Sequence[ast.AST]) -> None:
        for node in nodes:
            self.visit(node)

    def _visit_in(self, context: str, node: ast.AST | None) -> None:
        if node is None:
            return
        self._scope.context.append(context)
        self.visit(node)
        self._scope.context.pop()

    def _quietly(self, node: ast.AST) -> None:
        """Visit ``node`` for name uses only: its data flow is already recorded."""
        self._scope.quiet += 1
        self.visit(node)
        self._scope.quiet -= 1

    # ------------------------------------------------------------------ strings

    def _on_constant(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) is not str:
            return  # bytes, numbers: nothing; None, True and False: builtins
        annotation = self._scope.in_annotation
        if not annotation and value.count(".") < 2 and _SQL_WORD.search(value) is None:
            return  # neither a dotted reference nor SQL, whatever pieces it has
        segment = self._source.segment(node)
        if not one_literal(segment):
            self._run(node, segment, [])
            return
        self._literal(value, len(segment), node.lineno)
        if not annotation:
            self._flows.loose_sql(value, node.lineno)

    def _literal(self, value: str | None, size: int, line: int) -> None:
        """A plain literal: a forward reference in an annotation, or a dotted string
        (``"shop.models.Order"``). Its SQL is left to the caller."""
        if self._scope.in_annotation:
            # A forward reference in an annotation: ``def f(x: "Order")``.
            if value is not None and DOTTED.fullmatch(value):
                self._uses.use(tuple(value.split(".")), line, "annotation")
            return
        if size < 120 and value is not None and value.count(".") >= 2 and DOTTED.fullmatch(
                value):
            self._words.dotted(value)

    def _on_joined(self, node: ast.JoinedStr) -> None:
        fields = [value for value in node.values if type(value) is ast.FormattedValue]
        self._run(node, self._source.segment(node), fields)

    def _run(self, node: ast.expr, segment: str, fields: list[ast.FormattedValue]) -> None:
        """A run of literals (or a lone f-string), visited as libcst nested it: each tail of
        the run, then each literal."""
        scope, flows = self._scope, self._flows
        found, left_over = pieces(node, segment, fields)
        texts = [piece.text for piece in found]
        quieted = 0
        for index, piece in enumerate(found):
            if index < len(found) - 1 and flows.loose_sql(concatenation(texts, index),
                                                         piece.line):
                scope.quiet += 1
                quieted += 1
            if piece.fstring:
                quiet = flows.loose_sql(piece.text, piece.line)
                scope.quiet += quiet
                for field in piece.fields:
                    self._field(field)
                scope.quiet -= quiet
            else:
                self._literal(piece.text, len(piece.raw), piece.line)
                if not scope.in_annotation:
                    flows.loose_sql(piece.text, piece.line)
        for field in left_over:
            self._field(field)
        scope.quiet -= quieted

    def _field(self, field: ast.FormattedValue) -> None:
        self.visit(field.value)
        spec = field.format_spec
        if type(spec) is ast.JoinedStr:
            for value in spec.values:
                if type(value) is ast.FormattedValue:
                    self._field(value)

    # ------------------------------------------------------------------ imports

    def _on_import(self, node: ast.Import) -> None:
        self._uses.imported(self._imports.on_import(node))

    def _on_import_from(self, node: ast.ImportFrom) -> None:
        self._imports.on_import_from(node)

    # ------------------------------------------------------------------ control flow

    def _on_if(self, node: ast.If) -> None:
        scope = self._scope
        if scope.top and scope.cond == 0 and _is_main_guard(node.test):
            self._script = True
        self.visit(node.test)
        checking = _is_type_checking(node.test)
        if checking:
            scope.type_checking += 1
        else:
            scope.cond += 1
        self._visit_all(node.body)
        if checking:
            scope.type_checking -= 1
            scope.cond += 1
        self._visit_all(node.orelse)
        scope.cond -= 1

    def _on_conditional(self, node: ast.AST) -> None:
        """Try, while and match: imports under them run only sometimes."""
        self._scope.cond += 1
        self._generic(node)
        self._scope.cond -= 1

    def _on_for(self, node: ast.For | ast.AsyncFor) -> None:
        self._scope.cond += 1
        self._uses.local(target_names(node.target))
        self.visit(node.target)
        if self._flows.bind(node.target, node.iter, "for"):
            self._quietly(node.iter)
        else:
            self.visit(node.iter)
        self._visit_all(node.body)
        self._visit_all(node.orelse)
        self._scope.cond -= 1

    def _on_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._uses.local(target_names(item.optional_vars))
        self._visit_all(node.body)

    def _on_handler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name is not None:
            self._uses.local([node.name])
        self._visit_all(node.body)

    # ------------------------------------------------------------------ definitions

    def _decorators(self, decorators: list[ast.expr]) -> tuple[str, ...]:
        for decorator in decorators:
            self._visit_in("decorator", decorator)
        return tuple(self._lines.text(d) for d in decorators)

    def _params(self, args: ast.arguments) -> None:
        for param, default, _ in parameters(args):
            self._uses.parameter(param.arg)
            if param.annotation is not None:
                self._visit_in("annotation", param.annotation)
            self._visit_in("default", default)

    def _typed_params(self, args: ast.arguments) -> tuple[tuple[str, str | None], ...]:
        """Parameters with the class their annotation names, or None (``self`` and ``cls``
        left out): the data stage types them, or guesses a model from the name."""
        found: list[tuple[str, str | None]] = []
        for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if param.arg in ("self", "cls"):
                continue
            name = None
            if param.annotation is not None:
                name = annotation_name(param.annotation, self._source)
                if name is not None and not names_a_class(name):
                    name = None
            found.append((param.arg, name))
        return tuple(found)

    def _on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope = self._scope
        top = scope.top
        self._endpoints.decorated(node)
        if top:
            scope.atom = node.name
            self._words.doc(node.name, node)
        decorators = self._decorators(node.decorator_list)
        self._params(node.args)
        if node.returns is not None:
            self._visit_in("annotation", node.returns)
        self._definitions.returned(node)
        saved = self._flows.start(node, self._typed_params(node.args))
        scope.func += 1
        self._visit_all(node.body)
        scope.func -= 1
        self._flows.end(saved)
        self._definitions.function(node, top, decorators)
        if top:
            scope.atom = MODULE_LEVEL

    def _on_class(self, node: ast.ClassDef) -> None:
        scope = self._scope
        top = scope.top
        if top:
            scope.atom = node.name
            self._definitions.class_starts()
            facts = class_facts(node, self._lines, self._summarizer)
            if facts is not None:
                self._classes.append(facts)
            self._words.doc(node.name, node)
        decorators = self._decorators(node.decorator_list)
        for base in node.bases:
            self._visit_in("base", unstarred(base))
        for keyword in node.keywords:
            self.visit(keyword.value)
        scope.cls += 1
        self._visit_all(node.body)
        scope.cls -= 1
        if top:
            self._definitions.klass(node, decorators)
            scope.atom = MODULE_LEVEL

    def _on_lambda(self, node: ast.Lambda) -> None:
        self._params(node.args)
        self.visit(node.body)

    # ------------------------------------------------------------------ bindings

    def _assign_target(self, target: ast.expr, value: ast.expr | None = None,
                       binds: bool = True) -> None:
        names = target_names(target)
        if names:
            self._definitions.bind(names, target, value, binds)
            self._uses.local(names)
        else:
            self.visit(target)

    def _on_assign(self, node: ast.Assign) -> None:
        self._definitions.assign_all(node)
        self._endpoints.assigned(node.targets, node.value, node.lineno)
        for target in node.targets:
            self._flows.attribute_write(target)
            self._assign_target(target, node.value)
        if len(node.targets) == 1 and self._flows.bind(node.targets[0], node.value, "="):
            self._quietly(node.value)
        else:
            self.visit(node.value)

    def _on_aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        self._definitions.extend_all(node)
        self._flows.attribute_write(target)
        self.visit(target)
        if (type(target) is ast.Name and type(node.op) is ast.Add
                and self._flows.bind(target, node.value, "+=")):
            self._quietly(node.value)
        else:
            self.visit(node.value)

    def _on_ann_assign(self, node: ast.AnnAssign) -> None:
        self._endpoints.assigned([node.target], node.value, node.lineno)
        self._assign_target(node.target, node.value, binds=node.value is not None)
        self._visit_in("annotation", node.annotation)
        if node.value is not None:
            if self._flows.bind(node.target, node.value, "="):
                self._quietly(node.value)
            else:
                self.visit(node.value)

    def _on_named(self, node: ast.NamedExpr) -> None:
        self._uses.local(target_names(node.target))
        self.visit(node.value)

    def _on_type_alias(self, node: Any) -> None:
        """``type X[T] = Y`` (Python 3.12): binds ``X``, as its rewrite ``X = Y`` does on
        older interpreters (``analyzer.extract.downgrade``)."""
        self._assign_target(node.name)
        self.visit(node.value)

    def _on_nothing(self, node: ast.AST) -> None:
        pass

    # ------------------------------------------------------------------ uses

    def _on_expr(self, node: ast.Expr) -> None:
        # A string on its own (a docstring) is documentation, never SQL that runs.
        value = node.value
        if type(value) is ast.Constant and type(value.value) in (str, bytes):
            return
        if type(value) is ast.JoinedStr and not one_literal(self._source.segment(value)):
            return  # a run of literals, one of them an f-string
        self.visit(value)

    def _on_call(self, node: ast.Call) -> None:
        self._uses.calls.add(id(node.func))
        self._endpoints.called(node)
        quieted = self._flows.evaluate(node)
        self._scope.quiet += quieted
        self.visit(node.func)
        if node.keywords:
            for _, _, value in call_args(node):
                self.visit(value)
        else:
            for arg in node.args:
                self.visit(unstarred(arg))
        self._scope.quiet -= quieted

    def _on_attribute(self, node: ast.Attribute) -> None:
        chain = dotted(node)
        if chain is None:  # ``f().attr``: libcst saw ``attr`` as a name
            self.visit(node.value)
            context = self._scope.context
            self._uses.use((node.attr,), node.end_lineno or node.lineno,
                           context[-1] if context else "name")
            return
        self._uses.use(chain, node, self._uses.kind(node, chain))

    def _on_name(self, node: ast.Name) -> None:
        chain = (node.id,)
        self._uses.use(chain, node, self._uses.kind(node, chain))

    def _on_dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None:
                self.visit(key)
            self.visit(value)

    def _on_if_exp(self, node: ast.IfExp) -> None:
        self.visit(node.body)
        self.visit(node.test)
        self.visit(node.orelse)

    # Names in patterns (``case Point(x=0) as p``) were names to libcst too.
    def _pattern_name(self, name: str | None, line: int) -> None:
        if name is not None:
            context = self._scope.context
            self._uses.use((name,), line, context[-1] if context else "name")

    def _on_match_as(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        self._pattern_name(node.name, node.end_lineno or node.lineno)

    def _on_match_star(self, node: ast.MatchStar) -> None:
        self._pattern_name(node.name, node.lineno)

    def _on_match_mapping(self, node: ast.MatchMapping) -> None:
        for key, pattern in zip(node.keys, node.patterns, strict=True):
            self.visit(key)
            self.visit(pattern)
        self._pattern_name(node.rest, node.end_lineno or node.lineno)

    def _on_match_class(self, node: ast.MatchClass) -> None:
        self.visit(node.cls)
        self._visit_all(node.patterns)
        for attr, pattern in zip(node.kwd_attrs, node.kwd_patterns, strict=True):
            self._pattern_name(attr, pattern.lineno)
            self.visit(pattern)

    # ------------------------------------------------------------------ result

    def walk(self, module: ast.Module) -> None:
        self._words.doc(MODULE_LEVEL, module)
        self._visit_all(module.body)

    def facts(self, lines: int) -> FileFacts:
        imports, definitions = self._imports, self._definitions
        known = imports.bound | set(definitions.definitions) | set(definitions.variables)
        return FileFacts(
            status=ParseStatus.OK,
            lines=lines,
            imports=tuple(imports.imports),
            definitions=tuple(definitions.definitions.values()),
            variables=definitions.variable_facts(),
            exports=None if definitions.exports is None else tuple(definitions.exports),
            uses=self._uses.facts(known, imports.star),
            classes=tuple(self._classes),
            returns=tuple(definitions.returns),
            flows=self._flows.facts(),
            words=self._words.facts(),
            endpoints=self._endpoints.facts(),
            script=self._script,
        )


_CHILDREN: dict[type, tuple[str, ...]] = {}


def _children(kind: type) -> tuple[str, ...]:
    fields = tuple(name for name in getattr(kind, "_fields", ()) if name not in _SKIPPED_FIELDS)
    _CHILDREN[kind] = fields
    return fields


_HANDLERS: dict[type, _Handler] = {
    ast.Import: FileWalk._on_import,
    ast.ImportFrom: FileWalk._on_import_from,
    ast.If: FileWalk._on_if,
    ast.Try: FileWalk._on_conditional,
    ast.While: FileWalk._on_conditional,
    ast.Match: FileWalk._on_conditional,
    ast.For: FileWalk._on_for,
    ast.AsyncFor: FileWalk._on_for,
    ast.With: FileWalk._on_with,
    ast.AsyncWith: FileWalk._on_with,
    ast.ExceptHandler: FileWalk._on_handler,
    ast.FunctionDef: FileWalk._on_function,
    ast.AsyncFunctionDef: FileWalk._on_function,
    ast.ClassDef: FileWalk._on_class,
    ast.Lambda: FileWalk._on_lambda,
    ast.Assign: FileWalk._on_assign,
    ast.AugAssign: FileWalk._on_aug_assign,
    ast.AnnAssign: FileWalk._on_ann_assign,
    ast.NamedExpr: FileWalk._on_named,
    ast.Global: FileWalk._on_nothing,
    ast.Nonlocal: FileWalk._on_nothing,
    ast.Expr: FileWalk._on_expr,
    ast.Call: FileWalk._on_call,
    ast.Attribute: FileWalk._on_attribute,
    ast.Name: FileWalk._on_name,
    ast.Constant: FileWalk._on_constant,
    ast.JoinedStr: FileWalk._on_joined,
    ast.Dict: FileWalk._on_dict,
    ast.IfExp: FileWalk._on_if_exp,
    ast.MatchAs: FileWalk._on_match_as,
    ast.MatchStar: FileWalk._on_match_star,
    ast.MatchMapping: FileWalk._on_match_mapping,
    ast.MatchClass: FileWalk._on_match_class,
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _HANDLERS[ast.TryStar] = FileWalk._on_conditional
if hasattr(ast, "TypeAlias"):  # Python 3.12
    _HANDLERS[ast.TypeAlias] = FileWalk._on_type_alias
