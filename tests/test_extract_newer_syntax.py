"""Files this interpreter cannot read but libcst can: Python 3.12's type parameters and ``type``
statements, and its f-strings that reuse their quotes. libcst reads them, their newer syntax is
written as older syntax on the same lines, and ``ast`` reads that: definitions, imports and uses
are found, with the file's own lines."""

from __future__ import annotations

import ast

from analyzer.extract.code import extract
from analyzer.model import FileFacts, NameUse, ParseStatus


def _facts(text: str) -> FileFacts:
    # through libcst whatever this interpreter reads: the rewrite is tested on 3.12 too
    facts = extract(text.encode(), marker="@generated", include_generated=True,
                    max_bytes=10**8, vocabulary=frozenset({"objects", "raw"}), fallback=True)
    assert facts.status is ParseStatus.OK, facts.problem
    return facts


def _uses(facts: FileFacts, atom: str) -> dict[tuple[str, ...], NameUse]:
    return {use.chain: use for atoms in facts.uses if atoms.atom == atom for use in atoms.uses}


TYPE_PARAMETERS = '''\
from shop.models import Order


def first[T](items: list[T], fallback: T) -> T:
    return items[0] if items else fallback


class Box[
    T: Order,  # a bound
    *Ts,
](Generic):
    def get(self) -> Order:
        return Order.objects.get()


import os
value = first(os.sep)
'''


def test_type_parameters_are_read_with_the_files_own_lines() -> None:
    facts = _facts(TYPE_PARAMETERS)
    assert [(d.name, d.kind, d.line, d.end_line) for d in facts.definitions] == [
        ("first", "function", 4, 5), ("Box", "class", 8, 13)]
    first, box = facts.definitions
    assert [(p.name, p.annotation) for p in first.params] == [
        ("items", "list[T]"), ("fallback", "T")]
    assert box.bases == ("Generic",)
    assert [(m.name, m.line, m.end_line) for m in box.methods] == [("get", 12, 13)]
    assert [(i.line, i.module, i.name) for i in facts.imports] == [
        (1, "shop.models", "Order"), (16, "os", None)]
    assert _uses(facts, "Box")[("Order", "objects", "get")].line == 13
    assert _uses(facts, "")[("first",)].line == 17
    assert [v.name for v in facts.variables] == ["value"]
    assert ("Box.get", "Order") in facts.returns


def test_a_type_statement_binds_its_name() -> None:
    facts = _facts("from shop.models import Order\n\n"
                   "type Orders[T] = list[Order]\n"
                   "type Pair = tuple[\n    Order, Order]\n"
                   "latest: Orders = []\n")
    assert [(v.name, v.line) for v in facts.variables] == [
        ("Orders", 3), ("Pair", 4), ("latest", 6)]
    uses = _uses(facts, "")
    assert uses[("Order",)].line == 3
    assert uses[("Order",)].count == 3
    assert uses[("Orders",)].kinds == ("annotation",)


def test_an_fstring_that_reuses_its_quotes_is_read() -> None:
    facts = _facts("from shop import names, run\n\n"
                   "def show(rows):\n"
                   "    print(f'rows: {', '.join(names(rows))}')\n"
                   "    run(f'select * from {'orders'} where id = 1')\n")
    uses = _uses(facts, "show")
    assert uses[("names",)].line == 4
    assert uses[("run",)].line == 5
    flows = {flow.atom: flow.events for flow in facts.flows}
    assert "select * from" in str(flows["show"])


def test_a_file_neither_parser_reads_is_cpythons_syntax_error() -> None:
    facts = extract(b"x = 1\ny = (\n", marker="@generated", include_generated=True,
                    max_bytes=10**8)
    assert facts.status is ParseStatus.SYNTAX_ERROR
    assert facts.problem == (2, "syntax error: '(' was never closed")


def test_except_star_is_a_handler_on_the_same_lines_for_python_3_10() -> None:
    from analyzer.extract.downgrade import downgraded

    text = "try:\n    run()\nexcept* (ValueError,\n         TypeError) as group:\n    pass\n"
    older = downgraded(text)
    assert "*" not in older
    assert older.splitlines()[2:] == ["except  (ValueError,", "         TypeError) as group:",
                                      "    pass"]
    handler = ast.parse(older).body[0].handlers[0]  # type: ignore[attr-defined]
    assert (handler.lineno, handler.name) == (3, "group")


def test_every_newer_fstring_is_read_not_the_file_lost() -> None:
    # PEP 701: a backslash in a field, a comment in a field, the quote reused two deep
    facts = _facts("from app import svc, run\n\n"
                   "def report(rows, cur, t):\n"
                   "    text = f\"{'\\n'.join(svc.rows)}\"\n"
                   "    note = f\"{svc.a # a note\n"
                   "    }\"\n"
                   "    run(f\"{f\"{t}_x\"} and {f\"{\"a\"}\"}\")\n"
                   "    cur.execute(f\"SELECT {', '.join(rows)} FROM orders\")\n"
                   "    return text, note\n")
    uses = _uses(facts, "report")
    assert uses[("svc", "rows")].line == 4
    assert uses[("svc", "a")].line == 5
    assert uses[("run",)].line == 7
    assert [(d.name, d.line, d.end_line) for d in facts.definitions] == [("report", 3, 9)]
    flows = {flow.atom: flow.events for flow in facts.flows}
    assert "SELECT __seamline_dyn__ FROM orders" in str(flows["report"])


def test_lines_end_where_cpython_ends_them() -> None:
    # a form feed and a line separator are no line breaks; a lone carriage return is one
    for spacer in ("\x0c\n", "# a\u2028comment\n"):
        facts = _facts(f"from app import svc\n{spacer}\ndef first[T](xs: list[T]) -> T:\n"
                       "    return svc.first(xs)\n")
        assert [(d.name, d.line) for d in facts.definitions] == [("first", 4)]
        assert _uses(facts, "first")[("svc", "first")].line == 5
    facts = extract(b"from django.db import models  # old\rline\n\n\n"
                    b"class Order(models.Model):\n    total = models.IntegerField()\n\n"
                    b"    class Meta:\n        db_table = 'orders'\n", marker="@generated",
                    include_generated=True, max_bytes=10**8)
    [order] = facts.classes
    assert order.meta is not None and [(n, line) for n, _, line in order.meta] == [
        ("db_table", 9)]
    assert [(n, line) for n, _, line in order.attrs] == [("total", 6)]


def test_newer_fstrings_beside_other_strings_and_in_type_parameters() -> None:
    # implicit concatenation around an f-string that must become a concatenation itself, a
    # text that ends in a backslash or in the quote before a field, an f-string inside a type
    # parameter's bound (blanked with the list)
    facts = _facts('from app import svc\n\n'
                   'def report(a, cur):\n'
                   '    msg = (f"{"\\n".join(a)} "\n'
                   '           "more text")\n'
                   '    head = "head" f"{"\\n".join(svc.names)}"\n'
                   '    slash = f"a\\{"\\n".join(a)}"\n'
                   '    quoted = f"""x"{"\\n".join(a)}"""\n'
                   '    cur.execute("SELECT " f"{"\\n".join(a)} " "FROM orders")\n'
                   '    return msg, head, slash, quoted\n\n\n'
                   'def first[T: f"{svc.d["k"]}"](x: T) -> T:\n'
                   '    return x\n')
    assert [(d.name, d.line, d.end_line) for d in facts.definitions] == [
        ("report", 3, 10), ("first", 13, 14)]
    assert _uses(facts, "report")[("svc", "names")].line == 6
    flows = {flow.atom: flow.events for flow in facts.flows}
    assert "SELECT __seamline_dyn__ FROM orders" in str(flows["report"])
