"""``api.write_analysis`` writes the same bytes whatever the number of jobs: with two or more a
forked worker makes ``analysis.json`` and the contracts while the parent makes the rest."""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import shutil
import signal
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from analyzer import api
from analyzer.collector import collector_off
from tests.conftest import SAMPLES, run


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_outputs_are_the_same_bytes_whatever_the_jobs(tmp_path: Path) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(SAMPLES / "tradepost", root)
    (root / "seamline.toml").write_text('[contracts]\nprotocols = ["openapi", "grpc", "graphql"]\n')
    analysis = run(root, jobs=1)
    alone = api.write_analysis(analysis, tmp_path / "one")
    shared = api.write_analysis(replace(analysis, settings=replace(analysis.settings, jobs=2)),
                                tmp_path / "two")

    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    assert "contracts/seamline-proto-fields.json" in _tree(tmp_path / "two")
    for written, folder in ((alone, "one"), (shared, "two")):
        assert [p.relative_to(tmp_path / folder).as_posix() for p in written.files[:3]] == [
            "analysis.json", "graph.json", "index.html"]
        assert {p.suffix for p in written.contracts} == {".yaml", ".proto", ".graphql"}
    assert [p.name for p in alone.files] == [p.name for p in shared.files]
    assert [p.name for p in alone.contracts] == [p.name for p in shared.contracts]


def test_the_jobs_of_a_worker_that_dies_are_done_by_the_parent(tmp_path: Path) -> None:
    parent = os.getpid()

    def job(name: str, dies: bool) -> list[str]:
        if dies and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # killed (out of memory, say)
        (tmp_path / name).write_text(str(os.getpid()))
        return [name]

    with api._beside([partial(job, "a", True), partial(job, "b", False)], 2) as wait:
        assert wait() == [["a"], ["b"]]
    assert (tmp_path / "a").read_text() == str(parent)
    assert (tmp_path / "b").exists()


def test_a_worker_that_dies_as_it_starts_leaves_the_jobs_to_the_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def job() -> list[str]:
        (tmp_path / "a").write_text(str(os.getpid()))
        return ["a"]

    monkeypatch.setattr(api, "_adopt", lambda jobs: os._exit(9))  # dies in its initializer
    with api._beside([job], 2) as wait:
        assert wait() == [["a"]]
    assert (tmp_path / "a").read_text() == str(parent)


def test_a_fork_that_fails_leaves_the_jobs_to_the_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_memory() -> int:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_memory)
    with api._beside([lambda: [str(os.getpid())]], 2) as wait:
        assert wait() == [[str(os.getpid())]]


def test_the_workers_leave_the_parents_objects_out_of_their_collections() -> None:
    """The workers collect cycles (workers.py); the objects the parent made with the collector
    off are frozen before the fork, so their first pass does not walk (and copy) them all."""
    with collector_off():
        made = [(index, str(index)) for index in range(100_000)]  # young, never collected

        def frozen() -> list[str]:
            return [str(gc.get_freeze_count())]

        with api._beside([frozen], 2) as wait:
            [[count]] = wait()
    assert int(count) >= len(made)
    assert gc.get_freeze_count() == 0  # and thawed again here


def test_a_forked_job_gives_its_bytes_whole_or_none() -> None:
    from analyzer.workers import forked

    parent = os.getpid()
    big = os.urandom(3 << 20)  # far more than a pipe holds: read as it comes
    assert forked(lambda: big)() == big
    assert forked(lambda: str(os.getpid()).encode())() != str(parent).encode()

    def fails() -> bytes:
        raise RuntimeError("no")

    def killed() -> bytes:
        os.kill(os.getpid(), signal.SIGKILL)
        return b"never"

    assert forked(fails)() is None
    assert forked(killed)() is None


def test_a_fork_that_fails_leaves_the_forked_job_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.workers import forked

    def no_memory() -> int:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_memory)
    assert forked(lambda: b"made")() is None


def test_the_report_takes_the_templates_compiled_ahead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from analyzer.render import html

    analysis = run(SAMPLES / "tradepost", jobs=1)
    api.write_analysis(analysis, tmp_path / "here")
    api.prepare_report(2)
    assert len(html._AHEAD) == 1
    ahead = html._AHEAD[0]()
    assert ahead is not None
    made_keys = list(marshal.loads(ahead))
    assert len(made_keys) == len(html._environment().list_templates())
    html._AHEAD[:] = [lambda: ahead]

    def compiles(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled here")

    monkeypatch.setattr(jinja2.Environment, "compile", compiles)
    api.write_analysis(analysis, tmp_path / "ahead")  # every template from the forked process
    assert _tree(tmp_path / "here") == _tree(tmp_path / "ahead")
    assert not html._AHEAD  # taken once
    monkeypatch.undo()
    damaged = (b"", b"not marshal", marshal.dumps(7), marshal.dumps({1: b"x"}),
               marshal.dumps(dict.fromkeys(made_keys, b"junk")))
    for made in damaged:  # compiled here
        html._AHEAD[:] = [partial(bytes, made)]
        api.write_analysis(analysis, tmp_path / "damaged")
        assert _tree(tmp_path / "here") == _tree(tmp_path / "damaged")


def test_a_forked_job_that_takes_too_long_is_ended_and_left_undone() -> None:
    import time

    from analyzer.workers import forked

    def late() -> bytes:
        time.sleep(30)
        return b"late"

    started = time.monotonic()
    assert forked(late, wait=0.5)() is None
    assert time.monotonic() - started < 10


def test_a_signal_as_the_job_is_forked_leaves_no_pipe_open_nor_process_unreaped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from analyzer.workers import forked

    children: list[int] = []
    fork = os.fork

    def interrupted() -> int:  # Ctrl-C arrives while the fork is under way
        pid = fork()
        if pid:
            children.append(pid)
            os.kill(os.getpid(), signal.SIGINT)
        return pid

    pipes: list[str] = []
    make_pipe = os.pipe

    def pipe() -> tuple[int, int]:
        ends = make_pipe()
        pipes.append(f"pipe:[{os.fstat(ends[0]).st_ino}]")
        return ends

    def open_pipes() -> list[str]:  # this process's descriptors still on the job's pipe
        found = []
        for fd in Path("/proc/self/fd").iterdir():
            with contextlib.suppress(OSError):
                if str(fd.readlink()) in pipes:
                    found.append(fd.name)
        return found

    monkeypatch.setattr(os, "fork", interrupted)
    monkeypatch.setattr(os, "pipe", pipe)
    # Python's own Ctrl-C handler, even where the shell started this process ignoring it
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            forked(lambda: b"made")
    finally:
        signal.signal(signal.SIGINT, handler)
    monkeypatch.undo()
    assert pipes
    for _ in range(200):  # the reader ends once the job has, and reaps it
        if not open_pipes():
            break
        time.sleep(0.05)
    assert not open_pipes()
    for _ in range(200):
        try:
            os.kill(children[0], 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    with pytest.raises(ProcessLookupError):  # reaped: not even a zombie is left
        os.kill(children[0], 0)
