"""The facts of one file's bytes: checked, decoded, read into a tree, walked once.

The walk knows nothing of other files. Name uses are kept as dotted chains
(``("inventory_service", "reserve")``) and resolved to definitions later, once every module is
known (``analyzer.resolve``).

The tree comes from CPython's own parser (``analyzer.extract.parse``; libcst only for syntax
newer than the running interpreter) and is walked once (``analyzer.extract.walk``), each
concern keeping its own facts. Measured on nova 34.0.0 with its tests (1,508 files, 609k
lines, one process): 10.5 s in all, where libcst's parse, its line tracking and its visitor
took 91 s; the facts are the same, file for file.
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.collector import collector_off
from analyzer.extract.parse import Reading, read
from analyzer.extract.segments import SourceText
from analyzer.extract.source import (
    Rejection,
    count_lines,
    decode,
    is_generated,
    suppressions,
)
from analyzer.extract.walk import FileWalk
from analyzer.model import FileFacts, ParseStatus

# When the facts extracted here change, bump EXTRACTOR_VERSION (analyzer/extract/__init__.py).


def _rejected(rejection: Rejection, lines: int) -> FileFacts:
    return FileFacts(status=rejection.status, lines=lines,
                     problem=(rejection.line, rejection.message))


_LINE_END = re.compile(r"\r\n|\r|\n")


def _walked(reading: Reading, text: str, vocabulary: frozenset[str]) -> FileWalk:
    # lines end where CPython's tree ends them (a lone \r too), never at a form feed or
    # U+2028, which str.splitlines() would cut at
    source = SourceText(reading.text, _LINE_END.split(text))
    walk = FileWalk(source, _LINE_END.split(reading.text), vocabulary)
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
    with collector_off():  # a syntax tree holds no cycle, and the walk makes millions of objects
        # the tree is freed when _read_and_walk returns, before the collector is back: else
        # its first pass would walk every node of it (0.7 s of a module of 100,000 functions)
        return _read_and_walk(text, lines, vocabulary, fallback)


def _read_and_walk(text: str, lines: int, vocabulary: frozenset[str],
                   fallback: bool) -> FileFacts:
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
    return replace(walk.facts(lines), suppressions=suppressions(text))
