"""An import is a dependency for ``seamline check``: a module-level import that nothing uses
still couples two contexts (importing a module runs it), as import-linter and tach say.
``check.imports`` chooses which kinds count: module-level, function-level, type-checking."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli

DECOMPOSITION = """\
version = 1

[check]
{check}

[contexts.billing]
modules = ["shop.billing", "shop.billing.*"]
public = ["shop.billing.api"]

[contexts.orders]
modules = ["shop.orders", "shop.orders.*"]
uses = {uses}

[contexts.kernel]
kernel = true
modules = ["shop"]
"""


def _project(root: Path, orders_code: str, *, check: str = "", uses: str = "[]") -> Path:
    files = {
        "shop/__init__.py": "",
        "shop/billing/__init__.py": "",
        "shop/billing/api.py": "def charge(amount):\n    return amount\n",
        "shop/billing/ledger.py": "def post(entry):\n    return entry\n",
        "shop/orders/__init__.py": "",
        "shop/orders/service.py": orders_code,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "seamline-decomposition.toml").write_text(
        DECOMPOSITION.format(check=check, uses=uses), encoding="utf-8")
    return root


def _check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(root), "--no-cache"])
    return result.exit_code, result.output


UNUSED = "from shop.billing.api import charge\n\n\ndef place():\n    return 1\n"
IN_FUNCTION = "def place():\n    from shop.billing import api\n    return 1\n"
TYPE_ONLY = ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
             "    from shop.billing.api import charge\n\n\ndef place():\n    return 1\n")


def test_an_unused_module_level_import_of_another_context_is_a_forbidden_dependency(
        tmp_path: Path) -> None:
    code, output = _check(_project(tmp_path, UNUSED))
    assert code == 1, output
    assert ("shop/orders/service.py:1: error SL401 forbidden-dependency: orders uses billing, "
            "which its `uses` does not allow: `orders.service` imports `billing.api:charge`"
            in output)
    assert "import (module-level)" not in output  # the evidence is the violation's own line


def test_an_allowed_import_of_a_private_module_is_a_private_module_use(tmp_path: Path) -> None:
    root = _project(tmp_path, "from shop.billing import ledger\n", uses='["billing"]')
    code, output = _check(root)
    assert code == 1, output
    assert "SL402 private-module-use: `orders.service` (orders) imports `billing.ledger`" \
        in output
    (root / "shop/orders/service.py").write_text("from shop.billing import api\n",
                                                 encoding="utf-8")
    assert _check(root)[0] == 0  # the public module is fine


@pytest.mark.parametrize(("code_text", "kinds", "fails"), [
    (UNUSED, None, True),
    (UNUSED, '["function-level"]', False),
    (UNUSED, "[]", False),
    (IN_FUNCTION, None, True),  # function-level imports count by default
    (IN_FUNCTION, '["module-level"]', False),
    (TYPE_ONLY, None, False),  # an import under TYPE_CHECKING never runs: not by default
    (TYPE_ONLY, '["type-checking"]', True),
])
def test_check_imports_chooses_the_kinds_of_import_that_count(
        tmp_path: Path, code_text: str, kinds: str | None, fails: bool) -> None:
    check = "" if kinds is None else f"imports = {kinds}"
    code, output = _check(_project(tmp_path, code_text, check=check))
    assert code == (1 if fails else 0), output


def test_an_import_inside_a_function_is_the_functions_use(tmp_path: Path) -> None:
    code, output = _check(_project(tmp_path, IN_FUNCTION))
    assert code == 1
    assert "`orders.service:place` imports `billing.api`" in output


@pytest.mark.parametrize(("value", "message"), [
    ('["module"]', "check.imports: unknown import kind 'module' (did you mean "
                   "'module-level'?); kinds: module-level, function-level, type-checking"),
    ('"module-level"', "check.imports must be a list of import kinds"),
])
def test_a_wrong_import_kind_is_one_message_and_exit_2(tmp_path: Path, value: str,
                                                       message: str) -> None:
    code, output = _check(_project(tmp_path, UNUSED, check=f"imports = {value}"))
    assert code == 2, output
    assert message in output and "Traceback" not in output


def test_init_writes_the_import_kinds_and_counts_imports_as_uses(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED)
    (root / "seamline-decomposition.toml").unlink()
    result = CliRunner().invoke(cli, ["init", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
    text = (root / "seamline-decomposition.toml").read_text(encoding="utf-8")
    assert 'imports = ["module-level", "function-level"]' in text
    assert _check(root)[0] == 0  # the import written down as a use today


def test_a_context_cycle_says_which_dependencies_to_cut_fewest_first(tmp_path: Path) -> None:
    root = _project(tmp_path, "from shop.billing.api import charge\n", uses='["billing"]')
    (root / "shop/billing/api.py").write_text(
        "from shop.orders.service import charge as again\n"
        "def charge(amount):\n    return amount\n", encoding="utf-8")
    text = (root / "seamline-decomposition.toml").read_text(encoding="utf-8")
    (root / "seamline-decomposition.toml").write_text(text.replace(
        'public = ["shop.billing.api"]', 'public = ["shop.billing.api"]\nuses = ["orders"]'),
        encoding="utf-8")
    code, output = _check(root)
    assert code == 1 and "SL406" in output, output
    assert "fix: the cycle is removable by 1 dependency: billing → orders (1 use)" in output
