"""Findings on the bundled sample, table ownership, rule configuration, inline suppression and
the ``seamline rules`` command."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer import api
from analyzer.catalogue import catalogue, choose_rules
from analyzer.cli import cli
from analyzer.coupling import KERNEL, UNPLACED
from analyzer.decomposition import Agreed, AgreedContext
from analyzer.errors import ConfigError
from analyzer.findings.partition import Partition
from analyzer.tomlfile import read_toml
from tests.conftest import REPO, SAMPLES, Tree, run

TRADEPOST = SAMPLES / "tradepost"
_SMELL_RULES = {"shared-table-write": "SL101", "cross-context-join": "SL105",
                "context-cycle": "SL201", "sync-call-chain": "SL203", "god-module": "SL301"}


AGREED = TRADEPOST / "agreed.toml"


def _agreed(tmp_path: Path, extra: str = "") -> Path:
    """A config file: the sample's agreed cut (``agreed.toml``) and ``extra`` keys."""
    path = tmp_path / "seamline.toml"
    path.write_text(AGREED.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_the_agreed_cut_pins_exactly_the_answer_key() -> None:
    key = read_toml(TRADEPOST / "expected.toml")
    pins = read_toml(AGREED)["pin"]
    pinned = {p: ("shared" if c == "shared-kernel" else c) for c, ps in pins.items() for p in ps}
    split = {m for m, c in key["modules"].items() if c == "split"}
    expected = {m: c for m, c in key["modules"].items() if c != "split"} | {
        a: c for a, c in key["atoms"].items() if a.partition(":")[0] in split}
    assert pinned == expected


@pytest.fixture(scope="module")
def agreed() -> api.Analysis:
    return run(TRADEPOST, config_file=AGREED)


def test_every_deliberate_smell_of_the_sample_is_found_and_nothing_else_is_an_error(
        agreed: api.Analysis) -> None:
    smells = read_toml(TRADEPOST / "expected.toml")["smells"]
    found = agreed.findings.findings
    matched = set()
    for smell in smells:
        code = _SMELL_RULES[smell["kind"]]
        hits = [f for f in found if f.code == code
                and set(smell.get("contexts", [])) <= set(f.contexts)
                and set(smell.get("tables", [smell.get("table")]) or []) - {None} <= set(f.tables)
                and (smell.get("module") is None or f.subject == smell["module"])
                and all(any(e.path == path for e in f.evidence)
                        for path in smell.get("evidence", []))]
        assert len(hits) == 1, (smell, [(f.code, f.message) for f in found if f.code == code])
        matched.add(id(hits[0]))
    errors = [f for f in found if f.severity == "error"]
    assert errors and all(id(f) in matched for f in errors), [f.message for f in errors]


def test_the_cycle_points_at_the_calls_that_close_it(agreed: api.Analysis) -> None:
    cycle = next(f for f in agreed.findings.findings if f.code == "SL201")
    assert cycle.contexts == ("orders", "payments")
    where = {(e.path, e.line) for e in cycle.evidence}
    assert ("tradepost/services/order_service.py", 44) in where  # place_order -> charge_order
    assert ("tradepost/services/payment_service.py", 52) in where  # charge_order -> mark_paid
    assert "orders → payments" in cycle.message and "payments → orders" in cycle.message


def test_each_table_of_the_sample_goes_to_the_context_the_answer_key_gives_it(
        agreed: api.Analysis) -> None:
    contexts = read_toml(TRADEPOST / "expected.toml")["contexts"]
    expected = {t: c for c, spec in contexts.items() for t in spec["tables"]}
    owners = {o.table: o for o in agreed.findings.ownership}
    assert {t: o.owner for t, o in owners.items()} == expected
    stock = owners["stock_levels"]
    assert stock.reason == "writes most"
    assert [t.context for t in stock.touchers] == ["inventory", "orders"]
    assert stock.touchers[1].writes == 1
    assert all(e.path and e.line for e in stock.evidence)


def test_the_proposed_cut_gets_findings_too_and_json_carries_them(tmp_path: Path) -> None:
    analysis = run(TRADEPOST, structure_blind=True)
    assert analysis.findings.findings and analysis.findings.ownership
    api.write_analysis(analysis, tmp_path)
    document = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    section = document["findings"]
    assert [r["code"] for r in section["rules"]] == [
        r.code for r in catalogue() if r.stage == "analyze"]
    assert len(section["items"]) == len(analysis.findings.findings)
    assert section["counts"]["error"] == analysis.findings.count("error")
    first = section["items"][0]
    assert first["evidence"][0]["path"].endswith(".py") and first["remediation"]
    html = (tmp_path / "findings.html").read_text(encoding="utf-8")
    assert f'href="rules.html#rule-{first["code"]}"' in html
    assert 'id="rule-SL101"' in (tmp_path / "rules.html").read_text(encoding="utf-8")


def test_config_selects_ignores_and_relevels_rules(tmp_path: Path) -> None:
    extra = """
[findings]
select = ["SL1", "context-cycle"]
ignore = ["SL103"]
severity = { SL201 = "warning", "cross-context-join" = "error", SL102 = "off" }
[findings.options.foreign-table-read]
min-reads = 2
"""
    analysis = run(TRADEPOST, config_file=_agreed(tmp_path, extra))
    codes = {f.code for f in analysis.findings.findings}
    assert codes == {"SL101", "SL105", "SL201"}
    levels = {f.code: f.severity for f in analysis.findings.findings}
    assert levels == {"SL101": "error", "SL105": "error", "SL201": "warning"}
    assert analysis.settings.rules.options["SL101"] == {}


@pytest.mark.parametrize(("table", "message"), [
    ('select = ["SL999"]', "findings.select: unknown rule 'SL999'"),
    ('ignore = ["shared-table-writes"]', "did you mean 'shared-table-write'"),
    ('severity = { SL101 = "fatal" }', "findings.severity.SL101 must be one of"),
    ("[findings.options.SL202]\nmax-call = 3", "unknown option 'max-call'"),
    ('[findings.options.SL202]\nmax-calls = "many"', "max-calls must be an integer >= 0"),
    ("[findings.options.SL301]\nmin-contexts = -1", "min-contexts must be an integer >= 0"),
    ('selects = ["SL1"]', "unknown key 'findings.selects'"),
])
def test_bad_rule_config_is_one_clear_error_and_exit_code_2(
        project: Callable[[Tree], Path], table: str, message: str) -> None:
    root = project({"shop/__init__.py": "", "shop/a.py": "def f():\n    return 1\n"})
    (root / "seamline.toml").write_text(f"[findings]\n{table}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(root / "out"),
                                      "--no-cache"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "seamline.toml" in result.output
    assert not (root / "out" / "analysis.json").exists()


def test_choose_rules_rejects_what_config_cannot_mean() -> None:
    with pytest.raises(ConfigError, match="unknown rule 'XX1'"):
        choose_rules(select=["XX1"])
    assert set(choose_rules(ignore=["SL2", "SL3", "SL4"]).severity) == {
        "SL101", "SL102", "SL103", "SL104", "SL105"}


_SHOP: Tree = {
    "shop/__init__.py": "",
    "shop/db.py": "import sqlite3\n\ndef connect():\n    return sqlite3.connect('x')\n",
    "shop/stock.py": (
        "from shop.db import connect\n\n"
        "def restock(sku):\n"
        "    connect().execute('UPDATE stock_levels SET on_hand = on_hand + 1 WHERE sku = ?',"
        " (sku,))\n"),
    "shop/orders.py": (
        "from shop.db import connect\n\n"
        "def place(sku):\n"
        "    connect().execute('UPDATE stock_levels SET on_hand = on_hand - 1 WHERE sku = ?',"
        " (sku,)){comment}\n"),
}
_PINS = ('[pin]\norders = ["shop.orders"]\nstock = ["shop.stock"]\n'
         'shared-kernel = ["shop.db"]\n')


@pytest.mark.parametrize(("comment", "silenced"), [
    ("  # seamline: ignore[SL101]", True),
    ("  # seamline: ignore[shared-table-write, SL104]", True),
    ("  # seamline: ignore[SL102]", False),
    ("  # noqa", False),
])
def test_an_inline_comment_on_an_evidence_line_suppresses_the_finding(
        project: Callable[[Tree], Path], comment: str, silenced: bool) -> None:
    files = dict(_SHOP) | {"shop/orders.py": str(_SHOP["shop/orders.py"]).format(
        comment=comment)}
    root = project(files)
    (root / "seamline.toml").write_text(_PINS, encoding="utf-8")
    found = run(root).findings
    assert any(f.code == "SL101" for f in found.findings) is not silenced
    assert found.suppressed == (1 if silenced else 0)


def test_a_suppression_naming_no_rule_is_a_diagnostic(project: Callable[[Tree], Path]) -> None:
    files = dict(_SHOP) | {"shop/orders.py": str(_SHOP["shop/orders.py"]).format(
        comment="  # seamline: ignore[SL999]")}
    root = project(files)
    (root / "seamline.toml").write_text(_PINS, encoding="utf-8")
    analysis = run(root)
    notes = [d for d in api.diagnostics(analysis) if d.code == "unknown-rule"]
    assert [(d.path, d.line) for d in notes] == [("shop/orders.py", 4)]
    assert any(f.code == "SL101" for f in analysis.findings.findings)
    assert api.summarize(analysis)["warnings"] == 1


def test_seamline_rules_lists_the_catalogue_and_prints_a_page() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["rules"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == [
        r.code for r in catalogue()]
    page = runner.invoke(cli, ["rules", "god-module"])
    assert page.exit_code == 0 and page.output.startswith("# SL301 god-module\n")
    unknown = runner.invoke(cli, ["rules", "SL999"])
    assert unknown.exit_code == 2 and "no rule 'SL999'" in unknown.output


def test_kernel_code_is_judged_by_no_data_rule(project: Callable[[Tree], Path]) -> None:
    files: Tree = {
        "shop/__init__.py": "",
        "shop/db.py": "import sqlite3\n\ndef connect():\n    return sqlite3.connect('x')\n",
        "shop/stock.py": (
            "from shop.db import connect\n\n"
            "def restock(sku):\n"
            "    connect().execute('UPDATE stock_levels SET on_hand = 9 WHERE sku = ?', (sku,))\n"),
        "shop/orders.py": (
            "from shop.db import connect\n\n"
            "def create(sku):\n"
            "    connect().execute('INSERT INTO orders (sku) VALUES (?)', (sku,))\n"),
        "shop/jobs.py": (
            "from shop.db import connect\n\n"
            "def nightly():\n"
            "    db = connect()\n"
            "    db.execute('DELETE FROM orders WHERE sku IN (SELECT sku FROM stock_levels)')\n"
            "    db.execute('UPDATE stock_levels SET on_hand = 0')\n"),
    }
    pins = _PINS.replace('["shop.db"]', '["shop.db", "shop.jobs"]')
    root = project(files)
    (root / "seamline.toml").write_text(pins, encoding="utf-8")
    found = run(root).findings
    assert {o.table: o.owner for o in found.ownership} == {"orders": "orders",
                                                           "stock_levels": "stock"}
    # the kernel's join and two-context writes count for no one (only its size is reported)
    assert [f.code for f in found.findings] == ["SL302"]
    # the same code in a context is reported by both rules ("tasks" sorts after "orders" and
    # "stock", so their ties with it leave the owners as they are)
    (root / "seamline.toml").write_text(pins.replace(', "shop.jobs"]', ']') +
                                        'tasks = ["shop.jobs"]\n', encoding="utf-8")
    codes = {f.code for f in run(root).findings.findings}
    assert {"SL104", "SL105"} <= codes


def test_a_type_hint_alone_closes_no_cycle(project: Callable[[Tree], Path]) -> None:
    root = project({
        "shop/__init__.py": "",
        "shop/orders.py": ("from shop.payments import charge\n\n"
                           "class Order:\n    total = 0\n\n"
                           "def place(order):\n    return charge(order.total)\n"),
        "shop/payments.py": ("from typing import TYPE_CHECKING\n"
                             "if TYPE_CHECKING:\n    from shop.orders import Order\n\n"
                             "def charge(amount):\n    return amount\n\n"
                             "def receipt(order: 'Order') -> str:\n    return 'paid'\n"),
        "seamline.toml": '[pin]\norders = ["shop.orders"]\npayments = ["shop.payments"]\n',
    })
    assert not [f for f in run(root).findings.findings if f.code == "SL201"]
    (root / "shop" / "payments.py").write_text(
        "from shop.orders import Order\n\n"
        "def charge(amount):\n    return amount\n\n"
        "def receipt(order):\n    return Order()\n", encoding="utf-8")
    [cycle] = [f for f in run(root).findings.findings if f.code == "SL201"]
    assert cycle.contexts == ("orders", "payments")


def test_the_context_that_holds_a_model_owns_its_table_unless_it_never_writes_it(
        project: Callable[[Tree], Path]) -> None:
    # ``users`` is declared by a model in ``topics`` and written more often from ``accounts``
    files: Tree = {
        "app/__init__.py": "",
        "app/models.py": """
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

            class Base(DeclarativeBase):
                pass

            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
        """,
        "app/topics.py": """
            def rename(cur):
                cur.execute("UPDATE users SET name = 'x' WHERE id = 1")
        """,
        "app/accounts.py": """
            def register(cur):
                cur.execute("INSERT INTO users (name) VALUES ('a')")

            def close(cur):
                cur.execute("DELETE FROM users WHERE id = 1")
        """,
    }
    pins = ('[pin]\ntopics = ["app.models:User", "app.topics"]\n'
            'accounts = ["app.accounts"]\nshared-kernel = ["app.models:Base", "app.models"]\n')
    root = project(files)
    (root / "seamline.toml").write_text(pins, encoding="utf-8")
    owners = {o.table: o for o in run(root).findings.ownership}
    assert (owners["users"].owner, owners["users"].reason) == ("topics", "holds its model")
    # once the model's context never writes the table, the writer owns it, and says why
    (root / "app" / "topics.py").write_text(
        "def rename(cur):\n    cur.execute('SELECT name FROM users')\n", encoding="utf-8")
    owners = {o.table: o for o in run(root).findings.ownership}
    assert owners["users"].owner == "accounts"
    assert owners["users"].reason == "writes it, while topics, which holds its model, never does"


def test_only_the_partition_knows_the_clustering_names_of_kernel_and_unplaced_code() -> None:
    # the rules judge a cut through a Partition; they do not depend on how clustering makes one
    paths = sorted((REPO / "analyzer" / "findings").rglob("*.py"))
    assert REPO / "analyzer" / "findings" / "rules" / "drift.py" in paths
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                names = {alias.name for alias in node.names}
                if names & {"KERNEL", "UNPLACED"}:
                    assert path.name == "partition.py", path
                if node.module.startswith("analyzer.cluster"):
                    assert path.name == "partition.py", path  # its type, for mypy only


def test_a_partition_is_made_the_same_way_from_a_proposed_or_an_agreed_cut(
        agreed: api.Analysis) -> None:
    cut = agreed.decomposition
    proposed = Partition.proposed(cut, lambda atom: atom)
    assert proposed.domains == tuple(c.name for c in cut.contexts if c.kind == "domain")
    for placement in cut.placements:
        expected = None if placement.context in (KERNEL, UNPLACED) else placement.context
        assert proposed.domain_of(placement.element) == expected

    made = Agreed((AgreedContext("shop", ("shop", "shop.*"), atoms=("util:price",)),
                   AgreedContext("common", ("util",), kernel=True)))
    partition = Partition.agreed_on(made, lambda atom: atom.split("#")[0])
    assert partition.domains == ("shop",)
    assert partition.domain_of("shop.models:Order#save") == "shop"
    assert partition.domain_of("util:price") == "shop"  # an atom pattern beats its module's
    assert partition.domain_of("util:slug") is None  # the kernel is no domain context
    assert partition.domain_of("elsewhere:f") is None
    assert partition.context("util:slug") == "common"
    assert partition.kernels == frozenset({"common"}) and not partition.unplaced
    assert (proposed.kernels, proposed.unplaced) == (frozenset({KERNEL}), frozenset({UNPLACED}))
    # the agreed partition knows what the team allowed; a proposed cut allows everything
    assert partition.may_use("shop", "common") and not partition.may_use("common", "shop")
    assert proposed.may_use("anything", "else") and proposed.is_public("shop", "util")
