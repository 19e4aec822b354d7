"""The overview tells a reader what the numbers mean and where to start: metric cards with
their meaning from docs/clustering.md, and what blocks the split most."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from tests.conftest import SAMPLES, Tree, run, two_writers

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample_analysis() -> api.Analysis:
    return run(SAMPLES / "tradepost")


@pytest.fixture(scope="module")
def sample(sample_analysis: api.Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return api.write_analysis(sample_analysis, out).report.parent


def test_every_metric_card_says_what_it_measures_and_which_way_is_better(sample: Path) -> None:
    page = (sample / "index.html").read_text(encoding="utf-8")
    guide = (REPO / "docs" / "clustering.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| (higher|lower) \|$", guide, re.MULTILINE)
    assert len(rows) >= 9
    cards = re.findall(r'<div class="card" id="metric-[a-z_]+">(.*?)</div>', page)
    assert len(cards) == 9
    for name, _meaning, better in rows:
        [card] = [c for c in cards if f"<span>{name}</span>" in c]
        assert f"{better} is better" in card
        assert '<a href="method.html#metrics">' in card
    assert "weight of cross-context dependencies (log(count) + 1 each) over all" in page
    method = (sample / "method.html").read_text(encoding="utf-8")
    assert '<section class="rule" id="metrics">' in method
    assert "Newman&#39;s weighted Q of the cut graph" in method


def test_what_blocks_the_split_most_ranks_tables_cycles_and_god_modules(sample: Path) -> None:
    page = (sample / "index.html").read_text(encoding="utf-8")
    part = page[page.index('id="blockers"'):page.index('id="map"')]
    tables = re.findall(r"<li><b><code>([^<]+)</code></b> <span class=\"muted\">(\d+) site", part)
    assert tables[0] == ("orders", "5")  # read by payment, joined and keyed by three more
    assert [int(n) for _, n in tables] == sorted((int(n) for _, n in tables), reverse=True)
    assert "<code>order ⇄ payment</code></b> <span class=\"muted\">2 uses" in part
    assert "removable by 1 dependency: order → payment" in part  # the fix the finding proposes
    assert "<code>tradepost.models</code>" in part and "split it along the plan" in part
    assert 'href="findings.html#context=order&amp;rule=SL201"' in part


def test_hostile_table_names_stay_escaped_among_the_blockers(project: Callable[[Tree], Path],
                                                            tmp_path: Path) -> None:
    root = project(two_writers("<script>alert(7)</script>"))
    written = api.write_analysis(run(root), tmp_path / "out")
    page = written.report.read_text(encoding="utf-8")
    part = page[page.index('id="blockers"'):page.index('id="map"')]
    assert "<code>&lt;script&gt;alert(7)&lt;/script&gt;</code>" in part
    assert "q=%3Cscript%3Ealert%287%29%3C/script%3E" in part
    assert "<script>alert" not in page


def test_hostile_context_names_stay_text_on_the_map_and_its_links(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    calls = "from shop.{other} import {other}_go\n\n\ndef {me}_go():\n    {other}_go()\n"
    root = project({
        "shop/__init__.py": "",
        "shop/a.py": calls.format(me="a", other="b"),
        "shop/b.py": calls.format(me="b", other="a"),
        "seamline.toml": '[pin]\n"<img src=x onerror=alert(8)>" = ["shop.a"]\n'
                         '"b&<b>" = ["shop.b"]\n'})
    written = api.write_analysis(run(root), tmp_path / "out")
    pages = {p.name: p.read_text(encoding="utf-8") for p in written.files if p.suffix == ".html"}
    for name, page in pages.items():
        assert "<img src=x" not in page and "&<b>" not in page, name
    overview = pages["index.html"]
    assert 'title="&lt;img src=x onerror=alert(8)&gt;: its neighbourhood"' in overview
    assert "<area" in overview and 'alt="b&amp;&lt;b&gt;"' in overview
    near = [p for p in pages.values() if 'alt="Its neighbourhood: ' in p]
    assert len(near) == 2  # each context's page draws its neighbourhood, names only as text
    assert all('title="b&amp;&lt;b&gt;: its neighbourhood"' in p for p in near)


def test_identifiers_may_wrap_at_their_joints_and_stay_escaped() -> None:
    from analyzer.render.html import breakable

    assert str(breakable("shop.orders:place_order")) == \
        "shop.<wbr>orders:<wbr>place_<wbr>order"
    assert str(breakable("<script>a.b</script>")) == \
        "&lt;script&gt;a.<wbr>b&lt;/<wbr>script&gt;"


def test_no_page_grows_with_a_long_list(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """One module of 5,000 definitions: its members are cut into pages of 1,000, each page
    small; together they list every member once."""
    defs = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(5000))
    root = project({"big/__init__.py": "", "big/huge.py": defs})
    written = api.write_analysis(run(root), tmp_path / "out")
    pages = [p for p in written.files if p.suffix == ".html"]
    assert max(p.stat().st_size for p in pages) < 400_000, max(p.stat().st_size for p in pages)
    members = [m for p in pages if p.name.startswith("context-")
               for m in re.findall(r"<tr><td><code>(big\.huge:f\d+)</code></td>",
                                   p.read_text(encoding="utf-8"))]
    assert len(members) == len(set(members)) == 5000
    continued = [p for p in pages if re.fullmatch(r"context-.+-\d+\.html", p.name)]
    assert continued
    assert re.search('class="pager">Members 1\u20131,000 of', written.report.parent.joinpath(
        re.sub(r"-\d+\.html$", ".html", continued[0].name)).read_text(encoding="utf-8"))


def test_the_map_cuts_the_dependency_sl201_cuts(project: Callable[[Tree], Path],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """x → y: 3 uses that read alike (``m:f uses n:g`` from three top-level packages), y → x:
    2 uses. SL201 weighs each dependency by its uses and cuts y → x; so must the map (counting
    distinct texts, 1 and 2, it would cut x → y)."""
    caller = "from other.n import g\n\n\ndef f():\n    return g()\n"
    tree: Tree = {f"{p}/{name}": text for p in ("one", "two", "three")
                  for name, text in (("__init__.py", ""), ("m.py", caller))}
    root = project(tree | {
        "other/__init__.py": "",
        "other/n.py": "from one.m import f as f1\nfrom two.m import f as f2\n\n\n"
                      "def g():\n    return 1\n\n\ndef h():\n    return f1()\n\n\n"
                      "def k():\n    return f2()\n",
        "seamline.toml": '[pin]\nx = ["one.m", "two.m", "three.m"]\ny = ["other.n"]\n'})
    monkeypatch.setattr("analyzer.render.contextmap.render", lambda dot: None)  # DOT text
    written = api.write_analysis(run(root), tmp_path / "out")
    document = json.loads((written.report.parent / "analysis.json").read_text(encoding="utf-8"))
    [cycle] = [f for f in document["findings"]["items"] if f["code"] == "SL201"]
    assert "removable by 1 dependency: y → x (2 uses)" in cycle["remediation"]
    page = html.unescape(written.report.read_text(encoding="utf-8"))
    view = page[page.index('id="map-cycles-view"'):page.index('id="dsm"')]
    names = dict(re.findall(r'(c\d+) \[label="([a-z]+)\n', view))
    edges = {(names[a], names[b]): label.strip('"')
             for a, b, label in re.findall(r'(c\d+) -> (c\d+) \[label=("[^"]+"|\S+)', view)}
    assert edges == {("x", "y"): "3", ("y", "x"): "cut 2"}
    near = [html.unescape(p.read_text(encoding="utf-8")) for p in written.files
            if p.name.startswith("context-")]
    assert len(near) == 2 and all('label="cut 2"' in p and "label=3 " in p for p in near)


def test_the_cycle_cut_is_computed_once_for_every_view_and_page(
        sample_analysis: api.Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analyzer.render import contextmap

    calls: list[int] = []
    real = contextmap.cycle_edges

    def counted(dsm: Any) -> Any:
        calls.append(len(dsm))
        return real(dsm)

    monkeypatch.setattr(contextmap, "cycle_edges", counted)
    written = api.write_analysis(sample_analysis, tmp_path / "out")
    assert len([p for p in written.files if p.name.startswith("context-")]) > 2
    assert len(calls) == 1


def test_a_god_module_is_credited_only_with_its_own_uses(project: Callable[[Tree], Path],
                                                          tmp_path: Path) -> None:
    """Two apps with a ``views`` module each: messages name both ``views:...``; only the uses
    from or into ``orders.views`` count for it."""
    root = project({
        "orders/__init__.py": "",
        "orders/views.py": "from catalog.views import listing\n\n\n"
                           "def checkout():\n    return listing()\n\n\n"
                           "def refund():\n    return 2\n",
        "catalog/__init__.py": "",
        "catalog/views.py": "def listing():\n    return 1\n\n\ndef detail():\n    return 3\n",
        "catalog/admin.py": "from catalog.views import detail\n\n\n"
                            "def edit():\n    return detail()\n",
        "seamline.toml": "[findings.options.SL301]\nmin-contexts = 2\n\n[pin]\n"
                         'sales = ["orders.views:checkout"]\nmoney = ["orders.views:refund"]\n'
                         'shelf = ["catalog.views"]\nback = ["catalog.admin"]\n'})
    written = api.write_analysis(run(root), tmp_path / "out")
    page = written.report.read_text(encoding="utf-8")
    part = page[page.index('id="blockers"'):page.index('id="map"')]
    assert "of the 2 cross-context uses" in part  # sales → shelf and back → shelf
    assert re.search(r'<code>orders\.views</code></b> <span class="muted">1 use \(50%\)', part)
