"""Data access: which code reads and writes which tables.

``build_data`` first catalogues the tables the code declares (``analyzer.data.schema``), then
replays what every atom does (``analyzer.data.flow``) to find its reads and writes through raw
SQL, the Django ORM, SQLAlchemy and the rule packs' own idioms.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from analyzer.codebase import Codebase
from analyzer.data.flow import Interpreter
from analyzer.data.schema import build_catalogue
from analyzer.model import DataModel, Table
from analyzer.packs import Pack

# The databases' own catalogs: what the code reads there describes the schema, it is no
# application data and no context owns it (PostgreSQL, the SQL standard's
# information_schema, SQLite, MySQL/MariaDB, SQL Server, Oracle's dictionary views).
CATALOG_TABLES = ("pg_*", "pg_catalog.*", "information_schema.*", "sqlite_master",
                  "sqlite_schema", "sqlite_temp_master", "sqlite_sequence", "sqlite_stat*",
                  "mysql.*", "performance_schema.*", "sys.*", "all_tables", "user_tables",
                  "dba_tables", "all_tab_columns", "user_tab_columns")


def is_catalog_table(name: str, also: Sequence[str] = ()) -> bool:
    """Whether ``name`` (as the code wrote it, any case) is a table of the database's catalog,
    or matches one of the patterns ``also`` (a framework's bookkeeping tables, lowercase: the
    name or, in another schema, its last part: ``audit.alembic_version``)."""
    lowered = _bare(name)
    bare = lowered.rpartition(".")[2]
    return any(fnmatchcase(lowered, pattern) for pattern in CATALOG_TABLES) or any(
        fnmatchcase(lowered, pattern) or fnmatchcase(bare, pattern) for pattern in also)


def bookkeeping(packs: Sequence[Pack]) -> tuple[str, ...]:
    """The patterns of the tables the packs' frameworks keep for themselves (a migration
    tool's version table), lowercase, quotes left out."""
    return tuple(sorted({_bare(p) for pack in packs for p in pack.bookkeeping_tables}))


def _bare(name: str) -> str:
    """A table's name as written, or a pattern, lowercase and without quotes."""
    return name.lower().replace('"', "").replace("`", "")


def build_data(codebase: Codebase, packs: Sequence[Pack]) -> DataModel:
    catalogue = build_catalogue(codebase, packs)
    interpreter = Interpreter(catalogue, codebase.names, packs, codebase.paths)
    for source in codebase.files:
        interpreter.run(source.module, codebase.flows[source.module],
                        codebase.classes.in_module[source.module])
    interpreter.finish()
    found = interpreter.findings
    # a migration tool's version table (``alembic_version``, ``django_migrations``) is the
    # framework's bookkeeping: as the catalog, no application data (``bookkeeping-tables``),
    # whether the code declares it or only queries it
    kept = bookkeeping(packs)
    accesses = tuple(sorted(a for a in set(found.accesses)
                            if not is_catalog_table(a.table, kept)))
    tables = {name: table for name, table in catalogue.tables.items()
              if not is_catalog_table(name, kept)}
    # a framework's own table (``django_content_type``, ``auth_user``) is its model's words,
    # as a Django default table name is: its prefix is the framework's app label
    spoken: dict[str, str] = {}
    for pack in packs:  # the first pack's model, as the interpreter looks them up
        for model, table in sorted(pack.known_tables.items()):
            spoken.setdefault(table, model.rpartition(".")[2])
    for access in accesses:
        tables.setdefault(access.table, Table(access.table, (), (), spoken.get(access.table, "")))
    return DataModel(
        tables=tuple(tables[name] for name in sorted(tables)),
        accesses=accesses,
        sql=tuple(sorted(set(found.sql), key=lambda s: (s.path, s.line, s.atom, s.text))),
        links=tuple(sorted(set(catalogue.links) | set(found.links))),
        diagnostics=tuple(sorted(set(catalogue.diagnostics) | set(found.diagnostics))),
    )
