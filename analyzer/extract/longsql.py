"""Condense a SQL string too long to keep whole, keeping every table it names.

Long SQL is nearly always long because of data: ``WHERE id IN (<10,000 ids>)``, ``INSERT ...
VALUES (...), (...), ...`` with thousands of rows, a select list of hundreds of columns, a
literal holding a document. None of that names a table; the words around it do. So the middle
of every long comma-separated list is left out, except in the clauses whose lists are tables
(``FROM``, ``JOIN``, ``USING``, ``INTO``, ``UPDATE``, ``TABLE``, ``TRUNCATE``, ``MERGE``), and
so is any long literal or comment. An item that holds a clause keyword (a subquery, a ``CASE``)
is never left out, so every table position survives. What was left out is marked in the text
with a comment (``/* seamline: 49,980 characters left out */``), which the SQL reader skips.

Only if the text is still over the limit after that is it cut: at a token boundary, with
``CUT_NOTE`` at the end, so that the SQL reader can say which tables may be missing.

One linear pass of one regular expression; nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CUT_NOTE = "/* seamline: the text is cut here; {count:,} more characters not read */"
CUT_MARK = re.compile(r"/\* seamline: the text is cut here; ([\d,]+) more characters not read "
                      r"\*/\Z")
_LEFT_OUT = "/* seamline: {count:,} characters left out */"

_KEEP_ITEMS = 3  # the first items of a long list kept as they are (and always the last)
_MIN_ITEMS = 8  # lists with fewer items are kept whole
_MIN_SPAN = 200  # and so are lists whose left-out part would be shorter than this
_LONG_TOKEN = 200  # literals and comments longer than this are left out

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<comment>--[^\n]*|/\*(?:[^*]+|\*(?!/))*(?:\*/|\Z))
    | (?P<literal>'(?:[^'\\]+|''|\\.|\\\Z)*(?:'|\Z))
    | (?P<quoted>"(?:[^"]+|"")*(?:"|\Z)|`(?:[^`]+|``)*(?:`|\Z)|\[[^\]\n]*\])
    | (?P<word>[^\W\d][\w$#@]*)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<comma>,)
    | (?P<end>;)
    | (?P<other>[^\s(),;'"`\w]+|\d[\w.]*|\S)
    )""", re.VERBOSE | re.DOTALL)

# Words that start a clause (or a statement, a subquery, a CASE): a list never runs across
# them and an item holding one is never left out.
_CLAUSES = frozenset({
    "select", "from", "join", "straight_join", "into", "update", "delete", "insert", "replace",
    "merge", "using", "with", "table", "truncate", "create", "alter", "drop", "index", "view",
    "trigger", "begin", "end", "case", "where", "set", "values", "group", "order", "having",
    "limit", "offset", "union", "intersect", "except", "minus", "window", "returning", "for",
    "fetch", "when", "do", "qualify", "start", "connect", "grant", "revoke", "lateral",
})
# Clauses whose comma lists (or parenthesised lists) are table names: never shortened.
_TABLE_CLAUSES = frozenset({"from", "join", "straight_join", "using", "into", "update",
                            "table", "truncate", "merge"})
# Words after which the SQL reader no longer takes a comma to separate tables (its
# ``_FROM_END``): the lists that follow may be shortened again.
_LIST_CLAUSES = frozenset({
    "where", "group", "order", "having", "limit", "offset", "union", "intersect", "except",
    "minus", "window", "returning", "set", "values", "select", "for", "fetch", "when", "do",
    "qualify", "start", "connect",
})


@dataclass(slots=True)
class _Level:
    """One parenthesis level (or the statement): the run of plain items being read."""

    shortenable: bool
    commas: list[int] = field(default_factory=list)  # ends of the run's plain items so far
    plain: bool = True  # the current item holds no clause keyword so far


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    replacement: str


def _list_span(level: _Level) -> _Span | None:
    """The middle of the run of plain items just ended at this level, if worth leaving out:
    everything after the first items' commas up to the comma before the last item."""
    commas = level.commas
    if not level.shortenable or len(commas) + 1 < _MIN_ITEMS:
        return None
    start, end = commas[_KEEP_ITEMS - 1] + 1, commas[-1] + 1
    if end - start < _MIN_SPAN:
        return None
    return _Span(start, end, " " + _LEFT_OUT.format(count=end - start))


def _condensed(text: str) -> str:
    spans: list[_Span] = []
    levels = [_Level(shortenable=True)]
    previous = ""  # the last word or punctuation, lower-cased

    def end_run(level: _Level) -> None:
        span = _list_span(level)
        if span is not None:
            spans.append(span)
        level.commas = []
        level.plain = True

    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        value = token.group(kind) if kind else ""
        if kind in ("comment", "literal"):
            if len(value) > _LONG_TOKEN:
                start, end = token.span(kind)
                note = _LEFT_OUT.format(count=end - start)
                spans.append(_Span(start, end, note if kind == "comment" else "'' " + note))
            continue
        level = levels[-1]
        lowered = value.lower()
        if kind == "open":  # ``FROM (a, b)`` and ``FROM a, (b, c)`` list tables too
            levels.append(_Level(shortenable=previous not in _TABLE_CLAUSES and not (
                previous == "," and not level.shortenable)))
        elif kind == "close":
            end_run(level)
            if len(levels) > 1:
                levels.pop()
        elif kind == "comma":
            if level.plain:
                level.commas.append(token.start(kind))
            else:
                end_run(level)
        elif kind == "end" or (kind == "word" and (lowered in _CLAUSES
                                                   or lowered.endswith("join"))):
            end_run(level)
            if kind == "end" or lowered in _LIST_CLAUSES:
                level.shortenable = True
            if lowered in _TABLE_CLAUSES or lowered.endswith("join"):
                level.shortenable = False
            for outer in levels[:-1]:
                outer.plain = False
        previous = lowered
    for level in levels:
        end_run(level)

    pieces: list[str] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < at:
            continue  # inside a span already left out
        pieces.append(text[at:span.start])
        pieces.append(span.replacement)
        at = span.end
    pieces.append(text[at:])
    return "".join(pieces)


def _cut(text: str, limit: int) -> str:
    """The text up to the last token boundary that leaves room for the note, and the note."""
    room = limit - len(CUT_NOTE.format(count=len(text))) - 1
    end = 0
    for token in _TOKEN.finditer(text):
        if token.end() > room:
            break
        end = token.end()
    return text[:end] + " " + CUT_NOTE.format(count=len(text) - end)


def condense_sql(text: str, limit: int) -> str:
    """``text`` if it is at most ``limit`` characters; else the text with the middles of long
    lists and long literals left out, cut at ``limit`` if still too long."""
    if len(text) <= limit:
        return text
    condensed = _condensed(text)
    return condensed if len(condensed) <= limit else _cut(condensed, limit)
