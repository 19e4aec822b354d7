"""Run the tradepost sample for real under OpenTelemetry and export its spans as OTLP JSON.

    python tests/traces_app.py OUT.json [ROOT]

Run in a process of its own (tests/test_traces.py does), with ROOT (``samples/tradepost`` by
default, or a copy of it) on the path: the sample reads its settings from the environment when
imported. A copy with ``tradepost/tasks/dispatch.py`` also runs its ``run_job`` task.

It serves a scripted set of requests through Flask's test client and runs its Celery tasks in
process (``task.apply``), under the real SDK and its Flask, sqlite3 and Celery instrumentations.
The sample's own functions get a span each from a profiling hook, the way an in-house
instrumentation would: those of ``tradepost.services`` named by ``code.function.name``, the
others by ``code.filepath`` and ``code.lineno``. The card gateway and the mail server are small
local servers in threads. The spans are written as the Collector's file exporter writes them:
one ``{"resourceSpans": [...]}`` object per line, ids in hex.
"""

from __future__ import annotations

import json
import os
import socketserver
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "tradepost"
# a task that finds its service by name at run time: a call no static reference shows
DISPATCH = (
    '"""Jobs named at run time."""\n\n'
    "import importlib\n\n"
    "from tradepost.tasks import celery_app\n\n\n"
    "@celery_app.task\n"
    "def run_job(area, job, *args):\n"
    '    module = importlib.import_module(f"tradepost.services.{area}_service")\n'
    "    return getattr(module, job)(*args)\n"
)


# --------------------------------------------------------------------------- the outside world


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"status": "captured", "reference": "ref-1"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib.send_message."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        in_data = False
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if in_data:
                if line == b".":
                    in_data = False
                    self.wfile.write(b"250 queued\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@contextmanager
def _servers() -> Iterator[tuple[str, str]]:
    gateway = HTTPServer(("127.0.0.1", 0), _Gateway)
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    smtp.daemon_threads = True
    for server in (gateway, smtp):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{gateway.server_address[1]}", f"127.0.0.1:{smtp.server_address[1]}"
    finally:
        gateway.shutdown()
        smtp.shutdown()


# --------------------------------------------------------------------------- OTLP JSON


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [_value(v) for v in value]}}
    return {"stringValue": str(value)}


def otlp_json(spans: Sequence[Any]) -> dict[str, Any]:
    """The SDK's finished spans as one OTLP JSON ``TracesData`` (proto3 JSON: camelCase, ids
    in hex, 64-bit integers as strings)."""
    by_scope: dict[str, list[dict[str, Any]]] = {}
    for span in spans:
        context, parent = span.get_span_context(), span.parent
        item: dict[str, Any] = {
            "traceId": f"{context.trace_id:032x}", "spanId": f"{context.span_id:016x}",
            "name": span.name, "kind": int(span.kind.value) + 1,
            "startTimeUnixNano": str(span.start_time), "endTimeUnixNano": str(span.end_time),
            "attributes": [{"key": k, "value": _value(v)}
                           for k, v in sorted((span.attributes or {}).items())],
            "status": {"code": int(span.status.status_code.value)},
        }
        if parent is not None:
            item["parentSpanId"] = f"{parent.span_id:016x}"
        scope = span.instrumentation_scope.name if span.instrumentation_scope else ""
        by_scope.setdefault(scope, []).append(item)
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name",
                                     "value": {"stringValue": "tradepost"}}]},
        "scopeSpans": [{"scope": {"name": name}, "spans": items}
                       for name, items in sorted(by_scope.items())],
    }]}


# --------------------------------------------------------------------------- the run


def _function_spans(tracer: Any, root: str) -> Any:
    """A profiling hook that gives each call of the sample's own functions a span."""
    from opentelemetry import context as otel_context
    from opentelemetry import trace

    open_spans: dict[int, list[tuple[Any, Any]]] = {}

    def hook(frame: FrameType, event: str, _: Any) -> None:
        code = frame.f_code
        qualname: str = getattr(code, "co_qualname", code.co_name)  # Python 3.11 on
        if not code.co_filename.startswith(root) or code.co_name.startswith("<") \
                or "<locals>" in qualname:
            return
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            attributes: dict[str, str | int]
            if module.startswith("tradepost.services."):
                attributes = {"code.function.name": f"{module}.{qualname}"}
            else:
                attributes = {"code.filepath": code.co_filename,
                              "code.lineno": code.co_firstlineno,
                              "code.function": code.co_name}
            span = tracer.start_span(qualname, attributes=attributes)
            token = otel_context.attach(trace.set_span_in_context(span))
            open_spans.setdefault(id(frame), []).append((span, token))
        elif event == "return":
            held = open_spans.get(id(frame))
            if held:
                span, token = held.pop()
                if not held:
                    del open_spans[id(frame)]
                otel_context.detach(token)
                span.end()

    return hook


def main(out: Path, sample: Path = SAMPLE) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="tradepost-"))
    database = workdir / "tradepost.db"
    with _servers() as (gateway, smtp):
        os.environ.update({
            "TRADEPOST_DATABASE_URL": f"sqlite:///{database}",
            "TRADEPOST_SQLITE_PATH": str(database),
            "TRADEPOST_GATEWAY_URL": gateway,
            "TRADEPOST_SMTP_HOST": smtp,
        })
        sys.path.insert(0, str(sample))
        from opentelemetry import trace
        from opentelemetry.instrumentation.celery import CeleryInstrumentor
        from opentelemetry.instrumentation.flask import FlaskInstrumentor
        from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter,
        )

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        SQLite3Instrumentor().instrument()
        CeleryInstrumentor().instrument()  # type: ignore[no-untyped-call]

        from tradepost.api import create_app
        from tradepost.db import Base, SessionLocal, engine
        from tradepost.models import (
            Category,
            EmailTemplate,
            Product,
            StockLevel,
            Warehouse,
        )
        from tradepost.tasks import email_tasks, payment_tasks, shipping_tasks, stock_tasks

        Base.metadata.create_all(engine)
        with SessionLocal() as session:
            session.add_all([Category(slug="tea", title="Tea"), Warehouse(code="W1", city="Ghent")])
            for number in (1, 2, 3):
                session.add(Product(sku=f"P-{number}", title=f"Tea {number}",
                                    price_cents=250 * number, active=True))
                session.add(StockLevel(sku=f"P-{number}", warehouse_id=1, on_hand=40 // number,
                                       reserved=0))
            for key in ("order-placed", "order-shipped", "receipt"):
                session.add(EmailTemplate(key=key, subject=f"{key} $order", body="Hello $order"))
            session.commit()
        exporter.clear()  # the seeding is no use case

        app = create_app()
        FlaskInstrumentor().instrument_app(app)  # type: ignore[no-untyped-call]
        client = app.test_client()
        tracer = trace.get_tracer("tradepost.functions")
        hook = _function_spans(tracer, str(sample / "tradepost"))
        sys.setprofile(hook)
        threading.setprofile(hook)
        try:
            for number in (1, 2):
                email = f"buyer{number}@example.com"
                client.post("/customers", json={"email": email, "name": f"Buyer {number}"})
                client.post(f"/customers/{number}/addresses",
                            json={"street": "Main 1", "postcode": "9000", "city": "Ghent",
                                  "country": "BE"})
                client.post("/orders", json={"customer_id": number,
                                             "cart": {"P-1": 2, "P-2": 1}})
                client.get(f"/orders/{number}")
                client.get(f"/payments/order/{number}")
                client.get(f"/shipping/orders/{number}/eta")
                client.get("/shipping/quote/BE")
            client.get("/products")
            client.get("/products/P-1")
            client.post("/products/P-3/retire")
            client.get("/stock/P-1")
            client.post("/stock/P-2/restock", json={"warehouse": 1, "quantity": 5})
            client.get("/stock/low")
            client.post("/payments/1/refund", json={"amount": "1.00", "reason": "damaged"})
            client.post("/orders/2/cancel")
            email_tasks.send_order_confirmation.apply(args=("buyer1@example.com", 1))
            email_tasks.send_shipping_update.apply(args=("buyer1@example.com", "TRK-1"))
            payment_tasks.retry_failed_payments.apply()
            shipping_tasks.book_parcel.apply(args=(1,))
            stock_tasks.report_low_stock.apply()
            stock_tasks.import_stock_counts.apply(args=([("P-1", 1, 30)],))
            if (sample / "tradepost" / "tasks" / "dispatch.py").is_file():
                from tradepost.tasks import dispatch

                dispatch.run_job.apply(args=("notification", "notify_shipped",
                                             "buyer2@example.com", "TRK-2"))
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        spans = sorted(exporter.get_finished_spans(),
                       key=lambda s: (s.context.trace_id, s.start_time, s.context.span_id))
    out.write_text(json.dumps(otlp_json(spans)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *(Path(a).resolve() for a in sys.argv[2:3]))
