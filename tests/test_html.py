"""The HTML page shows the code model, escapes what comes from the analysed code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import api
from analyzer.cli import cli
from tests.conftest import SAMPLES, Tree, run, two_writers

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def test_hostile_names_and_messages_are_escaped(project: Callable[[Tree], Path],
                                                tmp_path: Path) -> None:
    root = project({
        "app/__init__.py": "",
        "app/ok.py": "def fine(): ...\n",
        "app/<img src=x onerror=alert(3)>.py": "",
        "app/broken.py": f"x = 1\n{HOSTILE}\n",
    })
    written = api.write_analysis(run(root), tmp_path / "out")
    assert [p.name for p in written.files[:3]] == ["analysis.json", "graph.json", "index.html"]
    page = "".join(p.read_text() for p in written.files if p.suffix == ".html")
    assert "<img" not in page.replace('<img class="map"', "")
    assert page.count("<script") == len([p for p in written.files if p.suffix == ".html"])
    assert "&lt;img src=x onerror=alert(3)&gt;.py" in page  # shown, as text
    assert "app/broken.py:2" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page  # nothing remote


def test_hostile_table_names_from_sql_are_escaped(project: Callable[[Tree], Path],
                                                  tmp_path: Path) -> None:
    root = project({"app.py": '''
def f(cur):
    cur.execute('SELECT * FROM "<script>alert(4)</script>"')
    cur.execute("UPDATE \\"<img src=x onerror=alert(5)>\\" SET a = 1")
'''})
    analysis = run(root)
    names = {t.name for t in analysis.data.tables}
    assert {"<script>alert(4)</script>", "<img src=x onerror=alert(5)>"} <= names
    api.write_analysis(analysis, tmp_path / "out")
    page = (tmp_path / "out" / "tables.html").read_text()
    assert "<script>alert" not in page and "<img src" not in page
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page


def test_hostile_table_names_in_findings_are_escaped(project: Callable[[Tree], Path],
                                                     tmp_path: Path) -> None:
    root = project(two_writers("<script>alert(6)</script>"))
    analysis = run(root)
    [shared] = [f for f in analysis.findings.findings if f.code == "SL101"]
    assert "`<script>alert(6)</script>`" in shared.message
    api.write_analysis(analysis, tmp_path / "out")
    page = (tmp_path / "out" / "findings.html").read_text()
    assert "<script>alert" not in page
    assert "<code>&lt;script&gt;alert(6)&lt;/script&gt;</code>" in page


def test_without_graphviz_the_map_is_dot_source_and_the_cli_says_how_to_get_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no `dot` (and no git) to be found
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(SAMPLES / "tradepost"), "--out", str(out),
                                      "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "graphviz's `dot` was not found" in result.stderr
    assert "apt-get install graphviz" in result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<pre class="dot">digraph contexts {' in page and "data:image/svg" not in page
    assert (out / "findings.html").is_file()


@pytest.mark.parametrize("name", ["element", "items", "get", "keys", "__class__", "absent"])
def test_a_rows_field_reads_as_jinja_reads_it(name: str) -> None:
    """The report's environment looks a dict's item up first (no AttributeError raised per
    field): the value is still Jinja2's, a dict method's name included."""
    import jinja2

    from analyzer.render.html import _environment

    field = "row." + name
    source = "{% if " + field + " is defined %}{{ " + field + " }}{% else %}-{% endif %}"
    row = {"element": "a.b:c", "items": "mine", "get": 3, "keys": None}
    plain = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
        source).render(row=row)
    assert _environment().from_string(source).render(row=row) == plain
