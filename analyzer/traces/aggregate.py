"""From a stream of spans to counts per pair of code: what the ``runtime`` signal is made of.

Spans are grouped by trace in a window of at most ``WINDOW`` spans; when the window is full the
trace not seen for longest is finished and forgotten, so memory stays flat however long the
export. Finishing a trace:

* each span that runs code (it maps to a definition) is called by the nearest ancestor that
  runs code: one call of that pair (spans that map to nothing, or only to tables, are looked
  through);
* each database span is a read or write of its tables by that nearest ancestor;
* the trace's root (the request, the task) is a use case: every definition the trace ran
  serves it.

A span whose parent is not in the export starts its own chain (counted); a trace without its
root is no use case (counted). Each pair keeps as evidence the traces with the smallest ids
that show it, so the result does not depend on the order of the spans.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.traces.formats import Span

WINDOW = 200_000  # spans held at once, of the traces not yet finished
EVIDENCE = 3  # traces kept per pair
_MAX_DEPTH = 10_000  # ancestors followed (a cycle of parent ids is cut there)


@dataclass(frozen=True, slots=True)
class Mapped:
    """What one span ran: a definition (``atom``, found by ``via``), tables it read or wrote
    (``(table, "read" | "write")``), or nothing."""

    atom: str = ""
    tables: tuple[tuple[str, str], ...] = ()
    via: str = ""
    left_out: tuple[str, ...] = ()  # tables it names that are no table of the code's

    @property
    def found(self) -> bool:
        return bool(self.atom or self.tables or self.left_out)


@dataclass(slots=True)
class Pair:
    count: int = 0
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (trace id, span name)

    def add(self, trace: str, name: str) -> None:
        self.count += 1
        item = (trace, name)
        if item in self.evidence:
            return
        if len(self.evidence) < EVIDENCE or item < self.evidence[-1]:
            self.evidence.append(item)
            self.evidence.sort()
            del self.evidence[EVIDENCE:]


@dataclass(slots=True)
class UseCase:
    traces: int = 0
    atoms: Counter[str] = field(default_factory=Counter)  # traces of it that ran each atom
    atom: str = ""  # the definition its root ran, if known
    evidence: str = ""  # the smallest trace id


@dataclass(slots=True)
class Totals:
    """Everything the spans of an export add up to."""

    spans: int = 0
    traces: int = 0
    calls: dict[tuple[str, str, str], Pair] = field(default_factory=dict)  # (from, to, kind)
    use_cases: dict[str, UseCase] = field(default_factory=dict)  # by the root span's name
    unmapped: Counter[str] = field(default_factory=Counter)  # span names that map to nothing
    orphans: int = 0  # spans whose parent is not in the export
    rootless: int = 0  # traces whose root is not in the export
    unattributed: int = 0  # database spans with no code above them
    left_out: Counter[str] = field(default_factory=Counter)  # tables not the code's: spans


class Aggregator:
    """Feed it spans (``add``), then ``finish``; ``map_span`` says what a span ran (it is
    called once per distinct name and attributes)."""

    def __init__(self, map_span: Callable[[Span], Mapped], window: int = WINDOW) -> None:
        self._map_span = map_span
        self._window = max(1, window)
        self._kinds: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        self._mapped: list[Mapped] = []
        self._names: list[str] = []
        # trace -> span id -> (parent id, kind of span)
        self._live: OrderedDict[str, dict[str, tuple[str, int]]] = OrderedDict()
        self._held = 0
        self.totals = Totals()

    @property
    def held(self) -> int:
        """Spans held in the window now (at most the window, or one trace's spans)."""
        return self._held

    def _kind(self, span: Span) -> int:
        key = (span.name, span.attributes)
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = len(self._mapped)
            self._mapped.append(self._map_span(span))
            self._names.append(span.name)
        return kind

    def add(self, span: Span) -> None:
        self.totals.spans += 1
        spans = self._live.get(span.trace)
        if spans is None:
            spans = self._live[span.trace] = {}
        else:
            self._live.move_to_end(span.trace)
        if span.span not in spans:
            self._held += 1
        spans[span.span] = (span.parent, self._kind(span))
        while self._held > self._window and len(self._live) > 1:
            trace, oldest = self._live.popitem(last=False)
            self._held -= len(oldest)
            self._finish(trace, oldest)

    def finish(self) -> Totals:
        while self._live:
            trace, spans = self._live.popitem(last=False)
            self._finish(trace, spans)
        self._held = 0
        return self.totals

    def _caller(self, spans: dict[str, tuple[str, int]], parent: str) -> str:
        """The definition the nearest ancestor that runs code ran, '' if none."""
        for _ in range(_MAX_DEPTH):
            found = spans.get(parent)
            if found is None:
                return ""
            parent, kind = found
            if self._mapped[kind].atom:
                return self._mapped[kind].atom
        return ""

    def _finish(self, trace: str, spans: dict[str, tuple[str, int]]) -> None:
        totals = self.totals
        totals.traces += 1
        ran: set[str] = set()
        roots: list[int] = []
        for parent, kind in spans.values():
            mapped, name = self._mapped[kind], self._names[kind]
            if not mapped.found:
                totals.unmapped[name] += 1
            totals.left_out.update(mapped.left_out)
            if not parent:
                roots.append(kind)
            elif parent not in spans:
                totals.orphans += 1
            caller = self._caller(spans, parent) if parent else ""
            if mapped.atom:
                ran.add(mapped.atom)
                if caller and caller != mapped.atom:
                    self._pair(caller, mapped.atom, "call", trace, name)
            for table, mode in mapped.tables:
                source = mapped.atom or caller
                if source:
                    self._pair(source, f"table:{table}", mode, trace, name)
                else:
                    totals.unattributed += 1
        if not roots:
            totals.rootless += 1
            return
        root = min(roots, key=lambda kind: (self._names[kind], kind))
        use_case = totals.use_cases.setdefault(self._names[root], UseCase())
        use_case.traces += 1
        known = [a for a in (use_case.atom, self._mapped[root].atom) if a]
        use_case.atom = min(known) if known else ""  # the same whatever the order of traces
        use_case.atoms.update(ran)
        if not use_case.evidence or trace < use_case.evidence:
            use_case.evidence = trace

    def _pair(self, source: str, target: str, kind: str, trace: str, name: str) -> None:
        key = (source, target, kind)
        pair = self.totals.calls.get(key)
        if pair is None:
            pair = self.totals.calls[key] = Pair()
        pair.add(trace, name)
