"""Framework knowledge lives in the rule packs and in one module per framework: a pack's
``framework`` picks the module, its declared capabilities (``table-attributes``,
``instances``...) say the rest, whatever the pack is called."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.contracts import schemas
from analyzer.data import schema
from analyzer.packs import FRAMEWORKS, bundled_packs
from tests.conftest import Tree, run

Project = Callable[[Tree], Path]

# An in-house ORM that works as Django's does, taught by a project pack of its own name.
OURORM: Tree = {
    "ourorm.toml": """
        [pack]
        name = "ourorm"
        framework = "django"

        [models]
        bases = ["ourlib.models.Model"]
        relation-fields = { ForeignKey = "foreign-key" }

        [queries]
        managers = ["objects"]
        read = ["get", "filter"]
        write = ["create", "update"]
        one = ["get", "create"]
    """,
    "seamline.toml": 'rule-packs = ["ourorm.toml"]\n'
                     '[pin]\nstock = ["shop.stock.models"]\nbilling = ["shop.billing.charge"]\n',
    "shop/__init__.py": "",
    "shop/stock/__init__.py": "",
    "shop/stock/models.py": """
        from ourlib import models

        class Bin(models.Model):
            code = models.CharField(max_length=12)

        class StockLevel(models.Model):
            sku = models.CharField(max_length=40)
            bin = models.ForeignKey(Bin, null=True)
            on_hand = models.IntegerField(default=0)

        def restock(sku: str) -> None:
            StockLevel.objects.filter(sku=sku).update(on_hand=10)
    """,
    "shop/billing/__init__.py": "",
    "shop/billing/charge.py": """
        from shop.stock.models import StockLevel

        def charge(sku: str) -> None:
            StockLevel.objects.create(sku=sku, on_hand=0)
    """,
}


def test_a_packs_framework_decides_how_its_models_columns_are_read(project: Project) -> None:
    root = project(OURORM)
    analysis = run(root)
    declared = {d.atom: (d.via, d.framework) for t in analysis.data.tables
                for d in t.declarations}
    assert declared["shop.stock.models:StockLevel"] == ("ourorm", "django")
    assert {t.name for t in analysis.data.tables} == {"stock_bin", "stock_stocklevel"}
    billing = {c.context: c for c in analysis.contracts.contexts}["billing"]
    assert billing.asyncapi is not None
    stock = billing.asyncapi["components"]["schemas"]["StockLevel"]
    # Django's columns, Django's implicit id: the pack is called ourorm, its framework is django
    assert list(stock["properties"]) == ["id", "sku", "bin_id", "on_hand"]
    assert stock["required"] == ["sku"]


def test_the_capabilities_are_declared_in_the_bundled_packs() -> None:
    packs = {p.name: p for p in bundled_packs()}
    assert packs["sqlalchemy"].table_attributes == {"__tablename__", "__table__"}
    assert packs["sqlalchemy"].instances == {"all", "scalars"}
    assert packs["sqlalchemy"].named_factories == {"flask_sqlalchemy.SQLAlchemy",
                                                   "flask_sqlalchemy.extension.SQLAlchemy"}
    assert packs["sqlalchemy"].table_read == {"select"}
    assert packs["sqlalchemy"].table_write == {"insert", "update", "delete"}
    assert not packs["django"].table_attributes and not packs["django"].instances


def test_every_framework_has_its_module_in_each_stage() -> None:
    assert tuple(schema.FRAMEWORKS) == FRAMEWORKS
    assert tuple(schemas.FRAMEWORKS) == FRAMEWORKS


def test_a_class_is_a_model_by_a_table_attribute_its_pack_declares(project: Project) -> None:
    tree: Tree = {
        "pyproject.toml": '[tool.seamline]\nrule-packs = ["docs.toml"]\n',
        "docs.toml": """
            [pack]
            name = "docs"
            framework = "sqlalchemy"

            [models]
            table-attributes = ["__collection__", "__tablename__"]
        """,
        "app/__init__.py": "",
        "app/models.py": """
            from somewhere import Document

            class Note(Document):
                __collection__ = "notes"
                __tablename__ = "notes"
        """,
    }
    root = project(tree)
    settings = load_settings(root, Overrides(no_cache=True, jobs=1))
    declared = {d.atom: d.via for t in api.models(settings).data.tables for d in t.declarations}
    assert declared == {"app.models:Note": "sqlalchemy"}  # the bundled pack comes first
    # without the bundled sqlalchemy pack's table-attributes the class is the project pack's
    packs = tuple(p for p in settings.packs if p.name != "sqlalchemy")
    alone = replace(settings, packs=packs)
    declared = {d.atom: d.via for t in api.models(alone).data.tables for d in t.declarations}
    assert declared == {"app.models:Note": "docs"}


def test_a_table_objects_verbs_are_its_packs(project: Project) -> None:
    root = project({
        "seamline.toml": 'rule-packs = ["ledger.toml"]\n',
        "ledger.toml": """
            [pack]
            name = "ledger"

            [models]
            table-functions = ["ledger.Table"]

            [queries]
            table-read = ["scan"]
            table-write = ["append"]
        """,
        "books/__init__.py": "",
        "books/journal.py": """
            from ledger import Table

            entries = Table("entries", "main")

            def post(amount):
                entries.append(amount=amount)

            def report():
                return entries.scan()
        """,
    })
    got = {(a.table, a.mode.value, a.atom, a.via) for a in run(root).data.accesses}
    assert got == {("entries", "write", "books.journal:post", "ledger"),
                   ("entries", "read", "books.journal:report", "ledger")}
