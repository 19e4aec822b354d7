"""The one ``Codebase`` that resolve makes and every later stage reads: its class index (bodies,
docstrings, bases bound through the resolver's import binding), values, flows, words and
suppressions; and the stages that take it instead of the per-file facts."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.contracts.schemas import Classes
from analyzer.data import build_data
from analyzer.graph import build_graph
from tests.conftest import REPO, Tree

Project = Callable[[Tree], Path]

TREE: Tree = {
    "shop/__init__.py": "",
    "shop/base.py": '''
        from django.db import models

        class Stamped(models.Model):
            """Rows that know when they were made."""
            created = models.DateTimeField()

            class Meta:
                abstract = True
        ''',
    "shop/models.py": '''
        from django.db import models
        from shop.base import Stamped as Timed

        class Order(Timed):
            """An order a customer placed."""
            total = models.IntegerField()

        class Meta:  # a top-level class that is no model
            pass

        TOTALS = "SELECT total FROM shop_order"
        ''',
    "shop/services.py": '''
        from shop.models import Order

        def place(total: int) -> Order:  # seamline: ignore[SL301]
            return Order.objects.create(total=total)
        ''',
    "other/__init__.py": "",
    "other/models.py": '''
        class Timed:
            """A class with the alias's name elsewhere: the binding, not the name, decides."""

        class Stamped:
            """A second class of that name."""
        ''',
}


def _models(root: Path) -> api.Models:
    return api.models(load_settings(root, Overrides(no_cache=True, jobs=1)))


def test_the_class_index_is_made_once_with_the_resolvers_binding(project: Project) -> None:
    codebase = _models(project(TREE)).codebase
    index = codebase.classes
    assert sorted(index.classes) == ["other.models:Stamped", "other.models:Timed",
                                     "shop.base:Stamped",
                                     "shop.models:Meta", "shop.models:Order"]
    assert "shop.services:place" in index.definitions
    assert "shop.services:place" not in index.classes
    assert [n for n, _, _ in index.bodies["shop.models:Order"].attrs] == ["total"]
    assert index.docs["shop.models:Order"] == "An order a customer placed."
    # ``Timed`` in shop.models is the alias of shop.base:Stamped, not other.models:Timed
    assert codebase.names.bound("shop.models", "Timed") == "shop.base:Stamped"
    assert codebase.names.bound("shop.models", "Order") == "shop.models:Order"
    assert codebase.names.bound("shop.models", "models") is None  # a module, external
    assert index.ancestors("shop.models:Order") == ["shop.base:Stamped"]
    assert index.is_subclass("shop.models:Order", "django.db.models.Model")
    assert codebase.values["shop.models:TOTALS"][1] == 11
    assert codebase.returns["shop.services:place"] == "Order"
    assert codebase.suppressions == {"shop/services.py": ((3, ("SL301",)),)}
    assert [f.atom for f in codebase.flows["shop.services"]] == ["place"]


def test_the_contracts_find_a_class_by_its_binding_else_by_a_unique_name(
        project: Project) -> None:
    built = _models(project(TREE))
    classes = Classes(built.codebase.classes, built.data)
    assert classes.find("shop.models", "Timed") == "shop.base:Stamped"  # bound by the alias
    assert classes.find("shop.services", "Timed") == "other.models:Timed"  # the only one
    assert classes.find("shop.services", "Stamped") is None  # two classes have that name
    assert classes.find("shop.base", "Stamped") == "shop.base:Stamped"  # its own
    assert classes.find("shop.models", "TOTALS") is None
    assert classes.models == {"shop.models:Order": "django"}
    assert classes.tables == {"shop_order": "shop.models:Order"}
    assert classes.definition("shop.services:place")[0] == "shop.services"


def test_the_stages_take_the_codebase(project: Project) -> None:
    root = project(TREE)
    settings = load_settings(root, Overrides(no_cache=True, jobs=1))
    built = _models(root)
    data = build_data(built.codebase, settings.packs)
    assert data == built.data
    assert {(a.table, a.mode.value, a.atom, a.confidence.value) for a in data.accesses} == {
        ("shop_order", "write", "shop.services:place", "high"),
        ("shop_order", "read", "shop.models", "low")}  # SQL no database call takes
    graph = build_graph(settings.project, built.codebase, data, root).graph
    edges = {(e.source, e.target, e.signal, e.kind) for e in graph.edges}
    assert ("shop.services:place", "table:shop_order", "data", "write") in edges
    assert ("shop.services:place", "shop.models:Order", "code", "annotation+call") in edges
    terms = {n.id: n.terms for n in graph.nodes}
    assert "total" in terms["shop.models:Order"]  # its body's field, among its words


def test_a_package_that_re_exports_its_api_depends_on_it(project: Project) -> None:
    # FlaskBB's flaskbb/tokens/__init__.py: the package's facade had no edge at all and was
    # left unplaced, though it is the tokens' code
    root = project({
        "shop/__init__.py": "",
        "shop/tokens/__init__.py": '''
            from .serializer import TokenSerializer
            from .verifiers import verify
            from shop.orders import place

            __all__ = ("TokenSerializer", "verify")
            DEFAULT = place(0)
            ''',
        "shop/tokens/serializer.py": "class TokenSerializer:\n    pass\n",
        # a package that imports for type checkers only re-exports nothing
        "shop/typed/__init__.py": '''
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from shop.orders import Order

            LIMIT = 3
            ''',
        # nor does a package that defines code of its own: it goes with its definitions
        "shop/own/__init__.py": '''
            from shop.orders import Order

            DEFAULT = 1

            class Basket:
                pass
            ''',
        "shop/tokens/verifiers.py": '''
            from typing import TYPE_CHECKING
            from .serializer import TokenSerializer

            if TYPE_CHECKING:
                from shop.orders import Order

            LIMIT = 3

            def verify(token: str) -> TokenSerializer:
                return TokenSerializer()
            ''',
        "shop/orders.py": '''
            from shop.tokens.serializer import TokenSerializer

            RATE = 3

            class Order:
                pass

            def place(total: int) -> int:
                return total
            ''',
    })
    built = _models(root)
    graph = build_graph("shop", built.codebase, built.data, root).graph
    code = {(e.source, e.target): e.kind for e in graph.edges if e.signal == "code"}
    assert code[("shop.tokens", "shop.tokens.serializer:TokenSerializer")] == "re-export"
    assert code[("shop.tokens", "shop.tokens.verifiers:verify")] == "re-export"
    assert code[("shop.tokens", "shop.orders:place")] == "call"  # used: a use, as before
    # an import its own code uses, or one for type checkers only, is no re-export
    assert code[("shop.tokens.verifiers:verify", "shop.tokens.serializer:TokenSerializer")] \
        == "annotation+call"
    # nor is an unused import of a module that is no package's facade (it defines code)
    assert {(s, t) for (s, t), kind in code.items() if kind == "re-export"} == {
        ("shop.tokens", "shop.tokens.serializer:TokenSerializer"),
        ("shop.tokens", "shop.tokens.verifiers:verify")}
    assert {"shop.orders", "shop.tokens.verifiers", "shop.typed", "shop.own"} <= {
        n.id for n in graph.nodes}


def test_a_blank_docstring_is_no_summary(project: Project) -> None:
    # wger 2.1 has such docstrings ('\n\n    '); the first line of nothing crashed analyze
    root = project({
        "shop/__init__.py": "",
        "shop/models.py": '''
            from django.db import models

            class Order(models.Model):
                """

                """
                total = models.IntegerField()

            def place(total: int) -> Order:
                """   """
                return Order.objects.create(total=total)
            ''',
        "billing/__init__.py": "",
        "billing/charge.py": '''
            from shop.models import Order, place

            def charge(order: Order) -> Order:
                return place(order.total)
            ''',
    })
    codebase = _models(root).codebase
    assert "shop.models:Order" in codebase.classes.classes
    assert "shop.models:Order" not in codebase.classes.docs
    assert "shop.models:place" not in codebase.classes.docs
    analysis = api.analyze(load_settings(root, Overrides(no_cache=True, jobs=1)))
    assert analysis.contracts.files()  # the documents, whose summaries read the docstrings


# the modules that may name the per-file facts: the extractor and its cache, the model that
# declares them and resolve, which turns them into the codebase (the api only chains them)
_FACTS_READERS = ("analyzer/model.py", "analyzer/cache.py", "analyzer/resolve.py",
                  "analyzer/codebase.py", "analyzer/extract/")


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.name.rpartition(".")[2])
    return found


def test_no_stage_after_resolve_reads_the_per_file_facts() -> None:
    readers = sorted(
        path.relative_to(REPO).as_posix() for path in (REPO / "analyzer").rglob("*.py")
        if not path.relative_to(REPO).as_posix().startswith(_FACTS_READERS)
        and "FileFacts" in _names(path))
    assert readers == []
