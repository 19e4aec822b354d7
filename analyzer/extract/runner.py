"""Extract the facts of many files: cache first, then a process pool for the rest.

Files go to workers in chunks of roughly equal size and come back as plain ``FileFacts``. A
worker that dies (libcst's native parser can overflow its stack on input CPython would reject)
takes only its own file down: the unfinished files are retried one at a time in fresh processes
and the one that kills its process is reported as a diagnostic.

Each chunk's facts go into the cache as soon as they arrive, so an interrupted run loses only the
chunks in flight; the pool (``analyzer.workers``) stops its workers at once on an interruption.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.cache import FactCache, content_key
from analyzer.extract import EXTRACTOR_VERSION
from analyzer.extract.source import count_lines
from analyzer.model import FileFacts, ParseStatus, SourceFile

# The process pool is imported where files are parsed: a warm run that finds every file in the
# cache (`seamline check` in CI) does not pay for concurrent.futures and multiprocessing (20 ms).
if TYPE_CHECKING:
    from concurrent.futures import Future

_CHUNK_BYTES = 64 * 1024  # small enough that an interrupted run loses little
_CHUNK_FILES = 64

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What decides the facts read from a file: they are cached under these (``salt``)."""

    marker: str  # a file holding this marker is generated code...
    include_generated: bool  # ...and read only when this is set
    max_bytes: int  # a larger file is skipped
    vocabulary: frozenset[str]  # the rule packs' names of SQL calls, loaders and the like

    def salt(self) -> bytes:
        return (f"{EXTRACTOR_VERSION}\0{self.marker}\0{self.include_generated}\0"
                f"{self.max_bytes}\0{' '.join(sorted(self.vocabulary))}\0").encode()


@dataclass(slots=True)
class Extraction:
    facts: dict[str, FileFacts]  # by module name
    unreadable: dict[str, str] = field(default_factory=dict)  # path -> reason
    cached: int = 0
    parsed: int = 0
    crashed: int = 0


def _extract_chunk(options: ExtractOptions, chunk: list[bytes]) -> list[FileFacts]:
    from analyzer.extract.code import extract  # the parser: only when a file must be parsed

    return [extract(data, marker=options.marker, include_generated=options.include_generated,
                    max_bytes=options.max_bytes, vocabulary=options.vocabulary)
            for data in chunk]


def _chunks(indexes: list[int], sizes: list[int]) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    weight = 0
    for index in indexes:
        current.append(index)
        weight += sizes[index]
        if weight >= _CHUNK_BYTES or len(current) >= _CHUNK_FILES:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def _isolated(options: ExtractOptions, data: bytes) -> FileFacts | None:
    """Extract one file in a process of its own; None when that process dies."""
    from concurrent.futures.process import BrokenProcessPool

    from analyzer.workers import worker_pool

    with worker_pool(1) as single:
        try:
            return single.submit(_extract_chunk, options, [data]).result()[0]
        except BrokenProcessPool:
            return None


def extract_files(files: Sequence[SourceFile], root: Path, options: ExtractOptions,
                  jobs: int, cache: FactCache, progress: Progress | None = None) -> Extraction:
    """The facts of each of ``files`` (paths relative to ``root``), from ``cache`` when it has
    them, else parsed by up to ``jobs`` worker processes and cached."""
    salt = options.salt()
    result = Extraction(facts={})
    contents: list[bytes] = []
    keys: list[str] = []
    readable: list[int] = []
    for index, source in enumerate(files):
        path = Path(root, source.path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            result.unreadable[source.path] = exc.strerror or str(exc)
            data = b""
        else:
            readable.append(index)
        contents.append(data)
        keys.append(content_key(salt, data))

    hits = cache.get_many(keys[i] for i in readable)
    missing: list[int] = []
    for index in readable:
        facts = hits.get(keys[index])
        if facts is None:
            missing.append(index)
        else:
            result.facts[files[index].module] = facts
    result.cached = len(readable) - len(missing)
    total = len(readable)
    done = result.cached
    if progress:
        progress(done, total)

    if missing:
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        from analyzer.workers import worker_pool

        importlib.import_module("analyzer.extract.code")  # here, so forked workers inherit it

        sizes = [len(c) for c in contents]
        chunks = _chunks(missing, sizes)
        workers = max(1, min(jobs, len(chunks)))
        pending: dict[Future[list[FileFacts]], list[int]] = {}
        broken: list[int] = []
        with worker_pool(workers) as pool:
            for chunk in chunks:
                future = pool.submit(_extract_chunk, options, [contents[i] for i in chunk])
                pending[future] = chunk
            for future in as_completed(pending):
                chunk = pending[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken.extend(chunk)
                    continue
                for index, facts in zip(chunk, outcome, strict=True):
                    result.facts[files[index].module] = facts
                cache.put_many({keys[i]: facts for i, facts in zip(chunk, outcome, strict=True)})
                done += len(chunk)
                if progress:
                    progress(done, total)
        for index in sorted(broken):
            isolated = _isolated(options, contents[index])
            if isolated is None:
                result.crashed += 1
                isolated = FileFacts(
                    status=ParseStatus.CRASHED, lines=count_lines(contents[index]),
                    problem=(1, "the parser crashed on this file (its process died); skipped"),
                )
            else:
                cache.put_many({keys[index]: isolated})
            result.facts[files[index].module] = isolated
            done += 1
            if progress:
                progress(done, total)
    result.parsed = len(missing)
    return result
