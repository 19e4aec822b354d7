"""Data-access events in the order they happen in each atom: a function starts, a name is
bound to something that may touch data, a call that may touch data is evaluated, an attribute
of a typed object is written, a SQL-looking string stands loose. The data stage
(``analyzer.data``) reads tables from them."""

from __future__ import annotations

import ast

from analyzer.extract.exprs import SQLISH, Summarizer, call_args, kept_string
from analyzer.extract.lines import Lines
from analyzer.extract.scope import Scope, target_names, unstarred
from analyzer.model import (
    Bind,
    Call,
    Evaluate,
    Event,
    Expr,
    Flow,
    LooseSql,
    Name,
    Start,
    Str,
    Target,
    Write,
)


def _binding_targets(target: ast.expr) -> Target:
    """A name, or a nested tuple of them for unpacking; None for anything else."""
    kind = type(target)
    if kind is ast.Name:
        return target.id  # type: ignore[attr-defined, no-any-return]
    if kind is ast.Tuple or kind is ast.List:
        return tuple(_binding_targets(unstarred(e)) for e in target.elts)  # type: ignore[attr-defined]
    return None


def _typed_call(summary: Expr) -> bool:
    """``Order(...)``, ``get_order(...)``, ``services.load(...)``: a call of a name the data
    stage can resolve to a model class or to a function whose return annotation names one.
    (Methods of ``self`` and of locals it cannot type are left out: most calls are those.)"""
    match summary:
        case Call(Name(name)):
            return name.split(".", 1)[0] not in ("self", "cls")
    return False


def _pruned(events: list[Event]) -> tuple[Event, ...]:
    """Drop function starts that no other event follows: most functions touch no data."""
    kept: list[Event] = []
    for event in events:
        if kept and isinstance(kept[-1], Start) and isinstance(event, Start):
            kept.pop()
        kept.append(event)
    if kept and isinstance(kept[-1], Start):
        kept.pop()
    return tuple(kept)


class Flows:
    def __init__(self, scope: Scope, lines: Lines, summarizer: Summarizer) -> None:
        self._scope = scope
        self._lines = lines
        self._summarizer = summarizer
        self._flows: dict[str, list[Event]] = {}
        self._typed: set[str] = set()  # parameters and locals the data flow may type
        self._tracked: set[str] = set()  # of those, the ones it certainly can

    def _event(self, event: Event) -> None:
        self._flows.setdefault(self._scope.atom, []).append(event)

    def _silent(self) -> bool:
        return self._scope.quiet > 0 or self._scope.in_class_body

    def _summary(self, node: ast.expr) -> tuple[Expr, bool]:
        summarizer = self._summarizer
        summarizer.reset()
        summary = summarizer.summary(node)
        return summary, summarizer.hit or (summarizer.everyday and (
            summarizer.capital or bool(summarizer.roots & self._typed)))

    def start(self, node: ast.FunctionDef | ast.AsyncFunctionDef,
              params: tuple[tuple[str, str | None], ...]) -> tuple[set[str], set[str]]:
        """A function's body begins: its parameters are what may be typed now. Returns what
        to restore when it ends (``end``)."""
        saved = self._typed, self._tracked
        self._typed = {name for name, _ in params}
        self._tracked = {name for name, annotation in params if annotation}
        self._event(Start(node.lineno, params))
        return saved

    def end(self, saved: tuple[set[str], set[str]]) -> None:
        self._typed, self._tracked = saved

    def bind(self, target: ast.expr, value: ast.expr, how: str) -> bool:
        """Record ``target = value`` when the value may matter for data access; True when
        recorded (the value is then visited quietly)."""
        if self._silent():
            return False
        targets = _binding_targets(target)
        if targets is None:
            return False
        summary, hit = self._summary(value)
        module_constant = self._scope.func == 0 and isinstance(summary, Str)
        if not (hit or module_constant or _typed_call(summary)
                or (how == "for" and isinstance(summary, Name))
                or (how == "+=" and isinstance(summary, Str))):
            return False
        start = self._lines.start
        snippet = self._lines.at(start(value))
        if not hit and isinstance(summary, Call):
            # kept only to type the name: the callee is enough
            summary, snippet = Call(summary.func, (), ()), ""
        self._event(Bind(targets, summary, start(value) or start(target), how, snippet))
        names = target_names(target)
        self._typed.update(names)
        self._tracked.update(names)
        return True

    def evaluate(self, node: ast.Call) -> bool:
        """A call that may touch data, or that hands a tracked object to other code; True
        when recorded (its inside is then quiet)."""
        if self._silent():
            return False
        summary, hit = self._summary(node)
        tracked = self._tracked
        if hit or (tracked and any(type(value) is ast.Name and value.id in tracked
                                   for _, _, value in call_args(node))):
            line = self._lines.start(node)
            self._event(Evaluate(summary, line, self._lines.at(line)))
            return True
        return False

    def attribute_write(self, target: ast.expr) -> None:
        if (self._scope.func and not self._scope.quiet and type(target) is ast.Attribute
                and type(target.value) is ast.Name and target.value.id in self._typed):
            line = self._lines.start(target)
            self._event(Write(target.value.id, line, self._lines.at(line)))

    def loose_sql(self, text: str | None, line: int) -> bool:
        """A SQL-looking string that is no argument of a recorded call; True when noted (the
        literal's inside is then quiet)."""
        if self._silent():
            return False
        if text is not None and SQLISH.match(text) and (kept := kept_string(text)) is not None:
            self._event(LooseSql(kept, line))
            return True
        return False

    def facts(self) -> tuple[Flow, ...]:
        return tuple(Flow(atom, events) for atom in sorted(self._flows)
                     if (events := _pruned(self._flows[atom])))
