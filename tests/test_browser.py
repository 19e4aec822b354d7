"""The HTML report in a real browser: Debian's chromium, headless, on the file itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer import api
from tests.conftest import SAMPLES, Tree, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None and os.environ.get("SEAMLINE_REQUIRE_BROWSER"):
    raise RuntimeError("chromium is required (SEAMLINE_REQUIRE_BROWSER is set) but not found; "
                       "bash .ci/setup installs it with apt-get")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="chromium not installed (bash .ci/setup installs it)")


def browse(page: Path, profile: Path, *extra: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra,
                           page.as_uri()], capture_output=True, text=True, timeout=120,
                          check=True)
    return done.stdout


def test_the_report_renders_with_its_tables(tmp_path: Path) -> None:
    api.write_analysis(run(SAMPLES / "tradepost"), tmp_path / "out")
    page = tmp_path / "out" / "index.html"
    dom = browse(page, tmp_path / "profile", "--dump-dom")
    assert "<h2 id=\"tables\">Tables (15)</h2>" in dom
    assert "tradepost.repositories.stock_repo:adjust_level" in dom
    shot = tmp_path / "report.png"
    browse(page, tmp_path / "profile", "--window-size=1280,1400", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank


def test_hostile_names_stay_text_in_the_browser(project: Callable[[Tree], Path],
                                                tmp_path: Path) -> None:
    root = project({"app.py": '''
def f(cur):
    cur.execute('SELECT * FROM "<img src=x onerror=document.title=1>"')
    cur.execute('SELECT * FROM "<script>document.title=2</script>"')
'''})
    api.write_analysis(run(root), tmp_path / "out")
    dom = browse(tmp_path / "out" / "index.html", tmp_path / "profile", "--dump-dom")
    assert "<script" not in dom and "<img" not in dom  # no element was made from them
    assert "&lt;img src=x onerror=document.title=1&gt;" in dom
    assert "<title>seamline: proj</title>" in dom  # no handler ran to change it
