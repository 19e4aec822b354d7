"""The HTML report in a real browser: Debian's chromium, headless, on the file itself."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

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
    assert len(rows) == 16 and len(shown) == 2  # SL101 stock_levels and SL201 orders<->payments
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


def _shown(dom: str) -> list[str]:
    """The rows of a findings page that its filters leave shown."""
    return [row for row in re.findall(r"<tr data-severity=[^>]*>.*?</tr>", dom, re.S)
            if " hidden" not in row[:row.index(">")]]


def _attribute(row: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', row)
    assert found is not None, row
    return html.unescape(found.group(1))


def _row_contexts(row: str) -> list[str]:
    contexts: list[str] = json.loads(_attribute(row, "data-contexts"))
    return contexts


def _matches(row: str, want: dict[str, str]) -> bool:
    """What report.js does to a row, in Python, for a static check of every link."""
    text = html.unescape(re.sub(r"<[^>]+>", "", row)).lower()
    return (want.get("rule", "") in ("", _attribute(row, "data-rule"))
            and want.get("context", "") in ("", *_row_contexts(row))
            and want.get("q", "").lower() in text)


def test_links_to_filtered_findings_open_the_page_that_holds_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Findings cut into pages of 4 (the sample's 15 findings on 4 pages): a context page's
    "These findings" link and every blocker's "evidence" link open the page that holds a
    finding its filter shows, and each page offers only the rules and contexts it lists."""
    monkeypatch.setattr("analyzer.render.html._PAGE_ROWS", 4)
    written = api.write_analysis(run(SAMPLES / "tradepost",
                                     config_file=SAMPLES / "tradepost" / "agreed.toml"),
                                 tmp_path / "out")
    folder = written.report.parent
    pages = {p.name: p.read_text(encoding="utf-8") for p in written.files if p.suffix == ".html"}
    parts = sorted(n for n in pages if re.fullmatch(r"findings(-\d+)?\.html", n))
    assert len(parts) == 4
    for name in parts:
        page = pages[name]
        rows = re.findall(r"<tr data-severity=[^>]*>.*?</tr>", page, re.S)
        form = page[page.index('<form id="filters"'):page.index("</form>")]
        rules = form[form.index('name="rule"'):form.index('name="context"')]
        contexts = form[form.index('name="context"'):form.index('name="q"')]
        assert set(re.findall(r'<option value="([^"]+)">', rules)) == {
            _attribute(r, "data-rule") for r in rows}, name
        assert set(re.findall(r'<option value="([^"]+)">', contexts)) == {
            c for r in rows for c in _row_contexts(r)}, name
    links = [(href, dict(parse_qsl(html.unescape(query))))
             for name, page in sorted(pages.items()) if name.startswith(("context-", "index"))
             for href, query in re.findall(r'href="(findings(?:-\d+)?\.html)#([^"]+)"', page)]
    assert len(links) >= 8
    for href, want in links:  # each lands where its filter shows at least one finding
        rows = re.findall(r"<tr data-severity=[^>]*>.*?</tr>", pages[href], re.S)
        assert any(_matches(r, want) for r in rows), (href, want)
    later = [(href, want) for href, want in links if href != "findings.html"]
    by_context = next((h, w) for h, w in later if list(w) == ["context"])
    by_text = next((h, w) for h, w in later if "q" in w)
    for href, want in (by_context, by_text):  # and chromium agrees
        dom, console = browse(f"{(folder / href).as_uri()}#{urlencode(want)}",
                              tmp_path / "profile", "--dump-dom")
        assert console == []
        shown = _shown(dom)
        assert shown and all(_matches(r, want) for r in shown), (href, want)
        assert re.search(rf'id="shown">{len(shown)}<', dom)


def test_a_filter_goes_with_the_pager_to_the_other_pages_of_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("analyzer.render.html._PAGE_ROWS", 4)
    written = api.write_analysis(run(SAMPLES / "tradepost",
                                     config_file=SAMPLES / "tradepost" / "agreed.toml"),
                                 tmp_path / "out")
    folder = written.report.parent
    dom, console = browse(f"{(folder / 'findings.html').as_uri()}#severity=warning",
                          tmp_path / "profile", "--dump-dom")
    assert console == []
    pager = re.findall(r'<a href="(findings-\d+\.html[^"]*)"', dom)
    assert pager and all(href.endswith("#severity=warning") for href in pager), pager
    # a context the second page does not list still filters it (to nothing), not ignored
    second = (folder / "findings-2.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'data-contexts="([^"]*)"', second))
    absent = next(name for name in ("customer", "email", "order", "payment", "product",
                                    "shipment", "stock") if name not in html.unescape(
                                        " ".join(listed)))
    dom, console = browse(f"{(folder / 'findings-2.html').as_uri()}#context={absent}",
                          tmp_path / "profile", "--dump-dom")
    assert console == []
    assert _shown(dom) == [] and 'id="shown">0<' in dom
