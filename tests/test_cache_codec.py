"""The one JSON codec of the cached per-file facts: every expression and event type survives a
round trip, and data of any other shape is refused, so that the cache reads it as a miss."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.model import (
    UNKNOWN,
    Attr,
    Bind,
    Call,
    ClassFacts,
    Comp,
    Const,
    Endpoints,
    Evaluate,
    Event,
    Expr,
    FileFacts,
    Flow,
    Index,
    Items,
    LooseSql,
    Name,
    ParseStatus,
    Start,
    Str,
    Variable,
    Write,
    event_from_data,
    event_to_data,
    expr_from_data,
    expr_to_data,
    facts_from_data,
    facts_to_data,
)
from tests.conftest import Tree, run

EXPRS: list[Expr] = [
    Name("models.ForeignKey"),
    Str("SELECT id FROM orders WHERE id = __seamline_dyn__"),
    Const(-3),
    Const(0),
    Call(Name("Order.objects.filter"), (Str("a"), UNKNOWN), (("status", Name("PAID")),)),
    Call(Attr(Call(Name("get"), (), ()), "all"), (), ()),
    Attr(Index(Name("rows"), 0), "order"),
    Index(Name("rows"), None),
    Items((Name("True"), Items(()), Const(1))),
    Comp(Call(Name("Line"), (Name("x"),), ()), (Name("xs"), Name("ys"))),
    UNKNOWN,
]

EVENTS: list[Event] = [
    Start(3, (("order", "Order"), ("payload", None))),
    Bind("order", Call(Name("Order"), (), ()), 4, "=", ""),
    Bind(("a", ("b", None)), Name("pairs"), 5, "for", "pairs"),
    Evaluate(Call(Attr(Name("order"), "save"), (), ()), 6, "order.save()"),
    Write("order", 7, "order.status = 'paid'"),
    LooseSql("DELETE FROM carts", 8),
]


@pytest.mark.parametrize("expr", EXPRS, ids=repr)
def test_every_expression_round_trips_through_json(expr: Expr) -> None:
    assert expr_from_data(json.loads(json.dumps(expr_to_data(expr)))) == expr


@pytest.mark.parametrize("event", EVENTS, ids=repr)
def test_every_event_round_trips_through_json(event: Event) -> None:
    assert event_from_data(json.loads(json.dumps(event_to_data(event)))) == event


def test_facts_with_every_type_round_trip() -> None:
    facts = FileFacts(
        ParseStatus.OK, 12,
        classes=(ClassFacts("Order", tuple((f"a{i}", e, i) for i, e in enumerate(EXPRS)),
                            (("db_table", Str("orders"), 2),)),),
        flows=(Flow("place", tuple(EVENTS)),),
        endpoints=Endpoints((("bp", "shop", 3),), (("bp", "shop", "show", "views.show", 4),
                                                  ("other", None, "list", "listing", 5)),
                            (("menu", "url_for", "shop.show", 9),
                             ("", "flask.url_for", "home", 11)),
                            (("path", "orders/<int:pk>/", "views.Show", 13),
                             ("bp.route", "/orders", "listing", 15))),
        variables=(Variable("spec", 2, "pluggy.HookspecMarker"), Variable("LIMIT", 3)),
        script=True,
    )
    assert facts_from_data(json.loads(json.dumps(facts_to_data(facts)))) == facts


@pytest.mark.parametrize("data", [
    None, "n", 3, [], {"n": "x"}, ["n"], ["n", 5], ["n", "a", "b"], ["s", None], ["k", "1"],
    ["k", True], ["k", 1.5], ["c", ["n", "f"], [], {}], ["c", ["n", "f"], [], [["k"]]],
    ["c", ["n", "f"], [], [[1, ["n", "x"]]]], ["c", ["n", "f"], [["zz"]], []],
    ["a", ["n", "x"], 1], ["i", ["n", "x"], "0"], ["l", ["n", "x"]], ["g", ["n", "x"], None],
    ["?", 1], ["z", "x"],
])
def test_an_expression_of_another_shape_is_refused(data: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        expr_from_data(data)


@pytest.mark.parametrize("data", [
    ["f", 1, [["a"]]], ["f", "1", []], ["f", 1, [["a", 2]]], ["b", None, ["n", "x"], 1, "=", ""],
    ["b", 5, ["n", "x"], 1, "=", ""], ["b", "x", ["n", "x"], 1, "="], ["x", ["n", "x"], 1],
    ["x", ["n", "x"], 1, None], ["w", "o", "1", ""], ["q", "SELECT 1"], ["e", "x"], [],
])
def test_an_event_of_another_shape_is_refused(data: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        event_from_data(data)


def test_facts_of_another_shape_are_refused() -> None:
    good = facts_to_data(FileFacts(ParseStatus.OK, 3, flows=(Flow("f", tuple(EVENTS)),)))
    for broken in (good[:-1], [*good, []], {"status": "ok"}, ["nope", *good[1:]],
                   [good[0], "3", *good[2:]], [*good[:9], [["f", [["x", 1]]]], *good[10:]]):
        with pytest.raises((ValueError, TypeError)):
            facts_from_data(broken)


FILES: Tree = {
    "shop/__init__.py": "",
    "shop/models.py": (
        "from django.db import models\n\n"
        "class Order(models.Model):\n"
        "    status = models.CharField(max_length=10)\n\n"
        "def paid():\n"
        "    return Order.objects.filter(status='paid')\n"
    ),
}


def test_a_cached_entry_of_another_shape_is_a_miss_and_is_rewritten(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(FILES)
    cache = tmp_path / "cache"
    cold = run(root, no_cache=False, cache_dir=cache)
    database = sqlite3.connect(cache / "facts-v1.sqlite3")
    with database:
        rows = database.execute("SELECT key, data FROM facts").fetchall()
        [(key, data)] = [(k, d) for k, d in rows if '"Order"' in d]
        assert '["n","models.CharField"]' in data
        database.execute("UPDATE facts SET data = ? WHERE key = ?",
                         (data.replace('["n","models.CharField"]', '["n",7]'), key))
    database.close()
    warm = run(root, no_cache=False, cache_dir=cache)
    assert (warm.stats.parsed, warm.stats.cached) == (1, 1)  # the damaged one parsed again
    assert warm.data.accesses == cold.data.accesses
    again = run(root, no_cache=False, cache_dir=cache)
    assert (again.stats.parsed, again.stats.cached) == (0, 2)
