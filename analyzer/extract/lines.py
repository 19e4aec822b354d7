"""Where a fact is: the lines and the source text the facts carry, as libcst gave them.

libcst counted a node's own parentheses as part of it and kept the comments after a block
(indented as its body) in the block; the evidence of a data access is the code on its line.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from analyzer.extract.exprs import dotted, singleton
from analyzer.extract.scope import unstarred
from analyzer.extract.segments import SourceText
from analyzer.text import one_literal

_MAX_TEXT = 160
_MAX_SNIPPET = 100
_SOURCE_LIMIT = 120

Block = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class Lines:
    def __init__(self, source: SourceText, raw_lines: Sequence[str]) -> None:
        self.source = source
        self._raw_lines = raw_lines  # split at "\n" only, as the tree's lines are counted

    def _opening(self, node: ast.expr) -> int:
        """A name's or literal's line, or that of the parenthesis libcst kept with it."""
        line = self.source.opening_line(node)
        if line != node.lineno and type(node) is not ast.Name and not one_literal(
                self.source.segment(node)):
            return node.lineno  # ``("a"\n "b")``: the parentheses hold the whole run
        return line

    def line(self, node: ast.expr) -> int:
        """The line of a name (or of a chain's first name); 0 for other expressions."""
        while type(node) is ast.Attribute:
            node = node.value
        if type(node) is ast.Name or singleton(node) is not None:
            return self._opening(node)
        return 0

    def start(self, node: ast.expr) -> int:
        """The line where an expression starts (its leftmost name or string); 0 when it
        starts with anything else."""
        current = node
        while True:
            kind = type(current)
            if kind is ast.Call:
                current = current.func  # type: ignore[attr-defined]
            elif kind is ast.Attribute or kind is ast.Subscript:
                current = current.value  # type: ignore[attr-defined]
            elif kind is ast.BinOp:
                current = current.left  # type: ignore[attr-defined]
            elif kind is ast.Await:
                current = current.value  # type: ignore[attr-defined]
            elif (kind is ast.List or kind is ast.Tuple or kind is ast.Set) and current.elts:  # type: ignore[attr-defined]
                current = unstarred(current.elts[0])  # type: ignore[attr-defined]
            else:
                break
        kind = type(current)
        if kind is ast.Name or kind is ast.JoinedStr:
            return self._opening(current)
        if kind is ast.Constant:
            value = current.value  # type: ignore[attr-defined]
            if type(value) in (str, bytes) or value is None or value is True or value is False:
                return self._opening(current)
        return 0

    def first(self, target: ast.expr) -> int:
        """The line of an assignment target's first name."""
        while type(target) in (ast.Tuple, ast.List, ast.Starred):
            if type(target) is ast.Starred:
                target = target.value
            elif target.elts:  # type: ignore[attr-defined]
                target = target.elts[0]  # type: ignore[attr-defined]
            else:
                break
        return self.line(target)

    def indented(self, node: Block) -> int | None:
        """The indentation of a block's body, or None for a body on the header's line."""
        first = node.body[0]
        lines = self._raw_lines
        line = lines[first.lineno - 1] if first.lineno <= len(lines) else ""
        indent = len(line) - len(line.lstrip(" \t\f"))
        return indent if indent == first.col_offset else None

    def end(self, node: Block) -> int:
        """The block's last line, with the comments after it indented as its body (libcst
        kept those in the block's footer, and the lines between them)."""
        end = node.end_lineno or node.lineno
        lines = self._raw_lines
        indent = self.indented(node)
        if indent is None:
            return end
        last = end
        for index in range(end, len(lines)):
            line = lines[index]
            stripped = line.lstrip(" \t")
            lead = len(line) - len(stripped)
            rest = stripped.strip()
            if rest and rest[0] != "#":
                break
            if lead >= indent:
                last = index + 1
        return last

    def class_paren(self, node: ast.ClassDef) -> int:
        """Where the ``(`` of a class's bases is: no base's own parenthesis is before it."""
        return self.source.find(b"(", self.source.offset(node.lineno, node.col_offset))

    def code(self, node: ast.AST, floor: int = -1) -> str:
        """An expression's source text, on one line, shortened."""
        text = " ".join(self.source.own_segment(node, floor).split())
        return text if len(text) <= _SOURCE_LIMIT else text[:_SOURCE_LIMIT - 3] + "..."

    def text(self, node: ast.expr, floor: int = -1) -> str:
        """A decorator or a base as shown: a name chain, ``f(...)``, else its code."""
        chain = dotted(node)
        if chain is not None:
            return ".".join(chain)
        if type(node) is ast.Call:
            func = dotted(node.func)
            if func is not None:
                return ".".join(func) + "(...)"
        code = " ".join(self.source.own_segment(node, floor).split())
        return code if len(code) <= _MAX_TEXT else code[: _MAX_TEXT - 3] + "..."

    def at(self, line: int) -> str:
        """The code at ``line`` (and the next ones, for a call split over lines), on one line:
        the evidence shown for an access."""
        parts: list[str] = []
        size = 0
        for text in self.source.lines[max(0, line - 1):line + 2]:
            part = text.strip()
            parts.append(part)
            size += len(part)
            if size >= _MAX_SNIPPET // 2:
                break
        code = " ".join(" ".join(parts).split())
        return code if len(code) <= _MAX_SNIPPET else code[: _MAX_SNIPPET - 3] + "..."
