"""How fast does seamline read a large trace export, and does its memory stay flat?

Generates OTLP JSON exports (the Collector's file exporter: one ``{"resourceSpans": [...]}``
batch per line) of the given sizes into the git-ignored ``.corpus/traces/``, spans of the
tradepost sample's code (its functions by ``code.function.name``, its views by
``http.route``, its SQL by ``db.statement``), ten spans to a trace, a trace's spans in one
batch. Then, for each file, a fresh process analyses tradepost's code (no clustering) and
reads the export with ``analyzer.traces.read_traces`` and the real span-to-code mapping, and
prints the wall time of the reading, the spans per second, and the process's peak resident
memory (``getrusage``) before and after the reading: flat memory is the same peak for a small
export and a large one.

    .venv/bin/python benchmarks/trace_stream.py                     # 100 MB and 1 GB
    .venv/bin/python benchmarks/trace_stream.py --sizes 50,200 --keep
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / ".corpus" / "traces"
TRADEPOST = REPO / "samples" / "tradepost"

# (span name, attributes): what one request of the sample does, root first; each span the
# child of the one before it unless it is a database span (then of the last function)
REQUEST = [
    ("POST /orders", {"http.route": "/orders", "http.method": "POST"}),
    ("start_checkout", {"code.function.name": "tradepost.services.checkout.start_checkout"}),
    ("place_order", {"code.function.name": "tradepost.services.order_service.place_order"}),
    ("INSERT", {"db.statement": "INSERT INTO orders (customer_id, status) VALUES (?, ?)"}),
    ("price_for", {"code.function.name": "tradepost.services.catalog_service.price_for"}),
    ("find_by_sku", {"code.function.name":
                     "tradepost.repositories.product_repo.find_by_sku"}),
    ("SELECT", {"db.statement": "SELECT id, sku, price_cents FROM products WHERE sku = ?"}),
    ("charge_order", {"code.function.name": "tradepost.services.payment_service.charge_order"}),
    ("mark_paid", {"code.function.name": "tradepost.services.order_service.mark_paid"}),
    ("UPDATE", {"db.statement": "UPDATE orders SET status = ? WHERE id = ?"}),
]


def _attributes(values: dict[str, str]) -> str:
    return json.dumps([{"key": k, "value": {"stringValue": v}} for k, v in values.items()])


def generate(path: Path, megabytes: int, per_batch: int = 50) -> int:
    """Write about ``megabytes`` MB of OTLP JSON lines; the number of spans."""
    attributes = [_attributes(values) for _, values in REQUEST]
    target = megabytes * 1_000_000
    written = spans = trace = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            items = []
            for _ in range(per_batch):
                trace += 1
                trace_id = f"{trace:032x}"
                parent = ""
                for index, (name, _) in enumerate(REQUEST):
                    span_id = f"{trace * 16 + index:016x}"
                    item = (f'{{"traceId":"{trace_id}","spanId":"{span_id}",'
                            + (f'"parentSpanId":"{parent}",' if parent else "")
                            + f'"name":"{name}","kind":1,"startTimeUnixNano":"{trace}000",'
                            f'"endTimeUnixNano":"{trace}999","attributes":{attributes[index]},'
                            '"status":{}}')
                    items.append(item)
                    if not name.isupper():  # database spans have no children
                        parent = span_id
                spans += len(REQUEST)
            line = ('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",'
                    '"value":{"stringValue":"tradepost"}}]},"scopeSpans":[{"scope":'
                    '{"name":"bench"},"spans":[' + ",".join(items) + "]}]}]}\n")
            out.write(line)
            written += len(line)
    return spans


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read(path: Path) -> dict[str, float]:
    """In this process: tradepost's models, then the export read and mapped."""
    from analyzer import api
    from analyzer.config import Overrides, load_settings
    from analyzer.graph import HistoryOptions, build_graph
    from analyzer.traces import read_traces
    from analyzer.traces.mapping import Mapper

    settings = load_settings(TRADEPOST, Overrides(no_cache=True, jobs=1))
    models = api.models(settings)
    built = build_graph(settings.project, models.codebase, models.data,
                        settings.root, HistoryOptions(max_commits=0))
    atoms = {n.id for n in built.graph.nodes if n.is_element}
    mapper = Mapper(models.code, built.entry_points, built.element_of, atoms,
                    (t.name for t in models.data.tables),
                    lambda p: (settings.root / p).read_text(encoding="utf-8"))
    before = _peak_mb()
    started = time.perf_counter()
    runtime = read_traces([path], mapper)
    seconds = time.perf_counter() - started
    assert not runtime.totals.unmapped, runtime.totals.unmapped
    return {"spans": runtime.totals.spans, "traces": runtime.totals.traces,
            "pairs": len(runtime.totals.calls), "seconds": seconds,
            "peak_before_mb": before, "peak_after_mb": _peak_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1024", help="export sizes in MB")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.read is not None:
        print(json.dumps(read(args.read)))
        return 0
    print(f"{'export':>10} {'spans':>11} {'read s':>8} {'spans/s':>10} "
          f"{'peak MB before':>15} {'peak MB after':>14}")
    for size in (int(s) for s in args.sizes.split(",")):
        path = FOLDER / f"otlp-{size}mb.jsonl"
        if not path.is_file():
            generate(path, size)
        done = subprocess.run([sys.executable, __file__, "--read", str(path)],
                              capture_output=True, text=True, check=True, cwd=REPO)
        found = json.loads(done.stdout.strip().splitlines()[-1])
        megabytes = path.stat().st_size / 1_000_000
        print(f"{megabytes:>8.0f}MB {found['spans']:>11,.0f} {found['seconds']:>8.1f} "
              f"{found['spans'] / found['seconds']:>10,.0f} {found['peak_before_mb']:>15.0f} "
              f"{found['peak_after_mb']:>14.0f}")
        if not args.keep:
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
