"""Definitions and the cross-module references of each top-level definition."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer.model import Reference
from tests.conftest import Tree, module, run

SHOP: Tree = {
    "shop/__init__.py": "",
    "shop/money.py": """
        class Money:
            def __init__(self, cents: int) -> None:
                self.cents = cents

        def to_cents(value: float) -> int:
            return int(value * 100)

        ZERO = Money(0)
        __all__ = ["Money", "to_cents"]
    """,
    "shop/catalog/__init__.py": "from .models import Product  # re-export\n",
    "shop/catalog/models.py": """
        class Product:
            objects = None
        def route(path):
            return lambda f: f
    """,
    "shop/orders/__init__.py": "",
    "shop/orders/base.py": "class Entity: ...\n",
}


def refs(make: Callable[[Tree], Path], source: str) -> dict[tuple[str, str], Reference]:
    root = make(SHOP | {"shop/orders/service.py": source})
    found = module(run(root), "shop.orders.service").references
    return {(r.source.split(":")[-1], r.target): r for r in found}


def test_calls_attribute_chains_aliases_and_reexports(project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        import shop.money
        import shop.money as m
        from shop import catalog
        from shop.catalog import Product as P

        def place_order(total):
            shop.money.to_cents(total)
            m.to_cents(total)
            catalog.Product.objects.filter(sku=1)
            return P()
    """)
    assert set(found) == {("place_order", "shop.money:to_cents"),
                          ("place_order", "shop.catalog.models:Product")}
    assert found["place_order", "shop.money:to_cents"].count == 2
    assert found["place_order", "shop.catalog.models:Product"].count == 2
    assert found["place_order", "shop.money:to_cents"].line == 7
    assert found["place_order", "shop.money:to_cents"].kinds == ("call",)
    # the attribute named through a definition: what a contract proposes as its operation
    assert found["place_order", "shop.catalog.models:Product"].members == ("objects",)
    assert found["place_order", "shop.money:to_cents"].members == ()


def test_bases_decorators_annotations_and_defaults(project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        from shop.money import Money, ZERO
        from shop.orders.base import Entity
        from shop.catalog.models import route, Product

        class Order(Entity):
            total: Money

        @route("/orders")
        def create(price: "Product", amount=ZERO) -> None: ...
    """)
    assert found["Order", "shop.orders.base:Entity"].kinds == ("base",)
    assert found["Order", "shop.money:Money"].kinds == ("annotation",)
    assert found["create", "shop.catalog.models:route"].kinds == ("decorator",)
    assert found["create", "shop.catalog.models:Product"].kinds == ("annotation",)
    assert found["create", "shop.money:ZERO"].kinds == ("default",)


def test_star_import_respects_all(project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        from shop.money import *

        def total():
            return to_cents(1), Money(2), ZERO
    """)
    assert set(found) == {("total", "shop.money:to_cents"), ("total", "shop.money:Money")}


def test_parameters_and_locals_shadow_module_names(project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        from shop import money
        from shop.money import Money

        def pay(money):
            return money.to_cents(1)

        def refund():
            Money = dict
            return Money()

        def charge():
            return money.to_cents(1)
    """)
    assert set(found) == {("charge", "shop.money:to_cents")}


def test_function_level_import_and_module_level_code(project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        from shop.catalog.models import route

        app_routes = [route("/")]

        def late():
            from shop.money import to_cents
            return to_cents(3)
    """)
    assert set(found) == {("shop.orders.service", "shop.catalog.models:route"),
                          ("late", "shop.money:to_cents")}


def test_definitions_with_methods_decorators_and_spans(project: Callable[[Tree], Path]) -> None:
    root = project(SHOP | {"shop/orders/models.py": """
        import dataclasses

        @dataclasses.dataclass(frozen=True)
        class Order:
            id: int

            @property
            def label(self) -> str:
                return str(self.id)

            async def refresh(self) -> None:
                pass

        async def load() -> None:
            pass
    """})
    definitions = {d.name: d for d in module(run(root), "shop.orders.models").definitions}
    order = definitions["Order"]
    assert (order.kind, order.line, order.end_line) == ("class", 4, 12)
    assert order.decorators == ("dataclasses.dataclass(...)",)
    assert [(m.name, m.line, m.decorators, m.is_async) for m in order.methods] == [
        ("label", 8, ("property",), False), ("refresh", 11, (), True)]
    assert (definitions["load"].kind, definitions["load"].is_async) == ("function", True)


def test_same_module_references_are_kept_but_not_self_references(
        project: Callable[[Tree], Path]) -> None:
    found = refs(project, """
        def helper():
            return helper()

        def main():
            return helper()
    """)
    assert set(found) == {("main", "shop.orders.service:helper")}
