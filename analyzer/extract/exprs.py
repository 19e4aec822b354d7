"""Small, JSON-ready summaries of expressions: what the data-access stage needs to see.

A summary (``analyzer.model.Expr``) keeps the shape that says which table code touches and
drops the rest: ``Name`` (a dotted name chain), ``Str`` (a string; dynamic parts such as f-string
holes, % and .format fields, non-literal operands of + are DYNAMIC), ``Call``, ``Attr`` (an
attribute of something that is not a name chain), ``Index`` (a subscript, with its integer
index), ``Items`` (a list, tuple or set display), ``Comp`` (a comprehension: its element and what
it iterates over), ``Const`` (an integer) and ``Unknown`` (anything else; True, False and None
are names).

Summaries are cut at a fixed depth, so one odd expression cannot blow up the cache. Strings
are kept up to a fixed length, except SQL: a longer statement is condensed to that length,
keeping every table it names (``analyzer.extract.longsql``).
"""

from __future__ import annotations

import ast
import builtins
import re

from analyzer.extract.longsql import condense_sql
from analyzer.extract.segments import (
    SourceText,
    fstring_parts,
    is_fstring,
    piece_value,
    pieces,
)
from analyzer.model import (
    DYNAMIC,
    UNKNOWN,
    Attr,
    Call,
    Comp,
    Const,
    Expr,
    Index,
    Items,
    Name,
    Str,
)

_MAX_DEPTH = 8  # nesting of arguments
_MAX_CHAIN = 100  # links of one call chain
_MAX_ITEMS = 12
_MAX_STRING = 20_000  # SQL longer than this is condensed to this length
_SHORT_STRING = 200

# A string that may be SQL: the data stage reads it properly; this only keeps it.
SQLISH = re.compile(
    r"\A[\s(]*(?:(?:--[^\n]*\n|/\*.*?\*/)[\s(]*)*"
    r"(?:select|insert|update|delete|with|create|alter|drop|replace|merge|truncate)\b",
    re.IGNORECASE | re.DOTALL,
)
_PERCENT_FIELD = re.compile(r"%%|%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGcaou]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


def kept_string(text: str) -> str | None:
    """What a summary keeps of a string: a short one as it is, SQL of any length (condensed
    when long), nothing of a long string that is not SQL."""
    if len(text) <= _SHORT_STRING:
        return text
    if not SQLISH.match(text):
        return None
    return condense_sql(text, _MAX_STRING)


def string_value(node: ast.expr, source: SourceText) -> str | None:
    """The text of a string expression, with DYNAMIC where it is only known at run time.

    An f-string's text parts are kept as written (escapes and ``{{`` unprocessed), as they
    always were; the other literals are evaluated."""
    kind = type(node)
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        return value if type(value) is str else None
    if kind is ast.JoinedStr:
        texts: list[str] = []
        for piece, _ in pieces(source.segment(node)):
            if is_fstring(piece):
                texts.extend(DYNAMIC if part is None else part for part in fstring_parts(piece))
            else:
                value = piece_value(piece)
                if not isinstance(value, str):
                    return None
                texts.append(value)
        return "".join(texts)
    if kind is ast.BinOp:
        operator = type(node.op)  # type: ignore[attr-defined]
        if operator is ast.Mod:
            template = string_value(node.left, source)  # type: ignore[attr-defined]
            if template is None:
                return None
            return _PERCENT_FIELD.sub(
                lambda field: "%" if field.group() == "%%" else DYNAMIC, template)
        if operator is ast.Add:
            left = string_value(node.left, source)  # type: ignore[attr-defined]
            right = string_value(node.right, source)  # type: ignore[attr-defined]
            if left is None and right is None:
                return None
            return (DYNAMIC if left is None else left) + (DYNAMIC if right is None else right)
    if kind is ast.Call:
        assert isinstance(node, ast.Call)
        if not node.args and not node.keywords:
            return None
        func = node.func
        if type(func) is ast.Attribute and func.attr == "format":
            template = string_value(func.value, source)
            if template is None:
                return None
            return _FORMAT_FIELD.sub(DYNAMIC, template.replace("{{", "\0").replace("}}", "\1")
                                     ).replace("\0", "{").replace("\1", "}")
    return None


def singleton(node: ast.expr) -> str | None:
    """``None``, ``True`` or ``False``: names, as libcst read them."""
    if type(node) is ast.Constant:
        value = node.value
        if value is None or value is True or value is False:
            return str(value)
    return None


def dotted(node: ast.expr) -> tuple[str, ...] | None:
    """``a.b.c`` as ``("a", "b", "c")``; None for anything that is not a plain name chain."""
    parts: list[str] = []
    current = node
    while type(current) is ast.Attribute:
        parts.append(current.attr)
        current = current.value
    if type(current) is ast.Name:
        parts.append(current.id)
    else:
        name = singleton(current)
        if name is None:
            return None
        parts.append(name)
    parts.reverse()
    return tuple(parts)


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` as ``"a.b.c"``; None for anything that is not a plain name chain."""
    parts = dotted(node)
    return None if parts is None else ".".join(parts)


def call_args(node: ast.Call) -> list[tuple[str | None, bool, ast.expr]]:
    """A call's arguments in the order written: (keyword, starred, value)."""
    found: list[tuple[str | None, bool, ast.expr]] = []
    for arg in node.args:
        if type(arg) is ast.Starred:
            found.append((None, True, arg.value))
        else:
            found.append((None, False, arg))
    if not node.keywords:
        return found
    keywords = [(keyword.arg, keyword.arg is None, keyword.value) for keyword in node.keywords]
    if found and any(starred for _, starred, _ in found):  # ``f(x=1, *rest)``
        where = [(arg.lineno, arg.col_offset) for arg in node.args]
        where += [(keyword.lineno, keyword.col_offset) for keyword in node.keywords]
        merged = sorted(zip(where, [*found, *keywords], strict=True), key=lambda pair: pair[0])
        return [arg for _, arg in merged]
    return found + keywords


# Words of the data vocabulary that everyday objects also have (``d.get(k)``, ``s.add(x)``,
# ``", ".join(...)``): a call using only these matters only next to a class name.
_EVERYDAY = frozenset(
    name for kind in (dict, list, set, str, bytes, int) for name in dir(kind)
    if not name.startswith("_")
) | frozenset(dir(builtins)) | {"first", "one", "delete", "select", "values", "filter"}


class Summarizer:
    """Summarise expressions, noting whether one may touch data: a word of ``vocabulary``
    (an everyday word such as ``get`` only beside a capitalised name, a possible model class),
    or SQL-looking text. ``roots`` collects the first names of the chains seen."""

    def __init__(self, vocabulary: frozenset[str], source: SourceText) -> None:
        self.source = source
        self.chains = tuple(sorted(word for word in vocabulary if "." in word))
        forced = {word[1:] for word in vocabulary if word.startswith("!")}
        plain = {word for word in vocabulary if "." not in word and not word.startswith("!")}
        self.strong = (plain - _EVERYDAY) | forced
        self.weak = (plain & _EVERYDAY) - forced
        self.hit = False
        self.everyday = False
        self.capital = False
        self.roots: set[str] = set()

    def reset(self) -> None:
        self.hit = self.everyday = self.capital = False
        self.roots = set()

    def _word(self, word: str) -> None:
        if word in self.strong:
            self.hit = True
        elif word in self.weak:
            self.everyday = True

    def summary(self, node: ast.expr, depth: int = 0, chain: int = 0) -> Expr:
        if depth > _MAX_DEPTH or chain > _MAX_CHAIN:
            return UNKNOWN
        # A chain (``a.b(...).c(...)``) costs no depth; only nesting inside arguments does.
        name = dotted_name(node)
        if name is not None:
            first, _, _ = name.partition(".")
            self.roots.add(first)
            if first[:1].isupper() or ".".join(name.split(".")[-2:-1])[:1].isupper():
                self.capital = True
            self._word(name.rsplit(".", 1)[-1])
            if self.chains and any(chain in name for chain in self.chains):
                self.hit = True  # request.user: the user model
            return Name(name)
        kind = type(node)
        if kind is ast.Call:
            assert isinstance(node, ast.Call)
            text = string_value(node, self.source)
            if text is not None:
                return self._string(text)
            func = self.summary(node.func, depth, chain + 1)
            args: list[Expr] = []
            keywords: list[tuple[str, Expr]] = []
            for keyword, starred, value in call_args(node)[:_MAX_ITEMS]:
                summary = self.summary(value, depth + 1)
                if keyword is not None:
                    keywords.append((keyword, summary))
                elif starred:
                    args.append(UNKNOWN)
                else:
                    args.append(summary)
            return Call(func, tuple(args), tuple(keywords))
        if kind is ast.Attribute:
            assert isinstance(node, ast.Attribute)
            self._word(node.attr)
            return Attr(self.summary(node.value, depth, chain + 1), node.attr)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is int:
                return Const(value)
            if type(value) is str:
                return self._string(value)
            return UNKNOWN
        if kind is ast.JoinedStr or kind is ast.BinOp:
            text = string_value(node, self.source)
            if text is not None:
                return self._string(text)
            return UNKNOWN
        if kind is ast.Subscript:
            assert isinstance(node, ast.Subscript)
            index = node.slice
            if type(index) is ast.Constant and type(index.value) is int:
                return Index(self.summary(node.value, depth + 1), index.value)
            return Index(self.summary(node.value, depth + 1), None)
        if kind is ast.List or kind is ast.Tuple or kind is ast.Set:
            return Items(tuple(self.summary(_unstarred(e), depth + 1)
                               for e in node.elts[:_MAX_ITEMS]))  # type: ignore[attr-defined]
        if kind is ast.ListComp or kind is ast.SetComp or kind is ast.GeneratorExp:
            # ``[Line(...) for x in xs]``: a list of what the element is, and what it iterates
            generators = node.generators[:_MAX_ITEMS]  # type: ignore[attr-defined]
            iterables = [self.summary(g.iter, depth + 1) for g in generators]
            return Comp(self.summary(node.elt, depth + 1), tuple(iterables))  # type: ignore[attr-defined]
        if kind is ast.Await:
            return self.summary(node.value, depth + 1)  # type: ignore[attr-defined]
        if kind is ast.BoolOp:  # ``a or B.objects.get()``: keep the right
            return self.summary(node.values[-1], depth + 1)  # type: ignore[attr-defined]
        return UNKNOWN

    def _string(self, text: str) -> Expr:
        if SQLISH.match(text):
            self.hit = True
        kept = kept_string(text)
        return UNKNOWN if kept is None else Str(kept)


def _unstarred(node: ast.expr) -> ast.expr:
    return node.value if type(node) is ast.Starred else node
