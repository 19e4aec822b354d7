"""String literals as libcst read them: an implicit concatenation (``"a" "b" f"{c}"``) is a
run of literals, each with its own text and line, where ``ast`` gives one node."""

from __future__ import annotations

import ast

from analyzer.extract.exprs import SQLISH
from analyzer.extract.segments import fstring_parts, is_fstring, piece_value
from analyzer.extract.segments import pieces as literal_pieces
from analyzer.model import DYNAMIC

_SQL_HEAD = 2_000  # of a run of adjacent literals, read to see whether it is SQL


class Piece:
    """One literal of a run (or a lone f-string): as written, its line, its text (an
    f-string's as written, with DYNAMIC for each field) and an f-string's fields."""

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


def pieces(node: ast.expr, segment: str,
           fields: list[ast.FormattedValue]) -> tuple[list[Piece], list[ast.FormattedValue]]:
    """The literals of ``node`` (whose text is ``segment``), each f-string with its share of
    ``fields``; and the fields left over (none, unless an f-string was split otherwise than
    CPython split it)."""
    found: list[Piece] = []
    remaining = list(fields)
    for raw, start in literal_pieces(segment):
        line = node.lineno + segment.count("\n", 0, start)
        holes = fstring_parts(raw).count(None) if is_fstring(raw) else 0
        found.append(Piece(raw, line, remaining[:holes]))
        del remaining[:holes]
    return found, remaining


def concatenation(texts: list[str | None], start: int) -> str | None:
    """The text of the run from ``start`` when it may be SQL, else None. (libcst nested a run
    to the right: each tail was a string of its own.)"""
    run = texts[start:]
    if any(text is None for text in run):
        return None
    head = ""
    for text in run:
        head += text or ""
        if len(head) >= _SQL_HEAD:
            break
    return "".join(text or "" for text in run) if SQLISH.match(head) else None
