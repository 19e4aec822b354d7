"""How a run shows its progress: on stderr, a stage at a time; stdout the same for the same
input; nothing under ``-q``; the time it reports is the whole run's."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from analyzer.cli import cli
from tests.conftest import REPO, SAMPLES, Tree
from tests.test_cli import STAGE_LINE

ANALYZE_STAGES = ["discover", "parse", "resolve", "data", "graph", "cluster", "findings",
                  "contracts", "write"]
APP: Tree = {"app/__init__.py": "", "app/core.py": "def run():\n    return 1\n",
             "app/use.py": "from app.core import run\n\ndef go():\n    return run()\n"}


def _stages(stderr: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^\[\d\d:\d\d:\d\d\] seamline: ([a-z]+): ", stderr,
                                            re.MULTILINE)]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_log_gets_one_timestamped_line_per_stage(project: Callable[[Tree], Path],
                                                   tmp_path: Path) -> None:
    root = project(APP)
    code, _, stderr = _cli("analyze", str(root), "--no-cache", "--out", str(tmp_path / "o"))
    assert code == 0
    assert _stages(stderr) == ANALYZE_STAGES
    lines = stderr.splitlines()
    assert all(STAGE_LINE.fullmatch(line) for line in lines), stderr
    assert "seamline: discover: 3 modules (" in lines[0]
    assert "seamline: parse: 3 parsed files, 0 cached files (" in lines[1]
    assert re.search(r"seamline: done in \d+\.\d s: 3 parsed files, 0 cached files$", lines[-1])


def test_quiet_says_nothing_and_every_command_that_reads_code_has_it(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(APP)
    runs = [("analyze", str(root), "--no-cache", "--out", str(tmp_path / "o"), "-q"),
            ("init", str(root), "--no-cache", "--quiet"),
            ("contracts", str(root), "--no-cache", "--out", str(tmp_path / "c"), "-q")]
    for args in runs:
        assert _cli(*args) == (0, "", ""), args
    code, stdout, stderr = _cli("init", str(root), "--no-cache", "--force")
    assert code == 0 and "wrote" in stdout and _stages(stderr)[-1] == "write"
    code, _, stderr = _cli("contracts", str(root), "--no-cache", "--out", str(tmp_path / "c"))
    assert code == 0 and _stages(stderr) == ["discover", "parse", "resolve", "data",
                                             "contracts", "write"]


def test_check_keeps_a_log_to_its_report(project: Callable[[Tree], Path]) -> None:
    """check runs in CI on every push: its stderr there holds warnings, not progress."""
    root = project(APP)
    assert _cli("init", str(root), "--no-cache", "-q")[0] == 0
    code, stdout, stderr = _cli("check", str(root), "--no-cache")
    assert (code, stderr) == (0, "")
    assert stdout.startswith("check: 0 new")


def test_stdout_is_the_same_bytes_cold_or_warm(tmp_path: Path) -> None:
    root = SAMPLES / "tradepost"
    out = tmp_path / "out"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    said = [_cli("analyze", str(root), "--out", str(out), *extra)
            for extra in (["--no-cache"], cache, cache)]
    assert [code for code, _, _ in said] == [0, 0, 0]
    assert said[0][1] == said[1][1] == said[2][1]
    assert "0 cached files" in said[1][2] and "43 cached files" in said[2][2]
    assert not re.search(r"\d\d:\d\d:\d\d| s\b", said[0][1])  # no clock, no seconds


def test_the_time_reported_is_the_whole_run(project: Callable[[Tree], Path],
                                            tmp_path: Path) -> None:
    root = project(APP)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(root), "--no-cache",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True,
                          check=False, cwd=REPO)
    outside = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    stages = [float(s) for s in re.findall(r"\((\d+\.\d) s\)$", done.stderr, re.MULTILINE)]
    total = re.search(r"seamline: done in (\d+\.\d) s", done.stderr)
    assert total is not None and len(stages) == len(ANALYZE_STAGES)
    # every stage, writing the report included, is inside the reported time (each stage's
    # time is rounded: 0.05 s each at most), and the reported time inside the process's
    assert sum(stages) - 0.05 * len(stages) <= float(total.group(1)) <= outside + 0.05


def test_a_terminal_sees_one_line_rewritten_then_erased(tmp_path: Path) -> None:
    root = SAMPLES / "tradepost"
    command = [sys.executable, "-m", "analyzer", "analyze", str(root), "--no-cache"]
    piped = subprocess.run([*command, "--out", str(tmp_path / "piped")], capture_output=True,
                           check=False, cwd=REPO)
    leader, follower = pty.openpty()
    process = subprocess.Popen([*command, "--out", str(tmp_path / "piped")], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: the run is over
            break
        if not chunk:
            break
        chunks.append(chunk)
    stdout, _ = process.communicate()
    os.close(leader)
    terminal = b"".join(chunks).decode().replace("\r\n", "\n")  # the terminal's newlines
    assert process.returncode == piped.returncode == 0
    assert stdout == piped.stdout  # the same report, whatever stderr is
    assert "\rcluster: " in terminal and "\rparse [" in terminal and "43 files" in terminal
    assert not re.search(r"\[\d\d:\d\d:\d\d\]", terminal)  # the log's lines are for logs
    last = terminal.rsplit("\r", 1)[1]  # the progress line was erased, then the run's time
    assert re.fullmatch(r"seamline: done in \d+\.\d s: 43 parsed files, 0 cached files\s*",
                        last), repr(last)
