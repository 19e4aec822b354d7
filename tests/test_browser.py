"""The HTML report in a real browser: Debian's chromium, headless, on the file itself."""

from __future__ import annotations

import os
import re
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


def browse(page: Path | str, profile: Path, *extra: str) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran, and what it wrote to the console (errors, CSP
    violations...)."""
    assert CHROMIUM is not None
    url = page.as_uri() if isinstance(page, Path) else page
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                           "--enable-logging=stderr", "--v=0", *extra, url],
                          capture_output=True, text=True, timeout=120, check=True)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    written = api.write_analysis(run(SAMPLES / "tradepost",
                                     config_file=SAMPLES / "tradepost" / "agreed.toml"), out)
    return written.report


def test_every_page_of_the_report_opens_without_a_console_message(report: Path,
                                                                   tmp_path: Path) -> None:
    pages = sorted(report.parent.glob("*.html"))
    assert len(pages) == 14  # overview, 8 contexts, findings, rules, tables, modules, method
    for page in pages:
        dom, console = browse(page, tmp_path / "profile", "--dump-dom")
        assert console == [], (page.name, console)
        assert "</nav>" in dom
    shot = tmp_path / "report.png"
    browse(report, tmp_path / "profile", "--window-size=1280,1400", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank


def test_from_the_overview_to_a_context_and_its_findings(report: Path, tmp_path: Path) -> None:
    overview, _ = browse(report, tmp_path / "profile", "--dump-dom")
    assert 'src="data:image/svg+xml;base64,' in overview  # the map, drawn by graphviz
    link = re.search(r'<a href="(context-orders-[0-9a-f]+\.html)">orders</a>', overview)
    assert link is not None
    context, _ = browse(report.parent / link.group(1), tmp_path / "profile", "--dump-dom")
    assert "<h1>seamline: tradepost · orders</h1>" in context
    assert "tradepost.services.order_service:place_order" in context  # a member
    assert "order_lines" in context  # a table it owns
    filtered = re.search(r'href="(findings\.html#context=orders)"', context)
    assert filtered is not None
    findings, console = browse(f"{(report.parent / 'findings.html').as_uri()}#context=orders"
                               "&severity=error", tmp_path / "profile", "--dump-dom")
    assert console == []
    rows = re.findall(r"<tr data-severity=[^>]*>", findings)
    shown = [row for row in rows if "hidden" not in row]
    assert len(rows) == 15 and len(shown) == 2  # SL101 stock_levels and SL201 orders<->payments
    assert all('data-severity="error"' in row for row in shown)
    assert re.search(r'id="shown">2<', findings)


def test_hostile_names_stay_text_in_the_browser(project: Callable[[Tree], Path],
                                                tmp_path: Path) -> None:
    root = project({"app.py": '''
def f(cur):
    cur.execute('SELECT * FROM "<img src=x onerror=document.title=1>"')
    cur.execute('SELECT * FROM "<script>document.title=2</script>"')
'''})
    written = api.write_analysis(run(root), tmp_path / "out")
    for page in ("tables.html", "index.html"):
        dom, console = browse(written.report.parent / page, tmp_path / "profile", "--dump-dom")
        assert "<img src=x" not in dom and "<script>document" not in dom  # no element made
        assert console == []
    dom, _ = browse(written.report.parent / "tables.html", tmp_path / "profile", "--dump-dom")
    assert "&lt;img src=x onerror=document.title=1&gt;" in dom
    assert "<title>seamline: proj · tables</title>" in dom  # no handler ran to change it
