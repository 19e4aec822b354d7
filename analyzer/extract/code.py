"""One libcst pass over one file: imports, definitions and the names each definition uses.

The visitor knows nothing of other files. Name uses are kept as dotted chains
(``("inventory_service", "reserve")``) and resolved to definitions later, once every module is
known (``analyzer.resolve``).

Cost matters here: this runs on every file of a 600k-line monolith. No metadata provider is
used. ``ScopeProvider`` costs about seven times a plain parse; the few shadowing cases that
matter (parameters and local assignments hiding a module-level name) are tracked by hand.
``PositionProvider`` records a full position for every node and measured 1.7x the parse itself
on nova; ``_LineState`` instead notes only the line of the node kinds this visitor asks about,
during one plain code generation pass (about a sixth of the parse).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

from analyzer.extract.source import (
    Rejection,
    count_lines,
    cpython_syntax_error,
    decode,
    is_generated,
    python2_hint,
)
from analyzer.extract.source import too_deep as nesting_rejection
from analyzer.model import (
    AtomUses,
    Definition,
    FileFacts,
    Method,
    NameUse,
    ParseStatus,
    RawImport,
    Variable,
)

# Bump when the facts extracted from a file change: it keys the cache.
EXTRACTOR_VERSION = "code-3"

_BUILTINS = frozenset(dir(builtins))
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_EMPTY_MODULE = cst.Module(body=[])
_MAX_TEXT = 160
_MODULE_LEVEL = ""


def dotted(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """``a.b.c`` as ``("a", "b", "c")``; None for anything that is not a plain name chain."""
    parts: list[str] = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.Attribute):
        parts.append(current.attr.value)
        current = current.value
    if not isinstance(current, cst.Name):
        return None
    parts.append(current.value)
    parts.reverse()
    return tuple(parts)


def _text(node: cst.CSTNode) -> str:
    if isinstance(node, cst.BaseExpression):
        chain = dotted(node)
        if chain is not None:
            return ".".join(chain)
        if isinstance(node, cst.Call):
            func = dotted(node.func)
            if func is not None:
                return ".".join(func) + "(...)"
    code = " ".join(_EMPTY_MODULE.code_for_node(node).split())
    return code if len(code) <= _MAX_TEXT else code[: _MAX_TEXT - 3] + "..."


def _import_module_name(node: cst.Attribute | cst.Name) -> str:
    chain = dotted(node)
    return ".".join(chain) if chain else _EMPTY_MODULE.code_for_node(node)


def _is_type_checking(test: cst.BaseExpression) -> bool:
    chain = dotted(test)
    return chain is not None and chain[-1] == "TYPE_CHECKING"


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: list[str] = []
        for element in target.elements:
            names.extend(_target_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _string_list(node: cst.BaseExpression) -> list[str] | None:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    values: list[str] = []
    for element in node.elements:
        value = element.value
        if not isinstance(value, cst.SimpleString):
            return None
        text = value.evaluated_value
        if not isinstance(text, str):
            return None
        values.append(text)
    return values


class _Tally:
    """How often one chain is used inside one atom (mutable while a file is walked)."""

    __slots__ = ("count", "kinds", "line")

    def __init__(self, line: int, kind: str) -> None:
        self.count = 1
        self.line = line
        self.kinds = {kind}


_LINE_NODES = (cst.Name, cst.SimpleString, cst.Import, cst.ImportFrom)
_END_NODES = (cst.FunctionDef, cst.ClassDef)


class _LineState(CodegenState):
    """Code generation that notes the line where each node of interest starts or ends."""

    __slots__ = ("_line", "_scanned", "ends", "starts")

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self._line = 1
        self._scanned = 0

    def _current(self) -> int:
        tokens = self.tokens
        end = len(tokens)
        if end > self._scanned:
            self._line += "".join(tokens[self._scanned:end]).count("\n")
            self._scanned = end
        return self._line

    def before_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, _LINE_NODES):
            self.starts[id(node)] = self._current()

    def after_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, _END_NODES):
            self.ends[id(node)] = self._current() - 1


class _FileVisitor(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        lines = _LineState(module)
        module._codegen(lines)
        self._starts = lines.starts
        self._ends = lines.ends
        self.imports: list[RawImport] = []
        self.definitions: dict[str, Definition] = {}
        self.variables: dict[str, int] = {}
        self.exports: list[str] | None = None
        self.bound: set[str] = set()
        self.star = False
        self._func = 0
        self._cls = 0
        self._cond = 0
        self._type_checking = 0
        self._atom = _MODULE_LEVEL
        self._methods: list[Method] = []
        self._context: list[str] = []
        self._calls: set[int] = set()
        self._uses: dict[str, dict[tuple[str, ...], _Tally]] = {}
        self._locals: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ helpers

    def _line(self, node: cst.CSTNode) -> int:
        while isinstance(node, cst.Attribute):
            node = node.value
        return self._starts.get(id(node), 0)

    def _end_line(self, node: cst.CSTNode) -> int:
        return self._ends.get(id(node), 0)

    def _use(self, chain: tuple[str, ...], node: cst.CSTNode, kind: str) -> None:
        if chain[0] in _BUILTINS and chain[0] not in self.bound:
            return
        table = self._uses.setdefault(self._atom, {})
        tally = table.get(chain)
        if tally is None:
            table[chain] = _Tally(self._line(node), kind)
        else:
            tally.count += 1
            tally.kinds.add(kind)

    def _kind(self, node: cst.CSTNode, chain: tuple[str, ...]) -> str:
        if self._context:
            return self._context[-1]
        if id(node) in self._calls:
            return "call"
        return "attribute" if len(chain) > 1 else "name"

    def _local(self, names: Sequence[str]) -> None:
        if self._func:
            self._locals.setdefault(self._atom, set()).update(names)

    def _visit_in(self, context: str, node: cst.CSTNode | None) -> None:
        if node is None:
            return
        self._context.append(context)
        node.visit(self)
        self._context.pop()

    def _import(self, line: int, level: int, module: str, name: str | None,
                alias: str | None) -> None:
        self.imports.append(RawImport(
            line=line, level=level, module=module, name=name, alias=alias,
            conditional=self._cond > 0, type_checking=self._type_checking > 0,
            in_function=self._func > 0,
        ))

    # ------------------------------------------------------------------ imports

    def visit_Import(self, node: cst.Import) -> bool:
        line = self._line(node)
        for alias in node.names:
            module = _import_module_name(alias.name)
            asname = alias.evaluated_alias
            self._import(line, 0, module, None, asname)
            bound = asname or module.split(".")[0]
            self.bound.add(bound)
            if self._func:
                self._locals.setdefault(self._atom, set()).discard(bound)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        line = self._line(node)
        level = len(node.relative)
        module = _import_module_name(node.module) if node.module is not None else ""
        if isinstance(node.names, cst.ImportStar):
            self._import(line, level, module, "*", None)
            self.star = True
            return False
        for alias in node.names:
            name = _import_module_name(alias.name)
            asname = alias.evaluated_alias
            self._import(line, level, module, name, asname)
            self.bound.add(asname or name)
        return False

    # ------------------------------------------------------------------ control flow

    def visit_If(self, node: cst.If) -> bool:
        node.test.visit(self)
        checking = _is_type_checking(node.test)
        if checking:
            self._type_checking += 1
        else:
            self._cond += 1
        node.body.visit(self)
        if checking:
            self._type_checking -= 1
            self._cond += 1
        if node.orelse is not None:
            node.orelse.visit(self)
        self._cond -= 1
        return False

    # Imports under these blocks run only sometimes. Explicit methods, not an ``on_visit``
    # hook: the hook costs an extra call on every node of every file (4 % of extraction).
    def visit_Try(self, node: cst.Try) -> None:
        self._cond += 1

    def leave_Try(self, original_node: cst.Try) -> None:
        self._cond -= 1

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._cond += 1

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._cond -= 1

    def visit_While(self, node: cst.While) -> None:
        self._cond += 1

    def leave_While(self, original_node: cst.While) -> None:
        self._cond -= 1

    def visit_Match(self, node: cst.Match) -> None:
        self._cond += 1

    def leave_Match(self, original_node: cst.Match) -> None:
        self._cond -= 1

    def leave_For(self, original_node: cst.For) -> None:
        self._cond -= 1

    def visit_For(self, node: cst.For) -> None:
        self._cond += 1
        self._local(_target_names(node.target))

    # ------------------------------------------------------------------ definitions

    def _decorators(self, decorators: Sequence[cst.Decorator]) -> tuple[str, ...]:
        for decorator in decorators:
            self._visit_in("decorator", decorator.decorator)
        return tuple(_text(d.decorator) for d in decorators)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        top = self._func == 0 and self._cls == 0
        name = node.name.value
        if top:
            self._atom = name
        decorators = self._decorators(node.decorators)
        node.params.visit(self)
        if node.returns is not None:
            node.returns.visit(self)
        self._func += 1
        node.body.visit(self)
        self._func -= 1
        is_async = node.asynchronous is not None
        if top:
            if name not in self.definitions:
                self.definitions[name] = Definition(
                    name=name, kind="function", line=self._line(node.name),
                    end_line=self._end_line(node), decorators=decorators, bases=(),
                    methods=(), is_async=is_async,
                )
            self._atom = _MODULE_LEVEL
        elif self._cls == 1 and self._func == 0 and self._atom:
            self._methods.append(Method(name, self._line(node.name), self._end_line(node),
                                        decorators, is_async))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        top = self._func == 0 and self._cls == 0
        name = node.name.value
        if top:
            self._atom = name
            self._methods = []
        decorators = self._decorators(node.decorators)
        for base in node.bases:
            self._visit_in("base", base.value)
        for keyword in node.keywords:
            keyword.value.visit(self)
        self._cls += 1
        node.body.visit(self)
        self._cls -= 1
        if top:
            if name not in self.definitions:
                self.definitions[name] = Definition(
                    name=name, kind="class", line=self._line(node.name),
                    end_line=self._end_line(node), decorators=decorators,
                    bases=tuple(_text(b.value) for b in node.bases),
                    methods=tuple(self._methods), is_async=False,
                )
            self._atom = _MODULE_LEVEL
            self._methods = []
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        self._locals.setdefault(self._atom, set()).add(node.name.value)
        if node.annotation is not None:
            node.annotation.visit(self)
        self._visit_in("default", node.default)
        return False

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._context.append("annotation")

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._context.pop()

    # ------------------------------------------------------------------ bindings

    def _bind_module_level(self, names: Sequence[str], target: cst.BaseExpression) -> None:
        if self._func == 0 and self._cls == 0:
            line = self._first_line(target)
            for name in names:
                self.variables.setdefault(name, line)

    def _first_line(self, target: cst.BaseExpression) -> int:
        while isinstance(target, (cst.Tuple, cst.List, cst.StarredElement)):
            if isinstance(target, cst.StarredElement):
                target = target.value
            elif target.elements:
                target = target.elements[0].value
            else:
                break
        return self._line(target)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        names = _target_names(node.target)
        if names:
            self._bind_module_level(names, node.target)
            self._local(names)
            return False
        return True

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._func == 0 and self._cls == 0 and any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets
        ):
            self.exports = _string_list(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if (self._func == 0 and self._cls == 0 and isinstance(node.target, cst.Name)
                and node.target.value == "__all__" and self.exports is not None):
            extra = _string_list(node.value)
            self.exports = None if extra is None else self.exports + extra

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        names = _target_names(node.target)
        if names:
            self._bind_module_level(names, node.target)
            self._local(names)
        else:
            node.target.visit(self)
        node.annotation.visit(self)
        if node.value is not None:
            node.value.visit(self)
        return False

    def visit_AsName(self, node: cst.AsName) -> bool:
        if isinstance(node.name, cst.BaseExpression):
            self._local(_target_names(node.name))
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self._local(_target_names(node.target))
        node.value.visit(self)
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    # ------------------------------------------------------------------ uses

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.add(id(node.func))

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        chain = dotted(node)
        if chain is None:
            return True
        self._use(chain, node, self._kind(node, chain))
        return False

    def visit_Name(self, node: cst.Name) -> bool:
        chain = (node.value,)
        self._use(chain, node, self._kind(node, chain))
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # A forward reference in an annotation: ``def f(x: "Order")``.
        if self._context and self._context[-1] == "annotation":
            value = node.evaluated_value
            if isinstance(value, str) and _DOTTED.fullmatch(value):
                self._use(tuple(value.split(".")), node, "annotation")

    # ------------------------------------------------------------------ result

    def facts(self, lines: int) -> FileFacts:
        known = self.bound | set(self.definitions) | set(self.variables)
        uses: list[AtomUses] = []
        for atom in sorted(self._uses):
            shadow = self._locals.get(atom, set())
            kept = [
                NameUse(chain, tuple(sorted(tally.kinds)), tally.count, tally.line)
                for chain, tally in sorted(self._uses[atom].items())
                if chain[0] not in shadow and (chain[0] in known or self.star)
            ]
            if kept:
                uses.append(AtomUses(atom, tuple(kept)))
        return FileFacts(
            status=ParseStatus.OK,
            lines=lines,
            imports=tuple(self.imports),
            definitions=tuple(self.definitions.values()),
            variables=tuple(Variable(n, ln) for n, ln in sorted(self.variables.items(),
                                                                  key=lambda kv: kv[1])),
            exports=None if self.exports is None else tuple(self.exports),
            uses=tuple(uses),
        )


def _rejected(rejection: Rejection, lines: int) -> FileFacts:
    return FileFacts(status=rejection.status, lines=lines,
                     problem=(rejection.line, rejection.message))


def extract(data: bytes, *, marker: str, include_generated: bool,
            max_bytes: int) -> FileFacts:
    """All facts of one file's bytes. Never raises for bad input: it reports it."""
    lines = count_lines(data)
    if len(data) > max_bytes:
        return FileFacts(status=ParseStatus.TOO_LARGE, lines=lines, problem=(
            1, f"file is {len(data):,} bytes, over the max-file-bytes limit of {max_bytes:,}; "
               "skipped (raise max-file-bytes to read it)"))
    text = decode(data)
    if isinstance(text, Rejection):
        return _rejected(text, lines)
    if not include_generated:
        marked = is_generated(text, marker)
        if marked:
            return FileFacts(status=ParseStatus.GENERATED, lines=lines, problem=(
                marked, f"generated code ({marker} marker); skipped "
                        "(use --include-generated to read it)"))
    deep = nesting_rejection(text)
    if deep is not None:
        return _rejected(deep, lines)
    try:
        module = cst.parse_module(text)
        visitor = _FileVisitor(module)
        module.visit(visitor)
    except cst.ParserSyntaxError as exc:
        line, message = exc.raw_line, " ".join(exc.message.split())
        precise = cpython_syntax_error(text)
        if precise is not None:
            line, message = precise
        if len(message) > 200:
            message = message[:197] + "..."
        return FileFacts(status=ParseStatus.SYNTAX_ERROR, lines=lines, problem=(
            line, f"syntax error: {message}{python2_hint(text, line)}"))
    except cst.CSTValidationError as exc:  # e.g. an identifier character newer than Unicode
        return FileFacts(status=ParseStatus.SYNTAX_ERROR, lines=lines,  # tables of this Python
                         problem=(1, f"syntax error: {exc}"))
    except RecursionError:
        return FileFacts(status=ParseStatus.TOO_DEEP, lines=lines, problem=(
            1, "too deeply nested to analyse (the parser ran out of recursion depth)"))
    except Exception as exc:  # a parser bug must cost one file, not the run
        return FileFacts(status=ParseStatus.CRASHED, lines=lines, problem=(
            1, f"the parser failed on this file ({type(exc).__name__}: {exc}); skipped"))
    return visitor.facts(lines)
