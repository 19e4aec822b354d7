"""Worker processes that behave: they leave Ctrl-C and SIGTERM to the parent, never outlive
it, and are stopped at once when the parent is interrupted.

An interruption (Ctrl-C, or any exception) cancels what is queued and terminates the workers
at once instead of waiting for them; and workers never outlive their parent, even one killed
with SIGKILL: on Linux the kernel kills them (``PR_SET_PDEATHSIG``), and everywhere a thread in
each worker exits it when its parent pid changes. The extraction's parsers and the writing's
worker use the pool; ``forked`` runs one job beside the parent, for its bytes (the report's
templates, a share of the clustering's Leiden runs), and ends it when it is not wanted.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a pool is made: the clustering's shares make none
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["Forked", "can_fork", "forked", "signals_deferred", "worker_pool"]

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_POLL_SECONDS = 0.5
_STOP_SECONDS = 1.0  # how long a terminated worker may take before it is killed
_FORKED_WAIT_SECONDS = 60.0  # how long a ``forked`` job may take (the report's templates: 0.1 s)


def can_fork() -> bool:
    """Whether workers can be forked here (they then inherit the parent's memory) and this
    process may start any (a pool's worker may not)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _start_worker(parent: int, initializer: Callable[..., None] | None,
                  initargs: tuple[Any, ...]) -> None:
    """Runs first in every worker: leave Ctrl-C and SIGTERM to the parent, die with it; and
    collect cycles, which the parent may have paused for its own long-lived objects (a
    worker's garbage is its own: many files' walks, the documents it writes). What it
    inherited is frozen first: else its first pass would walk every object the parent made
    with the collector off, and copy each page it touches (the write's workers: 0.64 ->
    0.95 s of CPU on nova with its tests)."""
    gc.freeze()
    gc.enable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal sends Ctrl-C to the whole group
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the CLI's handler
    if hasattr(signal, "pthread_sigmask"):  # forked with them held (``_held``): now they may come
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _die_with(parent)  # and the watcher below ends it where the kernel cannot
    threading.Thread(target=_watch_parent, args=(parent,), name="seamline-parent-watch",
                     daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _die_with(parent: int) -> None:
    """On Linux the kernel kills this process when its parent dies; a parent that died
    already ends it now."""
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before this process got here
        os._exit(1)


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


_HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextmanager
def _held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while the workers are forked. Python drops an exception raised
    in fork's bookkeeping (its at-fork callbacks print "Exception ignored" and go on), so a
    signal handled there would be lost in the parent; and a worker would take it before its
    initializer leaves it to the parent. Held, it is handled when this block ends, in plain
    code; a worker is forked with it held and lets it come once it has set itself up."""
    if not hasattr(signal, "pthread_sigmask") or (
            threading.current_thread() is not threading.main_thread()):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Like ``_held``, and whichever thread of the process the signal comes to (a library's
    own threads do not hold it): Python's handlers for Ctrl-C and SIGTERM only note it within
    the block, and the handler it was for runs when the block ends."""
    handlers = {number: signal.getsignal(number) for number in _HELD}
    if (threading.current_thread() is not threading.main_thread()
            or any(handler is None for handler in handlers.values())):
        with _held():
            yield
        return
    came: list[int] = []
    for held in _HELD:
        signal.signal(held, lambda number, frame: came.append(number))
    try:
        with _held():
            yield
    finally:
        for held, handler in handlers.items():
            signal.signal(held, handler)
        for number in dict.fromkeys(came):
            handler = handlers[signal.Signals(number)]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), number)


@contextmanager
def worker_pool(workers: int, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes (forked where the platform can) that waits for its
    workers on success and stops them at once on any exception, KeyboardInterrupt included.
    Each worker runs ``initializer(*initargs)`` once it has set itself up; with fork the
    arguments are inherited, not pickled."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                               initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))
    try:
        with _held():
            pool.submit(int).result()  # the workers are forked here, Ctrl-C and SIGTERM held
        yield pool
    except BaseException:
        _stop_now(pool)
        raise
    pool.shutdown(wait=True)


class Forked:
    """A job ``forked`` started: call it for the bytes it made, or None when it made none (it
    raised, was killed, took too long, or nothing could be forked here)."""

    def __init__(self, pid: int | None = None, reader: threading.Thread | None = None,
                 made: list[bytes] | None = None, deadline: float = 0.0) -> None:
        self._pid, self._reader, self._deadline = pid, reader, deadline
        self._made = [] if made is None else made  # the reader thread fills it

    def __call__(self, within: float | None = None) -> bytes | None:
        """The bytes, waited for until the deadline ``forked`` set, or at most ``within``
        seconds from now; a job still running then is ended."""
        if self._reader is None:
            return None
        wait = max(0.0, self._deadline - time.monotonic())
        self._reader.join(wait if within is None else min(wait, within))
        if self._reader.is_alive():  # stuck: it is ended, and the caller makes the bytes itself
            self.cancel()
        return self._made[0] if self._made else None

    def cancel(self) -> None:
        """End the job now (its bytes are not wanted), and reap it."""
        if self._reader is None or self._pid is None:
            return
        if self._reader.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reader.join()
        self._made.clear()


def forked(make: Callable[[], bytes], wait: float = _FORKED_WAIT_SECONDS) -> Forked:
    """Start ``make`` in a forked process now; returns what waits for the bytes it made (at
    most ``wait`` seconds from the start). The process leaves Ctrl-C and SIGTERM to this one,
    dies with it, and ends once its bytes are written; a thread of this one reads them as they
    come and reaps it, so it never waits on a full pipe nor lingers."""
    if not can_fork():
        return Forked()
    deadline, parent = time.monotonic() + wait, os.getpid()
    made: list[bytes] = []
    # Ctrl-C and SIGTERM wait until the reader is started: raised earlier, they would leave
    # the pipe open and the process unreaped
    with signals_deferred():
        try:
            read_end, write_end = os.pipe()
        except OSError:  # too many open files: the caller makes it itself
            return Forked()
        try:
            pid = os.fork()
        except OSError:  # no memory, or too many processes: likewise
            os.close(read_end)
            os.close(write_end)
            return Forked()
        if pid == 0:  # pragma: no cover - the child; coverage is not measured there
            _run_forked(make, parent, read_end, write_end)
        os.close(write_end)

        def read() -> None:
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                made.append(data)

        reader = threading.Thread(target=read, name="seamline-forked-read", daemon=True)
        try:
            reader.start()
        except RuntimeError:  # no thread can be started: end the process, and reap it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return Forked()
    return Forked(pid, reader, made, deadline)


def _run_forked(make: Callable[[], bytes], parent: int, read_end: int, write_end: int) -> None:
    """The forked process of ``forked``: never returns, and never runs the parent's exit."""
    code = 1
    try:
        os.close(read_end)
        gc.freeze()  # what it inherited is never walked (``_start_worker``)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        _die_with(parent)  # and the watcher below ends it where the kernel cannot
        threading.Thread(target=_watch_parent, args=(parent,), name="seamline-parent-watch",
                         daemon=True).start()
        data = make()
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
