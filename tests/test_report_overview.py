"""The overview tells a reader what the numbers mean and where to start: metric cards with
their meaning from docs/clustering.md, and what blocks the split most."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer import api
from tests.conftest import SAMPLES, Tree, run

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return api.write_analysis(run(SAMPLES / "tradepost"), out).report.parent


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
    part = page[page.index('id="blockers"'):page.index('id="top-findings"')]
    tables = re.findall(r"<li><b><code>([^<]+)</code></b> <span class=\"muted\">(\d+) site", part)
    assert tables[0] == ("orders", "5")  # read by payment, joined and keyed by three more
    assert [int(n) for _, n in tables] == sorted((int(n) for _, n in tables), reverse=True)
    assert "<code>order ⇄ payment</code></b> <span class=\"muted\">2 uses" in part
    assert "removable by 1 dependency: order → payment" in part  # the fix the finding proposes
    assert "<code>tradepost.models</code>" in part and "split it along the plan" in part
    assert 'href="findings.html#context=order&amp;rule=SL201"' in part


def test_hostile_table_names_stay_escaped_among_the_blockers(project: Callable[[Tree], Path],
                                                            tmp_path: Path) -> None:
    write = "def {name}(cur):\n    cur.execute('UPDATE \"<script>alert(7)</script>\" SET a = 1')\n"
    root = project({"shop/__init__.py": "", "shop/a.py": write.format(name="a"),
                    "shop/b.py": write.format(name="b"),
                    "seamline.toml": '[pin]\nx = ["shop.a"]\ny = ["shop.b"]\n'})
    written = api.write_analysis(run(root), tmp_path / "out")
    page = written.report.read_text(encoding="utf-8")
    part = page[page.index('id="blockers"'):page.index('id="top-findings"')]
    assert "<code>&lt;script&gt;alert(7)&lt;/script&gt;</code>" in part
    assert "q=%3Cscript%3Ealert%287%29%3C/script%3E" in part
    assert "<script>alert" not in page
