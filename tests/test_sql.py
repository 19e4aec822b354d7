"""The SQL reader, rule by rule, with real sqlparse: table positions, kinds, names, dynamic
parts, broken input, which literals count as SQL, and property tests on generated and mutated
statements."""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlparse import lexer
from sqlparse import tokens as T

from analyzer.data.sql import (
    DYNAMIC_FROM,
    DYNAMIC_SCHEMA,
    DYNAMIC_TABLE,
    KINDS,
    PARAMETER_TABLE,
    PLACEHOLDER,
    TRUNCATED,
    UNBALANCED,
    looks_like_sql,
    read_sql,
)
from analyzer.extract.longsql import condense_sql
from analyzer.model import DYNAMIC, SqlStatement

P = PLACEHOLDER
Reading = tuple[str, set[str], set[str], set[str]]


def one(sql: str) -> SqlStatement:
    statements = read_sql(sql)
    assert len(statements) == 1, statements
    return statements[0]


def reading(sql: str) -> Reading:
    found = one(sql)
    return found.kind, set(found.reads), set(found.writes), set(found.ddl)


Names = str | set[str]


def case(sql: str, kind: str, reads: Names = "", writes: Names = "", ddl: Names = "") -> Any:
    """One row of a table-driven test; each set is given as a set or space-separated names."""
    def names(given: Names) -> set[str]:
        return set(given.split()) if isinstance(given, str) else given
    return pytest.param(sql, (kind, names(reads), names(writes), names(ddl)),
                        id=" ".join(sql.split())[:60])


def check(sql: str, expected: Reading) -> None:
    assert reading(sql) == expected
    assert one(sql).problems == ()


# =========================================================================== table positions


@pytest.mark.parametrize(("sql", "expected"), [
    case("SELECT a FROM orders", "select", "orders"),
    case("select a from orders where id = 1 order by a limit 5", "select", "orders"),
    case("SELECT * FROM a, b, c WHERE a.x = b.y", "select", "a b c"),
    case("SELECT * FROM a x, b AS y, c", "select", "a b c"),
    case("SELECT * FROM a JOIN b ON a.id = b.id", "select", "a b"),
    case("SELECT * FROM a INNER JOIN b ON 1 = 1 LEFT JOIN c ON 1 = 1 LEFT OUTER JOIN d ON 1 = 1"
         " RIGHT JOIN e ON 1 = 1 RIGHT OUTER JOIN f ON 1 = 1 FULL JOIN g ON 1 = 1 FULL OUTER"
         " JOIN h ON 1 = 1 CROSS JOIN i NATURAL JOIN j NATURAL LEFT JOIN k STRAIGHT_JOIN l",
         "select", "a b c d e f g h i j k l"),
    case("SELECT * FROM a JOIN b USING (id) JOIN c USING (id, x)", "select", "a b c"),
    case("SELECT * FROM a JOIN b ON a.x = b.y, c WHERE 1 = 1", "select", "a b c"),
    case("SELECT * FROM (a JOIN b ON a.id = b.id) JOIN c ON 1 = 1", "select", "a b c"),
    case("SELECT * FROM ((a JOIN b ON 1 = 1) JOIN c ON 1 = 1), d", "select", "a b c d"),
    case("SELECT * FROM a LEFT JOIN LATERAL (SELECT * FROM b WHERE b.a = a.id) x ON true",
         "select", "a b"),
    case("SELECT * FROM t JOIN(SELECT * FROM u) x ON 1 = 1", "select", "t u"),
    case("SELECT * FROM a WHERE a.x IS DISTINCT FROM a.y", "select", "a"),
    case("SELECT * FROM a WHERE x IS NOT DISTINCT FROM y", "select", "a"),
    case("SELECT * FROM a WITH (NOLOCK)", "select", "a"),
    case("SELECT * FROM a FOR UPDATE", "select", "a"),
    case("SELECT * FROM a WINDOW w AS (PARTITION BY x)", "select", "a"),
], ids=str)
def test_from_lists_and_joins(sql: str, expected: Reading) -> None:
    check(sql, expected)


@pytest.mark.parametrize(("sql", "lookups"), [
    ("SELECT c.email FROM orders o JOIN customers c ON c.id = o.customer_id"
     " LEFT JOIN payments p ON p.order_id = o.id", "customers payments"),
    ("SELECT * FROM a, b, c WHERE a.x = b.y", "b c"),
    ("SELECT * FROM (a JOIN b ON a.id = b.id) JOIN c ON 1 = 1", "b c"),
    # a table that is also the one a query is about is no lookup: self-joins, subqueries
    ("SELECT * FROM orders o JOIN orders p ON p.parent_id = o.id", ""),
    ("SELECT * FROM a JOIN b ON 1 = 1 WHERE a.x IN (SELECT x FROM b)", ""),
    ("SELECT * FROM a WHERE a.x IN (SELECT x FROM b JOIN c ON 1 = 1)", "c"),
    # the written table is not a lookup, even where it is joined
    ("INSERT INTO t SELECT * FROM a JOIN t ON a.id = t.id", ""),
    ("DELETE FROM t USING u WHERE t.id = u.id", ""),
    ("SELECT * FROM orders", ""),
], ids=str)
def test_joined_tables_are_lookups(sql: str, lookups: str) -> None:
    """The first table of a FROM is what a query is about; the tables joined to it (a JOIN,
    a FROM list's comma) are lookups, which couple less. Every lookup is still a read."""
    statement = one(sql)
    assert set(statement.lookups) == set(lookups.split())
    assert set(statement.lookups) <= set(statement.reads)


@pytest.mark.parametrize(("sql", "expected"), [
    case("SELECT * FROM t WHERE id IN (SELECT t_id FROM u)", "select", "t u"),
    case("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)", "select", "t u"),
    case("SELECT * FROM t WHERE NOT EXISTS(SELECT 1 FROM u)", "select", "t u"),
    case("SELECT * FROM t WHERE a = ANY (SELECT b FROM u)", "select", "t u"),
    case("SELECT * FROM t1 WHERE x = (SELECT y FROM t2 WHERE z IN (SELECT w FROM t3 WHERE v IN"
         " (SELECT 1 FROM t4)))", "select", "t1 t2 t3 t4"),
    case("SELECT (SELECT max(x) FROM m) AS top, n.a FROM n", "select", "m n"),
    case("SELECT * FROM (SELECT id FROM inner_t) AS sub", "select", "inner_t"),
    case("SELECT * FROM (SELECT id FROM (SELECT id FROM deep) d1) d2", "select", "deep"),
    case("SELECT * FROM a, (SELECT 1 FROM b) s, c", "select", "a b c"),
    case("SELECT * FROM a JOIN (SELECT * FROM b) sb ON 1 = 1", "select", "a b"),
    case("SELECT x FROM t GROUP BY x HAVING count(*) > (SELECT count(*) FROM u)", "select",
         "t u"),
    case("SELECT * FROM t ORDER BY (SELECT 1 FROM u)", "select", "t u"),
    case("SELECT * FROM t1 JOIN t2 ON t1.a = t2.a AND t2.b IN (SELECT b FROM t3)", "select",
         "t1 t2 t3"),
    case("SELECT a FROM x UNION SELECT a FROM y", "select", "x y"),
    case("SELECT a FROM x UNION ALL SELECT a FROM y INTERSECT SELECT a FROM z EXCEPT SELECT a"
         " FROM w", "select", "x y z w"),
    case("(SELECT a FROM x) UNION (SELECT a FROM y)", "select", "x y"),
], ids=str)
def test_subqueries_and_set_operations(sql: str, expected: Reading) -> None:
    check(sql, expected)


@pytest.mark.parametrize(("sql", "expected"), [
    case("SELECT * FROM generate_series(1, 3) g, users u", "select", "users"),
    case("SELECT * FROM unnest(ARRAY[1, 2]) AS u(x), t", "select", "t"),
    case("SELECT * FROM generate_series(1, (SELECT max(id) FROM t)) g", "select", "t"),
    case("SELECT * FROM pg_catalog.generate_series(1, 2)", "select"),
    case("SELECT 1 FROM dual", "select"),
    case("SELECT nextval('ids') FROM DUAL", "select"),
    case("SELECT EXTRACT(YEAR FROM created) FROM sales", "select", "sales"),
    case("SELECT substring(name FROM 2 FOR 3), trim(both ' ' FROM x) FROM t", "select", "t"),
    case("SELECT EXTRACT(YEAR FROM (SELECT max(d) FROM dates)) FROM t", "select", "dates t"),
    case("SELECT name FROM session, system, version, enum, user", "select",
         "session system version enum user"),
    case("SELECT * FROM t AS a(x, y), u", "select", "t u"),
    case("SELECT * FROM t1 t WHERE t.x = 1", "select", "t1"),
    case('SELECT * FROM a AS "Alias" JOIN b "B" ON 1 = 1', "select", "a b"),
], ids=str)
def test_what_is_not_a_table(sql: str, expected: Reading) -> None:
    check(sql, expected)


@pytest.mark.parametrize(("sql", "expected"), [
    case("INSERT INTO t (a, b) VALUES (1, 2)", "insert", "", "t"),
    case("INSERT INTO t(a) VALUES (1) RETURNING id", "insert", "", "t"),
    case("INSERT INTO t DEFAULT VALUES", "insert", "", "t"),
    case("INSERT OR REPLACE INTO kv VALUES (1, 2)", "insert", "", "kv"),
    case("INSERT OR IGNORE INTO kv VALUES (1, 2)", "insert", "", "kv"),
    case("INSERT IGNORE INTO kv VALUES (1, 2)", "insert", "", "kv"),
    case("INSERT INTO archive SELECT * FROM orders o JOIN lines l ON l.o = o.id", "insert",
         "orders lines", "archive"),
    case("INSERT INTO t SELECT * FROM u UNION SELECT * FROM v", "insert", "u v", "t"),
    case("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a", "insert",
         "", "t"),
    case("INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2", "insert", "", "t"),
    case("INSERT INTO t SELECT * FROM u WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id = u.id)",
         "insert", "u t", "t"),
    case("REPLACE INTO kv (k, v) VALUES (1, 2)", "replace", "", "kv"),
    case("REPLACE INTO t SELECT * FROM u", "replace", "u", "t"),
    case("UPDATE orders SET total = 0 WHERE id = 1", "update", "", "orders"),
    case("UPDATE ONLY orders SET total = 0", "update", "", "orders"),
    case("UPDATE o SET n = (SELECT count(*) FROM o)", "update", "o", "o"),
    case("UPDATE orders o SET c = c.name FROM customers c WHERE c.id = o.cid", "update",
         "customers", "orders"),
    case("UPDATE t AS x SET a = 1, b = 2 FROM u, v WHERE 1 = 1", "update", "u v", "t"),
    case("UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = 1", "update", "t2", "t1"),
    case("UPDATE t1, t2 SET t1.a = t2.a", "update", "", "t1 t2"),
    case("DELETE FROM sessions WHERE expired = 1", "delete", "", "sessions"),
    case("DELETE FROM sessions", "delete", "", "sessions"),
    case("DELETE FROM ONLY sessions", "delete", "", "sessions"),
    case("DELETE FROM t WHERE id IN (SELECT id FROM u)", "delete", "u", "t"),
    case("DELETE FROM a USING b WHERE a.id = b.id", "delete", "b", "a"),
    case("DELETE FROM a AS x USING b AS y, c WHERE 1 = 1", "delete", "b c", "a"),
    case("DELETE FROM a USING b JOIN c USING (id)", "delete", "b c", "a"),
    case("DELETE t FROM t JOIN u ON t.id = u.id", "delete", "u", "t"),
    case("MERGE INTO stock s USING delivery d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET"
         " q = 1 WHEN NOT MATCHED THEN INSERT (sku) VALUES (d.sku)", "merge", "delivery",
         "stock"),
    case("MERGE INTO t USING (SELECT * FROM s JOIN r ON 1 = 1) src ON t.id = src.id WHEN"
         " MATCHED THEN DELETE", "merge", "s r", "t"),
    case("MERGE t USING s ON 1 = 1 WHEN MATCHED THEN DELETE", "merge", "s", "t"),
    case("TRUNCATE TABLE a, b", "truncate", "", "a b"),
    case("TRUNCATE c", "truncate", "", "c"),
    case("TRUNCATE TABLE ONLY a RESTART IDENTITY CASCADE", "truncate", "", "a"),
    case("SELECT * INTO archive_2020 FROM orders", "select", "orders", "archive_2020"),
    case("SELECT * INTO TEMP tmp FROM orders", "select", "orders", "tmp"),
    case("SELECT * INTO OUTFILE '/tmp/x' FROM orders", "select", "orders"),
    case("PRAGMA foreign_keys = ON", "other"),
    case("VALUES (1, 2)", "other"),
    case("REVOKE SELECT ON t FROM bob", "other"),
], ids=str)
def test_writes_and_kinds(sql: str, expected: Reading) -> None:
    check(sql, expected)


@pytest.mark.parametrize(("sql", "expected"), [
    case("CREATE TABLE t (id int)", "create", "", "", "t"),
    case("CREATE TABLE IF NOT EXISTS t (id int REFERENCES other (id))", "create", "", "", "t"),
    case("CREATE TEMPORARY TABLE old AS SELECT * FROM milestone", "create", "milestone", "",
         "old"),
    case("CREATE VIRTUAL TABLE fts USING fts5(body)", "create", "", "", "fts"),
    case("CREATE TABLE user (id int)", "create", "", "", "user"),
    case("CREATE INDEX i ON t (a)", "create", "", "", "t"),
    case("CREATE UNIQUE INDEX i ON t (a, b)", "create", "", "", "t"),
    case("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY public.t USING btree (a)",
         "create", "", "", "t"),
    case("CREATE INDEX ON t (a)", "create", "", "", "t"),
    case("CREATE VIEW v AS SELECT * FROM base JOIN other ON 1 = 1", "create", "base other", "",
         "v"),
    case("CREATE OR REPLACE VIEW v AS SELECT * FROM t", "create", "t", "", "v"),
    case("CREATE MATERIALIZED VIEW IF NOT EXISTS v AS WITH RECURSIVE h AS (SELECT id FROM c)"
         " SELECT * FROM h JOIN p ON 1 = 1", "create", "c p", "", "v"),
    case("CREATE TRIGGER trg AFTER INSERT ON orders BEGIN UPDATE totals SET n = n + 1; END",
         "create", "", "totals", "orders"),
    case("CREATE TRIGGER trg BEFORE DELETE ON ticket FOR EACH ROW BEGIN DELETE FROM custom"
         " WHERE ticket = OLD.id; INSERT INTO log SELECT * FROM audit; END", "create", "audit",
         "custom log", "ticket"),
    case("ALTER TABLE t ADD COLUMN c int", "alter", "", "", "t"),
    case("ALTER TABLE IF EXISTS ONLY t DROP COLUMN c", "alter", "", "", "t"),
    case("ALTER TABLE t RENAME TO t2", "alter", "", "", "t t2"),
    case("ALTER TABLE t RENAME COLUMN a TO b", "alter", "", "", "t"),
    case("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id)", "alter", "", "",
         "t"),
    case("DROP TABLE t", "drop", "", "", "t"),
    case("DROP TABLE IF EXISTS a, b CASCADE", "drop", "", "", "a b"),
    case("DROP VIEW v", "drop", "", "", "v"),
    case("DROP INDEX i", "drop"),
    case("DROP INDEX IF EXISTS i", "drop"),
    case("DROP INDEX i ON t", "drop", "", "", "t"),
    case("DROP TRIGGER IF EXISTS trg ON t", "drop", "", "", "t"),
    case("CREATE SEQUENCE ids", "create"),
    case("DROP SCHEMA s CASCADE", "drop"),
], ids=str)
def test_schema_changes(sql: str, expected: Reading) -> None:
    check(sql, expected)


# =========================================================================== WITH


@pytest.mark.parametrize(("sql", "expected"), [
    case("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN lines ON 1 = 1",
         "select", "orders lines"),
    case("WITH RECURSIVE tree(id) AS (SELECT id FROM node UNION SELECT n.id FROM node n JOIN"
         " tree t ON n.parent = t.id) SELECT * FROM tree", "select", "node"),
    case("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 9) SELECT"
         " * FROM r", "select"),
    case("WITH a AS (SELECT 1 FROM t1), b AS (SELECT * FROM a JOIN t2 ON 1 = 1) SELECT * FROM"
         " b, a", "select", "t1 t2"),
    case("WITH a AS (SELECT 1 FROM t1), b AS (SELECT * FROM a) INSERT INTO t2 SELECT * FROM b",
         "insert", "t1", "t2"),
    case("WITH x AS (SELECT * FROM t) UPDATE u SET a = (SELECT a FROM x)", "update", "t", "u"),
    case("WITH x AS (SELECT * FROM t) DELETE FROM u USING x WHERE u.id = x.id", "delete", "t",
         "u"),
    case("WITH d AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d", "insert", "",
         "t u"),
    case("WITH m AS MATERIALIZED (SELECT * FROM t) SELECT * FROM m", "select", "t"),
    case("WITH m AS NOT MATERIALIZED (SELECT * FROM t) SELECT * FROM m", "select", "t"),
    case('WITH "Big" AS (SELECT * FROM t) SELECT * FROM "Big"', "select", "t"),
    case("SELECT * FROM (WITH x AS (SELECT * FROM t) SELECT * FROM x) s", "select", "t"),
    case("INSERT INTO t2 WITH x AS (SELECT * FROM t) SELECT * FROM x", "insert", "t", "t2"),
    case("SELECT CAST(ts AS timestamp with time zone) FROM t", "select", "t"),
], ids=str)
def test_cte_names_are_not_tables(sql: str, expected: Reading) -> None:
    check(sql, expected)


# =========================================================================== names


@pytest.mark.parametrize(("sql", "expected"), [
    case("SELECT * FROM Orders", "select", "orders"),
    case('SELECT * FROM "Orders"', "select", "Orders"),
    case('SELECT * FROM "Quoted Name"', "select", {"Quoted Name"}),
    case('SELECT * FROM "a""b"', "select", 'a"b'),
    case("SELECT * FROM `Tick`", "select", "Tick"),
    case("SELECT * FROM [Bracket]", "select", "Bracket"),
    case("SELECT * FROM public.plain", "select", "plain"),
    case("SELECT * FROM PUBLIC.Plain", "select", "plain"),
    case('SELECT * FROM "public"."Orders"', "select", "Orders"),
    case("SELECT * FROM [dbo].[Orders]", "select", "Orders"),
    case("SELECT * FROM main.m", "select", "m"),
    case("SELECT * FROM Sales.Orders", "select", "sales.orders"),
    case("SELECT * FROM `db`.`Tab`", "select", "db.Tab"),
    case("SELECT * FROM db.sch.tbl", "select", "sch.tbl"),
    case("SELECT * FROM db.public.tbl", "select", "tbl"),
    case("SELECT * FROM sch . tbl", "select", "sch.tbl"),
    case("SELECT * FROM x.order", "select", "x.order"),
    case("SELECT * FROM information_schema.tables", "select", "information_schema.tables"),
    case("INSERT INTO \"Log\" SELECT * FROM public.\"Src\"", "insert", "Src", "Log"),
], ids=str)
def test_names_are_normalised(sql: str, expected: Reading) -> None:
    check(sql, expected)


# =========================================================================== text around SQL


def test_several_statements_in_one_string() -> None:
    found = read_sql("DELETE FROM a; INSERT INTO b SELECT * FROM c;\nUPDATE d SET x = ';';")
    assert [(s.kind, s.reads, s.writes) for s in found] == [
        ("delete", (), ("a",)), ("insert", ("c",), ("b",)), ("update", (), ("d",))]
    assert [s.kind for s in read_sql("SELECT 1 FROM a; ; SELECT 2 FROM b")] == ["select"] * 2


def test_a_trigger_body_is_one_statement() -> None:
    found = read_sql("CREATE TRIGGER t AFTER UPDATE ON a BEGIN UPDATE b SET x = CASE WHEN 1 "
                     "THEN 2 END; DELETE FROM c; END; SELECT * FROM d")
    assert [(s.kind, s.reads, s.writes, s.ddl) for s in found] == [
        ("create", (), ("b", "c"), ("a",)), ("select", ("d",), (), ())]


@pytest.mark.parametrize("sql", [
    "-- a comment\n/* another */ SELECT 1 FROM t -- trailing",
    "SELECT 1 FROM t\n-- JOIN hidden ON 1 = 1\n/* FROM hidden2 */ WHERE x = 1",
    "/* leading */\n\n   SELECT 1\n     FROM t\n    WHERE a = 'FROM hidden' ;",
    "SELECT 1 FROM t WHERE a = 'it''s FROM hidden' AND b = \"c\"",
    "\n\t SELECT 1 FROM t;\n",
], ids=str)
def test_comments_strings_and_whitespace(sql: str) -> None:
    check(sql, ("select", {"t"}, set(), set()))


@pytest.mark.parametrize("parameter", ["%s", "%(name)s", "?", ":name", "$1", "$USER"])
def test_db_api_parameters_are_values(parameter: str) -> None:
    check(f"SELECT a FROM t WHERE id = {parameter} AND b IN ({parameter}, {parameter})",
          ("select", {"t"}, set(), set()))
    check(f"INSERT INTO t (a, b) VALUES ({parameter}, {parameter})",
          ("insert", set(), {"t"}, set()))
    check(f"UPDATE t SET a = {parameter} WHERE id = {parameter}", ("update", set(), {"t"}, set()))


@pytest.mark.parametrize("parameter", ["%s", "%(table)s", "?", ":name", "$1"])
def test_a_parameter_in_a_table_position_is_a_problem(parameter: str) -> None:
    statement = one(f"SELECT * FROM {parameter} JOIN u ON 1 = 1")
    assert statement.reads == ("u",)
    assert statement.problems == (PARAMETER_TABLE,)


def test_the_placeholder_is_the_models_dynamic_marker() -> None:
    assert PLACEHOLDER == DYNAMIC == "__seamline_dyn__"


@pytest.mark.parametrize("sql", [
    f"SELECT {P} FROM t WHERE id = {P} ORDER BY {P} LIMIT {P}",
    f"SELECT a, {P}, COALESCE({P}, '') FROM t WHERE {P} AND x IN ({P})",
    f"SELECT {P}_id FROM t WHERE {P}_time < {P}",
    f"SELECT * FROM t WHERE name {P}",
], ids=str)
def test_the_placeholder_as_a_value_or_column_changes_nothing(sql: str) -> None:
    check(sql, ("select", {"t"}, set(), set()))


def test_the_placeholder_in_insert_and_update_values() -> None:
    check(f"INSERT INTO t ({P}) VALUES ({P}, {P})", ("insert", set(), {"t"}, set()))
    check(f"UPDATE t SET {P} = {P} WHERE id = {P}", ("update", set(), {"t"}, set()))


@pytest.mark.parametrize(("sql", "reads", "writes"), [
    (f"SELECT * FROM {P}", (), ()),
    (f"SELECT * FROM {P} JOIN u ON 1 = 1", ("u",), ()),
    (f"SELECT * FROM _{P}, y", ("y",), ()),
    (f"SELECT * FROM t_{P}_log", (), ()),
    (f'SELECT * FROM "{P}"', (), ()),
    (f"INSERT INTO _{P} VALUES (1)", (), ()),
    (f"UPDATE {P} SET x = 1", (), ()),
    (f"DELETE FROM {P}s WHERE k = {P}", (), ()),
    (f"INSERT INTO {P} SELECT * FROM src", ("src",), ()),
], ids=str)
def test_a_table_name_built_at_run_time_is_dropped_with_a_problem(
        sql: str, reads: tuple[str, ...], writes: tuple[str, ...]) -> None:
    statement = one(sql)
    assert (statement.reads, statement.writes) == (reads, writes)
    assert DYNAMIC_TABLE in statement.problems
    assert "run time" in DYNAMIC_TABLE


def test_a_run_time_schema_keeps_the_table() -> None:
    statement = one(f"SELECT * FROM {P}.ticket")
    assert statement.reads == ("ticket",)
    assert statement.problems == (DYNAMIC_SCHEMA,)
    # a keyword is a name only after its schema's dot: without the schema it is no table
    # (hypothesis found ``FROM <run time> . SELECT`` read as the table ``select``)
    statement = one(f"SELECT * FROM {P} . SELECT")
    assert statement.reads == ()
    assert statement.problems == (DYNAMIC_TABLE,)
    assert one("SELECT * FROM s.select").reads == ("s.select",)


def test_a_run_time_part_after_a_from_item_may_add_tables() -> None:
    statement = one(f"SELECT * FROM words AS w1 {P} WHERE w1.word = %s")
    assert statement.reads == ("words",)
    assert statement.problems == (DYNAMIC_FROM,)
    assert one(f"SELECT * FROM words {P} JOIN x ON 1 = 1").reads == ("words", "x")


def test_ddl_on_a_run_time_table() -> None:
    statement = one(f"CREATE {P} INDEX {P}_idx ON {P} ({P})")
    assert (statement.kind, statement.ddl, statement.problems) == ("create", (), (DYNAMIC_TABLE,))


# =========================================================================== broken input


@pytest.mark.parametrize(("sql", "reads", "writes", "problem"), [
    ("SELECT * FROM (SELECT id FROM orders WHERE", ("orders",), (), UNBALANCED),
    ("SELECT * FROM t WHERE x IN (SELECT y FROM u", ("t", "u"), (), UNBALANCED),
    ("SELECT a) FROM t", ("t",), (), UNBALANCED),
    ("INSERT INTO", (), (), TRUNCATED),
    ("SELECT * FROM", (), (), TRUNCATED),
    ("SELECT * FROM t JOIN", ("t",), (), TRUNCATED),
    ("UPDATE", (), (), TRUNCATED),
    ("DELETE FROM t USING", (), ("t",), TRUNCATED),
    ("INSERT INTO t SELECT * FROM u WHERE id IN (SELECT", ("u",), ("t",), UNBALANCED),
], ids=str)
def test_broken_sql_yields_what_it_can_and_says_so(
        sql: str, reads: tuple[str, ...], writes: tuple[str, ...], problem: str) -> None:
    statement = one(sql)
    assert (statement.reads, statement.writes) == (reads, writes)
    assert problem in statement.problems


@pytest.mark.parametrize("text", [
    "", "   ", ";", ";;", "-- only a comment", "/* unclosed", "'unclosed string FROM t",
    "\x00\x01\xff", "SELECT", "FROM", ")))(((", "WITH", "WITH x AS (", "CREATE", "DROP TABLE",
])
def test_degenerate_input(text: str) -> None:
    for statement in read_sql(text):
        assert statement.kind in (*KINDS, "other")
        assert not statement.writes and not statement.ddl


def test_huge_text_is_refused_politely() -> None:
    text = "SELECT a FROM t WHERE x IN (" + "1, " * 100_000 + "1)"
    (statement,) = read_sql(text)
    assert statement.kind == "other" and "too long" in statement.problems[0]
    assert not looks_like_sql(text)


def test_reading_is_repeatable() -> None:
    text = "SELECT * FROM a JOIN b ON 1 = 1"
    assert read_sql(text) == read_sql(text) == read_sql(text + " ")
    long_text = text + " " * 10_000  # past the size the cache keeps
    assert read_sql(long_text) == read_sql(text)


# =========================================================================== looks_like_sql


@pytest.mark.parametrize("text", [
    "SELECT id FROM t", "select * from t where x = 1", "SELECT a, b FROM t ORDER BY a",
    "\n    SELECT p.sku\n    FROM products p\n", "(SELECT a FROM b)", "  ((select a from b))",
    "-- report\nSELECT a FROM t", "/* a */ /* b */ SELECT a FROM t",
    "SELECT count(*) FROM (SELECT 1 FROM t) s", 'SELECT * FROM "Orders"', "SELECT * FROM [o]",
    "SELECT a FROM t\n", "SELECT %(aggr)s(rev) FROM %(tab)s WHERE repos=%%s",
    f"SELECT * FROM {P} WHERE id = %s", f"select * from __words as w {P} where w.x = %s",
    "INSERT INTO t VALUES (1)", "insert into t(a, b) values (%s, %s)",
    "INSERT OR IGNORE INTO t VALUES (?)", "INSERT INTO t SELECT * FROM u",
    "REPLACE INTO kv VALUES (:k, :v)", "update t set a = 1", "UPDATE t x SET a = $1",
    f"update _{P} set {P} where id={P}", "DELETE FROM t WHERE id = ?", "delete from t",
    "DELETE FROM t AS x USING u WHERE 1 = 1", "WITH x AS (SELECT 1) SELECT * FROM x",
    "with recursive r(n) as (select 1) select * from r", "MERGE INTO t USING s ON 1 = 1",
    "TRUNCATE TABLE t", "truncate a, b", "CREATE TABLE t (a int)", "CREATE INDEX i ON t (a)",
    "create unique index i on t(a)", f"CREATE {P} INDEX i ON t (a)",
    "CREATE VIEW v AS SELECT 1", "CREATE OR REPLACE VIEW v AS SELECT * FROM t",
    "CREATE TEMPORARY TABLE x AS SELECT * FROM t", "CREATE VIRTUAL TABLE f USING fts5(a)",
    "CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END", "ALTER TABLE t ADD c int",
    "alter table t rename to u", f"ALTER TABLE {P} {P}", "DROP TABLE t", "drop index i",
    "DROP TABLE IF EXISTS a, b", "DROP VIEW v;",
])
def test_sql_looks_like_sql(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize("text", [
    "Select an item from the list", "Update the order from the cart", "delete from disk failed",
    "select an item from the list", "select one from the list below", "Delete address?",
    "update the order from the cart", "Create your account and then you will be redirected",
    "create a table for the results", "create table of contents", "insert into the list",
    "drop table entries from the list", "truncate text to fit", "alter table settings",
    "Truncate the Ranges by setting a maximal allowed value.", "merge into master",
    "Please select from your files", "select all files from this folder",
    "Insert a new milestone. :raises TracError: if milestone name is empty.",
    "Drop the given table from the database.", "DELETE (retire) an object in a class",
    "Replace %( with %%( to quote the format substitution param.",
    "with open(path) as handle:", "With ' symbol", "create", "update", "Select", "SELECT",
    "SELECT 1", "select version()", "select_related", "Insert coin", "delete-comment",
    "INSERT INTO", "select * from", "CREATE SEQUENCE ids", "DROP DATABASE x", "",
    "Deleted from t", "selected from list", "Alter the deal", "Drop it like it's hot",
    # keywords only Unicode's case folding makes SQL: the long s, the dotted capital I
    "\u017felect a from b", "\u0130nsert into t values (1)", "\u017fELECT * FROM t",
])
def test_prose_and_fragments_do_not(text: str) -> None:
    assert not looks_like_sql(text)


def test_looks_like_sql_is_quick_on_adversarial_text() -> None:
    texts = ["/*" * 50_000, "select " * 20_000, "SELECT " + "(" * 50_000, "-- x\n" * 20_000,
             "select a from " + "x, " * 30_000, "with " * 20_000, "/* */ " * 20_000 + "x",
             "/* " + "*" * 50_000, "(" * 100_000]
    started = time.perf_counter()
    for text in texts:
        looks_like_sql(text)
    assert time.perf_counter() - started < 2


# =========================================================================== properties

# Keywords that must never come out as a table.
CLAUSE_WORDS = frozenset({
    "select", "from", "where", "join", "on", "set", "values", "as", "into", "and", "or", "not",
    "in", "union", "group", "order", "by", "having", "limit", "with", "update", "delete",
    "insert", "table", "using", "left", "inner", "outer", "exists", "case", "when", "then",
})
# English words that seamline rightly refuses as names in looks_like_sql.
ENGLISH = frozenset({"the", "an", "your", "you", "this", "these", "those", "my", "our",
                     "their", "which", "what", "please", "will", "would", "should", "must", "it",
                     "them", "we", "dual"})


def _lexes_as_a_name(word: str) -> bool:
    tokens = list(lexer.tokenize(word))  # type: ignore[no-untyped-call]
    return len(tokens) == 1 and tokens[0][0] is T.Name


def assert_normalised(statement: SqlStatement, text: str) -> None:
    assert statement.kind in (*KINDS, "other")
    for names in (statement.reads, statement.writes, statement.ddl):
        assert list(names) == sorted(set(names))
        for name in names:
            assert name and name == name.strip()
            assert name.lower() not in CLAUSE_WORDS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.printable + "ßé\u2028\x00\"`[]", max_size=300))
def test_read_sql_never_raises_on_any_text(text: str) -> None:
    assert isinstance(looks_like_sql(text), bool)
    for statement in read_sql(text):
        assert_normalised(statement, text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "SELECT", "FROM", "WHERE", "JOIN", "ON", "(", ")", ",", ";", "WITH", "AS", "INSERT",
    "INTO", "UPDATE", "SET", "DELETE", "USING", "MERGE", "CREATE", "TABLE", "INDEX", "DROP",
    "TRUNCATE", "UNION", "t", "u", "x.y", '"Q"', "`b`", "[s]", "%s", "?", P, "1", "=", ".",
    "BEGIN", "END", "TRIGGER", "CASE", "LATERAL", "ONLY", "EXTRACT", "IS", "DISTINCT",
]), max_size=40))
def test_read_sql_never_raises_on_sql_word_salad(words: list[str]) -> None:
    text = " ".join(words)
    for statement in read_sql(text):
        assert_normalised(statement, text)


REAL = [
    "SELECT t.id, t.summary FROM ticket t LEFT JOIN ticket_custom c ON c.ticket = t.id "
    "WHERE t.status IN (%s, %s) ORDER BY t.time",
    "INSERT INTO node_change (repos, rev, path) SELECT repos, rev, path FROM revision WHERE x",
    "UPDATE session_attribute SET value = %(v)s WHERE sid = %(s)s AND name = 'n'",
    "WITH w AS (SELECT * FROM wiki) DELETE FROM attachment USING w WHERE attachment.id = w.id",
    "SELECT DISTINCT s.sid, n.value FROM session AS s LEFT JOIN session_attribute AS n ON "
    "(n.sid = s.sid AND n.authenticated = 1 AND n.name = 'name') WHERE s.authenticated = %s",
    "DELETE FROM session_attribute WHERE authenticated = 0 AND NOT EXISTS (SELECT * FROM "
    "session AS s WHERE s.sid = session_attribute.sid AND s.authenticated = 0)",
    "SELECT w1.name, w1.time FROM wiki w1, (SELECT name, max(version) AS ver FROM wiki "
    "GROUP BY name) w2 WHERE w1.version = w2.ver AND w1.name = w2.name",
    "select _issue.id from _issue, issue_messages where _issue.id = issue_messages.nodeid "
    "and issue_messages.linkid in (select id from _msg where _msg._author = 1)",
    "CREATE TABLE ticket_custom (ticket integer, name text, value text, UNIQUE(ticket, name))",
    "CREATE TRIGGER trg AFTER INSERT ON orders BEGIN UPDATE totals SET n = n + 1; END",
    "MERGE INTO stock s USING (SELECT sku FROM delivery) d ON s.sku = d.sku WHEN MATCHED THEN "
    "UPDATE SET q = 1",
    "ALTER TABLE ticket RENAME TO ticket_old; DROP INDEX IF EXISTS idx ON ticket_old",
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REAL), st.data())
def test_mutated_real_statements_are_read_without_crashing(
        sql: str, data: st.DataObject) -> None:
    words = sql.split()
    cut = data.draw(st.integers(0, len(words)), label="cut")
    drop = data.draw(st.sets(st.integers(0, len(words) - 1), max_size=3), label="drop")
    mutated = " ".join(w for i, w in enumerate(words[:cut]) if i not in drop)
    chars = data.draw(st.integers(0, len(mutated)), label="chars")
    for text in (mutated, mutated[:chars], sql[:chars]):
        for statement in read_sql(text):
            assert_normalised(statement, text)
            for name in (*statement.reads, *statement.writes, *statement.ddl):
                assert " " not in name and '"' not in name and "`" not in name
                assert all(part in text.lower() for part in name.split("."))


# --------------------------------------------------------------------------- generated SQL

# Every one- and two-letter word that sqlparse lexes as a name, and some real table names.
VOCABULARY = sorted(word for word in {
    *string.ascii_lowercase, *(a + b for a in string.ascii_lowercase for b in "aeiouxyz_1"),
    "orders", "ticket", "node_change", "_issue", "__words", "t1", "wiki_old", "x9",
} if word not in ENGLISH and _lexes_as_a_name(word))
NAME = st.sampled_from(VOCABULARY)


@dataclass
class Generated:
    """A statement with what a correct reader must find in it."""

    sql: str = ""
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)  # CTE names, aliases, columns, schemas


class _Builder:
    """Builds a random statement from unique names, noting where each name stands."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        self.draw = draw
        self.used: set[str] = set()
        self.found = Generated()
        self.ctes: list[str] = []

    def pick(self, *choices: str) -> str:
        return str(self.draw(st.sampled_from(choices)))

    def fresh(self) -> str:
        """A name not used before in the statement."""
        name = str(self.draw(NAME))
        if name in self.used:
            name = f"{name}_{len(self.used)}"
        self.used.add(name)
        return name

    def hide(self) -> str:
        name = self.fresh()
        self.found.hidden.add(name)
        return name

    def table(self) -> tuple[str, str]:
        """A real table as written, and as seamline must report it."""
        name = self.fresh()
        style = self.pick("plain", "upper", "quoted", "schema", "public")
        if style == "upper":
            return name.upper(), name
        if style == "quoted":
            return f'"{name.capitalize()}"', name.capitalize()
        if style == "schema":
            schema = self.hide()
            return f"{schema}.{name}", f"{schema}.{name}"
        if style == "public":
            return f"public.{name}", name
        return name, name

    def alias(self, needed: bool = False) -> str:
        style = self.pick("as", "bare") if needed else self.pick("none", "as", "bare")
        return {"none": "", "as": f" AS {self.hide()}", "bare": f" {self.hide()}"}[style]

    def item(self, depth: int) -> str:
        choices = ["table", "table"] + ["cte"] * bool(self.ctes) + ["subquery"] * (depth < 2)
        choice = self.pick(*choices)
        if choice == "cte":
            return self.pick(*self.ctes) + self.alias()
        if choice == "subquery":
            return f"({self.select(depth + 1)})" + self.alias(needed=True)
        written, name = self.table()
        self.found.reads.add(name)
        return written + self.alias()

    def condition(self, depth: int) -> str:
        style = self.pick("param", "in", "exists", "compare") if depth < 2 else "param"
        column = self.hide()
        if style == "in":
            return f"{column} IN ({self.select(depth + 1)})"
        if style == "exists":
            return f"EXISTS (SELECT 1 FROM {self.item(depth + 1)})"
        if style == "compare":
            return f"{column} = (SELECT max({self.hide()}) FROM {self.item(depth + 1)})"
        return f"{column} = {self.pick('%s', '%(v)s', '?', ':v', '$1', PLACEHOLDER)}"

    def select(self, depth: int) -> str:
        columns = ", ".join(self.hide() for _ in range(self.draw(st.integers(1, 3))))
        sql = f"SELECT {columns} FROM {self.item(depth)}"
        for _ in range(self.draw(st.integers(0, 2))):
            join = self.pick("JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "INNER JOIN", "CROSS JOIN",
                             ",", "FULL JOIN", "NATURAL JOIN")
            sql += f"{'' if join == ',' else ' '}{join} {self.item(depth)}"
            if join not in (",", "CROSS JOIN", "NATURAL JOIN"):
                sql += self.pick(f" ON {self.hide()} = {self.hide()}", f" USING ({self.hide()})")
        if self.draw(st.booleans()):
            sql += f" WHERE {self.condition(depth)}"
        if self.draw(st.booleans()):
            sql += f" ORDER BY {self.hide()}, {self.hide()}"
        if depth < 2 and self.draw(st.booleans()):
            sql += f" {self.pick('UNION', 'UNION ALL', 'EXCEPT')} {self.select(depth + 1)}"
        return sql

    def with_clause(self) -> str:
        count = self.draw(st.integers(0, 2))
        if not count:
            return ""
        recursive = self.draw(st.booleans())
        bodies = []
        for _ in range(count):
            name = self.hide()
            if recursive:
                self.ctes.append(name)
            bodies.append(f"{name} AS ({self.select(1)})")
            if not recursive:
                self.ctes.append(name)
        return f"WITH {'RECURSIVE ' if recursive else ''}{', '.join(bodies)} "

    def statement(self) -> Generated:
        sql = self.with_clause()
        kind = self.pick("select", "insert", "update", "delete")
        if kind == "select":
            sql += self.select(0)
        else:
            written, target = self.table()
            self.found.writes.add(target)
            if kind == "insert":
                source = self.pick("values", "select")
                sql += f"INSERT INTO {written} ({self.hide()}, {self.hide()}) " + (
                    "VALUES (%s, %s)" if source == "values" else self.select(0))
            elif kind == "update":
                sql += f"UPDATE {written}{self.alias()} SET {self.hide()} = "
                sql += self.pick("%s", "1") if self.draw(st.booleans()) else \
                    f"({self.select(1)})"
                if self.draw(st.booleans()):
                    sql += f" FROM {self.item(1)}"
                sql += f" WHERE {self.condition(1)}"
            else:
                sql += f"DELETE FROM {written}{self.alias()}"
                if self.draw(st.booleans()):
                    sql += f" USING {self.item(1)}"
                sql += f" WHERE {self.condition(1)}"
        self.found.sql = sql
        return self.found


@st.composite
def generated(draw: Callable[[Any], Any]) -> Generated:
    return _Builder(draw).statement()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_generated_statements_are_read_exactly(found: Generated) -> None:
    statement = one(found.sql)
    assert set(statement.reads) == found.reads, found.sql
    assert set(statement.writes) == found.writes, found.sql
    assert statement.ddl == ()
    assert not found.hidden & {*statement.reads, *statement.writes}, found.sql
    assert_normalised(statement, found.sql)
    assert looks_like_sql(found.sql), found.sql


@pytest.mark.parametrize("text", ["FROM SELECT .", "SELECT * FROM orders.", "DELETE FROM s."])
def test_a_name_ending_in_a_dot_is_no_table(text: str) -> None:
    (statement,) = read_sql(text)
    assert (statement.reads, statement.writes) == ((), ())
    assert TRUNCATED in statement.problems


# --------------------------------------------------------------------------- long SQL

LIMIT = 20_000


def _numbers(count: int) -> str:
    return ", ".join(str(i) for i in range(count))


def _condensed_tables(text: str) -> tuple[set[str], set[str], tuple[str, ...]]:
    kept = condense_sql(text, LIMIT)
    assert len(kept) <= LIMIT
    statements = read_sql(kept)
    return ({t for s in statements for t in s.reads}, {t for s in statements for t in s.writes},
            tuple(p for s in statements for p in s.problems))


@pytest.mark.parametrize(("text", "reads", "writes"), [
    (f"SELECT a FROM orders WHERE id IN ({_numbers(20_000)})", {"orders"}, set()),
    ("INSERT INTO lines (id, sku) VALUES " + ", ".join(f"({i}, 'sku-{i}')" for i in
                                                       range(10_000)), set(), {"lines"}),
    ("SELECT " + ", ".join(f"col_{i}" for i in range(10_000)) + " FROM wide JOIN other o "
     "ON o.id = wide.id", {"wide", "other"}, set()),
    ("UPDATE stock SET " + ", ".join(f"c{i} = {i}" for i in range(5_000)) + " WHERE id IN "
     "(SELECT id FROM moves)", {"moves"}, {"stock"}),
    ("SELECT a FROM notes WHERE body = '" + "x" * 50_000 + "' UNION SELECT b FROM more_notes",
     {"notes", "more_notes"}, set()),
    (f"SELECT a FROM t WHERE x IN ({_numbers(5_000)}, (SELECT y FROM inside_list), "
     f"{_numbers(5_000)})", {"t", "inside_list"}, set()),
])
def test_long_sql_keeps_every_table_it_names(text: str, reads: set[str],
                                             writes: set[str]) -> None:
    assert len(text) > LIMIT
    assert _condensed_tables(text) == (reads, writes, ())


def test_a_from_list_is_never_shortened_and_a_cut_says_so() -> None:
    """A comma after FROM (or after ``WITH (NOLOCK)``, which does not end the FROM list)
    separates tables: such a list is kept, and cut only at the limit, with a problem."""
    for opening in ("SELECT * FROM ", "SELECT * FROM a WITH (NOLOCK), "):
        text = opening + ", ".join(f"t{i}" for i in range(5_000))
        reads, _, problems = _condensed_tables(text)
        assert {f"t{i}" for i in range(1_000)} <= reads
        assert "t4999" not in reads
        [problem] = problems
        assert "not read" in problem and problem != TRUNCATED


def test_short_sql_is_kept_as_written() -> None:
    text = f"SELECT a FROM orders WHERE id IN ({_numbers(1_000)})"
    assert condense_sql(text, LIMIT) is text


def _inflated(sql: str) -> str:
    """The statement made long where real SQL is long: wide select lists, long IN lists,
    many VALUES rows."""
    columns = ", ".join(f"col_{i}" for i in range(1_500))
    return (sql.replace("SELECT ", f"SELECT {columns}, ")
            .replace("= %s", f"IN ({_numbers(3_000)})")
            .replace("VALUES (%s, %s)", "VALUES " + ", ".join(["(%s, %s)"] * 3_000)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_inflated_generated_statements_keep_their_tables(found: Generated) -> None:
    text = _inflated(found.sql)
    if len(text) <= LIMIT:
        text += " -- " + "x" * LIMIT  # a long comment at least
    reads, writes, problems = _condensed_tables(text)
    assert (reads, writes) == (found.reads, found.writes), found.sql
    assert not any("not read" in p for p in problems), found.sql
