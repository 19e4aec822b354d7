"""XSS payloads in every string of an analysed project that can reach the HTML report: file
and folder names, SQL table names, ``db_table`` and ``__tablename__``, pinned context names,
a loader's argument, docstrings and comments. The report is written by ``seamline analyze``;
each page must show every payload as text (escaped in its source) and, opened in headless
chromium, keep its own title: each payload, if it ran, would set ``document.title``.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import write_tree
from tests.test_browser import CHROMIUM, browse


@dataclass(frozen=True)
class Payload:
    where: str
    text: str
    shown: bool = True  # the string reaches the report (docstrings and comments do not)


def _img(mark: int) -> str:
    return f"<img src=x onerror=document.title={mark}>"


PAYLOADS = {
    101: Payload("module file name", _img(101)),
    102: Payload("folder name", "<svg onload=document.title=102>"),
    103: Payload("module docstring", "<script>document.title=103</script>", shown=False),
    104: Payload("function docstring", _img(104), shown=False),
    105: Payload("db_table", _img(105)),
    106: Payload("quoted SQL table name", _img(106)),
    107: Payload("comment on a SQL line", _img(107), shown=False),
    108: Payload("pinned context name", _img(108)),
    109: Payload("__tablename__", "<svg onload=document.title=109>"),
    110: Payload("pinned context name leaving an attribute", '"><svg onload=document.title=110>'),
    111: Payload("get_model argument", _img(111)),
}


def _project() -> dict[str, str | bytes]:
    text = {mark: payload.text for mark, payload in PAYLOADS.items()}
    return {
        "seamline.toml": (f"[pin]\n'{text[108]}' = [\"app.orders\"]\n"
                          f"'{text[110]}' = [\"app.billing\"]\n"),
        "app/__init__.py": "",
        f"app/{text[101]}.py": "x = 1\n",
        f"{text[102]}/mod.py": "def f():\n    return 1\n",
        "app/orders.py": f'''
            """Orders. {text[103]}"""
            from django.apps import apps
            from django.db import models


            class Order(models.Model):
                class Meta:
                    db_table = "{text[105]}"


            def place(cur):
                """Place one. {text[104]}"""
                cur.execute('SELECT * FROM "{text[106]}"')
                cur.execute("SELECT * FROM plain_orders")  # {text[107]}
                apps.get_model("app", "{text[111]}").objects.all()
                return Order.objects.create()
        ''',
        "app/billing.py": f'''
            from sqlalchemy.orm import declarative_base

            Base = declarative_base()


            class Invoice(Base):
                __tablename__ = "{text[109]}"


            def bill(session, cur):
                cur.execute("UPDATE plain_orders SET paid = 1")
                return session.query(Invoice).all()
        ''',
    }


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = write_tree(tmp_path_factory.mktemp("xss") / "proj", _project())
    out = root.parent / "out"
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(root), "--out",
                           str(out), "--no-cache", "-j", "1", "-q"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    found = sorted(out.glob("*.html"))
    assert len(found) >= 6  # overview, findings, rules, tables, modules, a context or more
    return found


def _escaped_forms(text: str) -> set[str]:
    """The text as HTML may escape it: ``<``, ``>`` and ``&`` always; quotes either way."""
    base = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {base.replace('"', quote) for quote in ('"', "&#34;", "&quot;", "&#x22;")}


_RAW_MARKUP = re.compile(r"<(?:img|svg|script)\b[^>]*document\.title", re.IGNORECASE)
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def test_every_payload_is_text_in_the_page_source(pages: list[Path]) -> None:
    sources = {page.name: page.read_text(encoding="utf-8") for page in pages}
    for name, source in sources.items():
        assert _RAW_MARKUP.search(source) is None, name
    for payload in PAYLOADS.values():
        forms = _escaped_forms(payload.text)
        if payload.shown:
            assert any(form in source for source in sources.values() for form in forms), \
                f"{payload.where}: dropped, not escaped"


@pytest.mark.skipif(CHROMIUM is None,
                    reason="chromium not installed (bash .ci/setup installs it)")
def test_no_payload_runs_in_the_browser(pages: list[Path], tmp_path: Path) -> None:
    for page in pages:
        own = _TITLE.search(page.read_text(encoding="utf-8"))
        assert own is not None, page.name
        dom, _ = browse(page, tmp_path / "profile", "--dump-dom", "--virtual-time-budget=2000")
        shown = _TITLE.search(dom)
        assert shown is not None, page.name
        assert html.unescape(shown.group(1)) == html.unescape(own.group(1)), page.name
        assert not re.search(r"\b(?:onerror|onload)=\"", dom), page.name  # no element made
