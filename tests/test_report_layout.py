"""Looking at the report is a test: real chromium, at 1,400 px, on the sample and on generated
monoliths of 25, 60 and 80 domains. Nothing may overflow its box (the page never scrolls sideways;
only the boxes made to scroll do), each map starts fitted to its box and zooms and pans, and
each page writes a screenshot (``--basetemp`` keeps them to look at)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from tests.conftest import SAMPLES, run
from tests.synthetic import monolith
from tests.test_browser import browse, pytestmark  # noqa: F401  # skipped without chromium

WIDTH, HEIGHT = 1400, 1000

# Appended to a copy of a page (the copy drops the Content-Security-Policy so that this one
# script may run; the report's own pages are checked for CSP messages in test_browser.py).
MEASURE = """
(function () {
  function scroller(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "hidden" || o === "scroll") { return true; }
    }
    return false;
  }
  function box(r) { return [Math.round(r.left), Math.round(r.top), Math.round(r.right),
                            Math.round(r.bottom)]; }
  var main = document.querySelector("main").getBoundingClientRect();
  var out = {page: [document.documentElement.scrollWidth, window.innerWidth],
             overflow: [], scrollboxes: [], maps: []};
  document.querySelectorAll("main *").forEach(function (el) {
    if (el.closest("[data-map]") || scroller(el)) { return; }
    var r = el.getBoundingClientRect();
    if (!r.width) { return; }
    var wide = getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0 &&
      el.scrollWidth > el.clientWidth + 1;
    if (r.right > main.right + 1 || wide) {
      out.overflow.push(el.tagName + " " + (el.textContent || "").slice(0, 50));
    }
  });
  document.querySelectorAll(".scrollbox").forEach(function (el) {
    out.scrollboxes.push({label: el.getAttribute("aria-label") || "",
                          scroll: el.scrollWidth, client: el.clientWidth});
  });
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var img = el.querySelector("img"), buttons = el.querySelectorAll(".mapbar button");
    var m = {pannable: el.classList.contains("pannable"), box: box(el.getBoundingClientRect()),
             fitted: box(img.getBoundingClientRect()), areas: el.querySelectorAll("area").length};
    if (buttons.length === 3) {
      buttons[0].click(); buttons[0].click();
      m.zoomed = box(img.getBoundingClientRect());
      buttons[2].click();
      m.refitted = box(img.getBoundingClientRect());
    }
    out.maps.push(m);
  });
  var pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}());
"""


def _copy(page: Path, name: str, extra: str) -> Path:
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  page.read_text(encoding="utf-8"))
    copy = page.parent / f"harness-{name}.html"
    copy.write_text(text.replace("</body>", f"{extra}</body>"), encoding="utf-8")
    return copy


def measure(page: Path, profile: Path) -> dict[str, Any]:
    dom, console = browse(_copy(page, page.stem, f"<script>{MEASURE}</script>"), profile,
                          "--dump-dom",
                          f"--window-size={WIDTH},{HEIGHT}")
    assert not [line for line in console if "Uncaught" in line], console
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found is not None, "the measuring script did not run"
    result: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return result


def screenshot(page: Path, shot: Path, profile: Path, only: str | None = None) -> None:
    """The page at 1,400 px; ``only``: one section of it (a headless screenshot cannot scroll
    to an anchor)."""
    target = page
    if only:
        target = _copy(page, f"{page.stem}-{only}", "<style>header, main > :not(#"
                       f"{only}) {{ display: none; }}</style>")
    browse(target, profile, f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars",
           f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, shot  # a page, not a blank


def _report(root: Path, out: Path) -> Path:
    return api.write_analysis(run(root), out).report


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("layout")
    return {"tradepost": _report(SAMPLES / "tradepost", base / "tradepost"),
            "sixty": _report(monolith(base / "sixty-src", 60), base / "sixty"),
            "eighty": _report(monolith(base / "eighty-src", 80), base / "eighty"),
            "twenty-five": _report(monolith(base / "twenty-five-src", 25), base / "twenty-five")}


def _context_page(overview: Path) -> Path:
    """The first context in the overview's table."""
    found = re.search(r'<tr><td><a href="(context-[^"]+\.html)">', overview.read_text())
    assert found is not None
    return overview.parent / found.group(1)


@pytest.mark.parametrize("name", ["tradepost", "sixty", "eighty", "twenty-five"])
def test_no_page_overflows_its_box_at_1400_px(reports: dict[str, Path], name: str,
                                              tmp_path: Path) -> None:
    overview = reports[name]
    for page in (overview, _context_page(overview), overview.parent / "tables.html",
                 overview.parent / "modules.html", overview.parent / "findings.html"):
        seen = measure(page, tmp_path / "profile")
        assert seen["page"][0] <= seen["page"][1], (page.name, seen["page"])  # no sideways scroll
        assert seen["overflow"] == [], (page.name, seen["overflow"][:5])
        if name == "twenty-five":  # its matrix fits at 1,400 px; 60 or 80 scroll in their box
            for scrolling in seen["scrollboxes"]:
                assert scrolling["scroll"] <= scrolling["client"] + 1, (page.name, scrolling)


@pytest.mark.parametrize("name", ["tradepost", "sixty", "eighty"])
def test_each_map_starts_fitted_to_its_box_and_zooms_and_pans(reports: dict[str, Path],
                                                              name: str, tmp_path: Path) -> None:
    overview = reports[name]
    for page in (overview, _context_page(overview)):
        seen = measure(page, tmp_path / "profile")
        assert seen["maps"], page.name
        for m in seen["maps"]:
            left, top, right, bottom = m["box"]
            assert m["pannable"]
            fl, ft, fr, fb = m["fitted"]
            assert left - 1 <= fl and fr <= right + 1 and top - 1 <= ft and fb <= bottom + 1, m
            assert bottom - top <= HEIGHT * 0.75 + 2  # never taller than the window allows
            assert m["areas"] >= 1  # contexts are links
            zl, _, zr, _ = m["zoomed"]
            if fr - fl < right - left - 4:  # shrunk to fit: zooming in makes it larger
                assert zr - zl > fr - fl
            assert m["refitted"] == m["fitted"]


def test_a_context_on_the_map_links_to_its_page_and_its_neighbourhood(
        reports: dict[str, Path]) -> None:
    overview = reports["sixty"]
    text = overview.read_text(encoding="utf-8")
    areas = re.findall(r'<area shape="[a-z]+" coords="[0-9,.-]+" href="([^"]+)"', text)
    assert len(set(areas)) >= 50
    target = overview.parent / areas[0]
    page = target.read_text(encoding="utf-8")
    assert 'alt="Its neighbourhood: ' in page
    near = re.search(r'<map name="areas-near">(.*?)</map>', page, re.S)
    assert near is not None
    uses = re.search(r"<h3>Uses \((\d+) contexts?\)</h3>", page)
    used_by = re.search(r"<h3>Used by \((\d+) contexts?\)</h3>", page)
    assert uses is not None and used_by is not None
    shown = len(set(re.findall(r'href="([^"]+)"', near.group(1))))
    assert 1 < shown <= 1 + int(uses.group(1)) + int(used_by.group(1))  # only its neighbours


@pytest.mark.parametrize("name", ["tradepost", "sixty"])
def test_screenshots_of_the_overview_the_map_and_a_context(reports: dict[str, Path], name: str,
                                                           tmp_path: Path) -> None:
    overview = reports[name]
    profile = tmp_path / "profile"
    screenshot(overview, tmp_path / f"{name}-overview.png", profile)
    screenshot(overview, tmp_path / f"{name}-map.png", profile, only="map-strongest-view")
    if "map-cycles-view" in overview.read_text(encoding="utf-8"):
        screenshot(overview, tmp_path / f"{name}-cycles.png", profile, only="map-cycles-view")
    screenshot(_context_page(overview), tmp_path / f"{name}-context.png", profile)
