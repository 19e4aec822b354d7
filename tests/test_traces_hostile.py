"""Hostile trace files: exit 2 with the file named, or a diagnostic, never a traceback."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cli import cli
from analyzer.errors import ConfigError
from analyzer.traces import read_traces, stream
from analyzer.traces.aggregate import Mapped
from tests.conftest import Tree

APP: Tree = {"app/__init__.py": "", "app/core.py": "def run():\n    return 1\n"}
SPAN = {"traceId": "a" * 32, "spanId": "b" * 16, "name": "run",
        "attributes": [{"key": "code.function.name", "value": {"stringValue": "app.core.run"}}]}


def otlp(*spans: Any) -> str:
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": list(spans)}]}]})


def analyze(project: Callable[[Tree], Path], tmp_path: Path, content: str | bytes,
            name: str = "hostile.json") -> tuple[int, str, str]:
    root = project(APP)
    trace = tmp_path / name
    if isinstance(content, bytes):
        trace.write_bytes(content)
    else:
        trace.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(tmp_path / "out"),
                                      "--no-cache", "-j", "1", "--traces", str(trace)])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


FATAL = {
    "truncated": otlp(SPAN)[:60],
    "not JSON": "hello, traces",
    "no trace export": json.dumps({"spans": []}),
    "a number": "42",
    "resourceSpans not a list": json.dumps({"resourceSpans": 5}),
    "scopeSpans not a list": json.dumps({"resourceSpans": [{"scopeSpans": {}}]}),
    "spans not a list": json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": "x"}]}]}),
    "Jaeger data not a list": json.dumps({"data": {"traceID": "a"}}),
    "garbage after the export": otlp(SPAN) + " trailing",
    "empty": "",
    "a missing comma": '[{"traceId": "a", "id": "b"} {"traceId": "a", "id": "c"}]',
    "deep list": "[" * 100_000,
    "deep object in a skipped key": '{"resourceSpans": [], "x": ' + '{"a": ' * 50_000 + "1"
                                    + "}" * 50_000 + "}",
    "deep value in a span": '[{"traceId": "a", "id": "b", "tags": ' + "[" * 50_000 + "]"
                            * 50_000 + "}]",
}


@pytest.mark.parametrize("case", sorted(FATAL))
def test_a_file_that_is_no_trace_export_is_exit_2_naming_it(
        project: Callable[[Tree], Path], tmp_path: Path, case: str) -> None:
    code, _, err = analyze(project, tmp_path, FATAL[case])
    assert code == 2, err
    assert "hostile.json: " in err.strip().splitlines()[-1]  # one line, the file first


def test_bytes_that_are_not_utf8_are_exit_2(project: Callable[[Tree], Path],
                                             tmp_path: Path) -> None:
    code, _, err = analyze(project, tmp_path, b'[{"traceId": "\xff\xfe"}]')
    assert code == 2 and "hostile.json" in err and "UTF-8" in err


def test_one_huge_value_is_refused_not_read_whole(project: Callable[[Tree], Path],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "MAX_VALUE", 10_000)
    monkeypatch.setattr(stream, "CHUNK", 1_000)
    huge = otlp(SPAN | {"name": "x" * 50_000})
    code, _, err = analyze(project, tmp_path, huge)
    assert code == 2 and "hostile.json" in err and "larger than" in err


def test_spans_of_the_wrong_types_are_skipped_with_a_diagnostic(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    bad = [5, SPAN | {"traceId": 7}, SPAN | {"attributes": "x"},
           SPAN | {"attributes": [{"key": 1}]}, SPAN | {"spanId": ""}]
    code, _, err = analyze(project, tmp_path, otlp(*bad, SPAN))
    assert code == 0, err
    assert "hostile.json:0: warning: 5 spans of this OTLP JSON export could not be read" in err
    assert "a span is int, not an object (span at character" in err
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert any("1 span in 1 trace" in note for note in graph["notes"])
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert [d["code"] for d in analysis["diagnostics"]] == ["trace-span"]


def test_a_parent_id_of_zeros_is_a_root(project: Callable[[Tree], Path], tmp_path: Path) -> None:
    code, _, err = analyze(project, tmp_path, otlp(SPAN | {"parentSpanId": "0" * 16}))
    assert code == 0, err
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert "usecase:trace:run" in {n["id"] for n in graph["nodes"]}
    assert not any("whose parent" in note for note in graph["notes"])


def test_a_wrong_typed_attribute_value_is_dropped(project: Callable[[Tree], Path],
                                                  tmp_path: Path) -> None:
    span = SPAN | {"attributes": [{"key": "code.function.name",
                                   "value": {"stringValue": {"nested": True}}}]}
    code, _, err = analyze(project, tmp_path, otlp(span))
    assert code == 0, err
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert any("map to no code: run (1)" in note for note in graph["notes"])


def test_a_gzipped_export_is_read_and_a_cut_one_is_exit_2(project: Callable[[Tree], Path],
                                                          tmp_path: Path) -> None:
    packed = gzip.compress(otlp(SPAN).encode())
    code, out, err = analyze(project, tmp_path, packed, "spans.json.gz")
    assert code == 0, err
    assert "1 span in 1 trace read from 1 file (OTLP JSON)" in out
    code, _, err = analyze(project, tmp_path, packed[:-12], "cut.json.gz")
    assert code == 2 and "cut.json.gz: cannot read trace file" in err


def test_missing_files_and_empty_folders_are_exit_2(project: Callable[[Tree], Path],
                                                    tmp_path: Path) -> None:
    root = project(APP)
    (tmp_path / "empty").mkdir()
    for name in ("nowhere.json", "empty"):
        result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(tmp_path / "o"),
                                          "--traces", str(tmp_path / name)])
        assert result.exit_code == 2 and name in result.stderr, result.stderr


def test_a_bad_config_entry_names_the_key(project: Callable[[Tree], Path]) -> None:
    root = project(APP | {"seamline.toml": 'traces = "one.json"\n'})
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(root / "o")])
    assert result.exit_code == 2 and "traces must be a list" in result.stderr
    (root / "seamline.toml").write_text('traces = ["gone.json"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(root / "o")])
    assert result.exit_code == 2 and "traces: trace file not found" in result.stderr
    assert "gone.json" in result.stderr


def test_the_real_command_prints_no_traceback(project: Callable[[Tree], Path],
                                              tmp_path: Path) -> None:
    root = project(APP)
    trace = tmp_path / "deep.json"
    trace.write_text('{"data": [' + "[" * 200_000, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(root), "--out",
                           str(tmp_path / "out"), "--no-cache", "--traces", str(trace)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "deep.json" in done.stderr


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["resourceSpans", "scopeSpans", "spans", "data", "traceId", "spanId",
                         "parentSpanId", "id", "traceID", "spanID", "name", "attributes",
                         "tags", "references", "key", "value", "stringValue"]), inner,
        max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=JSON, cut=st.integers(min_value=0, max_value=400))
def test_any_json_or_any_cut_of_it_reads_or_is_a_config_error(document: Any,
                                                              cut: int) -> None:
    import tempfile

    text = json.dumps(document)
    with tempfile.TemporaryDirectory() as folder:
        for content in (text, text[:cut]):
            path = Path(folder) / "t.json"
            path.write_text(content, encoding="utf-8")
            try:
                read_traces([path], lambda span: Mapped(atom=span.name))
            except ConfigError as error:
                assert error.source is not None and error.source.endswith("t.json")


SHOP: Tree = {
    "shop/__init__.py": "",
    "shop/api.py": '''
        from fastapi import APIRouter

        from shop import billing, stock

        router = APIRouter(prefix="/orders")


        @router.get("/{order_id}")
        def show(order_id):
            return billing.invoice(order_id)


        @router.post(
            "",
        )
        def create():
            return stock.reserve()
        ''',
    "shop/billing.py": '''
        from shop.worker import app


        def invoice(order_id):
            return order_id


        @app.task(name="billing.charge", bind=True)
        def charge(self, order_id):
            return order_id


        class Ledger:
            def post(self, db):
                return db.execute("SELECT total FROM ledger")
        ''',
    "shop/stock.py": "def reserve():\n    return 1\n\n\ndef restock_everything(db):\n"
                     "    db.execute('UPDATE stock_levels SET n = 9')\n",
    "shop/worker.py": "app = object()\n",
}


def test_each_convention_maps_a_span_to_its_code(project: Callable[[Tree], Path],
                                                 tmp_path: Path) -> None:
    """Spans written by hand, one per convention: the route under its router's prefix, the
    task by the name= of its decorator, a bare name that one definition has, an old-style
    namespace and function, a path and line, database spans by table and by collection."""
    def span(number: int, parent: int, name: str, **attributes: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "traceId": ("c" if number < 8 else "d") * 32, "spanId": f"{number:016x}", "name": name,
            "attributes": [{"key": k.replace("_", "."), "value": {"stringValue": v}}
                           for k, v in attributes.items()]}
        if parent:
            item["parentSpanId"] = f"{parent:016x}"
        return item

    root = project(SHOP)
    spans = [
        span(1, 0, "GET /orders/{order_id}", http_route="/orders/{order_id}", http_method="GET"),
        span(2, 1, "invoice", code_function="invoice"),
        span(3, 2, "run/billing.charge", celery_task_name="billing.charge"),
        span(4, 3, "Ledger.post", code_namespace="shop.billing.Ledger", code_function="post"),
        span(5, 4, "restock", code_filepath="/srv/app/shop/stock.py", code_lineno="6"),
        span(6, 5, "UPDATE stock", db_sql_table="stock_levels", db_operation="UPDATE"),
        span(7, 4, "find", db_collection_name="ledger", db_operation_name="find"),
        span(8, 0, "POST /orders", http_route="/orders", http_request_method="POST"),
        span(9, 8, "health check"),
    ]
    trace = tmp_path / "spans.json"
    trace.write_text(otlp(*spans), encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(tmp_path / "out"),
                                      "--no-cache", "-j", "1", "--traces", str(trace)])
    assert result.exit_code == 0, result.stderr
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    found = {(e["source"], e["target"], e["kind"]) for e in graph["edges"]
             if e["signal"] == "runtime"}
    assert found == {
        ("shop.api:show", "shop.billing:invoice", "call"),
        ("shop.billing:invoice", "shop.billing:charge", "call"),
        ("shop.billing:charge", "shop.billing:Ledger", "call"),
        ("shop.billing:Ledger", "shop.stock:restock_everything", "call"),
        ("shop.stock:restock_everything", "table:stock_levels", "write"),
        ("shop.billing:Ledger", "table:ledger", "read"),
    }
    uses = {n["id"] for n in graph["nodes"] if n["kind"] == "usecase"}
    assert {"usecase:trace:GET /orders/{order_id}", "usecase:trace:POST /orders"} <= uses
    assert any(note.endswith("map to no code: health check (1)") for note in graph["notes"])
    create = [e for e in graph["edges"] if e["source"] == "usecase:trace:POST /orders"]
    assert [e["target"] for e in create] == ["shop.api:create"]


def attribute(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": value}}


def test_a_number_too_long_to_convert_is_exit_2_even_where_skipped(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """Python refuses to convert an integer of more than 4,300 digits (a ValueError that is
    no JSONDecodeError); in a skipped key as in a span, it is exit 2 naming the file."""
    digits = "9" * 5000
    for content in (otlp(SPAN)[:-1] + f', "x": [{digits}]}}',
                    '[{"traceId": "a", "id": "b", "duration": ' + digits + "}]"):
        code, _, err = analyze(project, tmp_path, content)
        assert code == 2, err
        last = err.strip().splitlines()[-1]
        assert "hostile.json: " in last and "number" in last and "at character" in last


def test_a_line_number_of_other_digits_is_no_line(project: Callable[[Tree], Path],
                                                   tmp_path: Path) -> None:
    """'²' and '٣' are digits to str.isdigit() and not to int(): the line is unknown."""
    for line in ("²", "٣", "9" * 4000):
        span = SPAN | {"attributes": [attribute("code.filepath", "/srv/app/core.py"),
                                      attribute("code.lineno", line)]}
        code, _, err = analyze(project, tmp_path, otlp(span))
        assert code == 0, err


def test_a_lone_surrogate_skips_its_span_with_a_diagnostic(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """JSON can escape half a UTF-16 pair ("\\ud800"), which is no text: UTF-8 cannot write it
    into graph.json. Its span is skipped and said to be, whatever field holds it."""
    bad: list[dict[str, Any]] = [{"name": "\ud800"}, {"spanId": "\udfff"}, {"traceId": "x\ud800"},
           {"attributes": [attribute("code.function.name", "app.core.run\ud800")]}]
    spans = [SPAN | {"traceId": f"{n:032x}"} | fields for n, fields in enumerate(bad, 1)]
    code, _, err = analyze(project, tmp_path, otlp(*spans, SPAN))  # json.dumps escapes them
    assert code == 0, err
    assert "4 spans of this OTLP JSON export could not be read" in err
    assert "lone surrogate" in err
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    assert any("1 span in 1 trace" in note for note in graph["notes"])


def test_control_characters_of_a_trace_reach_neither_the_terminal_nor_the_report(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """A span name or trace id that sets the terminal's title and colours and forges a line
    of output is shown escaped: in the notes printed, graph.json and the report."""
    forged = "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\nFAKE: wrote /etc/passwd\u202e"
    spans = [{"traceId": "c" * 32, "spanId": "1" * 16, "name": forged},
             SPAN | {"traceId": "\x1b[31m" + "e" * 40, "name": forged + "2"}]
    code, out, err = analyze(project, tmp_path, otlp(*spans))
    assert code == 0, err
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert not any(line.startswith("FAKE:") for line in (out + err).splitlines())
    assert "\\x1b]0;pwned\\x07\\x1b[31mRED\\x1b[0m\\nFAKE: wrote /etc/passwd\\u202e (1)" in out
    for name in ("graph.json", "analysis.json", "index.html"):
        written = (tmp_path / "out" / name).read_bytes()
        assert b"\x1b" not in written and b"\\u001b" not in written, name
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    evidence = [item for e in graph["edges"] if e["signal"] == "usecases"
                for item in e["evidence"]]
    assert {"trace": "\\x1b[31m" + "e" * 40, "span": "\\x1b]0;pwned\\x07\\x1b[31mRED\\x1b[0m"
            "\\nFAKE: wrote /etc/passwd\\u202e2"} in evidence


STORE: Tree = {
    "store/__init__.py": "",
    "store/orders.py": '''
        def place(db):
            db.execute("INSERT INTO orders (id) VALUES (1)")


        def show(db):
            return db.execute("SELECT id FROM orders")
        ''',
    "store/users.py": '''
        def signup(db):
            db.execute("INSERT INTO users (id) VALUES (1)")


        def login(db):
            return db.execute("SELECT id FROM users")
        ''',
}


def store_spans(tables: list[dict[str, str]]) -> str:
    """A trace per function of STORE, each with a database span under it; then one trace
    per entry of ``tables`` (its attributes), under ``store.orders.place``."""
    spans: list[dict[str, Any]] = []
    runs = ["store.orders.place", "store.orders.show", "store.users.signup",
            "store.users.login"]
    for number, function in enumerate(runs, 1):
        spans.append({"traceId": f"{number:032x}", "spanId": f"{number:016x}",
                      "name": function, "attributes": [attribute("code.function.name",
                                                                  function)]})
        spans.append({"traceId": f"{number:032x}", "spanId": f"{number + 100:016x}",
                      "parentSpanId": f"{number:016x}", "name": "db",
                      "attributes": [attribute("db.sql.table", function.split(".")[1])]})
    for number, fields in enumerate(tables, 10):
        spans.append({"traceId": f"{number:032x}", "spanId": f"{number:016x}", "name": "place",
                      "attributes": [attribute("code.function.name", "store.orders.place")]})
        spans.append({"traceId": f"{number:032x}", "spanId": f"{number + 100:016x}",
                      "parentSpanId": f"{number:016x}", "name": "db",
                      "attributes": [attribute(k, v) for k, v in fields.items()]})
    return otlp(*spans)


def store_run(project: Callable[[Tree], Path], tmp_path: Path,
              tables: list[dict[str, str]]) -> tuple[dict[str, Any], dict[str, Any], str]:
    root = project(STORE)
    trace = tmp_path / "store.json"
    trace.write_text(store_spans(tables), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(out), "--no-cache",
                                      "-j", "1", "--traces", str(trace)])
    assert result.exit_code == 0, result.stderr
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    return graph, analysis, result.stdout


def test_tables_seen_only_in_traces_are_reported_not_owned(project: Callable[[Tree], Path],
                                                           tmp_path: Path) -> None:
    """The database's catalog never becomes a table; a table the code does not know is
    counted in the notes, never a node a context could own or be named after: a hostile
    trace cannot change the cut."""
    graph, analysis, _ = store_run(project, tmp_path, [])
    contexts = sorted((c["name"], tuple(c["tables"])) for c in analysis["contexts"]["contexts"])
    assert {t for _, tables in contexts for t in tables} == {"orders", "users"}
    hostile = [{"db.statement": "SELECT name FROM sqlite_master WHERE type = 'table'"},
               {"db.statement": "SELECT oid FROM pg_catalog.pg_type"},
               {"db.sql.table": "information_schema.columns"},
               {"db.sql.table": "alembic_version", "db.operation": "UPDATE"},
               *[{"db.sql.table": "evil<script>x</script>", "db.operation": "INSERT"}] * 3,
               {"db.sql.table": "orders", "db.operation": "INSERT"}]
    graph, analysis, out = store_run(project, tmp_path, hostile)
    assert sorted((c["name"], tuple(c["tables"]))
                  for c in analysis["contexts"]["contexts"]) == contexts
    tables = {n["id"] for n in graph["nodes"] if n["kind"] == "table"}
    assert tables == {"table:orders", "table:users"}
    writes = [e for e in graph["edges"] if e["signal"] == "runtime" and e["kind"] == "write"]
    assert [(e["source"], e["target"], e["count"]) for e in writes] == [
        ("store.orders:place", "table:orders", 1)]
    assert ("runtime traces: 3 database spans name 1 table the code does not use, left out: "
            "evil<script>x</script> (3)") in out
    assert ("runtime traces: 4 database spans read the database's catalog or a framework's "
            "own tables, left out: alembic_version (1), information_schema.columns (1), "
            "pg_catalog.pg_type (1), sqlite_master (1)") in out
    assert "map to no code" not in out


def test_a_value_a_little_larger_than_the_limit_is_refused(
        project: Callable[[Tree], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit holds after the read that doubles what is held, not only before it: a value
    of 1.5 times the limit is refused, one just under it is read."""
    monkeypatch.setattr(stream, "MAX_VALUE", 10_000)
    monkeypatch.setattr(stream, "CHUNK", 1_000)
    code, _, err = analyze(project, tmp_path, otlp(SPAN | {"name": "x" * 15_000}))
    assert code == 2 and "hostile.json" in err and "larger than" in err
    code, _, err = analyze(project, tmp_path, otlp(SPAN | {"name": "x" * 9_000}))
    assert code == 0, err


def test_long_names_and_ids_are_kept_short(project: Callable[[Tree], Path],
                                           tmp_path: Path) -> None:
    """A span's name and an id that is not hex are kept to 200 characters, the last '…'."""
    span = {"traceId": "t" * 100_000, "spanId": "1" * 16, "name": "n" * 1_000_000}
    code, out, err = analyze(project, tmp_path, otlp(span))
    assert code == 0, err
    assert f"map to no code: {'n' * 199}… (1)" in out
    graph = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))
    [use] = [n["id"] for n in graph["nodes"] if n["kind"] == "usecase"]
    assert use == "usecase:trace:" + "n" * 199 + "…"
    assert (tmp_path / "out" / "graph.json").stat().st_size < 100_000
    assert (tmp_path / "out" / "index.html").stat().st_size < 1_000_000


def test_a_file_named_twice_is_read_once(project: Callable[[Tree], Path],
                                         tmp_path: Path) -> None:
    root = project(APP)
    folder = tmp_path / "dup"
    (folder / "deeper").mkdir(parents=True)
    (folder / "benign.json").write_text(otlp(SPAN), encoding="utf-8")
    (folder / "deeper" / "more.json").write_text(otlp(SPAN | {"traceId": "c" * 32}),
                                                  encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "analyze", str(root), "--out", str(tmp_path / "out"), "--no-cache", "-j", "1",
        "--traces", str(folder), "--traces", str(folder / "benign.json"),
        "--traces", str(folder / "deeper" / ".." / "benign.json")])
    assert result.exit_code == 0, result.stderr
    assert "2 spans in 2 traces read from 2 files (OTLP JSON)" in result.stdout


def test_a_file_that_mixes_otlp_and_jaeger_says_so(project: Callable[[Tree], Path],
                                                     tmp_path: Path) -> None:
    jaeger = json.dumps({"data": [{"traceID": "a", "spans": []}]})
    for content, first, then in ((otlp(SPAN) + "\n" + jaeger, "OTLP JSON", "Jaeger JSON"),
                                 (jaeger + "\n" + otlp(SPAN), "Jaeger JSON", "OTLP JSON")):
        code, _, err = analyze(project, tmp_path, content)
        assert code == 2, err
        last = err.strip().splitlines()[-1]
        assert f"hostile.json: the file mixes formats: an object of {then}" in last
        assert f"after {first}" in last


def test_traces_that_map_to_nothing_are_said_on_every_context_page(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """With --traces, each context page says what the traces showed of it, nothing too;
    without, the report is byte for byte what it was (no runtime section, no 'runtime' key)."""
    nothing = {"traceId": "c" * 32, "spanId": "1" * 16, "name": "health check"}
    code, _, err = analyze(project, tmp_path, otlp(nothing))
    assert code == 0, err
    out = tmp_path / "out"
    pages = sorted(out.glob("context-*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'id="runtime"' in html and "The traces show none of its code." in html
    analysis = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["contexts"]["runtime"] == []
    root = project(APP)
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(tmp_path / "plain"),
                                      "--no-cache", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    for page in sorted((tmp_path / "plain").glob("context-*.html")):
        assert 'id="runtime"' not in page.read_text(encoding="utf-8")
    analysis = json.loads((tmp_path / "plain" / "analysis.json").read_text(encoding="utf-8"))
    assert "runtime" not in analysis["contexts"]


def test_a_trace_file_named_with_control_characters_is_named_escaped(
        project: Callable[[Tree], Path], tmp_path: Path) -> None:
    """A folder of traces may hold a file whose name sets the terminal's colours."""
    root = project(APP)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a\x1b[31m\nFAKE.json").write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(root), "--out", str(tmp_path / "out"),
                                      "--no-cache", "-j", "1", "--traces", str(folder)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "a\\x1b[31m\\nFAKE.json: not an OTLP JSON" in \
        result.stderr
