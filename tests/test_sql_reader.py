"""The SQL reader on its own: real sqlparse, every rule of a table position, hostile input."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.data.sql import PLACEHOLDER, looks_like_sql, read_sql


def one(sql: str) -> tuple[str, set[str], set[str], set[str]]:
    statements = read_sql(sql)
    assert len(statements) == 1, statements
    found = statements[0]
    return found.kind, set(found.reads), set(found.writes), set(found.ddl)


@pytest.mark.parametrize(("sql", "kind", "reads", "writes", "ddl"), [
    ("SELECT a FROM orders", "select", {"orders"}, set(), set()),
    ("select o.id from Orders o join LINES l on l.o = o.id", "select", {"orders", "lines"},
     set(), set()),
    ("SELECT * FROM a LEFT OUTER JOIN b ON 1 = 1 CROSS JOIN c NATURAL JOIN d", "select",
     {"a", "b", "c", "d"}, set(), set()),
    ("SELECT * FROM a, b AS bb, c cc WHERE a.x = bb.y", "select", {"a", "b", "c"}, set(), set()),
    ("SELECT * FROM t WHERE id IN (SELECT t_id FROM u WHERE EXISTS (SELECT 1 FROM v))",
     "select", {"t", "u", "v"}, set(), set()),
    ("SELECT (SELECT max(x) FROM m) AS top FROM n", "select", {"m", "n"}, set(), set()),
    ("SELECT * FROM (SELECT id FROM inner_t) AS sub", "select", {"inner_t"}, set(), set()),
    ("SELECT a FROM x UNION SELECT a FROM y EXCEPT SELECT a FROM z", "select", {"x", "y", "z"},
     set(), set()),
    ("SELECT * FROM generate_series(1, 3) g, users u", "select", {"users"}, set(), set()),
    ("SELECT EXTRACT(YEAR FROM created) FROM sales", "select", {"sales"}, set(), set()),
    ("SELECT * INTO archive_2020 FROM orders", "select", {"orders"}, {"archive_2020"}, set()),
    ("INSERT INTO t (a, b) VALUES (%s, %s)", "insert", set(), {"t"}, set()),
    ("INSERT OR IGNORE INTO t VALUES (?)", "insert", set(), {"t"}, set()),
    ("INSERT INTO archive SELECT * FROM orders WHERE done", "insert", {"orders"}, {"archive"},
     set()),
    ("REPLACE INTO kv (k, v) VALUES (:k, :v)", "replace", set(), {"kv"}, set()),
    ("UPDATE orders SET total = 0 WHERE id = $1", "update", set(), {"orders"}, set()),
    ("UPDATE o SET n = (SELECT count(*) FROM o) ", "update", {"o"}, {"o"}, set()),
    ("UPDATE orders o SET c = c.name FROM customers c WHERE c.id = o.cid", "update",
     {"customers"}, {"orders"}, set()),
    ("DELETE FROM sessions WHERE expired", "delete", set(), {"sessions"}, set()),
    ("DELETE FROM a USING b WHERE a.id = b.id", "delete", {"b"}, {"a"}, set()),
    ("SELECT * FROM a JOIN b USING (id)", "select", {"a", "b"}, set(), set()),
    ("MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET q = 1",
     "merge", {"delivery"}, {"stock"}, set()),
    ("TRUNCATE TABLE a, b", "truncate", set(), {"a", "b"}, set()),
    ("TRUNCATE c", "truncate", set(), {"c"}, set()),
    ("CREATE TABLE IF NOT EXISTS t (id int)", "create", set(), set(), {"t"}),
    ("CREATE UNIQUE INDEX i ON t (a, b)", "create", set(), set(), {"t"}),
    ("CREATE VIEW v AS SELECT * FROM base", "create", {"base"}, set(), {"v"}),
    ("CREATE TEMPORARY TABLE old AS SELECT * FROM milestone", "create", {"milestone"}, set(),
     {"old"}),
    ("CREATE VIRTUAL TABLE fts USING fts5(body)", "create", set(), set(), {"fts"}),
    ("ALTER TABLE t ADD COLUMN c int", "alter", set(), set(), {"t"}),
    ("DROP TABLE IF EXISTS a, b", "drop", set(), set(), {"a", "b"}),
    ("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN lines ON 1 = 1",
     "select", {"orders", "lines"}, set(), set()),
    ("WITH RECURSIVE tree(id) AS (SELECT id FROM node UNION SELECT n.id FROM node n JOIN tree "
     "t ON n.parent = t.id) SELECT * FROM tree", "select", {"node"}, set(), set()),
    ("WITH a AS (SELECT 1 FROM t1), b AS (SELECT * FROM a) INSERT INTO t2 SELECT * FROM b",
     "insert", {"t1"}, {"t2"}, set()),
    ('SELECT * FROM "Mixed"."Case" JOIN public.plain ON 1 = 1 JOIN `tick` ON 1 = 1 '
     "JOIN [bracket] ON 1 = 1 JOIN main.m ON 1 = 1 JOIN db.sch.tbl ON 1 = 1", "select",
     {"Mixed.Case", "plain", "tick", "bracket", "m", "sch.tbl"}, set(), set()),
    ("SELECT name FROM session, system, version, enum", "select",
     {"session", "system", "version", "enum"}, set(), set()),
    ("-- a comment\n/* another */ SELECT 1 FROM t -- trailing", "select", {"t"}, set(), set()),
    ("PRAGMA foreign_keys = ON", "other", set(), set(), set()),
])
def test_table_positions(sql: str, kind: str, reads: set[str], writes: set[str],
                         ddl: set[str]) -> None:
    assert one(sql) == (kind, reads, writes, ddl)


def test_several_statements_in_one_string() -> None:
    found = read_sql("DELETE FROM a; INSERT INTO b SELECT * FROM c;\nUPDATE d SET x = ';'")
    assert [(s.kind, s.reads, s.writes) for s in found] == [
        ("delete", (), ("a",)), ("insert", ("c",), ("b",)), ("update", (), ("d",))]


def test_a_dynamic_part_is_fine_as_a_value_and_dropped_as_a_table() -> None:
    kind, reads, _, _ = one(f"SELECT {PLACEHOLDER} FROM t WHERE id = {PLACEHOLDER} "
                            f"ORDER BY {PLACEHOLDER}")
    assert (kind, reads) == ("select", {"t"})
    statement = read_sql(f"SELECT * FROM {PLACEHOLDER} JOIN u ON 1 = 1")[0]
    assert statement.reads == ("u",)
    assert any("run time" in p for p in statement.problems)
    assert read_sql(f"INSERT INTO _{PLACEHOLDER} VALUES (1)")[0].writes == ()


def test_broken_sql_yields_what_it_can_and_says_so() -> None:
    statement = read_sql("SELECT * FROM (SELECT id FROM orders WHERE")[0]
    assert statement.reads == ("orders",)
    assert statement.problems
    assert read_sql("INSERT INTO")[0].writes == ()
    assert read_sql("") == ()


@pytest.mark.parametrize("text", [
    "SELECT id FROM t", "select * from t where x = 1", "INSERT INTO t VALUES (1)",
    "update t set a = 1", "DELETE FROM t WHERE id = ?", "delete from t",
    "WITH x AS (SELECT 1) SELECT * FROM x", "CREATE INDEX i ON t (a)", "ALTER TABLE t ADD c int",
    "DROP TABLE t", "TRUNCATE TABLE t", "MERGE INTO t USING s ON 1 = 1",
    "\n    SELECT p.sku\n    FROM products p\n", "(SELECT a FROM b)",
])
def test_sql_looks_like_sql(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize("text", [
    "Select an item from the list", "Update the order from the cart", "delete from disk failed",
    "Delete address?", "Create your account and then you will be redirected", "create",
    "update", "Select", "SELECT", "Drop it like it's hot", "with open(path) as handle:",
    "Insert coin", "select_related", "Alter the deal",
])
def test_prose_does_not(text: str) -> None:
    assert not looks_like_sql(text)


REAL = [
    "SELECT t.id, t.summary FROM ticket t LEFT JOIN ticket_custom c ON c.ticket = t.id "
    "WHERE t.status IN (%s, %s) ORDER BY t.time",
    "INSERT INTO node_change (repos, rev, path) SELECT repos, rev, path FROM revision WHERE x",
    "UPDATE session_attribute SET value = %(v)s WHERE sid = %(s)s AND name = 'n'",
    "WITH w AS (SELECT * FROM wiki) DELETE FROM attachment USING w WHERE attachment.id = w.id",
]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "ßé\u2028\x00", max_size=300))
def test_read_sql_never_raises_on_any_text(text: str) -> None:
    for statement in read_sql(text):
        for name in (*statement.reads, *statement.writes, *statement.ddl):
            assert name and name == name.strip()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(REAL), st.data())
def test_mutated_real_statements_are_read_without_crashing(sql: str, data: st.DataObject) -> None:
    words = sql.split()
    cut = data.draw(st.integers(0, len(words)))
    drop = data.draw(st.sets(st.integers(0, len(words) - 1), max_size=3))
    mutated = " ".join(w for i, w in enumerate(words[:cut]) if i not in drop)
    for statement in read_sql(mutated):
        for name in (*statement.reads, *statement.writes, *statement.ddl):
            assert " " not in name and '"' not in name and "`" not in name
            assert name not in {"select", "from", "where", "join", "set", "values", "on"}


IDENT = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda w: not looks_like_sql(w) and w not in {
        "as", "on", "or", "and", "not", "in", "is", "by", "to", "do", "if", "of", "at"})


@settings(max_examples=200, deadline=None)
@given(st.lists(IDENT, min_size=4, max_size=4, unique=True))
def test_cte_names_and_aliases_are_never_tables(names: list[str]) -> None:
    cte, alias, real, other = names
    sql = (f"WITH {cte} AS (SELECT * FROM {real}) "
           f"SELECT * FROM {cte} {alias} JOIN {other} AS x ON x.id = {alias}.id")
    statement = read_sql(sql)[0]
    assert set(statement.reads) <= {real, other}
    assert cte not in statement.reads and alias not in statement.reads
