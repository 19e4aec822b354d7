"""Layouts, excludes and symbolic links."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Tree, run, write_tree


def names(root: Path, **overrides: object) -> list[str]:
    return [m.name for m in run(root, **overrides).code.modules]


def test_flat_layout_with_several_top_level_packages_and_scripts(
        project: Callable[[Tree], Path]) -> None:
    root = project({"billing/__init__.py": "", "billing/invoice.py": "",
                    "shipping/__init__.py": "", "shipping/parcel.py": "", "manage_db.py": ""})
    assert names(root) == ["billing", "billing.invoice", "manage_db", "shipping",
                           "shipping.parcel"]


def test_src_layout_and_namespace_packages(project: Callable[[Tree], Path]) -> None:
    root = project({"src/acme/orders/__init__.py": "", "src/acme/orders/api.py": "",
                    "src/acme/billing/core.py": "", "setup.py": ""})
    analysis = run(root)
    assert [m.name for m in analysis.code.modules] == [
        "acme.billing.core", "acme.orders", "acme.orders.api", "setup"]
    assert analysis.discovery.source_roots == (".", "src")


def test_django_project_in_a_subfolder(project: Callable[[Tree], Path]) -> None:
    manage = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
    root = project({"backend/manage.py": manage, "backend/shop/__init__.py": "",
                    "backend/shop/settings.py": "", "backend/catalog/__init__.py": "",
                    "backend/catalog/models.py": "",
                    "backend/catalog/migrations/0001_initial.py": "",
                    "backend/catalog/migrations/__init__.py": ""})
    assert names(root) == ["catalog", "catalog.models", "manage", "shop", "shop.settings"]
    assert "catalog.migrations.0001_initial" in names(root, no_default_excludes=True)


def test_a_manage_py_inside_a_package_is_not_a_django_root(
        project: Callable[[Tree], Path]) -> None:
    root = project({"nova/__init__.py": "", "nova/cmd/__init__.py": "",
                    "nova/cmd/manage.py": "import sys\n"})
    assert names(root) == ["nova", "nova.cmd", "nova.cmd.manage"]


def test_a_root_that_is_itself_a_package_keeps_full_names(
        project: Callable[[Tree], Path]) -> None:
    root = project({"shop/__init__.py": "", "shop/orders/__init__.py": "",
                    "shop/orders/models.py": ""})
    assert names(root / "shop" / "orders") == ["shop.orders", "shop.orders.models"]


def test_default_excludes(project: Callable[[Tree], Path]) -> None:
    root = project({
        "app/__init__.py": "", "app/core.py": "",
        "app/tests/test_core.py": "", "tests/test_app.py": "", "app/test_extra.py": "",
        "app/conftest.py": "", "app/migrations/0001_initial.py": "",
        # helpers shipped for the tests (Trac's test.py) and a reusable app's test project
        "app/test.py": "", "app/testproject/urls.py": "", "app/testproject/__init__.py": "",
        # CKAN keeps its Alembic revisions in migration/versions/ (the singular)
        "app/migration/versions/01_add.py": "", "app/migration/env.py": "",
        "build/lib/app/core.py": "", "dist/x.py": "", ".hidden/x.py": "",
        "vendor/lib.py": "", "node_modules/x.py": "", "app.egg-info/x.py": "",
        "myenv/pyvenv.cfg": "", "myenv/lib/site.py": "",
    })
    assert names(root) == ["app", "app.core"]


def test_names_that_only_start_like_tests_are_read(project: Callable[[Tree], Path]) -> None:
    root = project({"app/__init__.py": "", "app/testimony.py": "", "app/contest.py": "",
                    "app/latest.py": "", "app/testing_plans/__init__.py": ""})
    assert names(root) == ["app", "app.contest", "app.latest", "app.testimony",
                           "app.testing_plans"]


def test_excludes_can_be_changed(project: Callable[[Tree], Path]) -> None:
    root = project({"app/__init__.py": "", "app/core.py": "", "app/legacy/old.py": "",
                    "tests/test_app.py": ""})
    assert "tests.test_app" in names(root, no_default_excludes=True)
    assert names(root, extend_exclude=("legacy",)) == ["app", "app.core"]
    assert names(root, extend_exclude=("app/legacy/*.py",)) == ["app", "app.core"]
    write_tree(root, {"pyproject.toml": '[tool.seamline]\nexclude = ["core.py"]\n'})
    assert names(root) == ["app", "app.legacy.old", "tests.test_app"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlinks_never_loop_or_leave_the_root(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": "x = 1\n"})
    root = write_tree(tmp_path / "proj", {"app/__init__.py": "", "app/core.py": ""})
    (root / "app" / "loop").symlink_to(root / "app", target_is_directory=True)
    (root / "app" / "escape").symlink_to(outside, target_is_directory=True)
    (root / "app" / "alias.py").symlink_to(root / "app" / "core.py")
    analysis = run(root)
    assert [m.name for m in analysis.code.modules] == ["app", "app.alias", "app.core"]
    codes = {(d.path, d.code) for d in analysis.code.diagnostics}
    assert ("app/loop", "symlink-loop") in codes
    assert ("app/escape", "symlink-outside-root") in codes


def test_folders_that_are_not_identifiers_are_skipped_with_a_note(
        project: Callable[[Tree], Path]) -> None:
    root = project({"app/__init__.py": "", "my-scripts/run.py": "", "app/x.y.py": "",
                    "app/0001_initial.py": ""})
    analysis = run(root)
    assert [m.name for m in analysis.code.modules] == ["app", "app.0001_initial"]
    assert {(d.path, d.code) for d in analysis.code.diagnostics} == {
        ("my-scripts", "not-importable"), ("app/x.y.py", "not-importable")}
