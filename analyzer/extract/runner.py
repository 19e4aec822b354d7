"""Extract the facts of many files: cache first, then a process pool for the rest.

Files go to workers in chunks of roughly equal size and come back as plain ``FileFacts``. A
worker that dies (libcst's native parser can overflow its stack on input CPython would reject)
takes only its own file down: the unfinished files are retried one at a time in fresh processes
and the one that kills its process is reported as a diagnostic.

Each chunk's facts go into the cache as soon as they arrive, so an interrupted run loses only the
chunks in flight. An interruption (Ctrl-C, or any exception) cancels what is queued and
terminates the workers at once instead of waiting for them; and workers never outlive their
parent, even one killed with SIGKILL: on Linux the kernel kills them (``PR_SET_PDEATHSIG``), and
everywhere a thread in each worker exits it when its parent pid changes.
"""

from __future__ import annotations

import ctypes
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.cache import FactCache, content_key
from analyzer.extract import EXTRACTOR_VERSION
from analyzer.extract.source import count_lines
from analyzer.model import FileFacts, ParseStatus, SourceFile

_CHUNK_BYTES = 64 * 1024  # small enough that an interrupted run loses little
_CHUNK_FILES = 64
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_POLL_SECONDS = 0.5
_STOP_SECONDS = 1.0  # how long a terminated worker may take before it is killed

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
    from analyzer.extract.code import extract  # libcst: only when a file must be parsed

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


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _start_worker(parent: int) -> None:
    """Runs first in every worker: leave Ctrl-C and SIGTERM to the parent, die with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal sends Ctrl-C to the whole group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the CLI's handler
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watcher below still ends this worker
    if os.getppid() != parent:  # the parent died before the worker got here
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="seamline-parent-watch",
                     daemon=True).start()


def _watch_parent(parent: int) -> None:
    """End this worker when its parent is gone (it is then re-parented, so its pid changes)."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now, not after their current chunk."""
    workers = list((pool._processes or {}).values())
    # typeshed gives this attribute the wrong type
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + _STOP_SECONDS
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join(_STOP_SECONDS)
    # The pool's own thread notices the dead workers and closes its pipes. Wait for it: if the
    # interpreter's exit hook wakes it while it closes them, Python 3.11 prints a traceback.
    if manager is not None:
        manager.join(_STOP_SECONDS)


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool that waits for its workers on success and stops them at once on any
    exception, KeyboardInterrupt included."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        _stop_now(pool)
        raise
    pool.shutdown(wait=True)


def _isolated(options: ExtractOptions, data: bytes) -> FileFacts | None:
    """Extract one file in a process of its own; None when that process dies."""
    with _pool(1) as single:
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
        importlib.import_module("analyzer.extract.code")  # here, so forked workers inherit it

        sizes = [len(c) for c in contents]
        chunks = _chunks(missing, sizes)
        workers = max(1, min(jobs, len(chunks)))
        pending: dict[Future[list[FileFacts]], list[int]] = {}
        broken: list[int] = []
        with _pool(workers) as pool:
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
