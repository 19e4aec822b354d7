"""One walk of one file's ``ast`` tree: imports, definitions and the names each definition uses.

The walk knows nothing of other files. Name uses are kept as dotted chains
(``("inventory_service", "reserve")``) and resolved to definitions later, once every module is
known (``analyzer.resolve``).

The tree comes from CPython's own parser (``analyzer.extract.parse``; libcst only for syntax
newer than the running interpreter). Measured on nova 34.0.0 with its tests (609k lines, one
process): ``ast.parse`` 6.5 s and this walk about 13 s, where libcst's parse, its line
tracking and its visitor took 91 s. The few shadowing cases that matter (parameters and local
assignments hiding a module-level name) are tracked by hand; what ``ast`` drops and the facts
show as written (parentheses, the pieces of ``"a" "b"``, f-string text) is read back from the
text (``analyzer.extract.segments``).
"""

from __future__ import annotations

import ast
import builtins
import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from typing import Any

from analyzer.extract.exprs import (
    SQLISH,
    Summarizer,
    call_args,
    dotted,
    dotted_name,
    kept_string,
    singleton,
)
from analyzer.extract.parse import Reading, read
from analyzer.extract.segments import (
    SourceText,
    fstring_parts,
    is_fstring,
    one_literal,
    piece_value,
)
from analyzer.extract.source import (
    Rejection,
    count_lines,
    decode,
    is_generated,
    suppressions,
)
from analyzer.extract.source import too_deep as nesting_rejection
from analyzer.model import (
    DYNAMIC,
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
_SQL_WORD = re.compile(r"select|insert|update|delete|with|create|alter|drop|replace|merge"
                       r"|truncate", re.IGNORECASE)
_PIECE = re.compile(r"([A-Za-z]{0,2}(?:'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\""
                    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"))|\s+|#[^\n]*|\\\r?\n",
                    re.DOTALL)
_MAX_TEXT = 160
_MAX_SNIPPET = 100
_MODULE_LEVEL = ""
_DOC_CHARS = 600  # of a docstring kept for the vocabulary
_MAX_WORDS = 120  # identifiers kept per atom, the most used first
_SOURCE_LIMIT = 120
_SQL_HEAD = 2_000  # of a run of adjacent literals, read to see whether it is SQL
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})


def _is_type_checking(test: ast.expr) -> bool:
    chain = dotted(test)
    return chain is not None and chain[-1] == "TYPE_CHECKING"


def _unstarred(node: ast.expr) -> ast.expr:
    return node.value if type(node) is ast.Starred else node


def _target_names(target: ast.expr) -> list[str]:
    kind = type(target)
    if kind is ast.Name:
        return [target.id]  # type: ignore[attr-defined]
    if kind is ast.Tuple or kind is ast.List:
        names: list[str] = []
        for element in target.elts:  # type: ignore[attr-defined]
            names.extend(_target_names(element))
        return names
    if kind is ast.Starred:
        return _target_names(target.value)  # type: ignore[attr-defined]
    return []


def _binding_targets(target: ast.expr) -> Target:
    """A name, or a nested tuple of them for unpacking; None for anything else."""
    kind = type(target)
    if kind is ast.Name:
        return target.id  # type: ignore[attr-defined, no-any-return]
    if kind is ast.Tuple or kind is ast.List:
        return tuple(_binding_targets(_unstarred(e)) for e in target.elts)  # type: ignore[attr-defined]
    return None


def _string_list(node: ast.expr, source: SourceText) -> list[str] | None:
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


def _parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None, str]]:
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


def _annotation_name(node: ast.expr, source: SourceText) -> str | None:
    """The class an annotation names: ``Order``, ``Order | None``, ``Optional[Order]``,
    ``list[Order]`` and ``"Order"`` all give ``Order``."""
    name = dotted_name(node)
    if name is not None:
        return name if name != "None" else None
    kind = type(node)
    if kind is ast.Constant:
        text = node.value  # type: ignore[attr-defined]
        if type(text) is str and one_literal(source.segment(node)):
            return text if _DOTTED.fullmatch(text) else None
        return None
    if kind is ast.BinOp and type(node.op) is ast.BitOr:  # type: ignore[attr-defined]
        return (_annotation_name(node.left, source)  # type: ignore[attr-defined]
                or _annotation_name(node.right, source))  # type: ignore[attr-defined]
    if kind is ast.Subscript:
        index = node.slice  # type: ignore[attr-defined]
        elements = index.elts if type(index) is ast.Tuple else [index]
        for element in elements:
            if type(element) is not ast.Slice:
                found = _annotation_name(element, source)
                if found is not None:
                    return found
    return None


def _indented(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
              lines: Sequence[str]) -> int | None:
    """The indentation of a block's body, or None for a body on the header's line."""
    first = node.body[0]
    line = lines[first.lineno - 1] if first.lineno <= len(lines) else ""
    indent = len(line) - len(line.lstrip(" \t\f"))
    return indent if indent == first.col_offset else None


class _Tally:
    """How often one chain is used inside one atom (mutable while a file is walked)."""

    __slots__ = ("count", "kinds", "line")

    def __init__(self, line: int, kind: str) -> None:
        self.count = 1
        self.line = line
        self.kinds = {kind}


class _Piece:
    """One literal of an implicit concatenation (or a lone f-string)."""

    __slots__ = ("fields", "fstring", "line", "raw", "text")

    def __init__(self, raw: str, line: int, fields: list[ast.FormattedValue]) -> None:
        self.raw = raw
        self.line = line
        self.fstring = is_fstring(raw)
        self.fields = fields
        if self.fstring:
            self.text: str | None = "".join(DYNAMIC if part is None else part
                                            for part in fstring_parts(raw))
        else:
            value = piece_value(raw)
            self.text = value if isinstance(value, str) else None


_Handler = Callable[["_FileWalk", Any], None]


class _FileWalk:
    """One depth-first walk in source order; each node type's handler says which children it
    visits and in what context."""

    def __init__(self, source: SourceText, vocabulary: frozenset[str],
                 source_lines: Sequence[str], raw_lines: Sequence[str]) -> None:
        self._source = source
        self._summarizer = Summarizer(vocabulary, source)
        self._source_lines = source_lines
        self._raw_lines = raw_lines  # split at "\n" only, as the tree's lines are counted
        self._flows: dict[str, list[Event]] = {}
        self._quiet = 0
        self.classes: list[ClassFacts] = []
        self.returns: list[tuple[str, str]] = []
        self._typed: set[str] = set()  # parameters and locals the data flow may type
        self._tracked: set[str] = set()  # of those, the ones it certainly can
        self._calls: set[int] = set()
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

    # ------------------------------------------------------------------ the walk

    def visit(self, node: ast.AST) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node)
            return
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
        self._context.append(context)
        self.visit(node)
        self._context.pop()

    def _quietly(self, node: ast.AST) -> None:
        """Visit ``node`` for name uses only: its data flow is already recorded."""
        self._quiet += 1
        self.visit(node)
        self._quiet -= 1

    # ------------------------------------------------------------------ lines

    def _opening(self, node: ast.expr) -> int:
        """A name's or literal's line, or that of the parenthesis libcst kept with it."""
        line = self._source.opening_line(node)
        if line != node.lineno and type(node) is not ast.Name and not one_literal(
                self._source.segment(node)):
            return node.lineno  # ``("a"\n "b")``: the parentheses hold the whole run
        return line

    def _line(self, node: ast.expr) -> int:
        """The line of a name (or of a chain's first name); 0 for other expressions."""
        while type(node) is ast.Attribute:
            node = node.value
        if type(node) is ast.Name or singleton(node) is not None:
            return self._opening(node)
        return 0

    def _start_line(self, node: ast.expr) -> int:
        """The line where an expression starts (its leftmost name or string); 0 when it
        starts with anything else."""
        current = node
        while True:
            kind = type(current)
            if kind is ast.Call:
                current = current.func  # type: ignore[attr-defined]
            elif kind is ast.Attribute or kind is ast.Subscript:
                current = current.value  # type: ignore[attr-defined]
            elif kind is ast.BinOp:
                current = current.left  # type: ignore[attr-defined]
            elif kind is ast.Await:
                current = current.value  # type: ignore[attr-defined]
            elif (kind is ast.List or kind is ast.Tuple or kind is ast.Set) and current.elts:  # type: ignore[attr-defined]
                current = _unstarred(current.elts[0])  # type: ignore[attr-defined]
            else:
                break
        kind = type(current)
        if kind is ast.Name or kind is ast.JoinedStr:
            return self._opening(current)
        if kind is ast.Constant:
            value = current.value  # type: ignore[attr-defined]
            if type(value) in (str, bytes) or value is None or value is True or value is False:
                return self._opening(current)
        return 0

    def _first_line(self, target: ast.expr) -> int:
        while type(target) in (ast.Tuple, ast.List, ast.Starred):
            if type(target) is ast.Starred:
                target = target.value
            elif target.elts:  # type: ignore[attr-defined]
                target = target.elts[0]  # type: ignore[attr-defined]
            else:
                break
        return self._line(target)

    # ------------------------------------------------------------------ helpers

    def _use(self, chain: tuple[str, ...], where: ast.expr | int, kind: str) -> None:
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
            table[chain] = _Tally(where if type(where) is int else self._line(where),  # type: ignore[arg-type]
                                  kind)
        else:
            tally.count += 1
            tally.kinds.add(kind)

    def _doc(self, atom: str, node: ast.Module | ast.ClassDef | ast.FunctionDef
             | ast.AsyncFunctionDef) -> None:
        body = node.body
        if not body or type(body[0]) is not ast.Expr:
            return
        value = body[0].value
        if type(value) is not ast.Constant or type(value.value) is not str:
            return
        text = ast.get_docstring(node, clean=True)
        if text:
            self._docs[atom] = text[:_DOC_CHARS]

    def _kind(self, node: ast.AST, chain: tuple[str, ...]) -> str:
        if self._context:
            return self._context[-1]
        if id(node) in self._calls:
            return "call"
        return "attribute" if len(chain) > 1 else "name"

    def _local(self, names: Sequence[str]) -> None:
        if self._func:
            self._locals.setdefault(self._atom, set()).update(names)

    def _import(self, line: int, level: int, module: str, name: str | None,
                alias: str | None) -> None:
        self.imports.append(RawImport(
            line=line, level=level, module=module, name=name, alias=alias,
            conditional=self._cond > 0, type_checking=self._type_checking > 0,
            in_function=self._func > 0,
        ))

    def _source_of(self, node: ast.AST, floor: int = -1) -> str:
        """An expression's source text, on one line, shortened."""
        text = " ".join(self._source.own_segment(node, floor).split())
        return text if len(text) <= _SOURCE_LIMIT else text[:_SOURCE_LIMIT - 3] + "..."

    def _text(self, node: ast.expr, floor: int = -1) -> str:
        chain = dotted(node)
        if chain is not None:
            return ".".join(chain)
        if type(node) is ast.Call:
            func = dotted(node.func)
            if func is not None:
                return ".".join(func) + "(...)"
        code = " ".join(self._source.own_segment(node, floor).split())
        return code if len(code) <= _MAX_TEXT else code[: _MAX_TEXT - 3] + "..."

    def _end_line(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
        """The block's last line, with the comments after it indented as its body (libcst
        kept those in the block's footer, and the lines between them)."""
        end = node.end_lineno or node.lineno
        lines = self._raw_lines
        indent = _indented(node, lines)
        if indent is None:
            return end
        last = end
        for index in range(end, len(lines)):
            line = lines[index]
            stripped = line.lstrip(" \t")
            lead = len(line) - len(stripped)
            rest = stripped.strip()
            if rest and rest[0] != "#":
                break
            if lead >= indent:
                last = index + 1
        return last

    # ------------------------------------------------------------------ data flow

    def _text_at(self, line: int) -> str:
        """The code at ``line`` (and the next ones, for a call split over lines), on one line:
        the evidence shown for an access."""
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

    def _event(self, event: Event) -> None:
        self._flows.setdefault(self._atom, []).append(event)

    def _summary(self, node: ast.expr) -> tuple[Expr, bool]:
        summarizer = self._summarizer
        summarizer.reset()
        summary = summarizer.summary(node)
        return summary, summarizer.hit or (summarizer.everyday and (
            summarizer.capital or bool(summarizer.roots & self._typed)))

    def _in_class_body(self) -> bool:
        return self._cls > 0 and self._func == 0

    def _bind(self, target: ast.expr, value: ast.expr, how: str) -> bool:
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
        snippet = self._text_at(self._start_line(value))
        if not hit and isinstance(summary, Call):
            # kept only to type the name: the callee is enough
            summary, snippet = Call(summary.func, (), ()), ""
        self._event(Bind(targets, summary, self._start_line(value) or self._start_line(target),
                         how, snippet))
        names = _target_names(target)
        self._typed.update(names)
        self._tracked.update(names)
        return True

    def _attribute_write(self, target: ast.expr) -> None:
        if (self._func and not self._quiet and type(target) is ast.Attribute
                and type(target.value) is ast.Name
                and target.value.id in self._typed):
            line = self._start_line(target)
            self._event(Write(target.value.id, line, self._text_at(line)))

    def _loose_sql(self, text: str | None, line: int) -> bool:
        """A SQL-looking string that is no argument of a recorded call; True when noted (the
        literal's inside is then quiet)."""
        if self._quiet or self._in_class_body():
            return False
        if text is not None and SQLISH.match(text) and (kept := kept_string(text)) is not None:
            self._event(LooseSql(kept, line))
            self._quiet += 1
            return True
        return False

    def _assignments(self, body: list[ast.stmt]) -> tuple[tuple[str, Expr, int], ...]:
        """``name = value`` statements directly in a class body, summarised."""
        found: list[tuple[str, Expr, int]] = []
        for statement in body:
            target: ast.expr | None = None
            value: ast.expr | None = None
            if type(statement) is ast.Assign and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif type(statement) is ast.AnnAssign and statement.value is not None:
                target, value = statement.target, statement.value
            if type(target) is ast.Name and value is not None:
                found.append((target.id, self._summarizer.summary(value), target.lineno))
        return tuple(found)

    def _fields(self, body: list[ast.stmt]) -> tuple[tuple[str, str, str | None, int], ...]:
        """``name: annotation [= default]`` statements directly in a class body."""
        found: list[tuple[str, str, str | None, int]] = []
        for statement in body:
            if type(statement) is ast.AnnAssign and type(statement.target) is ast.Name:
                found.append((statement.target.id, self._source_of(statement.annotation),
                              None if statement.value is None
                              else self._source_of(statement.value), statement.target.lineno))
        return tuple(found)

    def _class_facts(self, node: ast.ClassDef) -> None:
        indented = _indented(node, self._raw_lines) is not None
        attrs = self._assignments(node.body) if indented else ()
        meta: tuple[tuple[str, Expr, int], ...] | None = None
        meta_bases: tuple[str, ...] = ()
        for statement in node.body:
            if type(statement) is ast.ClassDef and statement.name == "Meta":
                meta = (self._assignments(statement.body)
                        if _indented(statement, self._raw_lines) is not None else ())
                meta_bases = tuple(self._text(_unstarred(b), self._class_paren(statement))
                                   for b in statement.bases)
        fields = self._fields(node.body) if indented else ()
        if attrs or meta is not None or fields:
            self.classes.append(ClassFacts(node.name, attrs, meta, meta_bases, fields))

    def _class_paren(self, node: ast.ClassDef) -> int:
        """Where the ``(`` of a class's bases is: no base's own parenthesis is before it."""
        start = self._source.offset(node.lineno, node.col_offset)
        return self._source.find(b"(", start)

    # ------------------------------------------------------------------ strings

    def _string(self, node: ast.Constant) -> None:
        value = node.value
        if type(value) is not str:
            return  # bytes, numbers: nothing; None, True and False: builtins
        annotation = bool(self._context) and self._context[-1] == "annotation"
        if not annotation and value.count(".") < 2 and _SQL_WORD.search(value) is None:
            return  # neither a dotted reference nor SQL, whatever pieces it has
        segment = self._source.segment(node)
        if one_literal(segment):
            self._literal(value, len(segment), node.lineno)
            if not annotation and self._loose_sql(value, node.lineno):
                self._quiet -= 1
        else:
            self._run(node, segment, [])

    def _literal(self, value: str | None, size: int, line: int) -> None:
        """A plain literal's own facts: a forward reference in an annotation, or a dotted
        string (``"shop.models.Order"``). Its SQL is left to the caller."""
        if self._context and self._context[-1] == "annotation":
            # A forward reference in an annotation: ``def f(x: "Order")``.
            if value is not None and _DOTTED.fullmatch(value):
                self._use(tuple(value.split(".")), line, "annotation")
            return
        if size < 120 and value is not None and value.count(".") >= 2 and _DOTTED.fullmatch(
                value):
            self._dotted.setdefault(self._atom, set()).add(value)

    def _joined(self, node: ast.JoinedStr) -> None:
        segment = self._source.segment(node)
        fields = [value for value in node.values if type(value) is ast.FormattedValue]
        self._run(node, segment, fields)

    def _run(self, node: ast.expr, segment: str, fields: list[ast.FormattedValue]) -> None:
        """An implicit concatenation (or a lone f-string), visited as libcst nested it: each
        tail of the run, then each literal."""
        pieces: list[_Piece] = []
        remaining = iter(fields)
        for match in _PIECE.finditer(segment):
            raw = match.group(1)
            if not raw:
                continue
            line = node.lineno + segment.count("\n", 0, match.start())
            holes = fstring_parts(raw).count(None) if is_fstring(raw) else 0
            pieces.append(_Piece(raw, line, list(islice(remaining, holes))))
        texts = [piece.text for piece in pieces]
        quieted: list[bool] = []
        for index, piece in enumerate(pieces):
            if index < len(pieces) - 1:
                quieted.append(self._loose_sql(self._concatenation(texts, index), piece.line))
            if piece.fstring:
                quiet = self._loose_sql(piece.text, piece.line)
                for field in piece.fields:
                    self._field(field)
            else:
                self._literal(piece.text, len(piece.raw), piece.line)
                annotation = bool(self._context) and self._context[-1] == "annotation"
                quiet = not annotation and self._loose_sql(piece.text, piece.line)
            if quiet:
                self._quiet -= 1
        for field in remaining:  # an f-string this module split otherwise than CPython
            self._field(field)
        self._quiet -= sum(quieted)

    def _field(self, field: ast.FormattedValue) -> None:
        self.visit(field.value)
        spec = field.format_spec
        if type(spec) is ast.JoinedStr:
            for value in spec.values:
                if type(value) is ast.FormattedValue:
                    self._field(value)

    @staticmethod
    def _concatenation(texts: list[str | None], start: int) -> str | None:
        """The text of the run from ``start`` when it may be SQL, else None."""
        run = texts[start:]
        if any(text is None for text in run):
            return None
        head = ""
        for text in run:
            head += text or ""
            if len(head) >= _SQL_HEAD:
                break
        return "".join(text or "" for text in run) if SQLISH.match(head) else None

    # ------------------------------------------------------------------ imports

    def _on_import(self, node: ast.Import) -> None:
        for alias in node.names:
            module = alias.name
            asname = alias.asname
            self._import(node.lineno, 0, module, None, asname)
            bound = asname or module.split(".")[0]
            self.bound.add(bound)
            if self._func:
                self._locals.setdefault(self._atom, set()).discard(bound)

    def _on_import_from(self, node: ast.ImportFrom) -> None:
        level = node.level or 0
        module = node.module or ""
        if len(node.names) == 1 and node.names[0].name == "*":
            self._import(node.lineno, level, module, "*", None)
            self.star = True
            return
        for alias in node.names:
            self._import(node.lineno, level, module, alias.name, alias.asname)
            self.bound.add(alias.asname or alias.name)

    # ------------------------------------------------------------------ control flow

    def _on_if(self, node: ast.If) -> None:
        self.visit(node.test)
        checking = _is_type_checking(node.test)
        if checking:
            self._type_checking += 1
        else:
            self._cond += 1
        self._visit_all(node.body)
        if checking:
            self._type_checking -= 1
            self._cond += 1
        self._visit_all(node.orelse)
        self._cond -= 1

    def _on_conditional(self, node: ast.AST) -> None:
        """Try, while and match: imports under them run only sometimes."""
        self._cond += 1
        _FileWalk._generic(self, node)
        self._cond -= 1

    def _on_for(self, node: ast.For | ast.AsyncFor) -> None:
        self._cond += 1
        self._local(_target_names(node.target))
        self.visit(node.target)
        if self._bind(node.target, node.iter, "for"):
            self._quietly(node.iter)
        else:
            self.visit(node.iter)
        self._visit_all(node.body)
        self._visit_all(node.orelse)
        self._cond -= 1

    def _on_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._local(_target_names(item.optional_vars))
        self._visit_all(node.body)

    def _on_handler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name is not None:
            self._local([node.name])
        self._visit_all(node.body)

    # ------------------------------------------------------------------ definitions

    def _decorators(self, decorators: list[ast.expr]) -> tuple[str, ...]:
        for decorator in decorators:
            self._visit_in("decorator", decorator)
        return tuple(self._text(d) for d in decorators)

    def _param(self, param: ast.arg, default: ast.expr | None) -> None:
        self._locals.setdefault(self._atom, set()).add(param.arg)
        if param.annotation is not None:
            self._visit_in("annotation", param.annotation)
        self._visit_in("default", default)

    def _params(self, args: ast.arguments) -> None:
        for param, default, _ in _parameters(args):
            self._param(param, default)

    def _signature(self, args: ast.arguments) -> tuple[Param, ...]:
        """Every parameter as written, in order, with its kind, annotation and default."""
        return tuple(Param(param.arg, kind,
                           None if param.annotation is None
                           else self._source_of(param.annotation),
                           None if default is None else self._source_of(default))
                     for param, default, kind in _parameters(args))

    def _typed_params(self, args: ast.arguments) -> tuple[tuple[str, str | None], ...]:
        """Parameters with the class their annotation names, or None (``self`` and ``cls``
        left out): the data stage types them, or guesses a model from the name."""
        found: list[tuple[str, str | None]] = []
        for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if param.arg in ("self", "cls"):
                continue
            name = None
            if param.annotation is not None:
                name = _annotation_name(param.annotation, self._source)
                if name is not None and not _names_a_class(name):
                    name = None
            found.append((param.arg, name))
        return tuple(found)

    def _on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        top = self._func == 0 and self._cls == 0
        name = node.name
        if top:
            self._atom = name
            self._doc(name, node)
        decorators = self._decorators(node.decorator_list)
        self._params(node.args)
        if node.returns is not None:
            self._visit_in("annotation", node.returns)
        if node.returns is not None and (top or (self._cls == 1 and self._func == 0)):
            returned = _annotation_name(node.returns, self._source)
            if returned is not None and _names_a_class(returned):
                self.returns.append((name if top else f"{self._atom}.{name}", returned))
        typed, tracked = self._typed, self._tracked
        params = self._typed_params(node.args)
        self._typed = {name for name, _ in params}
        self._tracked = {name for name, annotation in params if annotation}
        self._event(Start(node.lineno, params))
        self._func += 1
        self._visit_all(node.body)
        self._func -= 1
        self._typed, self._tracked = typed, tracked
        is_async = type(node) is ast.AsyncFunctionDef
        signature = self._signature(node.args)
        returns = None if node.returns is None else self._source_of(node.returns)
        if top:
            if name not in self.definitions:
                self.definitions[name] = Definition(
                    name=name, kind="function", line=node.lineno,
                    end_line=self._end_line(node), decorators=decorators, bases=(),
                    methods=(), is_async=is_async, params=signature, returns=returns,
                )
            self._atom = _MODULE_LEVEL
        elif self._cls == 1 and self._func == 0 and self._atom:
            self._methods.append(Method(name, node.lineno, self._end_line(node),
                                        decorators, is_async, signature, returns))

    def _on_class(self, node: ast.ClassDef) -> None:
        top = self._func == 0 and self._cls == 0
        name = node.name
        if top:
            self._atom = name
            self._methods = []
            self._class_facts(node)
            self._doc(name, node)
        decorators = self._decorators(node.decorator_list)
        for base in node.bases:
            self._visit_in("base", _unstarred(base))
        for keyword in node.keywords:
            self.visit(keyword.value)
        self._cls += 1
        self._visit_all(node.body)
        self._cls -= 1
        if top:
            if name not in self.definitions:
                paren = self._class_paren(node) if node.bases else -1
                self.definitions[name] = Definition(
                    name=name, kind="class", line=node.lineno,
                    end_line=self._end_line(node), decorators=decorators,
                    bases=tuple(self._text(_unstarred(b), paren) for b in node.bases),
                    methods=tuple(self._methods), is_async=False,
                )
            self._atom = _MODULE_LEVEL
            self._methods = []

    def _on_lambda(self, node: ast.Lambda) -> None:
        self._params(node.args)
        self.visit(node.body)

    # ------------------------------------------------------------------ bindings

    def _bind_module_level(self, names: Sequence[str], target: ast.expr) -> None:
        if self._func == 0 and self._cls == 0:
            line = self._first_line(target)
            for name in names:
                self.variables.setdefault(name, line)

    def _assign_target(self, target: ast.expr) -> None:
        names = _target_names(target)
        if names:
            self._bind_module_level(names, target)
            self._local(names)
        else:
            self.visit(target)

    def _on_assign(self, node: ast.Assign) -> None:
        if self._func == 0 and self._cls == 0 and any(
            type(t) is ast.Name and t.id == "__all__" for t in node.targets
        ):
            self.exports = _string_list(node.value, self._source)
        for target in node.targets:
            self._attribute_write(target)
            self._assign_target(target)
        if len(node.targets) == 1 and self._bind(node.targets[0], node.value, "="):
            self._quietly(node.value)
        else:
            self.visit(node.value)

    def _on_aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        if (self._func == 0 and self._cls == 0 and type(target) is ast.Name
                and target.id == "__all__" and self.exports is not None):
            extra = _string_list(node.value, self._source)
            self.exports = None if extra is None else self.exports + extra
        self._attribute_write(target)
        self.visit(target)
        if (type(target) is ast.Name and type(node.op) is ast.Add
                and self._bind(target, node.value, "+=")):
            self._quietly(node.value)
        else:
            self.visit(node.value)

    def _on_ann_assign(self, node: ast.AnnAssign) -> None:
        self._assign_target(node.target)
        self._visit_in("annotation", node.annotation)
        if node.value is not None:
            if self._bind(node.target, node.value, "="):
                self._quietly(node.value)
            else:
                self.visit(node.value)

    def _on_named(self, node: ast.NamedExpr) -> None:
        self._local(_target_names(node.target))
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
        self._calls.add(id(node.func))
        quieted = False
        if not self._quiet and not self._in_class_body():
            summary, hit = self._summary(node)
            tracked = self._tracked
            if hit or (tracked and any(  # hands a tracked object to other code
                    type(value) is ast.Name and value.id in tracked
                    for _, _, value in call_args(node))):
                line = self._start_line(node)
                self._event(Evaluate(summary, line, self._text_at(line)))
                self._quiet += 1
                quieted = True
        self.visit(node.func)
        if node.keywords:
            for _, _, value in call_args(node):
                self.visit(value)
        else:
            for arg in node.args:
                self.visit(_unstarred(arg))
        if quieted:
            self._quiet -= 1

    def _on_attribute(self, node: ast.Attribute) -> None:
        chain = dotted(node)
        if chain is None:
            self.visit(node.value)
            attr = (node.attr,)
            self._use(attr, node.end_lineno or node.lineno,
                      self._context[-1] if self._context else "name")
            return
        self._use(chain, node, self._kind(node, chain))

    def _on_name(self, node: ast.Name) -> None:
        chain = (node.id,)
        self._use(chain, node, self._kind(node, chain))

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
            chain = (name,)
            self._use(chain, line, self._context[-1] if self._context else "name")

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

    # ------------------------------------------------------------------ result

    def walk(self, module: ast.Module) -> None:
        self._doc(_MODULE_LEVEL, module)
        self._visit_all(module.body)

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


_CHILDREN: dict[type, tuple[str, ...]] = {}


def _children(kind: type) -> tuple[str, ...]:
    fields = tuple(name for name in getattr(kind, "_fields", ()) if name not in _SKIPPED_FIELDS)
    _CHILDREN[kind] = fields
    return fields


_HANDLERS: dict[type, _Handler] = {
    ast.Import: _FileWalk._on_import,
    ast.ImportFrom: _FileWalk._on_import_from,
    ast.If: _FileWalk._on_if,
    ast.Try: _FileWalk._on_conditional,
    ast.While: _FileWalk._on_conditional,
    ast.Match: _FileWalk._on_conditional,
    ast.For: _FileWalk._on_for,
    ast.AsyncFor: _FileWalk._on_for,
    ast.With: _FileWalk._on_with,
    ast.AsyncWith: _FileWalk._on_with,
    ast.ExceptHandler: _FileWalk._on_handler,
    ast.FunctionDef: _FileWalk._on_function,
    ast.AsyncFunctionDef: _FileWalk._on_function,
    ast.ClassDef: _FileWalk._on_class,
    ast.Lambda: _FileWalk._on_lambda,
    ast.Assign: _FileWalk._on_assign,
    ast.AugAssign: _FileWalk._on_aug_assign,
    ast.AnnAssign: _FileWalk._on_ann_assign,
    ast.NamedExpr: _FileWalk._on_named,
    ast.Global: _FileWalk._on_nothing,
    ast.Nonlocal: _FileWalk._on_nothing,
    ast.Expr: _FileWalk._on_expr,
    ast.Call: _FileWalk._on_call,
    ast.Attribute: _FileWalk._on_attribute,
    ast.Name: _FileWalk._on_name,
    ast.Constant: _FileWalk._string,
    ast.JoinedStr: _FileWalk._joined,
    ast.Dict: _FileWalk._on_dict,
    ast.IfExp: _FileWalk._on_if_exp,
    ast.MatchAs: _FileWalk._on_match_as,
    ast.MatchStar: _FileWalk._on_match_star,
    ast.MatchMapping: _FileWalk._on_match_mapping,
    ast.MatchClass: _FileWalk._on_match_class,
}
if hasattr(ast, "TryStar"):  # Python 3.11
    _HANDLERS[ast.TryStar] = _FileWalk._on_conditional
if hasattr(ast, "TypeAlias"):  # Python 3.12
    _HANDLERS[ast.TypeAlias] = _FileWalk._on_type_alias


def _rejected(rejection: Rejection, lines: int) -> FileFacts:
    return FileFacts(status=rejection.status, lines=lines,
                     problem=(rejection.line, rejection.message))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while one file's tree is built and walked: a syntax tree
    holds no reference cycles, but the collector traverses every node again each time it runs,
    and it runs more often the more nodes there are. The tree is freed by reference counting
    as soon as the file is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _walked(reading: Reading, text: str, vocabulary: frozenset[str]) -> _FileWalk:
    source = SourceText(reading.text, text.splitlines())
    walk = _FileWalk(source, vocabulary, source.lines, reading.text.split("\n"))
    walk.walk(reading.tree)
    return walk


def extract(data: bytes, *, marker: str, include_generated: bool,
            max_bytes: int, vocabulary: frozenset[str] = frozenset(),
            fallback: bool = False) -> FileFacts:
    """All facts of one file's bytes. Never raises for bad input: it reports it.
    ``fallback`` reads the file through libcst even when CPython can (for the tests)."""
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
    with _no_cycle_collection():
        reading = read(text, fallback=fallback)
        if isinstance(reading, Rejection):
            return _rejected(reading, lines)
        try:
            walk = _walked(reading, text, vocabulary)
        except RecursionError:
            return FileFacts(status=ParseStatus.TOO_DEEP, lines=lines, problem=(
                1, "too deeply nested to analyse (the parser ran out of recursion depth)"))
        except Exception as exc:  # a walker bug must cost one file, not the run
            return FileFacts(status=ParseStatus.CRASHED, lines=lines, problem=(
                1, f"the parser failed on this file ({type(exc).__name__}: {exc}); skipped"))
        facts = walk.facts(lines)
    return replace(facts, suppressions=suppressions(text))
