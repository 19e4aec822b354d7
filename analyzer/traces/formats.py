"""The three trace exports seamline reads, told apart by their shape, as one stream of spans.

* OTLP JSON, as the OpenTelemetry Collector's file exporter writes it: one
  ``{"resourceSpans": [{"scopeSpans": [{"spans": [...]}]}]}`` per line (or one for the file);
* Jaeger's JSON, as its UI or query API downloads it: ``{"data": [{"traceID", "spans",
  "processes"}]}``;
* Zipkin v2 JSON: a list of spans (or, from ``/api/v2/traces``, a list of traces, each a list).

A span that is not what its format says (an id that is no string, attributes of the wrong
shape) is skipped and counted, with the first such problem kept for the diagnostic; a file
that is none of the three is a ``ConfigError`` naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from analyzer.traces.stream import JsonStream

OTLP, JAEGER, ZIPKIN = "OTLP JSON", "Jaeger JSON", "Zipkin v2 JSON"
OTLP_KEY, JAEGER_KEY = "resourceSpans", "data"  # the key of a document of each

# The attributes that say which code a span ran (OpenTelemetry's semantic conventions, the
# current names and the older ones); every other attribute is dropped on reading.
READ_ATTRIBUTES = frozenset({
    "code.function.name", "code.function", "code.namespace",
    "code.file.path", "code.filepath", "code.line.number", "code.lineno",
    "http.route", "http.request.method", "http.method",
    "celery.task_name",
    "db.sql.table", "db.collection.name", "db.statement", "db.query.text",
    "db.operation", "db.operation.name",
})
_MAX_ATTRIBUTE = 4000  # characters of an attribute kept (a statement's text, say)
MAX_TEXT = 200  # characters of a span's name or id kept (shown in notes, evidence, the report)


@dataclass(frozen=True, slots=True)
class Span:
    trace: str
    span: str
    parent: str  # "" for a trace's root
    name: str
    attributes: tuple[tuple[str, str], ...]  # the READ_ATTRIBUTES it has, sorted


@dataclass(slots=True)
class Skipped:
    """Spans of one file that could not be read, and the first reason."""

    count: int = 0
    first: str = ""

    def add(self, reason: str, offset: int) -> None:
        self.count += 1
        if not self.first:
            self.first = f"{reason} (span at character {offset:,})"


class _Bad(Exception):
    """One span is not of its format's shape."""


def _unicode(text: str, what: str) -> str:
    """``text``, if it is text: JSON can escape half of a UTF-16 pair (``"\\ud800"``), which
    Python keeps as a lone surrogate that no UTF-8 file can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _Bad(f"{what} holds a lone surrogate (\\u{ord(text[error.start]):04x}), "
                   "not text") from None
    return text


def printable(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` safe to print and to write: each character that is not printable (control
    characters, newlines, bidirectional overrides) escaped as Python would (``\\x1b``,
    ``\\n``, ``\\u202e``), and at most ``limit`` characters (the last one ``…`` when cut)."""
    head = text[:limit + 1]
    if not head.isprintable():
        head = "".join(char if char.isprintable() else
                       char.encode("unicode_escape").decode("ascii") for char in head)
    return head if len(head) <= limit else head[:limit - 1] + "…"


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{what} is {type(value).__name__}, not a string")
    return _unicode(value, what)


def _id(value: Any, what: str, width: int) -> str:
    """A trace or span id as lowercase hex of its full width (Jaeger drops leading zeros);
    another id as ``printable`` makes it."""
    text = _text(value, what).strip().lower()
    if not text:
        raise _Bad(f"{what} is empty")
    if len(text) <= width and not text.strip("0123456789abcdef"):  # hex
        return text.rjust(width, "0")
    return printable(text)


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)[:_MAX_ATTRIBUTE]
    return None


def _attributes(pairs: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    kept = []
    for key, value in pairs.items():
        if key in READ_ATTRIBUTES:
            text = _scalar(value)
            if text is not None:
                kept.append((key, _unicode(text, f"the attribute '{key}'")))
    return tuple(sorted(kept))


def _otlp_value(value: Any) -> Any:
    """The scalar of an OTLP ``AnyValue`` (``{"stringValue": "x"}``), None for others."""
    if not isinstance(value, dict):
        raise _Bad("an attribute's value is not an object")
    for kind in ("stringValue", "intValue", "boolValue", "doubleValue"):
        if kind in value:
            return value[kind]
    return None


def _keyed(entries: Any, field: str, value: Callable[[Any], Any]) -> dict[str, Any]:
    """OTLP's attributes, Jaeger's tags: a list of objects with a string ``key``; the values
    (read by ``value``) of the keys seamline reads."""
    if not isinstance(entries, list):
        raise _Bad(f"'{field}' is not a list")
    pairs: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise _Bad(f"an entry of '{field}' is not an object with a string 'key'")
        if entry["key"] in READ_ATTRIBUTES:
            pairs[entry["key"]] = value(entry.get("value"))
    return pairs


def _span(item: dict[str, Any], keys: tuple[str, str, str], parent: Any,
          pairs: Mapping[str, Any]) -> Span:
    """A span from its format's keys for the trace id, the span id and the name."""
    trace, span, name = keys
    if isinstance(parent, str) and not parent.strip("0"):  # "0000000000000000": no parent
        parent = ""
    return Span(_id(item.get(trace), f"'{trace}'", 32), _id(item.get(span), f"'{span}'", 16),
                _id(parent, "the parent's id", 16) if parent else "",
                printable(_text(item.get(name, ""), f"'{name}'")), _attributes(pairs))


def _object(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _Bad(f"a span is {type(item).__name__}, not an object")
    return item


def _otlp_span(item: Any) -> Span:
    item = _object(item)
    pairs = _keyed(item.get("attributes", []), "attributes", _otlp_value)
    return _span(item, ("traceId", "spanId", "name"), item.get("parentSpanId"), pairs)


def _jaeger_span(item: Any) -> Span:
    item = _object(item)
    pairs = _keyed(item.get("tags", []), "tags", lambda value: value)
    references = item.get("references") or []
    if not isinstance(references, list):
        raise _Bad("'references' is not a list")
    parent = item.get("parentSpanID")
    for reference in references:
        if not isinstance(reference, dict):
            raise _Bad("a reference is not an object")
        if reference.get("refType", "CHILD_OF") == "CHILD_OF":
            parent = reference.get("spanID")
            break
    return _span(item, ("traceID", "spanID", "operationName"), parent, pairs)


def _zipkin_span(item: Any) -> Span:
    item = _object(item)
    tags = item.get("tags") or {}
    if not isinstance(tags, dict):
        raise _Bad("'tags' is not an object")
    return _span(item, ("traceId", "id", "name"), item.get("parentId"), tags)


class Reader:
    """The spans of one export, whatever its format (``format`` once the first key is read)."""

    def __init__(self, stream: JsonStream) -> None:
        self.stream = stream
        self.format = ""
        self.skipped = Skipped()

    def _span(self, read: Any) -> Iterator[Span]:
        offset = self.stream.offset
        item = self.stream.value()
        try:
            yield read(item)
        except _Bad as bad:
            self.skipped.add(str(bad), offset)

    def _list(self, what: str) -> None:
        if self.stream.peek() != "[":
            raise self.stream.error(f"{what} must be a list")

    def _object(self, what: str) -> None:
        if self.stream.peek() != "{":
            raise self.stream.error(f"{what} must be an object")

    def spans(self) -> Iterator[Span]:
        stream = self.stream
        first = stream.peek()
        if not first:
            raise stream.error("empty file: not an OTLP JSON, Jaeger or Zipkin trace export")
        if first == "[":
            self.format = ZIPKIN
            yield from self._zipkin()
        elif first == "{":
            while stream.peek() == "{":  # the Collector writes one object per line
                yield from self._document()
            if stream.peek():
                raise stream.error("expected another object or the end of the file")
        else:
            raise stream.error("not an OTLP JSON, Jaeger or Zipkin trace export (it is not "
                               "a JSON object or list)")

    def _document(self) -> Iterator[Span]:
        stream = self.stream
        recognised = False
        for key in stream.members():
            if key == OTLP_KEY and self.format in ("", OTLP):
                self.format, recognised = OTLP, True
                yield from self._otlp()
            elif key == JAEGER_KEY and self.format in ("", JAEGER):
                self._list("Jaeger's 'data'")
                self.format, recognised = JAEGER, True
                yield from self._jaeger()
            elif not recognised and (key, self.format) in ((OTLP_KEY, JAEGER), (JAEGER_KEY, OTLP)):
                found = OTLP if key == OTLP_KEY else JAEGER
                raise stream.error(f"the file mixes formats: an object of {found} ('{key}') "
                                   f"after {self.format}; export one format per file")
            else:
                stream.skip()
        if not recognised:
            raise stream.error("not an OTLP JSON, Jaeger or Zipkin trace export: an object "
                               "without 'resourceSpans' (OTLP) or 'data' (Jaeger)")

    def _only(self, what: str, *wanted: str) -> Iterator[str]:
        """The keys among ``wanted`` of the object ``what`` that comes next (the caller reads
        their values); the values of the others are skipped."""
        self._object(what)
        for key in self.stream.members():
            if key in wanted:
                yield key
            else:
                self.stream.skip()

    def _spans(self, read: Any) -> Iterator[Span]:
        self._list("'spans'")
        for _ in self.stream.elements():
            yield from self._span(read)

    def _otlp(self) -> Iterator[Span]:
        stream = self.stream
        self._list("'resourceSpans'")
        for _ in stream.elements():
            for key in self._only("each of 'resourceSpans'", "scopeSpans",
                                  "instrumentationLibrarySpans"):
                self._list(f"'{key}'")
                for _ in stream.elements():
                    for _ in self._only(f"each of '{key}'", "spans"):
                        yield from self._spans(_otlp_span)

    def _jaeger(self) -> Iterator[Span]:
        for _ in self.stream.elements():
            for _ in self._only("each trace of 'data'", "spans"):
                yield from self._spans(_jaeger_span)

    def _zipkin(self) -> Iterator[Span]:
        stream = self.stream
        for _ in stream.elements():
            if stream.peek() == "[":  # /api/v2/traces: a list of traces
                for _ in stream.elements():
                    yield from self._span(_zipkin_span)
            else:
                yield from self._span(_zipkin_span)
        if stream.peek():
            raise stream.error("expected the end of the file after the list of spans")
