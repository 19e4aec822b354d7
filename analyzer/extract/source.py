"""Turn a file's bytes into text Python would accept, or say precisely why not.

CPython's parser reads the text first; ``too_deep`` is asked before libcst sees a text CPython
rejected, because libcst's native parser can crash the whole process (stack overflow) on
pathological nesting that CPython rejects politely.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from itertools import pairwise

from analyzer.model import ParseStatus

GENERATED_SCAN_LINES = 10


@dataclass(frozen=True, slots=True)
class Rejection:
    status: ParseStatus
    line: int
    message: str


def count_lines(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> str | Rejection:
    """Decode with the PEP 263 cookie (or BOM), as the interpreter would."""
    nul = data.find(b"\x00")
    if nul >= 0:
        return Rejection(ParseStatus.DECODE_ERROR, _line_of(data, nul),
                         "file contains a NUL byte; it is binary or corrupt, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return Rejection(ParseStatus.DECODE_ERROR, exc.lineno or 1,
                         f"bad encoding declaration: {exc.msg}")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return Rejection(ParseStatus.DECODE_ERROR, _line_of(data, exc.start),
                         f"cannot decode as {encoding} at byte {exc.start}: {exc.reason}")
    except LookupError:
        return Rejection(ParseStatus.DECODE_ERROR, 1, f"unknown encoding {encoding!r}")
    return text[1:] if text.startswith("\ufeff") else text


def is_generated(text: str, marker: str) -> int:
    """The line of a generated-code marker in the file's first lines, or 0."""
    for number, line in enumerate(text.splitlines()[:GENERATED_SCAN_LINES], start=1):
        if marker in line:
            return number
    return 0


# Python 2 spellings that are syntax errors in every Python 3. (``except X, e:`` is not among
# them: Python 3.14 accepts it as two exception types.)
_PY2_HINTS = ("0L", "ur'", 'ur"', "<>", "`")


def python2_hint(text: str, line: int) -> str:
    """' (Python 2 syntax?)' when the failing line looks like Python 2."""
    lines = text.splitlines()
    source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if source.startswith(("print ", "exec ")) and not source.startswith(("print(", "exec(")):
        return " (Python 2 syntax? this looks like a print/exec statement)"
    if any(hint in source for hint in _PY2_HINTS):
        return " (Python 2 syntax?)"
    return ""


_BRACKETS = str.maketrans({c: None for c in map(chr, range(128)) if c not in "()[]{}"})
_SUSPECT_DEPTH = 60
_SUSPECT_LINE = 5_000
_SUSPECT_SIZE = 400_000


def _suspect(text: str) -> bool:
    """A cheap look for what could overflow a parser: deep brackets or a giant expression.

    Brackets inside strings are counted too; that only makes the check more cautious.
    """
    if len(text) > _SUSPECT_SIZE:
        return True
    if len(max(text.splitlines() or [""], key=len)) > _SUSPECT_LINE:
        return True
    depth = deepest = 0
    for char in text.translate(_BRACKETS):
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest > _SUSPECT_DEPTH


def cpython_syntax_error(text: str) -> tuple[int, str] | None:
    """CPython's own (line, message) for text libcst rejected; None if CPython accepts it.

    Only called on the error path: libcst places every tokenizer error at 1:1, while CPython
    names the exact line.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as exc:
        return exc.lineno or 1, exc.msg
    except (RecursionError, MemoryError, ValueError):
        return None
    return None


def _cpython_depth(text: str) -> Rejection | None:
    """CPython's verdict on a text's nesting: its own "too deep" errors as a rejection, else
    None (any other syntax error is libcst's to judge)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            ast.parse(text)
    except SyntaxError as exc:
        if "too many nested" in (exc.msg or "") or "too many levels" in (exc.msg or ""):
            return Rejection(ParseStatus.TOO_DEEP, exc.lineno or 1,
                             f"too deeply nested to analyse: {exc.msg}")
    except (RecursionError, MemoryError):
        return Rejection(ParseStatus.TOO_DEEP, 1, "too deeply nested to analyse: the "
                                                  "expression nesting exceeds the "
                                                  "interpreter's limits")
    except ValueError:
        pass
    return None


def too_deep(text: str) -> Rejection | None:
    """Reject what CPython itself refuses as too deeply nested, before libcst can crash on it.

    CPython's parser is the judge, and only consulted when a cheap scan finds a risk. Other
    syntax errors are left to libcst, which may know newer syntax than this interpreter
    (``analyzer.extract.parse``)."""
    if not _suspect(text):
        return None
    return _cpython_depth(text)


_LONG_RUN = 32  # adjacent literals a run must exceed to be merged
_PREFIX = re.compile(r"[A-Za-z]*")
# Present from Python 3.12, where an f-string is a sequence of tokens.
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


@dataclass(frozen=True, slots=True)
class _Literal:
    start: int  # offsets in the text
    end: int
    source: str  # the literal as written; "" for an f-string, which is never merged


def _literal_runs(text: str) -> list[list[_Literal]]:
    """The runs of adjacent string literals (implicit concatenation) in ``text``: literals with
    only line breaks and comments between them. Strings inside f-strings are left alone."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(row: int, column: int) -> int:
        return line_starts[row - 1] + column

    runs: list[list[_Literal]] = [[]]
    fstring_depth = 0
    fstring_start = 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = token.type
        if _FSTRING_START is not None and kind == _FSTRING_START:
            fstring_depth += 1
            if fstring_depth == 1:
                fstring_start = offset(*token.start)
        elif _FSTRING_END is not None and kind == _FSTRING_END:
            fstring_depth -= 1
            if fstring_depth == 0:
                runs[-1].append(_Literal(fstring_start, offset(*token.end), ""))
        elif fstring_depth:
            continue
        elif kind == tokenize.STRING:
            runs[-1].append(_Literal(offset(*token.start), offset(*token.end), token.string))
        elif kind not in (tokenize.NL, tokenize.COMMENT) and runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) > _LONG_RUN]


def _value(literal: _Literal) -> str | bytes | None:
    """The value of a plain literal on one line; None for an f-string (or t-string) and for a
    literal over several lines (merged, it would take line breaks out of the file)."""
    prefix = _PREFIX.match(literal.source)
    if (not literal.source or prefix is None or set(prefix.group().lower()) & {"f", "t"}
            or "\n" in literal.source or "\r" in literal.source):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences
            value = ast.literal_eval(literal.source)
    except (ValueError, SyntaxError, MemoryError):
        return None
    return value if isinstance(value, (str, bytes)) else None


def _joined(values: list[str | bytes]) -> str:
    """One literal for the concatenation of ``values``, all of them str or all bytes."""
    if isinstance(values[0], bytes):
        return repr(b"".join(value for value in values if isinstance(value, bytes)))
    return repr("".join(value for value in values if isinstance(value, str)))


def merge_string_runs(text: str) -> str | None:
    """``text`` with each long run of adjacent string literals (``"a" "b" "c" ...``) written as
    one literal of the same value where the run starts; None when there is no such run.

    Parsers nest implicit concatenation one level per literal: libcst's tree recurses with it
    (a visitor runs out of stack at about 400 literals) and its native parser gives up at about
    3,000. Everything but the literals is kept, line breaks and comments included, so every
    line number stays the same. F-strings in a run stay as they are; the plain literals
    between them are merged.
    """
    try:
        runs = _literal_runs(text)
    except (tokenize.TokenError, SyntaxError):
        return None
    pieces: list[str] = []
    at = 0
    for run in runs:
        group: list[_Literal] = []
        values: list[str | bytes] = []
        for literal in [*run, _Literal(len(text), len(text), "")]:
            value = _value(literal)
            if value is not None and (not values or type(value) is type(values[0])):
                group.append(literal)
                values.append(value)
                continue
            if len(group) > 1:
                pieces.append(text[at:group[0].start])
                pieces.append(_joined(values))
                for before, after in pairwise(group):
                    pieces.append(text[before.end:after.start])
                at = group[-1].end
            group, values = ([literal], [value]) if value is not None else ([], [])
    if not pieces:
        return None
    pieces.append(text[at:])
    return "".join(pieces)


_SUPPRESSION = re.compile(r"seamline:\s*ignore\[([^\]]*)\]")


def suppressions(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """``# seamline: ignore[SL101, multi-context-write]`` comments: (line, names), in order.
    Only real comments count, not the same text inside a string."""
    if "seamline:" not in text:
        return ()
    found: list[tuple[int, tuple[str, ...]]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                for match in _SUPPRESSION.finditer(token.string):
                    names = tuple(n.strip() for n in match.group(1).split(",") if n.strip())
                    if names:
                        found.append((token.start[0], names))
    except (tokenize.TokenError, SyntaxError):
        pass  # the file parsed (libcst); a tokenizer quirk costs only its suppressions
    return tuple(found)
