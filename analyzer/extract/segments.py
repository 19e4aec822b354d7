"""The source text behind an ``ast`` node: its segment, its string literals as written.

``ast`` gives each node a span (line, UTF-8 byte column) but drops what the facts still show as
written: the parentheses around an expression, the pieces of an implicit concatenation
(``"a" "b"``), the raw text of an f-string. This module reads them back from the text, only
for the nodes that need it.
"""

from __future__ import annotations

import ast
import keyword
import re
import warnings

from analyzer.text import LITERAL

_PIECES = re.compile(rf"({LITERAL})|\s+|#[^\n]*|\\\r?\n", re.DOTALL)
_PREFIX = re.compile(r"[A-Za-z]*")
_SPACE = b" \t\r\n\f\\"
_COMMENT = re.compile(rb"#[^'\"\n]*$")
_LAST_WORD = re.compile(rb"[A-Za-z0-9_]+\Z")
_KEYWORDS = frozenset(word.encode() for word in keyword.kwlist)


class SourceText:
    """A file's text with the byte offset of each line, to slice out what a node spans."""

    __slots__ = ("_data", "_starts", "lines")

    def __init__(self, text: str, lines: list[str]) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._data = data
        starts = [0, 0]  # starts[n]: the offset where line n (1-based) starts
        starts.extend(match.end() for match in re.finditer(b"\r\n?|\n", data))
        self._starts = starts
        self.lines = lines  # text.splitlines(): the evidence shown for an access

    def _span(self, node: ast.AST) -> tuple[int, int]:
        starts = self._starts
        return (starts[node.lineno] + node.col_offset,  # type: ignore[attr-defined]
                starts[node.end_lineno] + node.end_col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        start, end = self._span(node)
        return self._data[start:end].decode("utf-8", "surrogatepass")

    def opening_line(self, node: ast.AST) -> int:
        """The line of the parenthesis a node starts with when libcst held it as the node's
        own (``(`` alone on an earlier line, ``)`` right after the node); else its own line."""
        line: int = node.lineno  # type: ignore[attr-defined]
        starts = self._starts
        data = self._data
        start = starts[line] + node.col_offset  # type: ignore[attr-defined]
        if line == 1 or data[starts[line]:start].strip():
            return line
        previous = line - 1
        while previous > 0:
            text = _COMMENT.sub(b"", data[starts[previous]:starts[previous + 1]]).rstrip()
            if text:
                break
            previous -= 1
        if previous == 0 or not text.endswith(b"("):
            return line
        word = _LAST_WORD.search(text[:-1].rstrip())
        if word is not None and word.group() not in _KEYWORDS:
            return line  # a call's parenthesis
        if text[:-1].rstrip()[-1:] in (b")", b"]"):
            return line
        _, end = self._span(node)
        after = _skip_space_and_comments(data, end)
        return previous if data[after:after + 1] == b")" else line

    def offset(self, line: int, column: int) -> int:
        return self._starts[line] + column

    def find(self, needle: bytes, start: int) -> int:
        return self._data.find(needle, start)

    def own_segment(self, node: ast.AST, floor: int = -1) -> str:
        """The node's text with the parentheses around it, as libcst kept them with the node;
        no parenthesis at or before ``floor`` (a class's own ``(`` before its bases)."""
        data = self._data
        start, end = self._span(node)
        while True:
            before = start - 1
            while before >= 0 and data[before] in _SPACE:
                before -= 1
            if before <= floor or data[before:before + 1] != b"(":
                break
            after = _skip_space_and_comments(data, end)
            if data[after:after + 1] != b")":
                break
            start, end = before, after + 1
        return data[start:end].decode("utf-8", "surrogatepass")


def _skip_space_and_comments(data: bytes, at: int) -> int:
    while at < len(data):
        char = data[at]
        if char in _SPACE:
            at += 1
        elif char == 0x23:  # "#"
            newline = data.find(b"\n", at)
            at = len(data) if newline < 0 else newline
        else:
            break
    return at


def pieces(segment: str) -> list[tuple[str, int]]:
    """The literals of an implicit concatenation, as written, with where each starts."""
    return [(match.group(1), match.start()) for match in _PIECES.finditer(segment)
            if match.group(1)]


def is_fstring(piece: str) -> bool:
    prefix = _PREFIX.match(piece)
    return prefix is not None and "f" in prefix.group().lower()


def piece_value(piece: str) -> str | bytes | None:
    """A plain literal's value (an invalid escape is kept, as CPython does)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(piece)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (str, bytes)) else None


def fstring_parts(piece: str) -> list[str | None]:
    """An f-string literal as written: its text parts raw (escapes and ``{{`` as they are) and
    None for each replacement field, in order."""
    prefix = _PREFIX.match(piece)
    letters = prefix.group() if prefix else ""
    raw = "r" in letters.lower()
    body = piece[len(letters):]
    quote = body[:3] if body[:3] in ("'''", '"""') else body[:1]
    body = body[len(quote):len(body) - len(quote)]
    parts: list[str | None] = []
    text: list[str] = []
    at = 0
    size = len(body)
    while at < size:
        char = body[at]
        if char == "{" and body[at + 1:at + 2] == "{":
            text.append("{{")
            at += 2
        elif char == "}" and body[at + 1:at + 2] == "}":
            text.append("}}")
            at += 2
        elif char == "{":
            if text:
                parts.append("".join(text))
                text = []
            parts.append(None)
            at = _field_end(body, at)
        elif char == "\\" and not raw and body[at + 1:at + 3] == "N{":
            close = body.find("}", at)  # a named character, not a field
            close = size - 1 if close < 0 else close
            text.append(body[at:close + 1])
            at = close + 1
        elif char == "\\" and at + 1 < size:
            text.append(body[at:at + 2])
            at += 2
        else:
            text.append(char)
            at += 1
    if text:
        parts.append("".join(text))
    return parts


def _field_end(body: str, at: int) -> int:
    """The offset after the ``}`` that closes the replacement field opened at ``at``."""
    depth = 0
    size = len(body)
    while at < size:
        char = body[at]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return at + 1
        elif char in "'\"":
            close = body.find(char, at + 1)
            at = size if close < 0 else close
        at += 1
    return size
