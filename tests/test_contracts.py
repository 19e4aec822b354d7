"""Proposed API contracts: operations from cross-context uses, HTTP routes from names and
signatures, schemas from annotations and models, events from foreign writes; every document
validated against its published schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]
from click.testing import CliRunner
from openapi_spec_validator import validate as validate_openapi

from analyzer import api
from analyzer.cli import cli
from analyzer.config import Overrides, load_settings
from analyzer.contracts import Contracts
from analyzer.contracts.operations import Operation
from analyzer.contracts.routes import route
from analyzer.model import Param
from analyzer.text import plural
from tests.conftest import SAMPLES, Tree

DATA = Path(__file__).parent / "data"
ASYNCAPI = jsonschema.Draft7Validator(
    json.loads((DATA / "asyncapi-3.0.0.schema.json").read_text(encoding="utf-8")))


def contracts_of(root: Path, decomposition: Path | None = None, **overrides: Any) -> Contracts:
    options = {"no_cache": True, "jobs": 1} | overrides
    return api.contracts(load_settings(root, Overrides(**options)), decomposition)


def validate_all(found: Contracts) -> None:
    for contract in found.contexts:
        validate_openapi(json.loads(json.dumps(contract.openapi)))
        if contract.asyncapi is not None:
            errors = sorted(ASYNCAPI.iter_errors(json.loads(json.dumps(contract.asyncapi))),
                            key=str)
            assert not errors, (contract.context, errors[0].message)


def by_context(found: Contracts) -> dict[str, Any]:
    return {c.context: c for c in found.contexts}


def operation_at(found: Contracts, context: str, python: str) -> tuple[str, str, Any]:
    for path, methods in by_context(found)[context].openapi["paths"].items():
        for method, item in methods.items():
            if item["x-seamline-python"] == python:
                return method, path, item
    raise AssertionError(f"{python} is no operation of {context}")


# --------------------------------------------------------------------------- routes


def _operation(name: str, params: list[tuple[str, str | None, str | None]],
               returns: str | None = None, module: str = "shop.orders.services",
               owner: str | None = None) -> Operation:
    return Operation("orders", f"{module}:{name}", "method" if owner else "function", name,
                     owner, module, "shop/orders/services.py", 1,
                     tuple(Param(n, "positional", a, d) for n, a, d in params), returns, "",
                     ())


@pytest.mark.parametrize(("name", "params", "returns", "expected"), [
    ("get_order", [("order_id", "int", None)], "Order", ("get", "/orders/{order_id}")),
    ("list_orders", [("status", "str", "None")], "list[Order]", ("get", "/orders")),
    ("get_order_lines", [("order_id", "int", None)], "list[Line]",
     ("get", "/orders/{order_id}/lines")),
    ("find_customer_by_email", [("email", "str", None)], "Customer", ("get", "/customers")),
    ("is_paid", [("order_id", "int", None)], "bool", ("get", "/orders/{order_id}/is-paid")),
    ("count_orders", [], "int", ("get", "/orders/count")),
    ("is_available_promo_code", [("code", "str", None)], "bool",
     ("get", "/promo-codes/{code}/is-available")),
    ("instance_get_by_uuid", [("uuid", "str", None)], "Instance",
     ("get", "/instances/{uuid}")),
    ("deallocate_stock", [("order_id", "int", None)], "None",
     ("post", "/orders/{order_id}/deallocate-stock")),
    ("deallocate_stock", [], None, ("post", "/stock/deallocate")),
    ("get_yes_no_str", [("value", "bool", None)], "str", ("get", "/yes-no-strs")),
    ("clean_checkout", [("error_code", "CheckoutErrorCode", None)], "None",
     ("post", "/checkouts/clean")),
    ("create_order", [("customer_id", "int", None), ("lines", "list[str]", None)], "Order",
     ("post", "/customers/{customer_id}/orders")),
    ("place_order", [("draft", "OrderDraft", None)], "Order", ("post", "/orders")),
    ("add_line", [("order_id", "int", None), ("sku", "str", None)], None,
     ("post", "/orders/{order_id}/lines")),
    ("update_order", [("order_id", "int", None), ("note", "str", None)], "Order",
     ("put", "/orders/{order_id}")),
    ("update_order", [("order_id", "int", None), ("note", "str | None", "None")], "Order",
     ("patch", "/orders/{order_id}")),
    ("set_status", [("order_id", "int", None), ("status", "str", None)], "None",
     ("patch", "/orders/{order_id}/status")),
    ("delete_order", [("order_id", "int", None)], "None", ("delete", "/orders/{order_id}")),
    ("remove_line", [("order_id", "int", None), ("line_id", "int", None)], "None",
     ("delete", "/orders/{order_id}/lines/{line_id}")),
    ("cancel_order", [("order_id", "int", None)], "None",
     ("post", "/orders/{order_id}/cancel")),
    ("reserve_stock", [("sku", "str", None), ("quantity", "int", None)], "None",
     ("post", "/stock/{sku}/reserve")),
    ("decrement_stock_for_order", [("order_id", "int", None)], "None",
     ("post", "/orders/{order_id}/decrement-stock")),
    ("price_for", [("sku", "str", None), ("quantity", "int", None)], "Money",
     ("get", "/prices/{sku}")),
    ("default_address", [("customer_id", "int", None)], "Address",
     ("get", "/customers/{customer_id}/default-address")),
    ("quote", [("weight", "int", None)], "Money", ("get", "/orders/quote")),
])
def test_method_and_path_follow_the_verb_and_the_identifiers(
        name: str, params: list[tuple[str, str | None, str | None]], returns: str | None,
        expected: tuple[str, str]) -> None:
    found = route(_operation(name, params, returns), "orders")
    assert (found.method, found.path) == expected


def test_plurals() -> None:
    assert [plural(w) for w in ("order", "category", "address", "batch", "ids", "menus",
                                "added", "mapping", "shipping", "stock", "alias")] == [
        "orders", "categories", "addresses", "batches", "ids", "menus", "added", "mappings",
        "shipping", "stock", "aliases"]


def test_a_method_takes_its_resource_from_its_class() -> None:
    found = route(_operation("capture", [("payment_id", "int", None), ("amount", "int", None)],
                             "None", "shop.payments.gateway", "PaymentGateway"), "payments")
    assert (found.method, found.path) == ("post", "/payments/{payment_id}/capture")
    assert [p.name for p in found.other_params] == ["amount"]
    plain = route(_operation("refresh", [], "None", "shop.payments.gateway", "PaymentGateway"),
                  "payments")
    assert plain.path == "/payments/refresh"  # "gateway" is a technical word


# --------------------------------------------------------------------------- a project

SHOP: Tree = {
    "seamline.toml": """
        [pin]
        orders = ["shop.orders*"]
        billing = ["shop.billing*"]
        stock = ["shop.stock*"]
    """,
    "shop/__init__.py": "",
    "shop/orders/__init__.py": "",
    "shop/orders/types.py": '''
        import enum
        from dataclasses import dataclass, field
        from typing import Literal, NamedTuple, Optional, TypedDict

        class Status(enum.Enum):
            OPEN = "open"
            PAID = "paid"

        @dataclass
        class Draft:
            """What a customer is about to order."""
            customer_id: int
            lines: list["Line"] = field(default_factory=list)
            note: Optional[str] = None
            channel: Literal["web", "shop"] = "web"

        class Line(NamedTuple):
            sku: str
            quantity: int

        class Summary(TypedDict):
            order_id: int
            status: Status
            totals: dict[str, float]

        class Base:
            created: "Timestamp"

        class Receipt(Base):
            order_id: int
            when: "date | None" = None
    ''',
    "shop/orders/models.py": '''
        from sqlalchemy import Column, ForeignKey, Integer, Numeric, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Order(Base):
            __tablename__ = "orders"
            id = Column(Integer, primary_key=True)
            status = Column(String(20), nullable=False)
            total = Column(Numeric(10, 2))
            note: Mapped[str | None] = mapped_column(String(200))
    ''',
    "shop/orders/services.py": '''
        from typing import Any
        from shop.orders.models import Order
        from shop.orders.types import Draft, Receipt, Status, Summary

        def place_order(draft: Draft) -> Receipt:
            """Place an order from a draft."""
            return Receipt(order_id=1)

        def get_order_summary(order_id: int, verbose: bool = False) -> Summary:
            return {"order_id": order_id, "status": Status.OPEN, "totals": {}}

        def mark_paid(order_id: int, *, amount: "Decimal", **extra: Any) -> None:
            pass

        def refund(request, order: Order, reason: str = "") -> None:
            pass

        def order_totals(session, order_id: int) -> dict[str, int]:
            session.add(Order(status="totalled"))
            return {}

        def _internal(order_id):
            pass

        def save(session, order: Order) -> None:
            session.add(order)
            session.commit()

        def close(session, order_id: int) -> None:
            session.get(Order, order_id).status = "closed"
            session.commit()

        class OrderBook:
            def __init__(self, region: str) -> None:
                self.region = region

            def open_orders(self) -> list[Order]:
                return []

            def close(self, order_id: int) -> None:
                pass

            def _secret(self) -> None:
                pass
    ''',
    "shop/billing/__init__.py": "",
    "shop/billing/charge.py": '''
        from shop.orders import services
        from shop.orders.models import Order
        from shop.orders.services import OrderBook, mark_paid
        from shop.orders.types import Status
        from shop.stock.models import StockLevel

        def charge(order_id: int) -> None:
            services._internal(order_id)
            services.refund(None, None)
            services.order_totals(None, order_id)
            mark_paid(order_id, amount=10)
            summary = services.get_order_summary(order_id)
            book = OrderBook("eu")
            if summary["status"] is Status.PAID:
                return

        def sweep(session) -> None:
            for order in session.query(Order).filter(Order.status == "open"):
                order.status = "stale"
            session.add(StockLevel(sku="x", on_hand=0))
            session.commit()
    ''',
    "shop/stock/__init__.py": "",
    "shop/stock/models.py": '''
        from django.db import models

        class Warehouse(models.Model):
            code = models.CharField(max_length=12, unique=True)

        class StockLevel(models.Model):
            sku = models.CharField(max_length=40)
            warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, null=True)
            on_hand = models.IntegerField(default=0)
            updated = models.DateTimeField(auto_now=True)
            price = models.DecimalField(max_digits=10, decimal_places=2, blank=True)
            tags = models.ManyToManyField("Tag")

        class Tag(models.Model):
            name = models.SlugField()

        def level_of(sku: str) -> StockLevel:
            return StockLevel.objects.get(sku=sku)

        def stock_up(sku: str) -> None:
            StockLevel.objects.create(sku=sku, on_hand=10)

        def clear(sku: str) -> None:
            StockLevel.objects.filter(sku=sku).update(on_hand=0)
    ''',
    "shop/stock/api.py": '''
        from shop.orders.services import place_order
        from shop.orders.types import Draft, Line

        def reorder(customer_id: int) -> None:
            place_order(Draft(customer_id, [Line("x", 1)]))
    ''',
}


@pytest.fixture
def shop(project: Callable[[Tree], Path]) -> Contracts:
    return contracts_of(project(SHOP))


def test_operations_come_from_what_other_contexts_use(shop: Contracts) -> None:
    orders = by_context(shop)["orders"]
    pythons = {r["python"] for r in orders.routes()}
    assert pythons == {
        "shop.orders.services:place_order", "shop.orders.services:get_order_summary",
        "shop.orders.services:mark_paid", "shop.orders.models:Order",
        "shop.orders.services:OrderBook.open_orders", "shop.orders.services:OrderBook.close",
        "shop.orders.services:refund", "shop.orders.services:order_totals"}
    method, path, item = operation_at(shop, "orders", "shop.orders.services:mark_paid")
    assert (method, path) == ("post", "/orders/{order_id}/mark-paid")
    assert item["x-seamline-source"] == "shop/orders/services.py:12"
    assert item["x-seamline-consumers"] == [{
        "context": "billing", "python": "shop.billing.charge:charge",
        "at": "shop/billing/charge.py:11", "how": "call"}]
    assert item["operationId"] == "markPaid"


def test_the_signature_is_what_a_caller_sends(shop: Contracts) -> None:
    # the request is the framework's; an Order is sent by its id
    method, path, item = operation_at(shop, "orders", "shop.orders.services:refund")
    assert (method, path) == ("post", "/orders/{order_id}/refund")
    assert [p["name"] for p in item["parameters"]] == ["order_id"]
    body = item["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"] == {"reason": {"type": "string", "default": ""}}
    # named after its result, but it writes a table: a command, not a GET
    method, path, _ = operation_at(shop, "orders", "shop.orders.services:order_totals")
    assert (method, path) == ("post", "/orders/{order_id}/totals")
    # a private helper is no API: listed for a person to decide
    unmapped = by_context(shop)["orders"].openapi["x-seamline-unmapped"]
    assert [u["python"] for u in unmapped] == ["shop.orders.services:_internal"]
    assert unmapped[0]["why"].startswith("a private name")


def test_parameters_and_bodies_come_from_the_signature(shop: Contracts) -> None:
    method, path, item = operation_at(shop, "orders",
                                      "shop.orders.services:get_order_summary")
    assert (method, path) == ("get", "/orders/{order_id}/summary")
    assert item["parameters"] == [
        {"name": "order_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {"name": "verbose", "in": "query", "required": False,
         "schema": {"type": "boolean", "default": False}}]
    assert item["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Summary"}
    _, _, paid = operation_at(shop, "orders", "shop.orders.services:mark_paid")
    body = paid["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"] == {"amount": {"type": "string", "format": "decimal"}}
    assert body["required"] == ["amount"] and "additionalProperties" not in body  # **extra
    assert paid["responses"] == {"204": {"description": "No content"}}
    _, path, placed = operation_at(shop, "orders", "shop.orders.services:place_order")
    assert path == "/orders"
    assert placed["requestBody"] == {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Draft"}}}}
    assert placed["summary"] == "Place an order from a draft."
    assert set(placed["responses"]) == {"201"}


def test_schemas_come_from_annotations_and_models(shop: Contracts) -> None:
    schemas = by_context(shop)["orders"].openapi["components"]["schemas"]
    assert schemas["Status"]["enum"] == ["open", "paid"]
    draft = schemas["Draft"]
    assert draft["description"] == "What a customer is about to order."
    assert draft["properties"]["lines"] == {"type": "array",
                                            "items": {"$ref": "#/components/schemas/Line"}}
    assert draft["properties"]["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert draft["properties"]["channel"] == {"enum": ["web", "shop"]}
    assert draft["required"] == ["customer_id"]
    assert schemas["Line"]["required"] == ["sku", "quantity"]
    summary = schemas["Summary"]
    assert summary["required"] == ["order_id", "status", "totals"]  # a TypedDict is total
    assert summary["properties"]["totals"] == {"type": "object",
                                               "additionalProperties": {"type": "number"}}
    receipt = schemas["Receipt"]  # inherits Base's field
    assert list(receipt["properties"]) == ["created", "order_id", "when"]
    order = schemas["Order"]  # SQLAlchemy: Column types and Mapped[...] annotations
    assert order["properties"]["id"] == {"type": "integer", "readOnly": True}
    assert order["properties"]["status"] == {"type": "string"}
    assert order["properties"]["total"] == {
        "anyOf": [{"type": "string", "format": "decimal"}, {"type": "null"}]}
    assert order["properties"]["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert order["required"] == ["status"]


def test_django_models_become_schemas_and_events(shop: Contracts) -> None:
    billing = by_context(shop)["billing"]
    assert billing.published == 2
    assert billing.asyncapi is not None
    channels = billing.asyncapi["channels"]
    assert {c["address"] for c in channels.values()} == {
        "billing.order.updated", "billing.stock-level.created"}
    stock = billing.asyncapi["components"]["schemas"]["StockLevel"]
    assert stock["properties"]["warehouse_id"] == {
        "anyOf": [{"type": "integer", "description": "the id of the related object"},
                  {"type": "null"}]}
    assert stock["properties"]["tag_ids"]["items"] == {"type": "integer"}
    assert stock["properties"]["price"] == {"type": "string", "format": "decimal"}
    assert stock["required"] == ["sku"]
    sends = [o for o in billing.asyncapi["operations"].values() if o["action"] == "send"]
    assert {w["at"] for o in sends for w in o["x-seamline-writes-today"]} == {
        "shop/billing/charge.py:19", "shop/billing/charge.py:20"}
    received = by_context(shop)["stock"].asyncapi
    assert received is not None
    assert [o["action"] for o in received["operations"].values()] == ["receive"]


def test_review_marks_what_static_analysis_cannot_know(shop: Contracts) -> None:
    _, path, item = operation_at(shop, "orders",
                                 "shop.orders.services:OrderBook.open_orders")
    assert path == "/order-books/open-orders"
    assert "every public method is proposed" in item["x-seamline-review"][0]
    schemas = by_context(shop)["orders"].openapi["components"]["schemas"]
    assert schemas["Receipt"]["properties"]["created"]["x-seamline-review"] == \
        "unknown type Timestamp"


def test_every_document_validates(shop: Contracts) -> None:
    validate_all(shop)


@pytest.mark.parametrize("sample", ["tradepost", "atelier", "djshop", "shopfront"])
def test_the_samples_documents_validate(sample: str) -> None:
    validate_all(contracts_of(SAMPLES / sample))


def test_the_agreed_cut_of_tradepost_turns_its_shared_write_into_an_event() -> None:
    found = contracts_of(SAMPLES / "tradepost",
                         config_file=SAMPLES / "tradepost" / "agreed.toml")
    validate_all(found)
    orders = by_context(found)["orders"]
    assert orders.asyncapi is not None
    channel = orders.asyncapi["channels"]["ordersStockLevelUpdated"]
    assert channel["address"] == "orders.stock-level.updated"
    assert channel["x-seamline-consumers"] == ["inventory"]
    method, path, item = operation_at(found, "inventory",
                                      "tradepost.services.inventory_service:reserve_stock")
    assert (method, path) == ("post", "/stock/{sku}/reserve")
    assert {c["context"] for c in item["x-seamline-consumers"]} == {"orders"}
    method, path, _ = operation_at(found, "orders",
                                   "tradepost.services.order_service:mark_paid")
    assert (method, path) == ("post", "/orders/{order_id}/mark-paid")


def test_documents_are_deterministic_and_the_same_in_yaml_and_json(shop: Contracts,
                                                                   project: Callable[[Tree],
                                                                                     Path]
                                                                   ) -> None:
    again = contracts_of(project(SHOP))
    assert shop.files("yaml") == again.files("yaml")
    for (yaml_name, yaml_bytes), (json_name, json_bytes) in zip(
            shop.files("yaml"), shop.files("json"), strict=True):
        assert yaml_name.removesuffix(".yaml") == json_name.removesuffix(".json")
        assert yaml.safe_load(yaml_bytes) == json.loads(json_bytes)


# --------------------------------------------------------------------------- commands


def test_the_command_writes_the_documents(project: Callable[[Tree], Path],
                                          tmp_path: Path) -> None:
    root = project(SHOP)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["contracts", str(root), "--out", str(out), "--no-cache",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".seamline-manifest.json", "billing.asyncapi.json", "billing.openapi.json",
        "orders.asyncapi.json", "orders.openapi.json", "stock.asyncapi.json",
        "stock.openapi.json"]
    assert "  orders                   8 operations   0 events published" in result.output
    bad = CliRunner().invoke(cli, ["contracts", str(root), "--format", "xml"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(cli, ["contracts", str(root), "--decomposition",
                                       str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "nope.toml" in missing.output


def test_the_agreed_decomposition_gives_the_same_contracts_as_its_pins(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    root = project(SHOP)
    decomposition = tmp_path / "agreed.toml"
    api.init(load_settings(root, Overrides(no_cache=True, jobs=1)), decomposition)
    assert contracts_of(root, decomposition).files() == contracts_of(root).files()


def test_analyze_writes_the_contracts_and_lists_them(project: Callable[[Tree], Path],
                                                     tmp_path: Path) -> None:
    root = project(SHOP)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "wrote 6 proposed API documents (10 operations)" in result.output
    document = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    listed = {c["context"]: c for c in document["contracts"]["contexts"]}
    assert listed["orders"]["openapi"] == "contracts/orders.openapi.yaml"
    assert (out / listed["orders"]["openapi"]).is_file()
    assert listed["billing"]["asyncapi"] == "contracts/billing.asyncapi.yaml"
    page = next(out.glob("context-orders-*.html")).read_text(encoding="utf-8")
    assert "Proposed API (8 operations" in page
    assert "/orders/{order_id}/mark-paid" in page
