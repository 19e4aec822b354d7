"""What a top-level class's body says directly: its ``name = value`` attributes, its
``name: annotation`` fields and its ``class Meta`` (the data stage reads models from them)."""

from __future__ import annotations

import ast

from analyzer.extract.exprs import Summarizer
from analyzer.extract.lines import Lines
from analyzer.extract.scope import unstarred
from analyzer.model import ClassFacts, Expr


def _assignments(body: list[ast.stmt], summarizer: Summarizer
                 ) -> tuple[tuple[str, Expr, int], ...]:
    """``name = value`` statements directly in a class body, summarised."""
    found: list[tuple[str, Expr, int]] = []
    for statement in body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if type(statement) is ast.Assign and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif type(statement) is ast.AnnAssign and statement.value is not None:
            target, value = statement.target, statement.value
        if type(target) is ast.Name and value is not None:
            found.append((target.id, summarizer.summary(value), target.lineno))
    return tuple(found)


def _fields(body: list[ast.stmt], lines: Lines) -> tuple[tuple[str, str, str | None, int], ...]:
    """``name: annotation [= default]`` statements directly in a class body."""
    found: list[tuple[str, str, str | None, int]] = []
    for statement in body:
        if type(statement) is ast.AnnAssign and type(statement.target) is ast.Name:
            found.append((statement.target.id, lines.code(statement.annotation),
                          None if statement.value is None else lines.code(statement.value),
                          statement.target.lineno))
    return tuple(found)


def class_facts(node: ast.ClassDef, lines: Lines, summarizer: Summarizer) -> ClassFacts | None:
    """None for a class with none of them. (A body on the class's own line has none.)"""
    indented = lines.indented(node) is not None
    attrs = _assignments(node.body, summarizer) if indented else ()
    meta: tuple[tuple[str, Expr, int], ...] | None = None
    meta_bases: tuple[str, ...] = ()
    for statement in node.body:
        if type(statement) is ast.ClassDef and statement.name == "Meta":
            meta = (_assignments(statement.body, summarizer)
                    if lines.indented(statement) is not None else ())
            meta_bases = tuple(lines.text(unstarred(b), lines.class_paren(statement))
                               for b in statement.bases)
    fields = _fields(node.body, lines) if indented else ()
    if attrs or meta is not None or fields:
        return ClassFacts(node.name, attrs, meta, meta_bases, fields)
    return None
