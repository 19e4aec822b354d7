"""``seamline init`` and ``seamline check`` on the sample: the agreed decomposition, the
baseline ratchet, drift caught with the right codes and lines, and config mistakes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzer.cli import cli
from analyzer.decomposition import load_agreed
from tests.conftest import SAMPLES

TRADEPOST = SAMPLES / "tradepost"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample with its agreed decomposition written by ``init``."""
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root, ignore=shutil.ignore_patterns("__pycache__"))
    code, output = _invoke("init", str(root), "--config", str(root / "agreed.toml"),
                           "--no-cache")
    assert code == 0, output
    return root


def test_init_writes_the_agreed_cut_as_an_editable_decomposition(sample: Path) -> None:
    agreed = load_agreed(sample / "seamline-decomposition.toml")
    names = [c.name for c in agreed.contexts]
    assert names == ["catalog", "customers", "inventory", "notifications", "orders",
                     "payments", "shared-kernel", "shipping"]
    orders = agreed.context("orders")
    assert set(orders.tables) == {"orders", "order_lines"}
    assert "payments" in orders.uses and "tradepost.services.order_service" in orders.modules
    assert "tradepost.models:Order" in orders.atoms  # a definition of a shared module
    assert agreed.context("shared-kernel").kernel
    code, output = _invoke("init", str(sample), "--no-cache")
    assert code == 2 and "exists" in output  # never overwritten by accident


def test_the_ratchet_records_todays_violations_and_fails_only_on_new_ones(
        sample: Path) -> None:
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 1
    assert "SL403 other-context-table-write" in output  # orders writes stock_levels
    assert "tradepost/repositories/order_repo.py:35" in output
    assert "SL406 new-context-cycle" in output  # orders <-> payments
    code, output = _invoke("check", str(sample), "--no-cache", "--update-baseline")
    assert code == 0
    assert (sample / "seamline-baseline.json").is_file()
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 0, output
    assert "0 new" in output and "known" in output

    shipping = sample / "tradepost" / "services" / "shipping_service.py"
    original = shipping.read_text(encoding="utf-8")
    drifted = original + (
        "\n\nfrom tradepost.repositories.payment_repo import failed_payments\n"
        "from tradepost.db import get_connection\n\n\n"
        "def settle_shipping_fees(order_id):\n"
        "    failed_payments()\n"
        "    cur = get_connection().cursor()\n"
        "    cur.execute(\"UPDATE payments SET status = 'settled' WHERE order_id = %s\","
        " (order_id,))\n")
    shipping.write_text(drifted, encoding="utf-8")
    lines = drifted.splitlines()
    call = lines.index("    failed_payments()") + 1
    write = next(i for i, line in enumerate(lines, 1) if "UPDATE payments" in line)
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 1
    assert f"tradepost/services/shipping_service.py:{call}: error SL401 forbidden-dependency" \
        in output
    assert f"tradepost/services/shipping_service.py:{write}: error SL403 " \
           "other-context-table-write" in output

    shipping.write_text(original, encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 0, output


def test_stale_baseline_entries_are_reported(sample: Path) -> None:
    _invoke("check", str(sample), "--no-cache", "--update-baseline")
    repo = sample / "tradepost" / "repositories" / "order_repo.py"
    text = repo.read_text(encoding="utf-8")
    repo.write_text(text.replace("UPDATE stock_levels", "UPDATE order_lines"), encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 0
    assert "stale baseline entry: SL403" in output


def test_every_format_is_written(sample: Path, tmp_path: Path) -> None:
    for fmt in ("json", "sarif", "junit", "gitlab", "github"):
        out = tmp_path / f"report.{fmt}"
        code, output = _invoke("check", str(sample), "--no-cache", "--format", fmt,
                               "--output", str(out))
        assert code == 1, output
        text = out.read_text(encoding="utf-8")
        assert "order_repo.py" in text
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(text)


@pytest.mark.parametrize(("edit", "message"), [
    (("uses = [", 'uses = [\n    "billing",'), "contexts.orders.uses names an unknown context"),
    (("[contexts.orders]\n", '[contexts.orders]\nmodulez = ["x"]\n'),
     "unknown key 'contexts.orders.modulez'"),
    (("atoms = [", 'atoms = [\n    "tradepost.nothing:Here",'),
     "contexts.orders.atoms[0] = 'tradepost.nothing:Here' matches nothing"),
    (("version = 1", "version = 7"), "version must be 1"),
    (("[contexts.orders]\n", '[contexts.orders]\ninfrastructure = "yes"\n'),
     "contexts.orders.infrastructure must be true or false"),
    (("[contexts.orders]\n", "[contexts.orders]\nkernel = true\ninfrastructure = true\n"),
     "contexts.orders.infrastructure: a context cannot be both a kernel and infrastructure"),
])
def test_mistakes_in_the_decomposition_name_their_key_and_exit_2(
        sample: Path, edit: tuple[str, str], message: str) -> None:
    path = sample / "seamline-decomposition.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[contexts.orders]")
    head, tail = text[:start], text[start:]
    old, new = edit
    if old == "version = 1":
        head = head.replace(old, new, 1)
    else:  # an edit of the orders context
        tail = tail.replace(old, new, 1)
    path.write_text(head + tail, encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 2, output
    assert message in output and "seamline-decomposition.toml" in output


def test_check_without_a_decomposition_says_how_to_make_one(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    code, output = _invoke("check", str(tmp_path), "--no-cache")
    assert code == 2 and "seamline init" in output


def _append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + code, encoding="utf-8")


def test_private_modules_unclaimed_modules_and_growing_coupling_are_drift(
        sample: Path) -> None:
    decomposition = sample / "seamline-decomposition.toml"
    text = decomposition.read_text(encoding="utf-8")
    decomposition.write_text(text.replace("max-coupling-increase = 0.02",
                                          "max-coupling-increase = 0.0"), encoding="utf-8")
    _invoke("check", str(sample), "--no-cache", "--update-baseline")
    services = sample / "tradepost" / "services"
    # orders may use payments, but only its public module, not its repository
    _append(services / "order_service.py",
            "\n\nfrom tradepost.repositories.payment_repo import payments_for_order\n\n\n"
            "def order_payments(order_id):\n    return payments_for_order(order_id)\n\n\n"
            "def product_names(skus):\n"
            "    return [catalog_service.get_product(s) for s in skus]\n")
    (sample / "tradepost" / "loyalty.py").write_text(
        "def points(total_cents):\n    return total_cents // 100\n", encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 1
    assert "error SL402 private-module-use" in output
    assert "repositories.payment_repo:payments_for_order" in output
    assert "tradepost/loyalty.py:1: error SL405 unassigned-module" in output
    assert "error SL407 coupling-regression" in output
    assert "SL401" not in output  # payments is a context orders may use


def test_an_inline_comment_silences_a_violation_and_unreadable_files_are_said(
        sample: Path) -> None:
    repo = sample / "tradepost" / "repositories" / "order_repo.py"
    lines = repo.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[34] = lines[34].rstrip("\n") + "  # seamline: ignore[other-context-table-write]\n"
    repo.write_text("".join(lines), encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert "SL403" not in output and "SL406" in output
    (sample / "tradepost" / "broken.py").write_text("def f(:\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(sample), "--no-cache"])
    assert "tradepost/broken.py:1" in result.stderr and "could not be read" in result.stderr
    code, output = _invoke("check", str(sample), "--no-cache", "--update-baseline")
    assert code == 2 and "fix them before recording a baseline" in output
    assert not (sample / "seamline-baseline.json").exists()


@pytest.mark.parametrize("name", ["tradepost", "shopfront", "djshop", "atelier"])
def test_init_then_check_on_unchanged_code_forbids_no_dependency(tmp_path: Path,
                                                                 name: str) -> None:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root, ignore=shutil.ignore_patterns("__pycache__"))
    code, output = _invoke("init", str(root), "--no-cache")
    assert code == 0, output
    code, output = _invoke("check", str(root), "--no-cache", "--format", "json")
    assert code in (0, 1), output
    report = json.loads(output)
    codes = {f["code"] for f in report["new"]}
    assert not codes & {"SL401", "SL402", "SL405"}, [
        f["message"] for f in report["new"] if f["code"] in ("SL401", "SL402", "SL405")]


def test_a_context_name_beyond_ascii_round_trips_through_the_file(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (root / "shop" / "a.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (root / "seamline.toml").write_text('[pin]\n"🚀 \\"launch\\"" = ["shop.*", "shop"]\n',
                                        encoding="utf-8")
    code, output = _invoke("init", str(root), "--no-cache")
    assert code == 0, output
    agreed = load_agreed(root / "seamline-decomposition.toml")
    assert '🚀 "launch"' in [c.name for c in agreed.contexts]
    code, output = _invoke("check", str(root), "--no-cache")
    assert code == 0, output


def test_init_on_a_folder_without_python_says_so(tmp_path: Path) -> None:
    code, output = _invoke("init", str(tmp_path), "--no-cache")
    assert code == 2 and "no Python modules" in output


def test_strict_fails_on_a_new_warning_and_files_can_live_elsewhere(sample: Path,
                                                                   tmp_path: Path) -> None:
    decomposition = tmp_path / "agreed-cut.toml"
    (sample / "seamline-decomposition.toml").rename(decomposition)
    baseline = tmp_path / "known.json"
    where = ["--decomposition", str(decomposition), "--baseline", str(baseline)]
    code, _ = _invoke("check", str(sample), "--no-cache", *where, "--update-baseline")
    assert code == 0 and baseline.is_file()
    # shipping reads inventory's table: a new SL404, a warning
    _append(sample / "tradepost" / "services" / "shipping_service.py",
            "\n\nfrom tradepost.db import get_connection\n\n\n"
            "def stock_for(sku):\n"
            "    cur = get_connection().cursor()\n"
            "    cur.execute('SELECT on_hand FROM stock_levels WHERE sku = %s', (sku,))\n"
            "    return cur.fetchone()\n")
    code, output = _invoke("check", str(sample), "--no-cache", *where)
    assert code == 0 and "warning SL404 other-context-table-read" in output
    code, output = _invoke("check", str(sample), "--no-cache", *where, "--strict")
    assert code == 1 and "1 new (0 errors, 1 warning)" in output


def test_init_writes_package_globs_so_a_new_module_of_a_package_is_placed(
        tmp_path: Path) -> None:
    root = tmp_path / "djshop"
    shutil.copytree(SAMPLES / "djshop", root, ignore=shutil.ignore_patterns("__pycache__"))
    assert _invoke("init", str(root), "--no-cache")[0] == 0
    agreed = load_agreed(root / "seamline-decomposition.toml")
    holder = agreed.assign("orders.returns", "orders.returns")
    assert holder is not None and "orders.*" in agreed.context(holder).modules
    # code the cut placed apart from its package is an exception, by name, and wins
    exceptions = [(atom, c.name) for c in agreed.contexts for atom in c.atoms
                  if c.name != holder and atom.startswith("orders.")]
    assert exceptions
    for atom, context in exceptions:
        assert agreed.assign(atom, atom.partition(":")[0]) == context != holder
    assert _invoke("check", str(root), "--no-cache", "--update-baseline")[0] == 0
    (root / "orders" / "returns.py").write_text("def refund():\n    return 1\n",
                                                encoding="utf-8")
    code, output = _invoke("check", str(root), "--no-cache")
    assert code == 0 and "SL405" not in output, output
    (root / "newapp").mkdir()
    (root / "newapp" / "__init__.py").write_text("", encoding="utf-8")
    code, output = _invoke("check", str(root), "--no-cache")
    assert code == 1 and "SL405 unassigned-module: module `newapp` matches no context" in output


def test_a_new_module_in_a_package_no_context_holds_mostly_is_unassigned(
        sample: Path) -> None:
    assert "tradepost.services.*" not in " ".join(
        p for c in load_agreed(sample / "seamline-decomposition.toml").contexts
        for p in c.modules)
    assert _invoke("check", str(sample), "--no-cache", "--update-baseline")[0] == 0
    (sample / "tradepost" / "services" / "refunds.py").write_text("X = 1\n", encoding="utf-8")
    code, output = _invoke("check", str(sample), "--no-cache")
    assert code == 1 and "SL405" in output and "tradepost.services.refunds" in output


def test_contracts_reads_the_committed_decomposition_unless_told_otherwise(
        sample: Path, tmp_path: Path) -> None:
    code, output = _invoke("contracts", str(sample), "--no-cache", "--out",
                           str(tmp_path / "agreed"))
    assert code == 0, output
    assert "for the agreed decomposition" in output and "seamline-decomposition.toml" in output
    code, output = _invoke("contracts", str(sample), "--no-cache", "--proposed", "--out",
                           str(tmp_path / "proposed"))
    assert code == 0 and "for the proposed contexts" in output, output
    code, output = _invoke("contracts", str(sample), "--proposed", "--decomposition",
                           str(sample / "seamline-decomposition.toml"))
    assert code == 2 and "contradict" in output


@pytest.mark.parametrize("spelling", ["--out", "--output"])
def test_check_and_export_write_with_out_and_keep_output_as_a_hidden_alias(
        sample: Path, tmp_path: Path, spelling: str) -> None:
    report = tmp_path / "report.json"
    code, output = _invoke("check", str(sample), "--no-cache", "--format", "json", spelling,
                           str(report))
    assert code == 1 and json.loads(report.read_text(encoding="utf-8"))["failed"]
    code, output = _invoke("export", str(sample), "--to", "tach", "--no-cache", spelling,
                           str(tmp_path / "tach.toml"))
    assert code == 0, output
    assert "[[modules]]" in (tmp_path / "tach.toml").read_text(encoding="utf-8")
    for command in ("check", "export"):
        shown = _invoke(command, "--help")[1]
        assert "--out " in shown and "--output" not in shown


def test_a_check_collects_cycles_seldom_and_leaves_the_collector_as_it_found_it(
        sample: Path) -> None:
    # the models are hundreds of thousands of objects that live for the whole run: check
    # collects cycles every 200,000 allocations while it runs, then puts the setting back,
    # even when the run ends in an error
    import gc

    from analyzer import api
    from analyzer.config import Overrides, load_settings
    from analyzer.errors import ConfigError

    seen: list[tuple[int, int, int]] = []

    class Watch:
        def start(self, stage: str, of: api.Sizes) -> None:
            seen.append(gc.get_threshold())

        def advance(self, stage: str, done: int, total: int) -> None:
            pass

        def finish(self, stage: str, seconds: float, made: api.Sizes) -> None:
            pass

    before = gc.get_threshold()
    settings = load_settings(sample, Overrides(no_cache=True, jobs=1))
    decomposition = sample / "seamline-decomposition.toml"
    api.check(settings, decomposition, sample / "seamline-baseline.json", reporter=Watch())
    assert seen and {t[0] for t in seen} == {200_000}
    assert gc.get_threshold() == before
    decomposition.write_text("version = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        api.check(settings, decomposition, sample / "seamline-baseline.json")
    assert gc.get_threshold() == before


def test_an_infrastructure_context_may_work_on_the_tables_of_what_it_uses(
        tmp_path: Path) -> None:
    root = tmp_path / "shop"
    files = {
        "shop/__init__.py": "",
        "shop/db.py": "import sqlite3\n\n\ndef connect():\n    return sqlite3.connect('x')\n",
        "shop/billing.py": ("from shop.db import connect\n\n\ndef pay(n):\n"
                            "    connect().execute('UPDATE invoices SET paid = 1 WHERE id = ?', "
                            "(n,))\n"),
        "shop/orders.py": ("from shop.db import connect\n\n\ndef close(n):\n"
                           "    connect().execute('UPDATE orders SET done = 1 WHERE id = ?', "
                           "(n,))\n"),
        "shop/tools.py": ("from shop.db import connect\n\n\ndef reset():\n"
                          "    db = connect()\n"
                          "    db.execute('SELECT id FROM invoices')\n"
                          "    db.execute('DELETE FROM invoices')\n"
                          "    db.execute('DELETE FROM kv')\n"
                          "    db.execute('DELETE FROM orders')\n"),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    decomposition = root / "seamline-decomposition.toml"

    def found(infrastructure: bool) -> set[tuple[str, str]]:
        decomposition.write_text(
            'version = 1\n\n[contexts.billing]\nmodules = ["shop.billing"]\n'
            'tables = ["invoices"]\n\n[contexts.orders]\nmodules = ["shop.orders"]\n'
            'tables = ["orders"]\n\n[contexts.base]\nkernel = true\n'
            'modules = ["shop", "shop.db"]\ntables = ["kv"]\n\n[contexts.tools]\n'
            + ("infrastructure = true\n" if infrastructure else "")
            + 'modules = ["shop.tools"]\nuses = ["billing", "orders"]\n', encoding="utf-8")
        code, output = _invoke("check", str(root), "--no-cache", "--format", "json")
        assert code in (0, 1), output
        return {(f["code"], f["subject"]) for f in json.loads(output)["new"]
                if f["code"] in ("SL403", "SL404")}

    every = {("SL403", "shop.tools:reset->invoices"), ("SL404", "shop.tools:reset->invoices"),
             ("SL403", "shop.tools:reset->kv"), ("SL403", "shop.tools:reset->orders")}
    assert found(infrastructure=False) == every
    assert found(infrastructure=True) == set()  # what it uses, and the kernel's
    text = decomposition.read_text(encoding="utf-8")
    decomposition.write_text(text.replace('uses = ["billing", "orders"]', 'uses = ["billing"]'),
                             encoding="utf-8")
    code, output = _invoke("check", str(root), "--no-cache", "--format", "json")
    assert code == 1, output
    written = {(f["code"], f["subject"]) for f in json.loads(output)["new"]
               if f["code"] in ("SL403", "SL404")}
    assert written == {("SL403", "shop.tools:reset->orders")}  # a context it does not use
