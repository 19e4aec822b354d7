"""Every import form, resolved the way Python would resolve it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer.model import Import, ImportKind
from tests.conftest import Tree, module, run

BASE: Tree = {
    "shop/__init__.py": "",
    "shop/catalog/__init__.py": "from .models import Product\n",
    "shop/catalog/models.py": "class Product: ...\nclass Category: ...\n",
    "shop/catalog/pricing/__init__.py": "",
    "shop/catalog/pricing/rules.py": "def price(): ...\n",
    "shop/utils.py": "def slug(): ...\n__all__ = ['slug']\n",
}


def imports_of(make: Callable[[Tree], Path], source: str,
               where: str = "shop/catalog/pricing/engine.py") -> list[Import]:
    root = make(BASE | {where: source})
    name = where[:-3].replace("/", ".").removesuffix(".__init__")
    return list(module(run(root), name).imports)


def test_absolute_import_of_a_dotted_module(project: Callable[[Tree], Path]) -> None:
    [item] = imports_of(project, "import shop.catalog.models\n")
    assert (item.module, item.symbol, item.alias, item.level) == (
        "shop.catalog.models", None, None, 0)
    assert item.kind is ImportKind.INTERNAL


def test_import_with_alias(project: Callable[[Tree], Path]) -> None:
    [item] = imports_of(project, "import shop.utils as u\n")
    assert (item.module, item.alias) == ("shop.utils", "u")


def test_from_import_of_a_symbol_and_of_a_submodule(project: Callable[[Tree], Path]) -> None:
    symbol, submodule = imports_of(
        project, "from shop.catalog.models import Product\nfrom shop.catalog import models\n")
    assert (symbol.module, symbol.symbol) == ("shop.catalog.models", "Product")
    assert (submodule.module, submodule.symbol) == ("shop.catalog.models", None)


def test_relative_imports_at_every_depth(project: Callable[[Tree], Path]) -> None:
    items = imports_of(project, """
        from . import rules
        from .rules import price
        from .. import models
        from ..models import Category as C
        from ... import utils
        from ...utils import slug
    """)
    found = [(i.level, i.module, i.symbol, i.alias) for i in items]
    assert found == [
        (1, "shop.catalog.pricing.rules", None, None),
        (1, "shop.catalog.pricing.rules", "price", None),
        (2, "shop.catalog.models", None, None),
        (2, "shop.catalog.models", "Category", "C"),
        (3, "shop.utils", None, None),
        (3, "shop.utils", "slug", None),
    ]


def test_relative_import_inside_a_package_init(project: Callable[[Tree], Path]) -> None:
    [item] = imports_of(project, "from .rules import price\n",
                        where="shop/catalog/pricing/__init__.py")
    assert (item.module, item.symbol) == ("shop.catalog.pricing.rules", "price")


def test_relative_import_beyond_the_top_is_a_diagnostic(
        project: Callable[[Tree], Path]) -> None:
    root = project(BASE | {"shop/bad.py": "from ... import nothing\n"})
    analysis = run(root)
    assert module(analysis, "shop.bad").imports == ()
    [note] = [d for d in analysis.code.diagnostics if d.code == "relative-import-beyond-top"]
    assert (note.path, note.line) == ("shop/bad.py", 1)


def test_star_import(project: Callable[[Tree], Path]) -> None:
    [item] = imports_of(project, "from shop.utils import *\n")
    assert (item.module, item.symbol, item.star) == ("shop.utils", None, True)


def test_flags_conditional_type_checking_and_function_level(
        project: Callable[[Tree], Path]) -> None:
    items = imports_of(project, """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from shop.catalog.models import Product
        else:
            import shop.utils
        try:
            import ujson as json
        except ImportError:
            import json
        def late():
            from shop.catalog import models
            return models
    """)
    flags = {(i.module, i.alias): (i.conditional, i.type_checking, i.in_function)
             for i in items}
    assert flags[("typing", None)] == (False, False, False)
    assert flags[("shop.catalog.models", None)] == (False, False, True)
    assert next(i for i in items if i.symbol == "Product").type_checking
    assert flags[("shop.utils", None)] == (True, False, False)
    assert flags[("ujson", "json")] == (True, False, False)
    assert flags[("json", None)] == (True, False, False)


def test_classification_of_stdlib_third_party_and_internal(
        project: Callable[[Tree], Path]) -> None:
    items = imports_of(project, "import os.path\nimport requests\nimport shop\n"
                                "from __future__ import annotations\n")
    kinds = {i.module: i.kind for i in items}
    assert kinds == {"os.path": ImportKind.STDLIB, "requests": ImportKind.THIRD_PARTY,
                     "shop": ImportKind.INTERNAL, "__future__": ImportKind.STDLIB}


def test_several_names_in_one_statement_keep_their_line(
        project: Callable[[Tree], Path]) -> None:
    items = imports_of(project, "# one\n# two\nfrom shop.catalog.models import (\n    Product,\n"
                                "    Category,\n)\n")
    assert [(i.symbol, i.line) for i in items] == [("Product", 3), ("Category", 3)]


def test_missing_internal_module_is_reported(project: Callable[[Tree], Path]) -> None:
    root = project(BASE | {"shop/x.py": "import shop.catalog.nowhere\n"
                                         "from shop.gone import thing\n"})
    analysis = run(root)
    notes = [d for d in analysis.code.diagnostics if d.code == "unresolved-import"]
    assert [(d.path, d.line) for d in notes] == [("shop/x.py", 1), ("shop/x.py", 2)]
    # ``import`` still runs shop/catalog/__init__.py: a dependency on the nearest package;
    # a from-import of a missing module depends on nothing that exists.
    assert [(i.module, i.symbol) for i in module(analysis, "shop.x").imports] == [
        ("shop.catalog", None), ("shop.gone", "thing")]
