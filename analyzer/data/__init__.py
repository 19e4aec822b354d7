"""Data access: which code reads and writes which tables.

``build_data`` first catalogues the tables the code declares (``analyzer.data.schema``), then
replays what every atom does (``analyzer.data.flow``) to find its reads and writes through raw
SQL, the Django ORM, SQLAlchemy and the rule packs' own idioms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analyzer.data.flow import Interpreter
from analyzer.data.schema import build_catalogue
from analyzer.model import DataModel, FileFacts, SourceFile, Table
from analyzer.packs import Pack
from analyzer.resolve import Resolver


def build_data(files: Sequence[SourceFile], facts: Mapping[str, FileFacts],
               resolver: Resolver, packs: Sequence[Pack]) -> DataModel:
    catalogue = build_catalogue(files, facts, resolver, packs)
    interpreter = Interpreter(catalogue, resolver, packs, {f.module: f.path for f in files})
    for source in files:
        file_facts = facts.get(source.module)
        if file_facts is not None:
            interpreter.run(source.module, file_facts)
    interpreter.finish()
    found = interpreter.findings
    accesses = tuple(sorted(set(found.accesses)))
    tables = dict(catalogue.tables)
    for access in accesses:
        tables.setdefault(access.table, Table(access.table, (), ()))
    return DataModel(
        tables=tuple(tables[name] for name in sorted(tables)),
        accesses=accesses,
        sql=tuple(sorted(set(found.sql), key=lambda s: (s.path, s.line, s.atom, s.text))),
        links=tuple(sorted(set(catalogue.links) | set(found.links))),
        diagnostics=tuple(sorted(set(catalogue.diagnostics) | set(found.diagnostics))),
    )
