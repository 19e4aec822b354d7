"""Imports as written (``RawImport``), the names they bind, and whether one is a star import.
Resolved to modules later, once every module is known (``analyzer.resolve``)."""

from __future__ import annotations

import ast

from analyzer.extract.scope import Scope
from analyzer.model import RawImport


class Imports:
    def __init__(self, scope: Scope) -> None:
        self._scope = scope
        self.imports: list[RawImport] = []
        self.bound: set[str] = set()  # names an import binds (the uses and words read it)
        self.star = False

    def _add(self, line: int, level: int, module: str, name: str | None,
             alias: str | None) -> None:
        scope = self._scope
        self.imports.append(RawImport(
            line=line, level=level, module=module, name=name, alias=alias,
            conditional=scope.cond > 0, type_checking=scope.type_checking > 0,
            in_function=scope.func > 0,
        ))

    def on_import(self, node: ast.Import) -> list[str]:
        """``import a.b as c``; the names it binds."""
        names: list[str] = []
        for alias in node.names:
            self._add(node.lineno, 0, alias.name, None, alias.asname)
            bound = alias.asname or alias.name.split(".")[0]
            self.bound.add(bound)
            names.append(bound)
        return names

    def on_import_from(self, node: ast.ImportFrom) -> None:
        level = node.level or 0
        module = node.module or ""
        if len(node.names) == 1 and node.names[0].name == "*":
            self._add(node.lineno, level, module, "*", None)
            self.star = True
            return
        for alias in node.names:
            self._add(node.lineno, level, module, alias.name, alias.asname)
            self.bound.add(alias.asname or alias.name)
