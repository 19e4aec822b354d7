"""Newer syntax written as older syntax on the same lines, for a file CPython cannot read.

libcst reads what Python 3.11 rejects: Python 3.12's type parameters (``def f[T]()``,
``class C[T]``), its ``type`` statements (``type X[T] = Y``) and its f-strings (PEP 701: the
quote reused inside a replacement field, at any depth, a backslash or a comment in a field);
and Python 3.11's ``except*``, which 3.10 rejects. Their text is rewritten in place: a type
parameter list becomes blanks, ``type X[T] = Y`` becomes ``X = Y`` (the name it binds),
``except*`` loses its star, and an f-string this interpreter cannot read gets triple quotes when
that is enough, else becomes the concatenation it stands for (``"SELECT " + (cols) + " FROM
t"``: its text and its fields, which are read as an f-string's would be: the text with dynamic
holes, the fields' names as uses; a field's conversion and format are dropped). Every line
keeps its number, so the facts read from the rewrite by ``ast`` carry the file's own lines (a
rewritten f-string's fields move to its first lines). A line break inside a blanked span is
kept behind a backslash. Lines are counted as libcst and CPython count them: at ``\r\n``,
``\r`` and ``\n`` only, never at a form feed or a Unicode line separator.
"""

from __future__ import annotations

import ast
import re
import warnings

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """``text`` cut into lines where libcst and CPython end one, each with its line end."""
    return _LINE.findall(text)


def _reads(code: str) -> bool:
    """Whether this interpreter reads ``code`` as one expression."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(f"(\n{code}\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _breaks(code: str) -> int:
    return len(_lines(code)) - 1 if code else 0


def _fields(parts: object) -> list[cst.BaseExpression]:
    """The expressions of an f-string's fields, those of their format specs included."""
    found: list[cst.BaseExpression] = []
    for part in parts if isinstance(parts, (list, tuple)) else ():
        if isinstance(part, cst.FormattedStringExpression):
            found.append(part.expression)
            found.extend(_fields(part.format_spec or ()))
    return found


def _literal(prefix: str, quote: str, text: str) -> list[str]:
    """``text`` (as written in a string with ``prefix`` and ``quote``) as string literals that
    stand on their own: a trailing backslash or quote, which the f-string's next field or its
    end had closed, is written apart."""
    tail = ""
    while text.endswith(quote[0]):
        text, tail = text[:-1], tail + quote[0]
    backslashes = len(text) - len(text.rstrip("\\"))
    if backslashes % 2:  # ``f"a\{x}"``: an escape nothing follows
        text, tail = text[:-1], "\\" + tail
    found = [f"{prefix}{quote}{text}{quote}"]
    if tail:
        found.append(repr(tail))  # each of them stands for itself
    return found


def _pieces(module: cst.Module, node: cst.FormattedString) -> list[str] | None:
    """The f-string ``node`` as the pieces of a concatenation: its text and its fields."""
    prefix = node.prefix.lower().replace("f", "")
    quote = node.start[len(node.prefix):]
    pieces: list[str] = []
    text: list[str] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            text.append(part.value.replace("{{", "{").replace("}}", "}"))
            continue
        if not isinstance(part, cst.FormattedStringExpression):
            return None
        pieces.extend(_literal(prefix, quote, "".join(text)))
        text = []
        for field in [part.expression, *_fields(part.format_spec or ())]:
            inner = module.code_for_node(field)
            if not _reads(inner):  # an f-string in the field, newer still
                wrapped = downgraded(f"(\n{inner}\n)")
                if not (wrapped.startswith("(\n") and wrapped.endswith("\n)")):
                    return None
                inner = wrapped[2:-2]
            pieces.append(f"({inner})")
    pieces.extend(_literal(prefix, quote, "".join(text)))
    return pieces


def _string_pieces(module: cst.Module, node: cst.BaseExpression) -> list[str] | None:
    """Any string expression as the pieces of a concatenation: an implicit concatenation
    (``"a" f"{b}"``) piece by piece, an f-string by its text and fields, a plain string as
    it is written."""
    if isinstance(node, cst.ConcatenatedString):
        left = _string_pieces(module, node.left)
        right = _string_pieces(module, node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        return _pieces(module, node)
    if isinstance(node, cst.SimpleString):
        return [module.code_for_node(node.with_changes(lpar=(), rpar=()))]
    return None


def _concatenation(module: cst.Module, node: cst.BaseExpression, code: str) -> str | None:
    """A string expression as one concatenation of its text and its fields, in parentheses,
    with as many line breaks as ``code`` (its source) has; None when that cannot be."""
    pieces = _string_pieces(module, node)
    if pieces is None:
        return None
    joined = "(" + " + ".join(pieces)
    missing = _breaks(code) - _breaks(joined)
    if missing < 0 or not _reads(joined + "\n" * missing + ")"):
        return None
    return joined + "\n" * missing + ")"


class _Spans(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self._module = module
        self.edits: list[tuple[CodeRange, str]] = []  # (span, the name to write at its start)
        self.quotes: list[tuple[CodeRange, str]] = []  # (f-string, its quote)
        self.replaced: list[tuple[CodeRange, str]] = []  # (f-string, its concatenation)
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

    def visit_TypeParameters(self, node: cst.TypeParameters) -> bool:
        return False  # blanked whole: nothing in it is rewritten

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        """``"a" f"{b}"``: when one of its f-strings must become a concatenation, all of it
        does (an implicit concatenation with a parenthesised ``+`` chain in it would not
        read); else each f-string is seen on its own."""
        if self._fstrings:
            return True
        code = self._code(node)
        if _reads(code) or all(self._triples(f, self._code(f)) for f in _fstrings_in(node)):
            return True
        joined = _concatenation(self._module, node, code)
        if joined is not None:
            self.replaced.append((self._where(node), joined))
        return False

    def _code(self, node: cst.BaseExpression) -> str:
        """The node's own text: the parentheses around it are not in its span."""
        return self._module.code_for_node(node.with_changes(lpar=(), rpar=()))

    def _triples(self, node: cst.FormattedString, code: str) -> bool:
        """Whether ``node`` (its text ``code``) reads as it is or in triple quotes."""
        if _reads(code):
            return True
        tripled = _tripled(code, node.end) if len(node.end) == 1 else None
        return tripled is not None and _reads(tripled)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._fstrings += 1
        if self._fstrings > 1:
            return
        code = self._code(node)
        if _reads(code):
            return
        if self._triples(node, code):
            self.quotes.append((self._where(node), node.end))
            return
        joined = _concatenation(self._module, node, code)
        if joined is not None:
            self.replaced.append((self._where(node), joined))

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._fstrings -= 1


def _fstrings_in(node: cst.BaseExpression) -> list[cst.FormattedString]:
    if isinstance(node, cst.ConcatenatedString):
        return _fstrings_in(node.left) + _fstrings_in(node.right)
    return [node] if isinstance(node, cst.FormattedString) else []


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
    spans = _Spans(module)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(spans)
    if not spans.edits and not spans.quotes and not spans.stars and not spans.replaced:
        return text
    lines = _lines(text)
    for span in spans.stars:  # ``except* E:`` read as ``except  E:``, a handler all the same
        row = span.start.line - 1
        star = lines[row].find("*", span.start.column)
        if star >= 0:
            lines[row] = lines[row][:star] + " " + lines[row][star + 1:]
    edits = [(span, name, "blank") for span, name in spans.edits]
    edits += [(span, quote, "quote") for span, quote in spans.quotes]
    edits += [(span, joined, "replace") for span, joined in spans.replaced]
    for span, word, how in sorted(edits, key=lambda edit: (edit[0].start.line,
                                                           edit[0].start.column),
                                  reverse=True):
        start, end = span.start, span.end
        first, last = start.line - 1, end.line - 1
        before = lines[first][:start.column]
        after = lines[last][end.column:]
        middle = "".join(lines[first:last + 1])[start.column:]
        middle = middle[:len(middle) - len(lines[last]) + end.column]
        if how == "replace":
            new = word
        elif how == "quote":
            tripled = _tripled(middle, word)
            if tripled is None:
                continue
            new = tripled
        else:
            new = "".join(char if char in "\r\n" else " " for char in middle)
            if word:
                new = word + new[len(word):]
            new = _continued(new)
        lines[first:last + 1] = _lines(before + new + after)
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
