"""Newer syntax written as older syntax on the same lines, for a file CPython cannot read.

libcst reads what Python 3.11 rejects: Python 3.12's type parameters (``def f[T]()``,
``class C[T]``), its ``type`` statements (``type X[T] = Y``) and its f-strings that reuse their
own quote inside a replacement field (``f'{', '.join(names)}'``); and Python 3.11's
``except*``, which 3.10 rejects. Their text is rewritten in place: a type parameter list
becomes blanks, ``type X[T] = Y`` becomes ``X = Y`` (the name it binds), such an f-string gets
triple quotes, ``except*`` loses its star. Every line keeps its number, so the facts read from
the rewrite by ``ast`` carry the file's own lines. A line break inside a blanked span is kept
behind a backslash.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider


class _Spans(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.edits: list[tuple[CodeRange, str]] = []  # (span, the name to write at its start)
        self.quotes: list[tuple[CodeRange, str]] = []  # (f-string, its quote)
        self.stars: list[CodeRange] = []  # ``except*`` handlers (Python 3.11, read on 3.10)
        self._fstrings = 0

    def _where(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.type_parameters is not None:
            self.edits.append((self._where(node.type_parameters), ""))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if node.type_parameters is not None:
            self.edits.append((self._where(node.type_parameters), ""))

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        last = node.name if node.type_parameters is None else node.type_parameters
        span = CodeRange(self._where(node).start, self._where(last).end)
        self.edits.append((span, node.name.value))


    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self.stars.append(self._where(node))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._fstrings += 1
        if self._fstrings == 1 and len(node.end) == 1:
            self.quotes.append((self._where(node), node.end))

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._fstrings -= 1


def _tripled(code: str, quote: str) -> str | None:
    """An f-string whose fields reuse its quote, in triple quotes; None when it needs none."""
    start = code.index(quote)
    body = code[start + 1:-1]
    if quote not in body or quote * 3 in body or body.endswith(quote):
        return None
    return code[:start] + quote * 3 + body + quote * 3


def downgraded(text: str) -> str:
    """``text`` with the constructs above rewritten; raises libcst's errors when it cannot
    read it."""
    module = cst.parse_module(text)
    spans = _Spans()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(spans)
    if not spans.edits and not spans.quotes and not spans.stars:
        return text
    lines = text.splitlines(keepends=True)
    for span in spans.stars:  # ``except* E:`` read as ``except  E:``, a handler all the same
        row = span.start.line - 1
        star = lines[row].find("*", span.start.column)
        if star >= 0:
            lines[row] = lines[row][:star] + " " + lines[row][star + 1:]
    edits = [(span, name, False) for span, name in spans.edits]
    edits += [(span, quote, True) for span, quote in spans.quotes]
    for span, word, quoted in sorted(edits, key=lambda edit: (edit[0].start.line,
                                                              edit[0].start.column),
                                     reverse=True):
        start, end = span.start, span.end
        first, last = start.line - 1, end.line - 1
        before = lines[first][:start.column]
        after = lines[last][end.column:]
        middle = "".join(lines[first:last + 1])[start.column:]
        middle = middle[:len(middle) - len(lines[last]) + end.column]
        if quoted:
            new = _tripled(middle, word)
            if new is None:
                continue
        else:
            new = "".join(char if char in "\r\n" else " " for char in middle)
            if word:
                new = word + new[len(word):]
            new = _continued(new)
        lines[first:last + 1] = (before + new + after).splitlines(keepends=True)
    return "".join(lines)


def _continued(blank: str) -> str:
    """A backslash before each line break of a blanked span, so the statement goes on."""
    out: list[str] = []
    for index, char in enumerate(blank):
        if char in "\r\n" and (index == 0 or blank[index - 1] not in "\r\n"):
            if out and out[-1] == " ":
                out[-1] = "\\"
            else:
                out.append("\\")
        out.append(char)
    return "".join(out)
