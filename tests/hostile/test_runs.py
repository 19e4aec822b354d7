"""Interrupted and repeated runs never cost a user anything.

Real ``seamline`` processes on a generated project that takes a few seconds to parse, stopped
with real signals: Ctrl-C stops at once with exit 130 and keeps what was parsed in the cache,
SIGTERM stops the workers and exits 143, and no worker outlives a killed parent. A damaged
cache is rebuilt. The output folder is replaced as one unit: nothing stale stays, the user's own
files stay, a failed swap leaves the previous output as it was, and the leftovers of killed runs
go away.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import psutil
import pytest

from analyzer.errors import UsageError
from analyzer.render.outdir import MANIFEST, staged, write_unit

REPO = Path(__file__).resolve().parents[2]
TRADEPOST = REPO / "samples" / "tradepost"
_MODULES = 60  # about 10 kB each: several seconds of parsing with two workers
_PATIENCE = 120.0  # seconds: how long a loaded machine may take to get somewhere
_GRACE = 5.0  # seconds: how long workers may take to go once their parent is gone
_PROMPT = 2.0  # seconds: Ctrl-C and SIGTERM must end the run within this

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

T = TypeVar("T")


def _source(index: int) -> str:
    lines = [f"from app import m{index - 1}\n" if index else ""]
    for handler in range(2):
        lines.append(f"def handler_{handler}(request, limit=10):\n    total = 0")
        for step in range(40):
            lines.append(f"    if request.get('k{step}') and limit > {step}:\n"
                         f"        total += len(str(request['k{step}'])) * {step} "
                         f"+ limit // ({step} + 1)")
        lines.append("    return total\n")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def slow_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("slow") / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    for index in range(_MODULES):
        (root / "app" / f"m{index}.py").write_text(_source(index))
    return root


def _command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "analyzer", *map(str, args)]


def _environment() -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(REPO)}  # the tree under test


class _Run:
    """A ``seamline`` process in a session of its own (as a terminal's foreground job is),
    its output in files: a pipe would stay open as long as any orphaned worker lives."""

    def __init__(self, folder: Path, *args: str | Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.stdout_path, self.stderr_path = folder / "stdout", folder / "stderr"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(_command(*args), stdout=out, stderr=err,
                                            env=_environment(), start_new_session=True)
        self.handle = psutil.Process(self.process.pid)

    def workers(self, at_least: int) -> list[psutil.Process]:
        return _wait_for(lambda: self._children(at_least), "the pool's workers")

    def _children(self, at_least: int) -> list[psutil.Process] | None:
        try:
            children = self.handle.children(recursive=True)
        except psutil.NoSuchProcess:
            pytest.fail(f"seamline ended before it started its workers: {self.stderr()}")
        return children if len(children) >= at_least else None

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")


def _wait_for(probe: Callable[[], T | None], what: str, timeout: float = _PATIENCE) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.02)
    pytest.fail(f"waited {timeout:.0f} s for {what}")


def _cached(cache: Path) -> int:
    """How many files' facts the cache holds, read while another process may write it."""
    database = cache / "facts-v1.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM facts").fetchone()[0])
    except sqlite3.Error:
        return 0


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    living = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                living.append(process)
        except psutil.NoSuchProcess:
            continue
    return living


@pytest.fixture
def reaper() -> Iterator[list[psutil.Process]]:
    """Processes a test started; whichever is still alive at the end is killed (so that a
    failing test leaves nothing running)."""
    started: list[psutil.Process] = []
    yield started
    for process in _alive(started):
        process.kill()


def _gone(workers: list[psutil.Process]) -> bool:
    deadline = time.monotonic() + _GRACE
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(workers)


def _from_cache(stderr: str) -> int:
    """The files a run took from the cache, from its last progress line (stderr)."""
    found = re.search(r"seamline: done in .*?([\d,]+) cached files?", stderr)
    assert found, stderr
    return int(found[1].replace(",", ""))


def _progress(line: str) -> bool:
    return bool(re.match(r"\[\d\d:\d\d:\d\d\] seamline: ", line))


# --------------------------------------------------------------------------- signals


def test_ctrl_c_stops_at_once_exits_130_and_the_next_run_resumes(
        slow_project: Path, tmp_path: Path, reaper: list[psutil.Process]) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    run = _Run(tmp_path / "first", "analyze", slow_project, "--out", out, "--cache-dir", cache,
               "-j", "2")
    reaper.append(run.handle)
    workers = run.workers(2)
    reaper.extend(workers)
    parsed = _wait_for(lambda: _cached(cache) or None, "the first parsed files in the cache")
    assert run.process.poll() is None, "the run ended before it could be interrupted"

    pressed = time.monotonic()
    os.killpg(run.process.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the whole group
    code = run.process.wait(_PATIENCE)
    took = time.monotonic() - pressed

    assert code == 130, run.stderr()
    assert took < _PROMPT, f"Ctrl-C took {took:.1f} s"
    assert run.stderr().strip().splitlines()[-1] == "seamline: interrupted"
    assert "Traceback" not in run.stderr() and "Aborted" not in run.stderr()
    assert _gone(workers), [w.pid for w in _alive(workers)]
    kept = _cached(cache)
    assert kept >= parsed
    assert not out.exists() or not (out / "analysis.json").exists()

    again = _Run(tmp_path / "second", "analyze", slow_project, "--out", out, "--cache-dir",
                 cache, "-j", "2")
    reaper.append(again.handle)
    assert again.process.wait(_PATIENCE * 2) == 0, again.stderr()
    assert _from_cache(again.stderr()) == kept  # it resumed where the first run stopped


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_worker_outlives_its_parent(slow_project: Path, tmp_path: Path,
                                       reaper: list[psutil.Process],
                                       sent: signal.Signals) -> None:
    run = _Run(tmp_path / "run", "analyze", slow_project, "--out", tmp_path / "out",
               "--no-cache", "-j", "2")
    reaper.append(run.handle)
    workers = run.workers(2)
    reaper.extend(workers)

    sent_at = time.monotonic()
    run.process.send_signal(sent)  # to the parent alone, as a CI runner or `kill` does
    code = run.process.wait(_PATIENCE)
    took = time.monotonic() - sent_at

    assert _gone(workers), f"{len(_alive(workers))} worker(s) still running after {sent.name}"
    if sent == signal.SIGTERM:
        assert code == 128 + signal.SIGTERM, run.stderr()
        assert took < _PROMPT, f"SIGTERM took {took:.1f} s"
        assert run.stderr().strip().splitlines()[-1] == "seamline: terminated"
        assert "Traceback" not in run.stderr()



@pytest.fixture(scope="module")
def large_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coupling graph of 16,000 classes in 40 planted domains: its Leiden runs are shared
    among forked workers and take seconds."""
    import random

    from analyzer.coupling import CouplingGraph, Edge, Node, dumps_graph

    rng = random.Random(11)
    groups, size = 40, 400
    nodes = tuple(Node(f"d{g}.m:C{i}", "class", module=f"d{g}.m")
                  for g in range(groups) for i in range(size))
    edges = tuple(Edge(f"d{g}.m:C{i}", f"d{rng.randrange(groups) if rng.random() < 0.1 else g}"
                                       f".m:C{rng.randrange(size)}", "code", "call", 1.0)
                  for g in range(groups) for i in range(size) for _ in range(5))
    path = tmp_path_factory.mktemp("large") / "graph.json"
    path.write_bytes(dumps_graph(CouplingGraph("large", nodes, edges)))
    return path


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the runs are shared only with 2 CPUs")
@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_ctrl_c_while_clustering_stops_the_leiden_workers(
        large_graph: Path, tmp_path: Path, reaper: list[psutil.Process], attempt: int) -> None:
    # Three times: the command makes its own share of the runs while a forked process makes
    # the other, and a Ctrl-C that reached igraph inside a run aborted the whole process
    # ("free(): invalid pointer") in three runs of four before the runs deferred it
    run = _Run(tmp_path / "run", "cluster", large_graph, "--out", tmp_path / "out")
    reaper.append(run.handle)
    workers = run.workers(1)  # with 2 CPUs, one share of the runs is made beside the command
    reaper.extend(workers)
    assert run.process.poll() is None, "the run ended before it could be interrupted"

    pressed = time.monotonic()
    os.killpg(run.process.pid, signal.SIGINT)  # to the whole group, workers included
    code = run.process.wait(_PATIENCE)
    took = time.monotonic() - pressed

    assert code == 130, run.stderr()
    assert took < _PROMPT, f"Ctrl-C took {took:.1f} s"
    assert run.stderr().strip().splitlines()[-1] == "seamline: interrupted"
    assert "Traceback" not in run.stderr()
    assert _gone(workers), [w.pid for w in _alive(workers)]
    assert not (tmp_path / "out" / "contexts.json").exists()

# --------------------------------------------------------------------------- the cache


def test_a_damaged_cache_is_rebuilt_and_said_so(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    (cache / "facts-v1.sqlite3").write_bytes(b"not a database, not at all. " * 200)
    first = subprocess.run(_command("analyze", TRADEPOST, "--out", out, "--cache-dir", cache,
                                    "-j", "1"),
                           capture_output=True, text=True, env=_environment(), check=False)
    assert first.returncode == 0, first.stderr
    assert "cache-rebuilt" in first.stderr and "Traceback" not in first.stderr
    document = json.loads((out / "analysis.json").read_bytes())
    assert "cache-rebuilt" in json.dumps(document["diagnostics"])
    kept = sorted(p.name for p in cache.iterdir() if ".corrupt-" in p.name)
    assert len(kept) == 1
    assert (cache / kept[0]).read_bytes().startswith(b"not a database")

    second = subprocess.run(_command("analyze", TRADEPOST, "--out", out, "--cache-dir", cache,
                                     "-j", "1"),
                            capture_output=True, text=True, env=_environment(), check=False)
    assert second.returncode == 0, second.stderr
    # no word of the cache but the progress lines' count of the files taken from it
    assert not [line for line in second.stderr.splitlines()
                if "cache" in line and not _progress(line)], second.stderr
    modules = re.search(r"modules\s+(\d+)", first.stdout)
    assert modules and int(modules[1]) > 0
    assert (_from_cache(first.stderr), _from_cache(second.stderr)) == (0, int(modules[1]))


# --------------------------------------------------------------------------- the output folder


def _analyze(out: Path, cache: Path, *args: str) -> None:
    done = subprocess.run(_command("analyze", TRADEPOST, "--out", out, "--cache-dir", cache,
                                   "-j", "1", "-q", *args),
                          capture_output=True, text=True, env=_environment(), check=False)
    assert done.returncode == 0, done.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rerun_leaves_nothing_stale_and_keeps_the_users_files(tmp_path: Path) -> None:
    cache, out, fresh = tmp_path / "cache", tmp_path / "out", tmp_path / "fresh"
    (out / "contracts").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "contracts" / "README.md").write_text("also mine")
    _analyze(out, cache, "--contexts", "5")
    assert len(list((out / "contracts").glob("*.yaml"))) >= 5
    _analyze(out, cache, "--contexts", "2")
    _analyze(fresh, cache, "--contexts", "2")

    users = {"notes.txt": b"mine", "contracts/README.md": b"also mine"}
    assert _tree(out) == _tree(fresh) | users  # the same bytes as a first run, and theirs
    assert not [p for p in out.rglob(".*") if p.name != MANIFEST]  # no temporaries either


def test_a_failed_swap_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = {"analysis.json": b"old analysis", "index.html": b"old page",
           "contracts/orders.openapi.yaml": b"old contract"}
    write_unit(out, "analyze", old)
    (out / "notes.txt").write_text("mine")
    (out / "zz.html").mkdir()  # the user's folder where the new output wants a file
    (out / "zz.html" / "kept.txt").write_text("mine too")
    before = _tree(out)

    new = {"analysis.json": b"new analysis", "index.html": b"new page", "zz.html": b"new"}
    with pytest.raises(OSError):
        write_unit(out, "analyze", new)  # fails after analysis.json and index.html moved in

    assert _tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".seamline-")
                and p.name != MANIFEST]


def test_an_out_path_that_is_a_file_is_refused_and_kept(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file of the user's")
    with pytest.raises(UsageError, match="is not a folder"):
        write_unit(taken, "analyze", {"analysis.json": b"new"})
    assert taken.read_text() == "a file of the user's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def _dead_pid() -> int:
    probe = subprocess.Popen([sys.executable, "-c", "pass"])
    probe.wait()
    return probe.pid


def test_the_leftovers_of_killed_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_unit(out, "analyze", {"analysis.json": b"1", "contracts/a.openapi.yaml": b"1"})
    dead = _dead_pid()
    # A run killed in its swap: its staging folder (complete: it has its manifest) still holds
    # one file, and it had moved another one in already, which no manifest in out/ lists.
    staging = out / f".seamline-new-{dead}-k2j9x0"
    (staging / "contracts").mkdir(parents=True)
    (staging / "contracts" / "b.openapi.yaml").write_bytes(b"2")
    (staging / MANIFEST).write_text(json.dumps(
        {"seamline": 1, "units": {"analyze": ["contracts/b.openapi.yaml", "moved-in.html"]}}))
    (out / "moved-in.html").write_bytes(b"2")
    aside = out / f".seamline-old-{dead}-k2j9x0"
    aside.mkdir()
    (aside / "analysis.json").write_bytes(b"0")
    # What earlier versions left when killed, long enough ago.
    old_temporaries = [out / ".index.html.k2j_9x0a.tmp",
                       out / "contracts" / ".a.openapi.yaml.abcdefgh.tmp"]
    for temporary in old_temporaries:
        temporary.write_bytes(b"half")
        os.utime(temporary, (time.time() - 3600, time.time() - 3600))
    # Not seamline's, or not finished: kept.
    running = out / ".seamline-new-1-inprogress"  # pid 1 is alive
    running.mkdir()
    users = {".index.html.keep.tmp": b"mine", ".seamline-notes": b"mine", "moved.html": b"mine"}
    for name, content in users.items():
        (out / name).write_bytes(content)
    recent = out / ".graph.json.zzzzzzzz.tmp"  # could be a write still going on
    recent.write_bytes(b"half")

    write_unit(out, "analyze", {"analysis.json": b"3"})

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST, "analysis.json", running.name, recent.name, *users])
    assert (out / "analysis.json").read_bytes() == b"3"
    assert json.loads((out / MANIFEST).read_bytes()) == {
        "seamline": 1, "units": {"analyze": ["analysis.json"]}}


def test_a_child_forked_with_the_sigterm_handler_ends_quietly(tmp_path: Path) -> None:
    # A pool worker carries the CLI's SIGTERM handler from fork until its initializer resets
    # it; a SIGTERM in that moment (the parent stopping its pool) must end it quietly, not
    # raise inside fork's bookkeeping and print a traceback.
    script = tmp_path / "fork.py"
    script.write_text(
        "import os, signal, sys\n"
        "from analyzer import cli\n"
        "signal.signal(signal.SIGTERM, cli._terminate)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    os._exit(0)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status))\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, check=False, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "143", done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_another_process_never_wrote_leaves_the_previous_output_intact(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_unit(out, "analyze", {"analysis.json": b"old", "index.html": b"old page"})
    before = _tree(out)
    with staged(out, "analyze") as staging, pytest.raises(FileNotFoundError):
        staging.add("index.html", b"new page")
        staging.adopt(["analysis.json"])  # its worker died before writing it
        staging.commit()
    assert _tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".seamline-")
                and p.name != MANIFEST]


def test_a_write_that_fails_in_the_background_fails_the_commit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_unit(out, "analyze", {"analysis.json": b"old"})
    before = _tree(out)
    with staged(out, "analyze") as staging, pytest.raises(TypeError):
        staging.add("index.html", b"a page")
        staging.add("analysis.json", "text, not bytes: its file is opened, then the write fails")  # type: ignore[arg-type]
        staging.commit()
    assert _tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".seamline-")
                and p.name != MANIFEST]
