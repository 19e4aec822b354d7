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
import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import pairwise
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from analyzer.extract.exprs import (
    SQLISH,
    Summarizer,
    dotted,
    dotted_name,
    kept_string,
    string_value,
)
from analyzer.extract.source import (
    Rejection,
    count_lines,
    cpython_reading,
    cpython_syntax_error,
    decode,
    is_generated,
    merge_string_runs,
    python2_hint,
    suppressions,
)
from analyzer.extract.source import too_deep as nesting_rejection
from analyzer.model import (
    AtomUses,
    Bind,
    Call,
    ClassFacts,
    Definition,
    Evaluate,
    Event,
    Expr,
    FileFacts,
    Flow,
    LooseSql,
    Method,
    Name,
    NameUse,
    Param,
    ParseStatus,
    RawImport,
    Start,
    Str,
    Target,
    Variable,
    Words,
    Write,
)

# When the facts extracted here change, bump EXTRACTOR_VERSION (analyzer/extract/__init__.py).
_BUILTINS = frozenset(dir(builtins))
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_EMPTY_MODULE = cst.Module(body=[])
_MAX_TEXT = 160
_MAX_SNIPPET = 100
_MODULE_LEVEL = ""
_DOC_CHARS = 600  # of a docstring kept for the vocabulary
_MAX_WORDS = 120  # identifiers kept per atom, the most used first
_PART_AFTER_CHARS = 1_000_000  # a module longer than this is parsed in parts (``_parts``)
_LINES_PER_PART = 20_000


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


def _typed_call(summary: Expr) -> bool:
    """``Order(...)``, ``get_order(...)``, ``services.load(...)``: a call of a name the data
    stage can resolve to a model class or to a function whose return annotation names one.
    (Methods of ``self`` and of locals it cannot type are left out: most calls are those.)"""
    match summary:
        case Call(Name(name)):
            return name.split(".", 1)[0] not in ("self", "cls")
    return False


def _names_a_class(dotted_name: str) -> bool:
    """``Order``, ``models.Order``: capitalised, so possibly a model (not ``str``, ``int``)."""
    return dotted_name.rsplit(".", 1)[-1][:1].isupper()


_SOURCE_LIMIT = 120
_SQL_HEAD = 2_000  # of a run of adjacent literals, read to see whether it is SQL


def _source(node: cst.CSTNode) -> str:
    """An expression's source text, on one line, shortened."""
    text = " ".join(_EMPTY_MODULE.code_for_node(node).split())
    return text if len(text) <= _SOURCE_LIMIT else text[:_SOURCE_LIMIT - 3] + "..."


def _signature(params: cst.Parameters) -> tuple[Param, ...]:
    """Every parameter as written, in order, with its kind, annotation and default."""
    found: list[Param] = []

    def add(param: cst.Param, kind: str) -> None:
        annotation = None if param.annotation is None else _source(param.annotation.annotation)
        default = None if param.default is None else _source(param.default)
        found.append(Param(param.name.value, kind, annotation, default))

    for param in params.posonly_params:
        add(param, "positional-only")
    for param in params.params:
        add(param, "positional")
    if isinstance(params.star_arg, cst.Param):
        add(params.star_arg, "var-positional")
    for param in params.kwonly_params:
        add(param, "keyword-only")
    if params.star_kwarg is not None:
        add(params.star_kwarg, "var-keyword")
    return tuple(found)


def _fields(body: cst.BaseSuite, line: Callable[[cst.CSTNode], int]
            ) -> tuple[tuple[str, str, str | None, int], ...]:
    """``name: annotation [= default]`` statements directly in a class body."""
    if not isinstance(body, cst.IndentedBlock):
        return ()
    found: list[tuple[str, str, str | None, int]] = []
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                found.append((small.target.value, _source(small.annotation.annotation),
                              None if small.value is None else _source(small.value),
                              line(small.target)))
    return tuple(found)


def _typed_params(params: cst.Parameters) -> tuple[tuple[str, str | None], ...]:
    """Parameters with the class their annotation names, or None (``self`` and ``cls`` left
    out): the data stage types them, or guesses a model from the name."""
    found: list[tuple[str, str | None]] = []
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value in ("self", "cls"):
            continue
        name = None
        if param.annotation is not None:
            name = _annotation_name(param.annotation.annotation)
            if name is not None and not _names_a_class(name):
                name = None
        found.append((param.name.value, name))
    return tuple(found)


def _assignments(body: cst.BaseSuite, summarizer: Summarizer,
                 line: Callable[[cst.CSTNode], int]) -> tuple[tuple[str, Expr, int], ...]:
    """``name = value`` statements directly in a class body, summarised."""
    found: list[tuple[str, Expr, int]] = []
    if not isinstance(body, cst.IndentedBlock):
        return ()
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            target: cst.BaseExpression | None = None
            value: cst.BaseExpression | None = None
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            if isinstance(target, cst.Name) and value is not None:
                found.append((target.value, summarizer.summary(value), line(target)))
    return tuple(found)


def _pruned(events: list[Event]) -> tuple[Event, ...]:
    """Drop function starts that no other event follows: most functions touch no data."""
    kept: list[Event] = []
    for event in events:
        if kept and isinstance(kept[-1], Start) and isinstance(event, Start):
            kept.pop()
        kept.append(event)
    if kept and isinstance(kept[-1], Start):
        kept.pop()
    return tuple(kept)


class _Tally:
    """How often one chain is used inside one atom (mutable while a file is walked)."""

    __slots__ = ("count", "kinds", "line")

    def __init__(self, line: int, kind: str) -> None:
        self.count = 1
        self.line = line
        self.kinds = {kind}


# Exact classes, tested with ``type(node) in``: isinstance on libcst's ABC-based nodes costs a
# slow __instancecheck__ per node of every file.
_LINE_NODES = frozenset({cst.Name, cst.SimpleString, cst.Import, cst.ImportFrom,
                         cst.FormattedString})
_END_NODES = frozenset({cst.FunctionDef, cst.ClassDef})


class _LineState(CodegenState):
    """Code generation that notes the line where each node of interest starts or ends."""

    __slots__ = ("_line", "_scanned", "ends", "starts")

    def __init__(self, module: cst.Module, first_line: int = 1) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self._line = first_line
        self._scanned = 0

    def _current(self) -> int:
        tokens = self.tokens
        end = len(tokens)
        if end > self._scanned:
            self._line += "".join(tokens[self._scanned:end]).count("\n")
            self._scanned = end
        return self._line

    def before_codegen(self, node: cst.CSTNode) -> None:
        if type(node) in _LINE_NODES:
            self.starts[id(node)] = self._current()

    def after_codegen(self, node: cst.CSTNode) -> None:
        if type(node) in _END_NODES:
            self.ends[id(node)] = self._current() - 1


def _annotation_name(node: cst.BaseExpression) -> str | None:
    """The class an annotation names: ``Order``, ``Order | None``, ``Optional[Order]``,
    ``list[Order]`` and ``"Order"`` all give ``Order``."""
    name = dotted_name(node)
    if name is not None:
        return name if name != "None" else None
    if isinstance(node, cst.SimpleString):
        text = string_value(node)
        return text if text is not None and _DOTTED.fullmatch(text) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _annotation_name(node.left) or _annotation_name(node.right)
    if isinstance(node, cst.Subscript):
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                found = _annotation_name(element.slice.value)
                if found is not None:
                    return found
    return None


def _binding_targets(target: cst.BaseExpression) -> Target:
    """A name, or a nested tuple of them for unpacking; None for anything else."""
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, (cst.Tuple, cst.List)):
        return tuple(_binding_targets(e.value) for e in target.elements)
    return None


class _FileVisitor(cst.CSTVisitor):
    def __init__(self, module: cst.Module, vocabulary: frozenset[str],
                 source_lines: Sequence[str] = ()) -> None:
        super().__init__()
        self._summarizer = Summarizer(vocabulary)
        self._source_lines = source_lines
        self._flows: dict[str, list[Event]] = {}
        self._quiet = 0
        self._quiet_calls: set[int] = set()
        self.classes: list[ClassFacts] = []
        self.returns: list[tuple[str, str]] = []
        self._typed: set[str] = set()  # parameters and locals the data flow may type
        self._tracked: set[str] = set()  # of those, the ones it certainly can
        self._part_line = 1  # the first line of the part being read
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        self._calls: set[int] = set()
        self._note_lines(module)
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
        self._uses: dict[str, dict[tuple[str, ...], _Tally]] = {}
        self._locals: dict[str, set[str]] = {}
        self._words: dict[str, dict[str, int]] = {}  # atom -> identifier -> count
        self._docs: dict[str, str] = {}
        self._dotted: dict[str, set[str]] = {}  # atom -> "a.b.C" strings (dynamic references)
        # The nested tails of a run of adjacent literals: its pieces and where the tail starts
        self._tails: dict[int, tuple[tuple[str | None, ...], int]] = {}

    # libcst looks up ``visit_<Node>`` and ``leave_<Node>`` by name on every node, and
    # ``visit_<Node>_<attribute>`` for every child attribute, and calls the empty methods its
    # typed base class defines for the nodes a visitor does not handle. Here the methods of
    # this class are found once per node type, and attributes are not asked about: this class
    # handles none (tests/test_extract_parts.py checks). About a tenth of a file's walk.
    def on_visit(self, node: cst.CSTNode) -> bool:
        visit = _VISITS.get(type(node).__name__)
        return visit is None or visit(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        leave = _LEAVES.get(type(original_node).__name__)
        if leave is not None:
            leave(self, original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass

    def _note_lines(self, module: cst.Module) -> None:
        lines = _LineState(module, self._part_line)
        module._codegen(lines)
        self._starts = lines.starts
        self._ends = lines.ends

    def next_part(self, module: cst.Module, first_line: int) -> None:
        """Go on with the next part of a module cut at top-level statements (``_parts``),
        whose first line is ``first_line`` of the file. What is keyed by the id of a node of
        the previous part is dropped: its nodes are gone, and their ids may be reused."""
        self._part_line = first_line
        self._calls.clear()
        self._quiet_calls.clear()
        self._tails.clear()
        self._note_lines(module)

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
        words = self._words.setdefault(self._atom, {})
        # After an imported name only the last part is a word: the others may be modules.
        spoken = chain if chain[0] not in self.bound else (chain[0], *chain[1:][-1:])
        for word in spoken:
            words[word] = words.get(word, 0) + 1
        table = self._uses.setdefault(self._atom, {})
        tally = table.get(chain)
        if tally is None:
            table[chain] = _Tally(self._line(node), kind)
        else:
            tally.count += 1
            tally.kinds.add(kind)

    def _doc(self, atom: str, node: cst.Module | cst.ClassDef | cst.FunctionDef) -> None:
        try:
            text = node.get_docstring()
        except Exception:
            text = None
        if text:
            self._docs[atom] = text[:_DOC_CHARS]

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

    # ------------------------------------------------------------------ data flow

    def _start_line(self, node: cst.CSTNode) -> int:
        """The line where an expression starts (its leftmost token)."""
        current = node
        while True:
            if isinstance(current, cst.Call):
                current = current.func
            elif isinstance(current, (cst.Attribute, cst.Subscript)):
                current = current.value
            elif isinstance(current, (cst.BinaryOperation, cst.ConcatenatedString)):
                current = current.left
            elif isinstance(current, cst.Await):
                current = current.expression
            elif isinstance(current, (cst.List, cst.Tuple, cst.Set)) and current.elements:
                current = current.elements[0].value
            else:
                return self._starts.get(id(current), 0)

    def _text_at(self, line: int) -> str:
        """The code at ``line`` (and the next ones, for a call split over lines), on one line:
        the evidence shown for an access. Read from the source: generating code for each
        node would cost as much again as the parse."""
        parts: list[str] = []
        size = 0
        for text in self._source_lines[max(0, line - 1):line + 2]:
            part = text.strip()
            parts.append(part)
            size += len(part)
            if size >= _MAX_SNIPPET // 2:
                break
        code = " ".join(" ".join(parts).split())
        return code if len(code) <= _MAX_SNIPPET else code[: _MAX_SNIPPET - 3] + "..."

    def _snippet(self, value: cst.BaseExpression) -> str:
        return self._text_at(self._start_line(value))

    def _event(self, event: Event) -> None:
        self._flows.setdefault(self._atom, []).append(event)

    def _summary(self, node: cst.BaseExpression) -> tuple[Expr, bool]:
        summarizer = self._summarizer
        summarizer.reset()
        summary = summarizer.summary(node)
        return summary, summarizer.hit or (summarizer.everyday and (
            summarizer.capital or bool(summarizer.roots & self._typed)))

    def _in_class_body(self) -> bool:
        return self._cls > 0 and self._func == 0

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression, how: str) -> bool:
        """Record ``target = value`` when the value may matter for data access."""
        if self._quiet or self._in_class_body():
            return False
        targets = _binding_targets(target)
        if targets is None:
            return False
        summary, hit = self._summary(value)
        module_constant = self._func == 0 and isinstance(summary, Str)
        if not (hit or module_constant or _typed_call(summary)
                or (how == "for" and isinstance(summary, Name))
                or (how == "+=" and isinstance(summary, Str))):
            return False
        snippet = self._snippet(value)
        if not hit and isinstance(summary, Call):
            # kept only to type the name: the callee is enough
            summary, snippet = Call(summary.func, (), ()), ""
        self._event(Bind(targets, summary, self._start_line(value) or self._start_line(target),
                         how, snippet))
        names = _target_names(target)
        self._typed.update(names)
        self._tracked.update(names)
        return True

    def _quietly(self, node: cst.CSTNode) -> None:
        """Visit ``node`` for name uses only: its data flow is already recorded."""
        self._quiet += 1
        node.visit(self)
        self._quiet -= 1

    def _attribute_write(self, target: cst.BaseExpression, node: cst.CSTNode) -> None:
        if (self._func and not self._quiet and isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name) and target.value.value in self._typed):
            line = self._start_line(target)
            self._event(Write(target.value.value, line, self._text_at(line)))

    def _loose_sql(self, node: cst.BaseExpression) -> None:
        if self._quiet or self._in_class_body():
            return
        if isinstance(node, cst.ConcatenatedString):
            text = self._concatenation(node)
        else:
            text = string_value(node)
        if text is not None and SQLISH.match(text) and (kept := kept_string(text)) is not None:
            self._event(LooseSql(kept, self._start_line(node)))
            self._quiet += 1
            self._quiet_calls.add(id(node))

    def _concatenation(self, node: cst.ConcatenatedString) -> str | None:
        """The text of ``"a" "b" "c"`` when it may be SQL, else None. libcst nests such a run
        to the right, and each nested tail is visited too: the pieces are evaluated once, for
        the whole run, and a tail is joined only when its head looks like SQL."""
        known = self._tails.pop(id(node), None)
        if known is None:
            pieces: list[str | None] = []
            tails: list[cst.ConcatenatedString] = []
            current: cst.BaseExpression = node
            while isinstance(current, cst.ConcatenatedString):
                tails.append(current)
                pieces.append(string_value(current.left))
                current = current.right
            pieces.append(string_value(current))
            run = tuple(pieces)
            for index, tail in enumerate(tails[1:], start=1):
                self._tails[id(tail)] = (run, index)
            known = (run, 0)
        run, start = known
        texts = [piece for piece in run[start:] if piece is not None]
        if len(texts) < len(run) - start:
            return None
        head = ""
        for text in texts:
            head += text
            if len(head) >= _SQL_HEAD:
                break
        return "".join(texts) if SQLISH.match(head) else None

    def _unquiet(self, node: cst.CSTNode) -> None:
        if id(node) in self._quiet_calls:
            self._quiet_calls.discard(id(node))
            self._quiet -= 1

    def _class_facts(self, node: cst.ClassDef) -> None:
        attrs = _assignments(node.body, self._summarizer, self._start_line)
        meta: tuple[tuple[str, Expr, int], ...] | None = None
        meta_bases: tuple[str, ...] = ()
        for statement in node.body.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == "Meta":
                meta = _assignments(statement.body, self._summarizer, self._start_line)
                meta_bases = tuple(_text(b.value) for b in statement.bases)
        fields = _fields(node.body, self._start_line)
        if attrs or meta is not None or fields:
            self.classes.append(ClassFacts(node.name.value, attrs, meta, meta_bases, fields))

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

    def visit_For(self, node: cst.For) -> bool:
        self._cond += 1
        self._local(_target_names(node.target))
        node.target.visit(self)
        if self._bind(node.target, node.iter, "for"):
            self._quietly(node.iter)
        else:
            node.iter.visit(self)
        node.body.visit(self)
        if node.orelse is not None:
            node.orelse.visit(self)
        return False

    # ------------------------------------------------------------------ definitions

    def _decorators(self, decorators: Sequence[cst.Decorator]) -> tuple[str, ...]:
        for decorator in decorators:
            self._visit_in("decorator", decorator.decorator)
        return tuple(_text(d.decorator) for d in decorators)

    def visit_Module(self, node: cst.Module) -> None:
        if self._part_line == 1:  # a later part's first string is no docstring
            self._doc(_MODULE_LEVEL, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        top = self._func == 0 and self._cls == 0
        name = node.name.value
        if top:
            self._atom = name
            self._doc(name, node)
        decorators = self._decorators(node.decorators)
        node.params.visit(self)
        if node.returns is not None:
            node.returns.visit(self)
        if node.returns is not None and (top or (self._cls == 1 and self._func == 0)):
            returned = _annotation_name(node.returns.annotation)
            if returned is not None and _names_a_class(returned):
                self.returns.append((name if top else f"{self._atom}.{name}", returned))
        typed, tracked = self._typed, self._tracked
        params = _typed_params(node.params)
        self._typed = {name for name, _ in params}
        self._tracked = {name for name, annotation in params if annotation}
        self._event(Start(self._line(node.name), params))
        self._func += 1
        node.body.visit(self)
        self._func -= 1
        self._typed, self._tracked = typed, tracked
        is_async = node.asynchronous is not None
        signature = _signature(node.params)
        returns = None if node.returns is None else _source(node.returns.annotation)
        if top:
            if name not in self.definitions:
                self.definitions[name] = Definition(
                    name=name, kind="function", line=self._line(node.name),
                    end_line=self._end_line(node), decorators=decorators, bases=(),
                    methods=(), is_async=is_async, params=signature, returns=returns,
                )
            self._atom = _MODULE_LEVEL
        elif self._cls == 1 and self._func == 0 and self._atom:
            self._methods.append(Method(name, self._line(node.name), self._end_line(node),
                                        decorators, is_async, signature, returns))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        top = self._func == 0 and self._cls == 0
        name = node.name.value
        if top:
            self._atom = name
            self._methods = []
            self._class_facts(node)
            self._doc(name, node)
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

    def visit_Assign(self, node: cst.Assign) -> bool:
        if self._func == 0 and self._cls == 0 and any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets
        ):
            self.exports = _string_list(node.value)
        for target in node.targets:
            self._attribute_write(target.target, node)
            target.visit(self)
        if len(node.targets) == 1 and self._bind(node.targets[0].target, node.value, "="):
            self._quietly(node.value)
        else:
            node.value.visit(self)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        if (self._func == 0 and self._cls == 0 and isinstance(node.target, cst.Name)
                and node.target.value == "__all__" and self.exports is not None):
            extra = _string_list(node.value)
            self.exports = None if extra is None else self.exports + extra
        self._attribute_write(node.target, node)
        node.target.visit(self)
        if (isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign)
                and self._bind(node.target, node.value, "+=")):
            self._quietly(node.value)
        else:
            node.value.visit(self)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        names = _target_names(node.target)
        if names:
            self._bind_module_level(names, node.target)
            self._local(names)
        else:
            node.target.visit(self)
        node.annotation.visit(self)
        if node.value is not None:
            if self._bind(node.target, node.value, "="):
                self._quietly(node.value)
            else:
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

    def visit_Expr(self, node: cst.Expr) -> bool:
        # A string on its own (a docstring) is documentation, never SQL that runs.
        return not isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString))

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.add(id(node.func))
        if self._quiet or self._in_class_body():
            return
        summary, hit = self._summary(node)
        if hit or (self._tracked and any(  # hands a tracked object to other code
                isinstance(a.value, cst.Name) and a.value.value in self._tracked
                for a in node.args)):
            line = self._start_line(node)
            self._event(Evaluate(summary, line, self._text_at(line)))
            self._quiet += 1
            self._quiet_calls.add(id(node))

    def leave_Call(self, original_node: cst.Call) -> None:
        self._unquiet(original_node)

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
            return
        if len(node.value) < 120:
            try:
                text: object = node.evaluated_value
            except Exception:  # an odd literal is no reason to lose the file
                text = None
            if isinstance(text, str) and text.count(".") >= 2 and _DOTTED.fullmatch(text):
                self._dotted.setdefault(self._atom, set()).add(text)
        self._loose_sql(node)

    def leave_SimpleString(self, original_node: cst.SimpleString) -> None:
        self._unquiet(original_node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._loose_sql(node)

    def leave_ConcatenatedString(self, original_node: cst.ConcatenatedString) -> None:
        self._unquiet(original_node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._loose_sql(node)

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._unquiet(original_node)

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
            classes=tuple(self.classes),
            returns=tuple(self.returns),
            flows=tuple(Flow(atom, events) for atom in sorted(self._flows)
                        if (events := _pruned(self._flows[atom]))),
            words=self._vocabulary(),
        )

    def _vocabulary(self) -> tuple[Words, ...]:
        """Per atom, the identifiers it uses and its docstring: the domain's own language.
        A name an import binds may be a module, so it is left out (the path of a module is
        layout, not vocabulary); the definitions it stands for come back as references."""
        result: list[Words] = []
        for atom in sorted(set(self._words) | set(self._docs) | set(self._dotted)):
            counts = self._words.get(atom, {})
            kept = sorted(((word, count) for word, count in counts.items()
                           if word not in self.bound and word not in _BUILTINS),
                          key=lambda item: (-item[1], item[0]))[:_MAX_WORDS]
            doc = self._docs.get(atom, "")
            dotted = tuple(sorted(self._dotted.get(atom, ())))
            if kept or doc or dotted:
                result.append(Words(atom, tuple(sorted(kept)), doc, dotted))
        return tuple(result)


def _own(prefix: str) -> dict[str, Callable[..., Any]]:
    """The ``<prefix><Node>`` methods _FileVisitor defines itself, by node type name."""
    return {name[len(prefix):]: method for name, method in vars(_FileVisitor).items()
            if name.startswith(prefix) and callable(method)}


_VISITS = _own("visit_")
_LEAVES = _own("leave_")


def _rejected(rejection: Rejection, lines: int) -> FileFacts:
    return FileFacts(status=rejection.status, lines=lines,
                     problem=(rejection.line, rejection.message))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while one file's tree is built and walked.

    A syntax tree holds no reference cycles, so the collector finds nothing in it, but it
    traverses every node again each time it runs the oldest generation, and it runs that more
    often the more nodes there are: the parse of one module with 50,000 definitions took 13 s
    with it on and 6.6 s with it off (100,000: 29 s of the run). The tree is freed by
    reference counting as soon as the file is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parts(text: str, lines_per_part: int) -> list[tuple[int, str]] | None:
    """A long module cut between top-level statements into parts of about
    ``lines_per_part`` lines: (the first line of each, its text). None when it needs no
    cutting, or when this interpreter cannot parse it (libcst then reads it whole).

    libcst's tree of a module takes about 400 bytes of memory per byte of source: a module of
    100,000 definitions (3.6 MB) held 1.5 GB while it was read whole. Each part is parsed and
    walked by the same visitor in turn and freed before the next; the facts are the same
    (tests/test_extract_parts.py). A cut goes where the previous statement ends, so the
    comments and blank lines before a statement stay with it, as libcst keeps them."""
    if "\r" in text:  # line numbers count "\n" only; keep such files whole
        return None
    statements = cpython_reading(text).statements
    if statements is None:
        return None
    offsets = [0]  # offsets[n - 1]: where line n starts
    offsets.extend(match.end() for match in re.finditer("\n", text))
    cuts: list[int] = []  # first lines of the parts after the first
    part_start = 1
    for (_, end), (starts, _) in pairwise(statements):
        if end >= starts or end + 1 - part_start < lines_per_part:
            continue
        # An indented comment after a block is the block's (its footer, in libcst): cut only
        # where every line between the two statements is blank or starts at column 0.
        between = text[offsets[end]:offsets[starts - 1]].split("\n")
        if any(line[:1] in (" ", "\t", "\f") for line in between):
            continue
        cuts.append(end + 1)
        part_start = end + 1
    if not cuts:
        return None
    bounds = [1, *cuts]
    return [(first, text[offsets[first - 1]:offsets[last - 1] if last else len(text)])
            for first, last in zip(bounds, [*cuts, 0], strict=True)]


def _visited(text: str, source_lines: Sequence[str], vocabulary: frozenset[str],
             lines_per_part: int | None = None) -> _FileVisitor:
    """The visitor that has read ``text``: whole, or in parts of ``lines_per_part``."""
    with _no_cycle_collection():
        parts = None if lines_per_part is None else _parts(text, lines_per_part)
        if parts is None:
            module = cst.parse_module(text)
            visitor = _FileVisitor(module, vocabulary, source_lines)
            module.visit(visitor)
            return visitor
        module = cst.parse_module(parts[0][1])
        visitor = _FileVisitor(module, vocabulary, source_lines)
        module.visit(visitor)
        for first_line, part in parts[1:]:
            module = cst.parse_module(part)
            visitor.next_part(module, first_line)
            module.visit(visitor)
    return visitor


def extract(data: bytes, *, marker: str, include_generated: bool,
            max_bytes: int, vocabulary: frozenset[str] = frozenset()) -> FileFacts:
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
    per_part = _LINES_PER_PART if len(text) > _PART_AFTER_CHARS else None
    try:
        try:
            visitor = _visited(text, text.splitlines(), vocabulary, per_part)
        except (cst.ParserSyntaxError, RecursionError):
            # Only then: a long run of adjacent literals ("a" "b" ...) nests as deep as it is
            # long in libcst. Merged into one literal (same value, same lines), it parses.
            merged = merge_string_runs(text)
            if merged is None:
                raise
            visitor = _visited(merged, text.splitlines(), vocabulary, per_part)
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
    return replace(visitor.facts(lines), suppressions=suppressions(text))
