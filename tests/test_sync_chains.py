"""SL203 sync-call-chain: the chains of synchronous calls from entry points across contexts,
on the sample (its answer key's chain) and on small projects; an event cuts a chain."""

from __future__ import annotations

from pathlib import Path

from analyzer import api
from analyzer.findings.facts import Finding
from analyzer.tomlfile import read_toml
from tests.conftest import SAMPLES, run, write_tree

TRADEPOST = SAMPLES / "tradepost"
CASE = read_toml(Path(__file__).parent / "rules" / "SL203.toml")


def chains(analysis: api.Analysis) -> list[Finding]:
    return [f for f in analysis.findings.findings if f.code == "SL203"]


def case_project(root: Path, which: str, config: str = "") -> Path:
    write_tree(root, CASE[which]["files"])
    (root / "seamline.toml").write_text(CASE["config"] + config, encoding="utf-8")
    return root


def test_the_samples_chain_is_the_answer_keys() -> None:
    analysis = run(TRADEPOST, config_file=TRADEPOST / "agreed.toml")
    found = chains(analysis)
    key = [s for s in read_toml(TRADEPOST / "expected.toml")["smells"]
           if s["kind"] == "sync-call-chain"]
    assert [f.contexts for f in found] == [tuple(s["contexts"]) for s in key] == [
        ("orders", "catalog", "inventory")]
    chain = found[0]
    assert chain.severity == "warning" and chain.subject == "orders->catalog->inventory"
    assert [(e.path, e.line) for e in chain.evidence] == [
        ("tradepost/api/orders.py", 15),  # the create_order route
        ("tradepost/services/catalog_service.py", 37),  # price_for -> available
        ("tradepost/services/order_service.py", 35),  # place_order -> price_for
    ]
    # orders calls catalog, inventory and payments on the way; catalog only inventory
    assert "orders → catalog at tradepost/services/order_service.py:35 (fan-out 3)" in \
        chain.message
    assert "catalog → inventory at tradepost/services/catalog_service.py:37 (fan-out 1)" in \
        chain.message
    assert "circuit breaker" in chain.remediation and "event" in chain.remediation


def test_two_contexts_are_a_chain_only_when_asked(tmp_path: Path) -> None:
    config = tmp_path / "agreed.toml"
    config.write_text((TRADEPOST / "agreed.toml").read_text(encoding="utf-8")
                      + "\n[findings.options.sync-call-chain]\nmin-contexts = 2\n",
                      encoding="utf-8")
    found = {f.subject: f for f in chains(run(TRADEPOST, config_file=config))}
    # an entry point's longest chain is reported, not its prefixes nor its other branches
    assert sorted(found) == ["orders->catalog->inventory", "orders->inventory",
                             "payments->orders", "shipping->customers"]
    create = found["orders->catalog->inventory"]
    assert "1 other chain of 2 or more contexts branches off the same calls" in create.message
    # the payments task calls back into orders: a chain of two
    assert "task tasks.payment_tasks:retry_failed_payments" in found["payments->orders"].message
    # shipping's task reads customers and orders: two chains of two, the first by name
    assert "shipping->orders" not in found


def test_an_event_cuts_the_chain(tmp_path: Path) -> None:
    """payments writes the ledger customers owns, naming its model: the AsyncAPI side makes
    that write an event, so the walk stops at payments, even when two contexts are enough."""
    clean = case_project(tmp_path / "clean", "clean",
                         "\n[findings.options.sync-call-chain]\nmin-contexts = 2\n")
    analysis = run(clean)
    assert [f.contexts for f in chains(analysis)] == [("orders", "payments")]
    # the write is there, and it is what an event replaces
    events = {e["address"] for c in analysis.contracts.contexts for e in c.events()}
    assert "payments.ledger-entry.created" in events
    # the same project with the call instead of the write: the chain goes on into customers
    trigger = case_project(tmp_path / "trigger", "trigger")
    assert [f.contexts for f in chains(run(trigger))] == [("orders", "payments", "customers")]


def test_entry_points_outside_the_contexts_start_no_chain(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", CASE["trigger"]["files"])
    (root / "seamline.toml").write_text(
        '[pin]\norders = ["shop.orders"]\npayments = ["shop.payments"]\n'
        'customers = ["shop.customers"]\nshared-kernel = ["shop.db", "shop.api"]\n',
        encoding="utf-8")
    analysis = run(root)
    assert any(n.kind == "usecase" for n in analysis.graph.nodes)  # the route is found
    assert chains(analysis) == []


def test_only_the_written_contexts_hop_is_an_event(tmp_path: Path) -> None:
    """A call into a third context on the line of the write stays a synchronous hop."""
    files = dict(CASE["clean"]["files"])
    files["shop/payments.py"] = files["shop/payments.py"].replace(
        "from shop.db import Session\n", "from shop import fees\nfrom shop.db import Session\n"
    ).replace("cents=-total_cents))", "cents=-fees.with_fee(total_cents)))")
    files["shop/fees.py"] = "def with_fee(cents):\n    return cents + 30\n"
    root = write_tree(tmp_path / "p", files)
    (root / "seamline.toml").write_text(CASE["config"] + 'fees = ["shop.fees"]\n',
                                        encoding="utf-8")
    [chain] = chains(run(root))
    assert chain.contexts == ("orders", "payments", "fees")
    assert "payments → fees at shop/payments.py:8" in chain.message  # the write's line


def test_a_min_contexts_above_the_usual_length_is_followed_that_far(tmp_path: Path) -> None:
    """A chain through ten contexts, asked for with min-contexts = 10: past the eight a chain
    is followed by default, so min-contexts raises the length followed."""
    files: dict[str, str | bytes] = {
        "shop/__init__.py": "",
        "shop/api.py": "from flask import Flask\n\nfrom shop import c1\n\napp = Flask(__name__)"
                       "\n\n\n@app.post('/go')\ndef go():\n    return c1.step(1)\n",
    }
    for n in range(1, 10):
        call = f"c{n + 1}.step(x)" if n < 9 else "x"
        files[f"shop/c{n}.py"] = (f"from shop import c{n + 1}\n\n\n" if n < 9 else "") + \
            f"def step(x):\n    return {call}\n"
    root = write_tree(tmp_path / "p", files)
    pins = "".join(f'c{n} = ["shop.c{n}"]\n' for n in range(1, 10))
    (root / "seamline.toml").write_text(
        f'[pin]\nc0 = ["shop.api"]\n{pins}\n[findings.options.sync-call-chain]\n'
        "min-contexts = 10\n", encoding="utf-8")
    assert [f.contexts for f in chains(run(root))] == [tuple(f"c{n}" for n in range(10))]
