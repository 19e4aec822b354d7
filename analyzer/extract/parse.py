"""Read a file's text into a stdlib ``ast`` tree: CPython's own parser first, libcst after.

``ast.parse`` reads nova (609k lines) about ten times faster than libcst and is the path of
every file this interpreter can read. A file it rejects goes to libcst, which knows syntax newer
than the running interpreter; the constructs that interpreter lacks are then written in older
syntax on the same lines (``analyzer.extract.downgrade``) and read by ``ast`` again, so one walk
of one kind of tree gives every file's facts. A file neither parser reads is a diagnostic with
CPython's line and message, as before.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

from analyzer.extract.source import Rejection, merge_string_runs, python2_hint, too_deep
from analyzer.model import ParseStatus

_TOO_DEEP = "too deeply nested to analyse (the parser ran out of recursion depth)"
_BEYOND_LIMITS = ("too deeply nested to analyse: the expression nesting exceeds the "
                  "interpreter's limits")


@dataclass(frozen=True, slots=True)
class Reading:
    tree: ast.Module
    text: str  # the text the tree was read from: the file's, or its older-syntax rewrite


def _ast(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        return ast.parse(text)


def read(text: str, *, fallback: bool = False) -> Reading | Rejection:
    """The tree of ``text``, or why there is none. ``fallback`` takes the libcst route even
    when CPython reads the text (the tests compare the two routes)."""
    error: SyntaxError | None = None
    if not fallback:
        try:
            return Reading(_ast(text), text)
        except SyntaxError as exc:
            if "too many nested" in (exc.msg or "") or "too many levels" in (exc.msg or ""):
                return Rejection(ParseStatus.TOO_DEEP, exc.lineno or 1,
                                 f"too deeply nested to analyse: {exc.msg}")
            error = exc
        except (RecursionError, MemoryError):
            return Rejection(ParseStatus.TOO_DEEP, 1, _BEYOND_LIMITS)
    # libcst's native parser can crash the process on nesting CPython rejects politely
    deep = too_deep(text)
    if deep is not None:
        return deep
    return _through_libcst(text, error)


def _syntax_error(text: str, line: int, message: str) -> Rejection:
    message = " ".join(message.split())
    if len(message) > 200:
        message = message[:197] + "..."
    return Rejection(ParseStatus.SYNTAX_ERROR, line,
                     f"syntax error: {message}{python2_hint(text, line)}")


def _through_libcst(text: str, error: SyntaxError | None) -> Reading | Rejection:
    import libcst as cst  # only for the few files CPython cannot read

    from analyzer.extract.downgrade import downgraded

    try:
        try:
            older = downgraded(text)
        except (cst.ParserSyntaxError, RecursionError):
            # A long run of adjacent literals ("a" "b" ...) nests as deep as it is long in
            # libcst. Merged into one literal (same value, same lines), it parses.
            merged = merge_string_runs(text)
            if merged is None:
                raise
            older = downgraded(merged)
    except cst.ParserSyntaxError as exc:
        if error is not None:
            return _syntax_error(text, error.lineno or 1, error.msg)
        return _syntax_error(text, exc.raw_line, exc.message)
    except cst.CSTValidationError as exc:  # e.g. an identifier character newer than Unicode
        return Rejection(ParseStatus.SYNTAX_ERROR, 1, f"syntax error: {exc}")  # tables
    except RecursionError:
        return Rejection(ParseStatus.TOO_DEEP, 1, _TOO_DEEP)
    except Exception as exc:  # a parser bug must cost one file, not the run
        return Rejection(ParseStatus.CRASHED, 1,
                         f"the parser failed on this file ({type(exc).__name__}: {exc}); skipped")
    try:
        return Reading(_ast(older), older)
    except SyntaxError as exc:  # newer syntax than the rewrite knows (e.g. PEP 701 f-strings)
        first = error or exc
        return _syntax_error(text, first.lineno or 1, first.msg)
    except (RecursionError, MemoryError):
        return Rejection(ParseStatus.TOO_DEEP, 1, _TOO_DEEP)
