"""Data access end to end: real libcst, real sqlparse, the bundled rule packs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.model import AccessMode, Confidence, DataModel
from tests.conftest import SAMPLES, Tree, run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Project = Callable[[Tree], Path]


def data_of(root: Path) -> DataModel:
    return run(root).data


def accesses(data: DataModel) -> set[tuple[str, str, str]]:
    """(table, mode, atom) of every access above low confidence."""
    return {(a.table, a.mode.value, a.atom) for a in data.accesses
            if a.confidence is not Confidence.LOW}


def tables(data: DataModel) -> dict[str, set[str]]:
    return {t.name: {d.atom for d in t.declarations} for t in data.tables if t.declarations}


# --------------------------------------------------------------------------- answer keys


@pytest.mark.parametrize("sample", ["tradepost", "shopfront", "djshop", "atelier"])
def test_every_access_of_the_answer_key_is_found_and_nothing_else(sample: str) -> None:
    key = tomllib.loads((SAMPLES / sample / "expected.toml").read_text(encoding="utf-8"))
    data = data_of(SAMPLES / sample)
    found = {(a.table, a.mode.value, a.path, a.line, a.atom) for a in data.accesses
             if a.confidence is not Confidence.LOW}
    expected = {(a["table"], a["mode"], a["path"], a["line"], a["atom"])
                for a in key["table_access"]}
    assert sorted(expected - found) == [], "missed"
    assert sorted(found - expected) == [], "not in the answer key"


@pytest.mark.parametrize("sample", ["tradepost", "shopfront", "djshop", "atelier"])
def test_the_tables_each_context_owns_are_declared_or_used(sample: str) -> None:
    key = tomllib.loads((SAMPLES / sample / "expected.toml").read_text(encoding="utf-8"))
    names = {t.name for t in data_of(SAMPLES / sample).tables}
    owned = {t for context in key["contexts"].values() for t in context["tables"]}
    assert owned <= names


# --------------------------------------------------------------------------- Django


DJANGO_BASE: Tree = {
    "manage.py": "import django\n",
    "shop/__init__.py": "",
    "shop/apps.py": """
        from django.apps import AppConfig
        class ShopConfig(AppConfig):
            name = "shop"
            label = "store"
    """,
    "settings.py": 'AUTH_USER_MODEL = "people.Person"\n',
    "people/__init__.py": "",
    "people/models.py": """
        from django.contrib.auth.models import AbstractUser
        class Person(AbstractUser):
            pass
    """,
}


def test_django_table_names_follow_djangos_rules(project: Project) -> None:
    root = project(DJANGO_BASE | {"shop/models.py": """
        from django.conf import settings
        from django.db import models

        class Stamped(models.Model):
            created = models.DateTimeField()
            watchers = models.ManyToManyField(settings.AUTH_USER_MODEL)
            class Meta:
                abstract = True
                ordering = ["created"]

        class Product(Stamped):
            tags = models.ManyToManyField("Tag", related_name="products")
            class Meta:
                db_table = "catalogue_product"

        class Tag(models.Model):
            name = models.CharField(max_length=20)

        class Book(Product):
            isbn = models.CharField(max_length=13)

        class Cheap(Product):
            class Meta:
                proxy = True

        class Order(Stamped):
            buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            items = models.ManyToManyField(Product, through="OrderItem")

        class OrderItem(models.Model):
            order = models.ForeignKey("store.Order", on_delete=models.CASCADE)
            product = models.ForeignKey(Product, on_delete=models.CASCADE)
            parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
    """})
    data = data_of(root)
    found = tables(data)
    assert found["catalogue_product"] == {"shop.models:Product", "shop.models:Cheap"}
    assert found["store_tag"] == {"shop.models:Tag"}
    assert found["store_book"] == {"shop.models:Book"}
    assert found["store_order"] == {"shop.models:Order"}
    assert found["store_orderitem"] == {"shop.models:OrderItem"}
    assert found["people_person"] == {"people.models:Person"}
    assert found["catalogue_product_tags"] == {"shop.models:Product"}
    # inherited from the abstract parent: one table per concrete child
    assert found["catalogue_product_watchers"] == {"shop.models:Product"}
    assert found["store_order_watchers"] == {"shop.models:Order"}
    assert "shop_stamped" not in found and "store_stamped" not in found
    assert "store_order_items" not in found  # a through model, not an auto-created table
    keys = {(t.name, k.column, k.target) for t in data.tables for k in t.foreign_keys}
    assert ("store_order", "buyer", "people_person") in keys
    assert ("store_orderitem", "order", "store_order") in keys
    assert ("store_orderitem", "parent", "store_orderitem") in keys
    links = {(k.source, k.target, k.kind) for k in data.links}
    assert ("shop.models:Order", "people.models:Person", "foreign-key") in links
    assert ("shop.models:Product", "shop.models:Tag", "many-to-many") in links


def test_django_queries_read_and_write(project: Project) -> None:
    root = project(DJANGO_BASE | {
        "shop/models.py": """
            from django.db import models
            class Brand(models.Model):
                name = models.CharField(max_length=20)
            class Product(models.Model):
                brand = models.ForeignKey(Brand, related_name="products",
                                          on_delete=models.CASCADE)
                tags = models.ManyToManyField("Tag")
            class Tag(models.Model):
                name = models.CharField(max_length=20)
            class Book(Product):
                isbn = models.CharField(max_length=13)
        """,
        "shop/services.py": """
            from django.apps import apps
            from django.contrib.auth import get_user_model
            from .models import Book, Brand, Product

            def listing():
                return list(Product.objects.filter(stock__gt=0).select_related("brand"))

            def publish(isbn: str) -> None:
                Book.objects.create(isbn=isbn)

            def rename(brand: Brand, name: str) -> None:
                brand.name = name
                brand.save()

            def tag(product_id: int, label: str) -> None:
                product = Product.objects.get(pk=product_id)
                product.tags.add(apps.get_model("store", "Tag").objects.create(name=label))

            def brand_products(brand: Brand):
                return brand.products.all()

            def people():
                return get_user_model().objects.count()

            def guessed(product):
                product.delete()
        """,
    })
    found = accesses(data_of(root))
    services = "shop.services:"
    assert {("store_product", "read", services + "listing"),
            ("store_brand", "read", services + "listing")} <= found
    # select_related joins the brand to the products the query is about: a lookup
    listing = {a.table: a.lookup for a in data_of(root).accesses
               if a.atom == services + "listing"}
    assert listing == {"store_product": False, "store_brand": True}
    # multi-table inheritance: creating a child writes the parent's table too
    assert {("store_book", "write", services + "publish"),
            ("store_product", "write", services + "publish")} <= found
    assert ("store_brand", "write", services + "rename") in found
    assert {("store_product", "read", services + "tag"),
            ("store_tag", "write", services + "tag"),
            ("store_product_tags", "write", services + "tag")} <= found
    assert ("store_product", "read", services + "brand_products") in found
    assert ("people_person", "read", services + "people") in found
    guessed = [a for a in data_of(root).accesses if a.atom == services + "guessed"]
    assert [(a.table, a.mode, a.confidence) for a in guessed] == [
        ("store_product", AccessMode.WRITE, Confidence.MEDIUM)]


# --------------------------------------------------------------------------- SQLAlchemy


def test_sqlalchemy_models_tables_and_queries(project: Project) -> None:
    root = project({
        "app/__init__.py": "",
        "app/db.py": """
            from flask_sqlalchemy import SQLAlchemy
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            db = SQLAlchemy()
        """,
        "app/models.py": """
            from sqlalchemy import Column, ForeignKey, Integer, String, Table
            from sqlalchemy.orm import relationship
            from app.db import Base, db

            tags = Table("item_tags", Base.metadata,
                         Column("item_id", ForeignKey("items.id")),
                         Column("tag", String))

            class Item(Base):
                __tablename__ = "items"
                id = Column(Integer, primary_key=True)
                kind = Column(String)
                owner_id = Column(Integer, ForeignKey("owners.id"))
                labels = relationship("Owner", secondary=tags)

            class Special(Item):
                extra = Column(String)

            class Owner(Base):
                __tablename__ = "owners"
                id = Column(Integer, primary_key=True)

            class AuditEntry(db.Model):
                id = db.Column(db.Integer, primary_key=True)
        """,
        "app/service.py": """
            from sqlalchemy import delete, insert, select
            from app.models import AuditEntry, Item, Owner, tags

            def load(session, item_id: int):
                item = session.get(Item, item_id)
                item.kind = "seen"
                session.commit()

            def owners(session):
                return session.execute(select(Owner).join(Item)).scalars().all()

            def purge(session):
                session.execute(delete(Item).where(Item.kind == "old"))
                session.execute(insert(tags).values(item_id=1, tag="x"))

            def audit():
                return AuditEntry.query.filter_by(id=1).first()

            def add(session):
                session.add(Owner())
        """,
    })
    data = data_of(root)
    found = tables(data)
    assert found["items"] == {"app.models:Item", "app.models:Special"}  # single-table
    assert found["owners"] == {"app.models:Owner"}
    assert found["item_tags"] == {"app.models:tags"}
    assert found["audit_entry"] == {"app.models:AuditEntry"}  # Flask-SQLAlchemy's name
    keys = {(t.name, k.column, k.target) for t in data.tables for k in t.foreign_keys}
    assert {("items", "owner_id", "owners"), ("item_tags", "item_id", "items")} <= keys
    service = "app.service:"
    assert accesses(data) >= {
        ("items", "read", service + "load"), ("items", "write", service + "load"),
        ("owners", "read", service + "owners"), ("items", "read", service + "owners"),
        ("items", "write", service + "purge"), ("item_tags", "write", service + "purge"),
        ("audit_entry", "read", service + "audit"), ("owners", "write", service + "add"),
    }


# --------------------------------------------------------------------------- raw SQL


def test_raw_sql_confidence_and_dynamic_parts(project: Project) -> None:
    root = project({
        "legacy/__init__.py": "",
        "legacy/sql.py": 'ARCHIVE = "INSERT INTO archive SELECT * FROM orders WHERE done = 1"\n'
                         'UNUSED = "DELETE FROM ghosts WHERE id = %s"\n',
        "legacy/jobs.py": """
            import pandas as pd
            from sqlalchemy import text
            from legacy.sql import ARCHIVE

            def archive(cur):
                cur.execute(ARCHIVE)

            def report(conn, table):
                cur = conn.cursor()
                cur.execute(f"SELECT * FROM {table} JOIN customers c ON c.id = customer_id")
                sql = "UPDATE stats SET n = n + 1"
                sql += " WHERE day = ?"
                cur.execute(sql)
                conn.execute(text("DELETE FROM sessions WHERE expired"))
                return pd.read_sql(sql="SELECT * FROM visits", con=conn)

            def note():
                return "SELECT name FROM hidden_table WHERE id = 1"
        """,
    })
    data = data_of(root)
    got = {(a.table, a.mode.value, a.atom.split(":")[-1], a.confidence.value)
           for a in data.accesses}
    assert {("archive", "write", "archive", "medium"), ("orders", "read", "archive", "medium"),
            ("customers", "read", "report", "high"), ("stats", "write", "report", "medium"),
            ("sessions", "write", "report", "high"), ("visits", "read", "report", "high"),
            ("hidden_table", "read", "note", "low"), ("ghosts", "write", "legacy.sql", "low"),
            } <= got
    # joined to the table the query is about: a lookup; the first FROM table never is
    lookups = {(a.table, a.lookup) for a in data.accesses if a.atom.endswith(":report")
               and a.mode.value == "read"}
    assert lookups == {("customers", True), ("visits", False)}
    assert not any("__seamline_dyn__" in a.table for a in data.accesses)
    dynamic = [s for s in data.sql if "customers" in s.text]
    assert dynamic and "__seamline_dyn__" in dynamic[0].text


def test_the_databases_own_catalogs_are_not_application_tables(project: Project) -> None:
    root = project({
        "ops/__init__.py": "",
        "ops/schema.py": """
            def inspect(cur):
                cur.execute("SELECT relname FROM pg_class JOIN pg_namespace n ON n.oid = 1")
                cur.execute("SELECT * FROM pg_catalog.pg_tables")
                cur.execute("SELECT column_name FROM INFORMATION_SCHEMA.COLUMNS")
                cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                cur.execute("SELECT user FROM mysql.user")
                cur.execute("SELECT id FROM pages WHERE slug = %s")
        """,
    })
    data = data_of(root)
    assert {a.table for a in data.accesses} == {"pages"}
    assert {t.name for t in data.tables} == {"pages"}
    assert len(data.sql) == 6  # the statements stay listed


def test_a_migration_tools_version_table_is_no_application_table(project: Project) -> None:
    # indico 3.3.14 reads `alembic_version` twice: those reads made a 615-atom context of
    # its command line and helpers a domain owning it. A rule pack names such tables.
    root = project({
        "ops/__init__.py": "",
        "ops/schema.py": """
            import sqlalchemy as sa

            meta = sa.MetaData()
            versions = sa.Table("alembic_version", meta, sa.Column("version_num", sa.String))
            audit = sa.Table("audit_entries", meta, sa.Column("id", sa.Integer))
        """,
        "ops/db.py": """
            def revision(cur):
                cur.execute("SELECT version_num FROM audit.alembic_version")
                cur.execute('SELECT name FROM "django_migrations" WHERE app = %s')
                cur.execute("DELETE FROM audit_entries WHERE id < %s")
                cur.execute("SELECT * FROM tool_state")
        """,
    })
    data = data_of(root)
    assert {a.table for a in data.accesses} == {"audit_entries", "tool_state"}
    assert {t.name for t in data.tables} == {"audit_entries", "tool_state"}
    # a project's own pack adds its tool's tables
    (root / "p.toml").write_text('[pack]\nname = "ours"\n\n[models]\n'
                                 'bookkeeping-tables = ["tool_*"]\n', encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.seamline]\nrule-packs = ["p.toml"]\n',
                                         encoding="utf-8")
    assert {a.table for a in data_of(root).accesses} == {"audit_entries"}


def test_broken_sql_is_a_diagnostic_not_a_crash(project: Project) -> None:
    root = project({"bad.py": """
        def f(cur):
            cur.execute("SELECT * FROM (SELECT id FROM orders WHERE")
            cur.execute("INSERT INTO")
    """})
    data = data_of(root)
    assert ("orders", "read", "bad:f") in accesses(data)


# --------------------------------------------------------------------------- rule packs


def test_a_project_pack_teaches_an_in_house_helper(project: Project) -> None:
    root = project({
        "pyproject.toml": '[tool.seamline]\nrule-packs = ["seamline-rules/ourdb.toml"]\n',
        "seamline-rules/ourdb.toml": """
            [pack]
            name = "ourdb"
            description = "Our database helpers"

            [[sql-calls]]
            method = "fetch_all"

            [[query-functions]]
            function = "core.repo.model_query"
            argument = 1

            [[repositories]]
            base = "core.repo.Repository"
            table-attribute = "table"
            read = ["find", "all"]
            write = ["save"]
        """,
        "core/__init__.py": "",
        "core/repo.py": """
            def model_query(context, model): ...

            class Repository:
                table = ""
                def find(self, key): ...
                def save(self, row): ...
        """,
        "billing/__init__.py": "",
        "billing/repos.py": """
            from core.repo import Repository

            class InvoiceRepo(Repository):
                table = "invoices"

                def overdue(self):
                    return self.find("overdue")
        """,
        "billing/models.py": """
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            class Refund(Base):
                __tablename__ = "refunds"
                id = Column(Integer, primary_key=True)
        """,
        "billing/service.py": """
            from billing.models import Refund
            from billing.repos import InvoiceRepo
            from core.repo import model_query

            def settle(db, invoice):
                rows = db.fetch_all("SELECT * FROM payments WHERE invoice = ?")
                InvoiceRepo().save(invoice)
                return rows

            def refunds(context):
                return model_query(context, Refund).filter_by(open=True).all()
        """,
    })
    got = {(a.table, a.mode.value, a.atom, a.via) for a in data_of(root).accesses}
    assert {("payments", "read", "billing.service:settle", "sql"),
            ("invoices", "write", "billing.service:settle", "ourdb"),
            ("invoices", "read", "billing.repos:InvoiceRepo", "ourdb"),
            ("refunds", "read", "billing.service:refunds", "sqlalchemy")} <= got


@pytest.mark.parametrize(("pack", "message"), [
    ('[pack]\nname = "x"\n[[sql-calls]]\nmethdo = "run"\n',
     "sql-calls[0].methdo: unknown key (did you mean 'method'?)"),
    ('[pack]\nname = "x"\n[queries]\nread = "get"\n', "queries.read: must be a list of strings"),
    ('[pack]\ndescription = "no name"\n', "pack.name: missing"),
    ('[pack]\nname = "x"\n[[loaders]]\nfunction = "f"\nkind = "thing"\n',
     "loaders[0].kind: must be one of"),
])
def test_a_bad_pack_is_one_clear_error(project: Project, pack: str, message: str) -> None:
    root = project({"pyproject.toml": '[tool.seamline]\nrule-packs = ["p.toml"]\n',
                    "p.toml": pack, "a.py": "x = 1\n"})
    result = CliRunner().invoke(cli, ["analyze", str(root), "--no-cache",
                                      "--out", str(root / "out")])
    assert result.exit_code == 2
    assert "p.toml" in result.output and message in result.output
    assert not (root / "out").exists()


# --------------------------------------------------------------------------- loaders


def test_string_loaders_become_links(project: Project) -> None:
    root = project({
        "oscar/__init__.py": "",
        "oscar/core/__init__.py": "",
        "oscar/core/loading.py": "def get_model(a, b): ...\ndef get_class(a, b): ...\n",
        "oscar/apps/__init__.py": "",
        "oscar/apps/catalogue/__init__.py": "",
        "oscar/apps/catalogue/apps.py": """
            from django.apps import AppConfig
            class CatalogueConfig(AppConfig):
                name = "oscar.apps.catalogue"
                label = "catalogue"
        """,
        "oscar/apps/catalogue/models.py": """
            from django.db import models
            class Product(models.Model):
                title = models.CharField(max_length=9)
        """,
        "oscar/apps/catalogue/forms.py": "class ProductForm:\n    pass\n",
        "oscar/apps/basket/__init__.py": "",
        "oscar/apps/basket/views.py": """
            from oscar.core.loading import get_class, get_model
            Product = get_model("catalogue", "Product")
            ProductForm = get_class("catalogue.forms", "ProductForm")

            def add(pk):
                return Product.objects.get(pk=pk)
        """,
    })
    data = data_of(root)
    links = {(k.source, k.target, k.kind) for k in data.links}
    assert ("oscar.apps.basket.views", "oscar.apps.catalogue.models:Product",
            "get-model") in links
    assert ("oscar.apps.basket.views", "oscar.apps.catalogue.forms:ProductForm",
            "get-class") in links
    assert ("catalogue_product", "read", "oscar.apps.basket.views:add") in accesses(data)


def test_an_inherited_field_is_located_in_the_parents_file(project: Project) -> None:
    root = project(DJANGO_BASE | {
        "shop/abstract_models.py": """
            from django.db import models

            class AbstractRange(models.Model):
                name = models.CharField(max_length=9)
                classes = models.ManyToManyField("store.Kind")
                kind = models.ForeignKey("store.Kind", on_delete=models.CASCADE,
                                         related_name="+")
                class Meta:
                    abstract = True
                    app_label = "store"
        """,
        "shop/models.py": """
            from django.db import models
            from shop.abstract_models import AbstractRange

            class Kind(models.Model):
                pass

            class Range(AbstractRange):
                pass
        """,
    })
    data = data_of(root)
    table = next(t for t in data.tables if t.name == "store_range_classes")
    (declaration,) = table.declarations
    assert (declaration.atom, declaration.field) == ("shop.models:Range", "classes")
    assert (declaration.path, declaration.line) == ("shop/abstract_models.py", 5)
    (key,) = next(t for t in data.tables if t.name == "store_range").foreign_keys
    assert (key.target, key.atom, key.line) == (
        "store_kind", "shop.abstract_models:AbstractRange", 6)
    link = next(k for k in data.links
                if k.kind == "many-to-many" and k.source == "shop.models:Range")
    assert (link.target, link.path, link.line) == ("shop.models:Kind",
                                                   "shop/abstract_models.py", 5)


def test_a_frameworks_own_table_is_its_models_words(project: Project) -> None:
    # wger 2.1's views read ContentType: its table `django_content_type` named a context
    # `django`, the framework's label, as a Django default name would say `catalogue`
    root = project({
        "shop/__init__.py": "",
        "shop/models.py": """
            from django.db import models

            class Order(models.Model):
                total = models.IntegerField()
        """,
        "shop/views.py": """
            from django.contrib.auth.models import User
            from django.contrib.contenttypes.models import ContentType
            from django.shortcuts import get_object_or_404

            def history(pk):
                return get_object_or_404(ContentType, pk=pk)

            def person(pk):
                return get_object_or_404(User, pk=pk)
        """,
    })
    analysis = run(root)
    spoken = {t.name: t.words_name for t in analysis.data.tables}
    assert spoken["auth_user"] == "User"
    assert spoken["django_content_type"] == "ContentType"
    terms = {n.id: n.terms for n in analysis.graph.nodes if n.kind == "table"}
    assert terms["table:auth_user"] == ("user",)
    assert terms["table:django_content_type"] == ("content", "type")
