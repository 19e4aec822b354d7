"""Runtime traces as one more signal: OpenTelemetry (OTLP JSON), Jaeger and Zipkin exports.

``read_traces`` streams each file (``stream``), reads its spans whatever the format
(``formats``), maps each span to the code it ran (``mapping``) and adds them up per pair of
code (``aggregate``); ``with_runtime`` turns the sums into the coupling graph's ``runtime``
edges, with their evidence, and each trace's root into a use case. Without traces none of this
runs, and the graph is what the static analysis made.
"""

from __future__ import annotations

import gzip
import math
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from analyzer.coupling import CouplingGraph, Edge, Node
from analyzer.data import is_catalog_table
from analyzer.errors import ConfigError, UsageError
from analyzer.model import Diagnostic, Severity
from analyzer.text import count, printable_path
from analyzer.traces.aggregate import Aggregator, Mapped, Totals
from analyzer.traces.formats import Reader, Span, printable
from analyzer.traces.stream import JsonStream

SIGNAL = "runtime"
NOTE = "runtime traces: "  # how each of their notes in the graph begins
USE_CASE_PREFIX = "usecase:trace:"
USE_CASE_KIND = "trace"  # a trace root: a use case of the usecases signal, of this kind
TRACE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_MODE_WEIGHT = {"write": 1.0, "read": 0.5}
_SHOWN = 10  # names shown in a note
_PATH = 4096  # characters of a trace file's path shown (PATH_MAX)


@dataclass(frozen=True, slots=True)
class TraceFile:
    path: str
    format: str
    spans: int
    skipped: int


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the traces showed: the sums, the files read, and what could not be used."""

    files: tuple[TraceFile, ...]
    totals: Totals
    diagnostics: tuple[Diagnostic, ...]
    bookkeeping: tuple[str, ...] = ()  # patterns of the tables a framework keeps for itself

    def notes(self) -> tuple[str, ...]:
        """For the graph's notes (and so the report and the terminal)."""
        totals = self.totals
        formats = ", ".join(sorted({f.format for f in self.files if f.format}))
        lines = [f"{NOTE}{count(totals.spans, 'span')} in "
                 f"{count(totals.traces, 'trace')} read from "
                 f"{count(len(self.files), 'file')} ({formats or 'no spans'}); "
                 f"{count(len(totals.calls), 'pair')} of code, "
                 f"{count(len(totals.use_cases), 'use case')}"]
        unmapped = totals.unmapped
        if unmapped:
            lines.append(f"{NOTE}{count(unmapped.total(), 'span')} of "
                         f"{count(len(unmapped), 'name')} map to no code: "
                         f"{_counted(unmapped)}")
        catalog = Counter({t: n for t, n in totals.left_out.items()
                           if is_catalog_table(t, self.bookkeeping)})
        if catalog:
            lines.append(f"{NOTE}{count(catalog.total(), 'database span')} read the "
                         f"database's catalog or a framework's own tables, left out: "
                         f"{_counted(catalog)}")
        unknown = totals.left_out - catalog
        if unknown:
            lines.append(f"{NOTE}{count(unknown.total(), 'database span')} name "
                         f"{count(len(unknown), 'table')} the code does not use, left out: "
                         f"{_counted(unknown)}")
        lost = [(totals.orphans, "span", "whose parent is not in the traces"),
                (totals.rootless, "trace", "without its root (no use case)"),
                (totals.unattributed, "database span", "with no code above it")]
        for number, noun, what in lost:
            if number:
                lines.append(f"{NOTE}{count(number, noun)} {what}")
        return tuple(lines)


def _counted(names: Counter[str]) -> str:
    """``a (3), b (1) and 4 more``: the most frequent first."""
    ordered = sorted(names.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{name or '(no name)'} ({n})" for name, n in ordered[:_SHOWN])
    more = f" and {len(ordered) - _SHOWN} more" if len(ordered) > _SHOWN else ""
    return shown + more


def were_read(graph: CouplingGraph) -> bool:
    """Whether traces were read into ``graph`` (it has their notes), even if nothing of them
    maps to its code."""
    return any(note.startswith(NOTE) for note in graph.notes)


def _shown(path: Path) -> str:
    """A trace file's path for messages: as text, without control characters (a folder of
    traces may hold any file name)."""
    return printable(printable_path(str(path)), limit=_PATH)


def trace_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, and a folder's ``*.json``, ``*.jsonl`` and ``*.ndjson`` files, gzipped
    or not, in its subfolders too (sorted); each file once, however often it is named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file()
                            and p.name.lower().endswith(TRACE_SUFFIXES))
            if not inside:
                raise UsageError("no trace files (*.json, *.jsonl, *.ndjson, gzipped or not) "
                                 f"in the folder {_shown(path)}")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"trace file not found: {_shown(path)}")
    once: dict[Path, Path] = {}  # by the file it is, the first name it was given
    for path in found:
        once.setdefault(path.resolve(), path)
    return list(once.values())


def _open(path: Path) -> gzip.GzipFile | BinaryIO:
    """The file's bytes, through gzip when it is gzip (by its first two bytes)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return path.open("rb")


def read_traces(paths: Sequence[Path], map_span: Callable[[Span], Mapped],
                bookkeeping: Sequence[str] = ()) -> Runtime:
    """Stream every file once; a file that is no trace export is a ``ConfigError`` naming it.
    ``bookkeeping``: the patterns of the tables a framework keeps for itself (the notes)."""
    aggregator = Aggregator(map_span)
    files: list[TraceFile] = []
    diagnostics: list[Diagnostic] = []
    for path in trace_files(paths):
        source = _shown(path)
        before = aggregator.totals.spans
        try:
            with _open(path) as handle:
                reader = Reader(JsonStream(handle, source))
                for span in reader.spans():
                    aggregator.add(span)
        except (OSError, EOFError, zlib.error) as error:  # gzip's too: a cut or bad archive
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise ConfigError(f"cannot read trace file: {reason}", source=source) from None
        except RecursionError:
            raise ConfigError("JSON nested too deeply to read", source=source) from None
        spans = aggregator.totals.spans - before
        files.append(TraceFile(source, reader.format, spans, reader.skipped.count))
        if reader.skipped.count:
            diagnostics.append(Diagnostic(
                source, 0, "trace-span",
                f"{count(reader.skipped.count, 'span')} of this {reader.format} export could "
                f"not be read and were skipped; the first: {reader.skipped.first}",
                Severity.WARNING))
        elif not spans:
            diagnostics.append(Diagnostic(source, 0, "trace-empty",
                                          f"no spans in this {reader.format} export",
                                          Severity.WARNING))
    return Runtime(tuple(files), aggregator.finish(), tuple(diagnostics), tuple(bookkeeping))


def with_runtime(graph: CouplingGraph, runtime: Runtime) -> CouplingGraph:
    """``graph`` with the ``runtime`` signal: calls between definitions and database access,
    weighted ``1 + ln(count)`` (a read half), each with its evidence. Each trace root is a use
    case of the ``usecases`` signal (kind ``trace``), beside the entry points seamline found:
    a node linked to the definitions its traces ran, by the share of its traces that ran
    them."""
    nodes = graph.node_map()
    added: dict[str, Node] = {}
    edges: list[Edge] = []
    for (source, target, kind), pair in sorted(runtime.totals.calls.items()):
        if source not in nodes or target not in nodes:  # traces add no table, no code
            continue
        weight = (1.0 + math.log(pair.count)) * _MODE_WEIGHT.get(kind, 1.0)
        edges.append(Edge(source, target, SIGNAL, kind, round(weight, 6), pair.count,
                          tuple(pair.evidence)))
    for name, use_case in sorted(runtime.totals.use_cases.items()):
        node_id = USE_CASE_PREFIX + name
        root = nodes.get(use_case.atom)
        added[node_id] = Node(node_id, "usecase", path=root.path if root else "",
                              line=root.line if root else 0, terms=("trace",))
        for atom, traces in sorted(use_case.atoms.items()):
            if atom in nodes:
                edges.append(Edge(node_id, atom, "usecases", USE_CASE_KIND,
                                  round(traces / use_case.traces, 6), traces,
                                  ((use_case.evidence, name),)))
    return replace(graph, nodes=tuple(sorted((*graph.nodes, *added.values()))),
                   edges=tuple(sorted((*graph.edges, *edges))),
                   notes=(*graph.notes, *runtime.notes()))
