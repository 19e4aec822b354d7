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

import builtins
import re

import libcst as cst

from analyzer.extract.longsql import condense_sql
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


def string_value(node: cst.BaseExpression) -> str | None:
    """The text of a string expression, with DYNAMIC where it is only known at run time."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # an invalid escape sequence: keep the raw text
            return node.value[len(node.prefix) + len(node.quote): -len(node.quote)]
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        # ``"a" "b" "c"`` nests to the right: walked in a loop, however long the run.
        pieces: list[str] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.ConcatenatedString):
            piece = string_value(current.left)
            if piece is None:
                return None
            pieces.append(piece)
            current = current.right
        last = string_value(current)
        return None if last is None else "".join(pieces) + last
    if isinstance(node, cst.FormattedString):
        parts: list[str] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            else:
                parts.append(DYNAMIC)
        return "".join(parts)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Modulo):
            template = string_value(node.left)
            if template is None:
                return None
            return _PERCENT_FIELD.sub(
                lambda field: "%" if field.group() == "%%" else DYNAMIC, template)
        if isinstance(node.operator, cst.Add):
            left = string_value(node.left)
            right = string_value(node.right)
            if left is None and right is None:
                return None
            return (DYNAMIC if left is None else left) + (DYNAMIC if right is None else right)
    if isinstance(node, cst.Call) and not node.args:
        return None
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "format"):
        template = string_value(node.func.value)
        if template is None:
            return None
        return _FORMAT_FIELD.sub(DYNAMIC, template.replace("{{", "\0").replace("}}", "\1")
                                 ).replace("\0", "{").replace("\1", "}")
    return None


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


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` as ``"a.b.c"``; None for anything that is not a plain name chain."""
    parts = dotted(node)
    return None if parts is None else ".".join(parts)


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

    def __init__(self, vocabulary: frozenset[str]) -> None:
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

    def summary(self, node: cst.BaseExpression, depth: int = 0, chain: int = 0) -> Expr:
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
        if isinstance(node, cst.Call):
            text = string_value(node)
            if text is not None:
                return self._string(text)
            func = self.summary(node.func, depth, chain + 1)
            args: list[Expr] = []
            keywords: list[tuple[str, Expr]] = []
            for arg in node.args[:_MAX_ITEMS]:
                value = self.summary(arg.value, depth + 1)
                if arg.keyword is not None:
                    keywords.append((arg.keyword.value, value))
                elif arg.star:
                    args.append(UNKNOWN)
                else:
                    args.append(value)
            return Call(func, tuple(args), tuple(keywords))
        if isinstance(node, cst.Attribute):
            self._word(node.attr.value)
            return Attr(self.summary(node.value, depth, chain + 1), node.attr.value)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
                             cst.BinaryOperation)):
            text = string_value(node)
            if text is not None:
                return self._string(text)
            return UNKNOWN
        if isinstance(node, cst.Subscript):
            if len(node.slice) == 1:
                index = node.slice[0].slice
                if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                    return Index(self.summary(node.value, depth + 1), int(index.value.value, 0))
            return Index(self.summary(node.value, depth + 1), None)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return Items(tuple(self.summary(e.value, depth + 1)
                               for e in node.elements[:_MAX_ITEMS]))
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            # ``[Line(...) for x in xs]``: a list of what the element is, and what it iterates
            iterables: list[Expr] = []
            current: cst.CompFor | None = node.for_in
            while current is not None and len(iterables) < _MAX_ITEMS:
                iterables.append(self.summary(current.iter, depth + 1))
                current = current.inner_for_in
            return Comp(self.summary(node.elt, depth + 1), tuple(iterables))
        if isinstance(node, cst.Integer):
            return Const(int(node.value, 0))
        if isinstance(node, cst.Await):
            return self.summary(node.expression, depth + 1)
        if isinstance(node, cst.BooleanOperation):  # ``a or B.objects.get()``: keep the right
            return self.summary(node.right, depth + 1)
        return UNKNOWN

    def _string(self, text: str) -> Expr:
        if SQLISH.match(text):
            self.hit = True
        kept = kept_string(text)
        return UNKNOWN if kept is None else Str(kept)
