"""Runtime traces as a signal, from real traces: the tradepost sample run under OpenTelemetry.

``tests/traces_app.py`` runs the sample's Flask app (test client) and Celery tasks under the
real SDK and its Flask, sqlite3 and Celery instrumentations, and writes OTLP JSON; here the same
spans are converted to Jaeger and Zipkin JSON, and all three must give the same graph.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analyzer import api
from analyzer.cluster import metrics
from analyzer.coupling import CouplingGraph, Edge, dumps_graph, loads_graph
from analyzer.render.html import breakable
from analyzer.traces import USE_CASE_KIND, USE_CASE_PREFIX, read_traces
from analyzer.traces.aggregate import Aggregator, Mapped
from analyzer.traces.formats import Reader, Span
from analyzer.traces.stream import JsonStream
from tests.conftest import REPO, SAMPLES, run

TRADEPOST = SAMPLES / "tradepost"
APP = REPO / "tests" / "traces_app.py"


def record(out: Path, sample: Path = TRADEPOST) -> Path:
    """Run the sample under OpenTelemetry in a fresh process; its OTLP JSON export."""
    done = subprocess.run([sys.executable, str(APP), str(out), str(sample)], cwd=out.parent,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def otlp_spans(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(span, its attributes as a dict) of an OTLP JSON file, one object per line."""
    for line in path.read_text(encoding="utf-8").splitlines():
        for resource in json.loads(line)["resourceSpans"]:
            for scope in resource["scopeSpans"]:
                for span in scope["spans"]:
                    values = {}
                    for attribute in span["attributes"]:
                        [(kind, value)] = attribute["value"].items()
                        values[attribute["key"]] = int(value) if kind == "intValue" else value
                    yield span, values


def to_jaeger(path: Path, out: Path) -> Path:
    """The same spans as Jaeger's UI downloads them: one entry per trace, leading zeros of
    the ids dropped as Jaeger does."""
    traces: dict[str, list[dict[str, Any]]] = {}
    for span, values in otlp_spans(path):
        trace = span["traceId"].lstrip("0")
        item = {
            "traceID": trace, "spanID": span["spanId"].lstrip("0"),
            "operationName": span["name"], "startTime": int(span["startTimeUnixNano"]) // 1000,
            "duration": 1, "processID": "p1", "warnings": None, "logs": [],
            "references": [{"refType": "CHILD_OF", "traceID": trace,
                            "spanID": span["parentSpanId"]}] if "parentSpanId" in span else [],
            "tags": [{"key": k, "type": "int64" if isinstance(v, int) else "string",
                      "value": v} for k, v in sorted(values.items())],
        }
        traces.setdefault(trace, []).append(item)
    data = [{"traceID": trace, "spans": spans, "warnings": None,
             "processes": {"p1": {"serviceName": "tradepost", "tags": []}}}
            for trace, spans in sorted(traces.items(), reverse=True)]
    out.write_text(json.dumps({"data": data, "total": 0, "limit": 0, "offset": 0,
                               "errors": None}, indent=1), encoding="utf-8")
    return out


def to_zipkin(path: Path, out: Path) -> Path:
    """The same spans as Zipkin v2 JSON: a list of spans, tags as strings."""
    spans = []
    for span, values in otlp_spans(path):
        item = {"traceId": span["traceId"], "id": span["spanId"], "name": span["name"],
                "timestamp": int(span["startTimeUnixNano"]) // 1000, "duration": 1,
                "localEndpoint": {"serviceName": "tradepost"},
                "tags": {k: str(v) for k, v in values.items()}}
        if "parentSpanId" in span:
            item["parentId"] = span["parentSpanId"]
        spans.append(item)
    out.write_text(json.dumps(spans[::-1]), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("traces")
    otlp = record(folder / "otlp.json")
    return {"otlp": otlp, "jaeger": to_jaeger(otlp, folder / "jaeger.json"),
            "zipkin": to_zipkin(otlp, folder / "zipkin.json")}


@pytest.fixture(scope="module")
def traced(exports: dict[str, Path]) -> api.Analysis:
    return run(TRADEPOST, traces=(exports["otlp"],))


def runtime_edges(graph: CouplingGraph) -> list[Edge]:
    return [e for e in graph.edges if e.signal == "runtime"]


def test_the_three_formats_give_the_same_edges(exports: dict[str, Path],
                                                traced: api.Analysis) -> None:
    edges = runtime_edges(traced.graph)
    assert len(edges) > 50
    for form in ("jaeger", "zipkin"):
        other = run(TRADEPOST, traces=(exports[form],))
        assert runtime_edges(other.graph) == edges, form
        assert other.runtime is not None and other.runtime.files[0].format.startswith(
            form.capitalize())


def test_spans_map_by_every_convention(traced: api.Analysis) -> None:
    found = {(e.source, e.target, e.kind) for e in runtime_edges(traced.graph)}
    tp = "tradepost."
    # http.route -> the view; code.function.name -> services; code.filepath -> repositories
    assert (tp + "api.orders:create_order", tp + "services.checkout:start_checkout",
            "call") in found
    assert (tp + "services.customer_service:add_address",
            tp + "repositories.customer_repo:insert_address", "call") in found
    # a Celery task's span (run/NAME) -> the task function
    assert (tp + "tasks.shipping_tasks:book_parcel", tp + "services.shipping_service:"
            "create_shipment", "call") in found
    # database spans -> tables, read or written, by the nearest code above them
    assert (tp + "services.order_service:place_order", "table:orders", "write") in found
    assert (tp + "repositories.order_repo:load_order_summary", "table:order_lines",
            "read") in found
    assert traced.runtime is not None
    assert not traced.runtime.totals.unmapped  # every span of the sample maps to its code
    uses = {n.id for n in traced.graph.nodes if n.id.startswith(USE_CASE_PREFIX)}
    assert USE_CASE_PREFIX + "POST /orders" in uses
    assert USE_CASE_PREFIX + "run/tradepost.tasks.payment_tasks.retry_failed_payments" in uses


def test_evidence_names_a_trace_and_a_span(exports: dict[str, Path],
                                           traced: api.Analysis) -> None:
    ids = {span["traceId"]: span["name"] for span, _ in otlp_spans(exports["otlp"])}
    edge = next(e for e in runtime_edges(traced.graph)
                if e.target.endswith("checkout:start_checkout"))
    trace, name = edge.evidence[0]
    assert trace in ids and name == "start_checkout"
    data = json.loads(dumps_graph(traced.graph))
    [written] = [e for e in data["edges"] if e["signal"] == "runtime"
                 and e["target"] == edge.target and e["kind"] == "call"]
    assert written["evidence"][0] == {"trace": trace, "span": name}
    assert loads_graph(dumps_graph(traced.graph), "graph.json") == traced.graph


def test_without_traces_the_graph_is_what_it_was(traced: api.Analysis, tmp_path: Path) -> None:
    plain = run(TRADEPOST)
    assert plain.runtime is None
    written = api.write_analysis(plain, tmp_path / "out")
    assert not [p for p in written.files if 'id="runtime"' in p.read_text(encoding="utf-8")]
    assert "runtime" not in json.loads(written.files[0].read_text(encoding="utf-8"))["contexts"]
    assert "runtime" not in {e.signal for e in plain.graph.edges}
    assert b'"evidence"' not in dumps_graph(plain.graph)
    # the traced graph is the plain one plus the runtime signal, nothing else changed
    added = {n.id for n in traced.graph.nodes} - {n.id for n in plain.graph.nodes}
    assert added and all(a.startswith(USE_CASE_PREFIX) for a in added)
    static = [e for e in traced.graph.edges
              if e.signal != "runtime" and not e.source.startswith(USE_CASE_PREFIX)]
    assert tuple(static) == plain.graph.edges
    assert traced.graph.notes[:len(plain.graph.notes)] == plain.graph.notes


def test_bcp_is_computed_from_the_traces_use_cases(traced: api.Analysis) -> None:
    partition = {p.element: p.context for p in traced.decomposition.placements
                 if p.context not in ("shared-kernel", "unplaced")}
    by_trace: dict[str, list[str]] = {}
    static: dict[str, list[str]] = {}
    for edge in traced.graph.edges:
        if edge.signal == "usecases" and edge.kind == USE_CASE_KIND:
            by_trace.setdefault(edge.source, []).append(edge.target)
        elif edge.signal == "usecases":
            static.setdefault(edge.source, []).append(edge.target)
    assert len(by_trace) >= 20
    expected = metrics.bcp(partition, by_trace)
    assert expected != metrics.bcp(partition, static)
    assert traced.decomposition.scores.bcp == pytest.approx(expected)


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_reading_in_small_chunks_reads_the_same_spans(exports: dict[str, Path],
                                                      chunk: int) -> None:
    def spans(size: int) -> list[Span]:
        with exports["otlp"].open("rb") as handle:
            return list(Reader(JsonStream(handle, "otlp.json", chunk=size)).spans())

    whole = spans(1 << 20)
    assert len(whole) > 200
    assert spans(chunk) == whole


def window_totals(path: Path, window: int) -> tuple[Any, ...]:
    aggregator = Aggregator(lambda span: Mapped(atom=span.name), window=window)
    with path.open("rb") as handle:
        for span in Reader(JsonStream(handle, path.name)).spans():
            aggregator.add(span)
    found = aggregator.finish()
    return ({k: (p.count, p.evidence) for k, p in found.calls.items()},
            {k: (u.traces, dict(u.atoms)) for k, u in found.use_cases.items()},
            found.orphans, found.traces)


def test_a_small_window_finishes_traces_early_and_adds_up_the_same(
        exports: dict[str, Path]) -> None:
    """Memory is bounded by the window: traces that arrive together (Jaeger's export holds
    each trace whole) lose nothing to it."""
    small = window_totals(exports["jaeger"], 30)
    assert small == window_totals(exports["jaeger"], 1_000_000)
    assert small[2] == 0 and small[3] == 28


def test_a_trace_cut_by_the_window_is_counted_not_hidden(exports: dict[str, Path]) -> None:
    """The OTLP export groups spans by instrumentation scope, so a trace's spans are far
    apart: a window too small for that finishes traces early, and says so."""
    calls, _, orphans, traces = window_totals(exports["otlp"], 30)
    whole_calls, _, whole_orphans, whole_traces = window_totals(exports["otlp"], 1_000_000)
    assert (whole_orphans, whole_traces) == (0, 28)
    assert orphans > 0 and traces > whole_traces
    assert sum(p[0] for p in calls.values()) < sum(p[0] for p in whole_calls.values())


def test_memory_is_bounded_by_the_window_however_long_the_export() -> None:
    aggregator = Aggregator(lambda span: Mapped(atom=span.name[:3]), window=100)
    most = 0
    for trace in range(5_000):
        for index in range(8):
            parent = f"{trace:08x}{index - 1:08x}" if index else ""
            aggregator.add(Span(f"{trace:032x}", f"{trace:08x}{index:08x}", parent,
                                f"f{index % 4}{trace % 3}", ()))
            most = max(most, aggregator.held)
    totals = aggregator.finish()
    assert most <= 100 + 8 and aggregator.held == 0
    assert (totals.spans, totals.traces, totals.orphans) == (40_000, 5_000, 0)
    assert sum(p.count for p in totals.calls.values()) == 5_000 * 7
    assert sum(u.traces for u in totals.use_cases.values()) == 5_000


def test_config_traces_are_read_relative_to_the_config(tmp_path: Path,
                                                        exports: dict[str, Path]) -> None:
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root)
    (root / "traces").mkdir()
    shutil.copy(exports["zipkin"], root / "traces" / "zipkin.json")
    (root / "seamline.toml").write_text('traces = ["traces"]\n', encoding="utf-8")
    analysis = run(root)
    assert analysis.runtime is not None
    assert [Path(f.path).name for f in analysis.runtime.files] == ["zipkin.json"]
    assert len(runtime_edges(analysis.graph)) > 50


def test_a_dynamic_dispatch_shows_on_the_context_page(tmp_path: Path) -> None:
    """A call no static reference shows (a task that imports its service by name) is a
    runtime edge with its evidence, and the report's context page shows it."""
    root = tmp_path / "tradepost"
    shutil.copytree(TRADEPOST, root, ignore=shutil.ignore_patterns("__pycache__"))
    from tests.traces_app import DISPATCH

    (root / "tradepost" / "tasks" / "dispatch.py").write_text(DISPATCH, encoding="utf-8")
    otlp = record(tmp_path / "otlp.json", root)
    analysis = run(root, traces=(otlp,))
    source, target = ("tradepost.tasks.dispatch:run_job",
                      "tradepost.services.notification_service:notify_shipped")
    [edge] = [e for e in runtime_edges(analysis.graph)
              if (e.source, e.target, e.kind) == (source, target, "call")]
    assert not [e for e in analysis.graph.edges if e.signal in ("code", "links")
                and (e.source, e.target) == (source, target)]
    [(trace, span)] = edge.evidence
    assert span == "notify_shipped"
    written = api.write_analysis(analysis, tmp_path / "out")
    context = analysis.decomposition.assignment()[target]
    pages = [p for p in written.files if p.name.startswith("context-")]
    [page] = [p for p in pages if f" · {context}</title>" in p.read_text(encoding="utf-8")]
    html = page.read_text(encoding="utf-8")
    row = html[html.index('id="runtime"'):]
    row = row[row.index(f"<code>{breakable(source)}</code>"):]
    row = row[:row.index("</tr>")]
    assert str(breakable(target)) in row and "not in the code" in row
    assert trace in row and span in row


def test_read_traces_counts_what_maps_to_nothing(exports: dict[str, Path]) -> None:
    runtime = read_traces([exports["zipkin"]], lambda span: Mapped())
    assert runtime.totals.spans == sum(1 for _ in otlp_spans(exports["otlp"]))
    assert sum(runtime.totals.unmapped.values()) == runtime.totals.spans
    assert any("map to no code" in note for note in runtime.notes())


@pytest.mark.parametrize("command", ["analyze", "cluster", "contracts"])
def test_the_signal_option_lists_every_signal_runtime_too(command: str) -> None:
    from click.testing import CliRunner

    from analyzer.cli import cli
    from analyzer.coupling import SIGNALS

    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.strip().startswith("--signal")]
    assert f"({', '.join(SIGNALS)})" in line and "runtime" in line
