"""Signatures and typed fields, read from the source as written: what the API contracts of
each context will be typed from (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from analyzer import api
from analyzer.extract.code import extract
from analyzer.model import FileFacts, Param
from tests.conftest import Tree, run

SOURCE = b'''
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Optional, TypedDict


@dataclass
class Order:
    """An order."""
    id: int
    lines: list["OrderLine"] = field(default_factory=list)
    status: Literal["open", "paid"] = "open"
    note: Optional[str] = None
    TAX = 0.2


class Address(TypedDict, total=False):
    street: str
    city: str


class Point(NamedTuple):
    x: float
    y: float = 0.0


def place_order(customer_id: int, /, skus: list[str], *extra, express: bool = False,
                **options: "dict[str, int]") -> Order:
    return Order(customer_id)


class OrderService:
    async def get(self, order_id: int) -> "Order | None":
        ...

    def cancel(self, order_id, reason: str = (
            "customer asked")):
        ...
'''


def _facts() -> FileFacts:
    return extract(SOURCE, marker="@generated", include_generated=False, max_bytes=10**6)


def test_every_parameter_kind_annotation_default_and_return_is_read() -> None:
    definitions = {d.name: d for d in _facts().definitions}
    place = definitions["place_order"]
    assert place.params == (
        Param("customer_id", "positional-only", "int"),
        Param("skus", "positional", "list[str]"),
        Param("extra", "var-positional"),
        Param("express", "keyword-only", "bool", "False"),
        Param("options", "var-keyword", '"dict[str, int]"'),
    )
    assert place.returns == "Order"
    methods = {m.name: m for m in definitions["OrderService"].methods}
    assert methods["get"].params == (Param("self", "positional"),
                                     Param("order_id", "positional", "int"))
    assert methods["get"].returns == '"Order | None"' and methods["get"].is_async
    assert methods["cancel"].params[2] == Param("reason", "positional", "str",
                                                '( "customer asked")')  # one line
    assert methods["cancel"].returns is None
    assert definitions["Order"].params == () and definitions["Order"].returns is None


def test_annotated_class_fields_are_read_in_order_with_their_defaults() -> None:
    classes = {c.name: c for c in _facts().classes}
    assert classes["Order"].fields == (
        ("id", "int", None, 9),
        ("lines", 'list["OrderLine"]', "field(default_factory=list)", 10),
        ("status", 'Literal["open", "paid"]', '"open"', 11),
        ("note", "Optional[str]", "None", 12),
    )
    assert [f[0] for f in classes["Address"].fields] == ["street", "city"]
    assert classes["Point"].fields[1] == ("y", "float", "0.0", 23)


def test_a_huge_default_is_shortened_not_copied() -> None:
    source = b"def f(x=" + b"[" + b"1, " * 500 + b"]):\n    return x\n"
    [definition] = extract(source, marker="@generated", include_generated=False,
                           max_bytes=10**6).definitions
    default = definition.params[0].default
    assert default is not None and len(default) == 120 and default.endswith("...")


def test_signatures_reach_analysis_json(project: Callable[[Tree], Path],
                                        tmp_path: Path) -> None:
    root = project({"shop/__init__.py": "", "shop/orders.py": SOURCE.decode()})
    api.write_analysis(run(root), tmp_path / "out")
    document = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    [module] = [m for m in document["modules"] if m["name"] == "shop.orders"]
    place = next(d for d in module["definitions"] if d["name"] == "place_order")
    assert place["returns"] == "Order"
    assert place["params"][3] == {"name": "express", "kind": "keyword-only",
                                  "annotation": "bool", "default": "False"}
