"""Read SQL text: which tables a statement reads, writes or changes the schema of.

sqlparse's lexer turns the text into tokens (keywords, names, quoted names, placeholders,
punctuation) and splits statements; its grouping step is not used, because it mis-groups
enough real SQL (``INSERT ... SELECT``, ``DELETE ... USING``, keywords used as table names) that
a careful walk over the plain tokens is both simpler and more exact. The walk knows a small
grammar of *table positions*: after ``FROM``, ``JOIN``, ``UPDATE``, ``INTO``, ``USING``,
``TABLE``, ``ON`` (of ``CREATE INDEX``) and after a comma in a ``FROM`` list. Whatever name stands
there is a table unless it is a CTE of the statement, a function call or a subquery.

Names are normalised as a database would compare them: unquoted ones lower-cased, quotes removed
(case kept), default schemas (``public``, ``dbo``, ``main``) dropped. Nothing here raises on bad
input: what cannot be read becomes a problem message beside what could.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from sqlparse import lexer
from sqlparse import tokens as T

from analyzer.model import DYNAMIC, SqlStatement

PLACEHOLDER = DYNAMIC
_DEFAULT_SCHEMAS = frozenset({"public", "dbo", "main"})
_MAX_TEXT = 200_000

# Keywords that end a table list or can never be a table name where one is expected.
_CLAUSES = frozenset({
    "where", "set", "values", "select", "on", "using", "join", "group", "order", "by",
    "having", "limit", "offset", "union", "intersect", "except", "returning", "window",
    "into", "from", "as", "with", "when", "then", "natural", "cross", "inner", "outer",
    "left", "right", "full", "lateral", "default", "update", "delete", "insert", "merge",
    "and", "or", "not", "exists", "if", "only", "fetch", "for", "straight_join",
    "partition", "table", "index", "view", "trigger", "unique", "temporary", "temp",
    "recursive", "materialized", "concurrently", "ignore", "replace",
})
_JOIN = re.compile(r"^(?:(?:natural|cross|left|right|full|inner|outer|straight)\s+)*join$",
                   re.IGNORECASE)
# Functions whose arguments say FROM without naming a table: EXTRACT(MONTH FROM created).
_FROM_FUNCTIONS = frozenset({"extract", "substring", "trim", "position", "overlay", "substr"})
_CREATE_MODIFIERS = frozenset({"or", "replace", "unique", "temporary", "temp", "virtual",
                               "global", "local", "unlogged"})
_KINDS = ("select", "insert", "update", "delete", "merge", "replace", "truncate", "create",
          "alter", "drop")

# --------------------------------------------------------------------------- looks_like_sql

_LEAD = r"\A[\s(]*(?:(?:--[^\n]*(?:\n|\Z)|/\*.*?\*/)[\s(]*)*"
_IDENT = r"(?:[A-Za-z_][\w$]*|\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|" + re.escape(DYNAMIC) + r")"
_TABLE = _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?"
_SHAPES = [re.compile(_LEAD + shape, re.DOTALL) for shape in (
    r"(?P<k>select)\s.*?\b(?P<k2>from)\s+[\"`\[(\w]",
    r"(?P<k>insert)\s+(?:or\s+\w+\s+)?into\s+" + _TABLE,
    r"(?P<k>replace)\s+into\s+" + _TABLE,
    r"(?P<k>update)\s+(?:only\s+)?" + _TABLE + r"(?:\s+(?:as\s+)?\w+)?\s+set\s",
    r"(?P<k>delete)\s+from\s+" + _TABLE
    + r"\s*(?:$|;|(?:as\s+)?\w*\s*(?:where|using|returning)\b)",
    r"(?P<k>with)\s+(?:recursive\s+)?" + _IDENT
    + r"\s*(?:\([^)]*\))?\s*as\s*(?:not\s+)?(?:materialized\s*)?\(",
    r"(?P<k>create)\s+(?:or\s+replace\s+)?(?:unique\s+|temporary\s+|temp\s+|virtual\s+)*"
    r"(?:table|index|view|trigger)\b",
    r"(?P<k>alter)\s+table\s+" + _TABLE,
    r"(?P<k>drop)\s+(?:table|index|view|trigger)\b",
    r"(?P<k>truncate)\s+(?:table\s+)?" + _TABLE
    + r"\s*(?:$|;|,|\s+(?:restart|continue|cascade|restrict)\b)",
    r"(?P<k>merge)\s+into\s+" + _TABLE,
)]
_PREFILTER = re.compile(_LEAD + r"(?:select|insert|replace|update|delete|with|create|alter|drop|"
                        r"truncate|merge)\b", re.IGNORECASE | re.DOTALL)


def _cased(word: str) -> bool:
    """SQL keywords are written all upper or all lower; "Select" starts a sentence."""
    return word.isupper() or word.islower()


def looks_like_sql(text: str) -> bool:
    """Whether a string literal is SQL rather than prose, a log message or a label."""
    if len(text) > _MAX_TEXT or not _PREFILTER.match(text):
        return False
    for shape in _SHAPES:
        found = shape.match(text) or shape.match(text.lower())
        if found is None:
            continue
        keyword = text[found.start("k"):found.end("k")]
        second = found.groupdict().get("k2")
        if _cased(keyword) and (second is None or _cased(
                text[found.start("k2"):found.end("k2")])):
            return True
    return False


# --------------------------------------------------------------------------- read_sql


@dataclass(slots=True)
class _Token:
    kind: str  # keyword | name | quoted | placeholder | punct | other
    value: str  # keywords lower-cased and single-spaced; names as written


@dataclass(slots=True)
class _Reading:
    kind: str = "other"
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    ddl: set[str] = field(default_factory=set)
    ctes: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def statement(self) -> SqlStatement:
        def real(names: set[str]) -> tuple[str, ...]:
            return tuple(sorted(n for n in names if n not in self.ctes))
        return SqlStatement(self.kind, real(self.reads), real(self.writes), real(self.ddl),
                            tuple(dict.fromkeys(self.problems)))


def _tokens(text: str) -> Iterator[_Token]:
    for ttype, value in lexer.tokenize(text):  # type: ignore[no-untyped-call]
        if ttype in T.Whitespace or ttype in T.Comment or ttype in T.Newline:
            continue
        if ttype in T.Keyword:
            yield _Token("keyword", " ".join(value.lower().split()))
        elif ttype in T.Name.Placeholder:
            yield _Token("placeholder", value)
        elif ttype in T.Name or ttype in T.Name.Builtin:
            yield _Token("name", value)
        elif ttype in T.Literal.String.Symbol:
            yield _Token("quoted", value)
        elif ttype in T.Punctuation:
            yield _Token("punct", value)
        else:
            yield _Token("other", value)


def _statements(tokens: list[_Token]) -> list[list[_Token]]:
    statements: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "punct" and token.value == "(":
            depth += 1
        elif token.kind == "punct" and token.value == ")":
            depth = max(0, depth - 1)
        if token.kind == "punct" and token.value == ";" and depth == 0:
            statements.append([])
        else:
            statements[-1].append(token)
    return [s for s in statements if s]


def _identifier(token: _Token) -> str | None:
    """The normalised name a token stands for, when it can name a table."""
    value = token.value
    if token.kind == "quoted" or (token.kind == "name" and value[:1] in "`[\""):
        return value[1:-1] if len(value) >= 2 else None
    if token.kind == "name":
        return value.lower()
    if token.kind == "keyword" and value not in _CLAUSES and " " not in value \
            and not _JOIN.match(value):
        return value  # a non-reserved keyword used as a name: session, version, system
    return None


class _Walk:
    """One statement's tokens, read left to right."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.reading = _Reading()

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def is_keyword(self, *words: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind == "keyword" and token.value in words

    def is_punct(self, value: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind == "punct" and token.value == value

    def table_name(self, columns: bool) -> tuple[str | None, bool]:
        """Read ``[schema.]name`` at the cursor; (name, consumed). With ``columns`` a ``(``
        after the name opens its column list (``INSERT INTO t (a, b)``); without, the name is
        a table-valued function (``generate_series(1, 3)``): its call is skipped, no table."""
        first = self.peek()
        if first is None:
            return None, False
        if first.kind == "placeholder":
            self.at += 1
            self.reading.problems.append("table name is a query parameter; not read")
            return None, True
        parts: list[str] = []
        start = self.at
        while True:
            token = self.peek()
            name = _identifier(token) if token is not None else None
            if name is None:
                break
            parts.append(name)
            self.at += 1
            if self.is_punct(".") and self.peek(1) is not None:
                self.at += 1
                continue
            break
        if not parts:
            return None, False
        if self.is_punct("(") and not columns:
            self.skip_parentheses()
            return None, True
        if len(parts) > 2:
            parts = parts[-2:]
        if len(parts) == 2 and parts[0] in _DEFAULT_SCHEMAS:
            parts = parts[1:]
        table = ".".join(parts)
        if DYNAMIC in table:
            self.reading.problems.append(
                "table name is built at run time (f-string or template); not read")
            return None, True
        return (table, True) if self.at > start else (None, False)

    def skip_alias(self) -> None:
        if self.is_keyword("as"):
            self.at += 1
            self.at += 1 if self.peek() is not None else 0
            return
        token = self.peek()
        if token is not None and token.kind in ("name", "quoted"):
            self.at += 1

    def tables(self, into: set[str], listing: bool, columns: bool = False) -> None:
        """Table references at the cursor: one, or a comma-separated list when ``listing``."""
        while True:
            if self.is_keyword("only", "lateral"):
                self.at += 1
            if self.is_punct("("):
                return  # a subquery: the main loop walks into it
            name, consumed = self.table_name(columns)
            if name is not None:
                into.add(name)
            if not consumed:
                return
            self.skip_alias()
            if not (listing and self.is_punct(",")):
                return
            self.at += 1

    def ctes(self) -> None:
        """``WITH [RECURSIVE] a [(cols)] AS [NOT] [MATERIALIZED] (...), b AS (...)``."""
        self.at += 1
        if self.is_keyword("recursive"):
            self.at += 1
        while True:
            token = self.peek()
            name = _identifier(token) if token is not None else None
            if name is None:
                return
            self.reading.ctes.add(name)
            self.at += 1
            if self.is_punct("("):
                self.skip_parentheses()
            if not self.is_keyword("as"):
                return
            self.at += 1
            while self.is_keyword("not", "materialized"):
                self.at += 1
            if not self.is_punct("("):
                return
            body_start = self.at
            self.skip_parentheses()
            inner = _Walk(self.tokens[body_start + 1:self.at - 1])
            inner.reading.ctes = self.reading.ctes
            inner.run()
            self.merge(inner.reading)
            if not self.is_punct(","):
                return
            self.at += 1

    def skip_parentheses(self) -> None:
        depth = 0
        while (token := self.peek()) is not None:
            self.at += 1
            if token.kind == "punct" and token.value == "(":
                depth += 1
            elif token.kind == "punct" and token.value == ")":
                depth -= 1
                if depth <= 0:
                    return
        self.reading.problems.append("unbalanced parentheses; read as far as they go")

    def merge(self, other: _Reading) -> None:
        self.reading.reads |= other.reads
        self.reading.writes |= other.writes
        self.reading.ddl |= other.ddl
        self.reading.problems.extend(other.problems)

    def run(self) -> None:
        reading = self.reading
        if self.is_keyword("with"):
            self.ctes()
        inside: list[bool] = []  # per open parenthesis: the arguments of EXTRACT(x FROM y)?
        previous: _Token | None = None
        while (token := self.peek()) is not None:
            if token.kind == "punct" and token.value in "()":
                if token.value == "(":
                    inside.append(previous is not None and previous.value.lower()
                                  in _FROM_FUNCTIONS)
                elif inside:
                    inside.pop()
            if token.kind != "keyword" or (token.value == "from" and inside and inside[-1]):
                previous = token
                self.at += 1
                continue
            word = token.value
            if reading.kind == "other" and word in _KINDS:
                reading.kind = word
            previous = token
            self.at += 1
            self.keyword(word)

    def keyword(self, word: str) -> None:
        reading = self.reading
        if word == "from":
            if reading.kind == "delete" and not reading.writes:
                self.tables(reading.writes, listing=False)
            else:
                self.tables(reading.reads, listing=True)
        elif _JOIN.match(word):
            self.tables(reading.reads, listing=False)
        elif word == "using":
            if not self.is_punct("("):
                self.tables(reading.reads, listing=True)
        elif word == "into":
            self.tables(reading.writes, listing=False, columns=True)
        elif word == "update" and reading.kind == "update" and not reading.writes:
            self.tables(reading.writes, listing=False)
        elif word == "truncate":
            if self.is_keyword("table"):
                self.at += 1
            self.tables(reading.writes, listing=True)
        elif word in ("create", "alter", "drop"):
            self.schema_change(word)

    def schema_change(self, word: str) -> None:
        reading = self.reading
        while (token := self.peek()) is not None and token.kind in ("keyword", "name") and \
                token.value.lower() in _CREATE_MODIFIERS:
            self.at += 1
        if self.is_keyword("table", "view", "materialized view"):
            self.at += 1
            while self.is_keyword("if not exists", "if exists", "if", "not", "exists", "only"):
                self.at += 1
            self.tables(reading.ddl, listing=word == "drop", columns=True)
            if self.is_keyword("rename to", "rename"):
                self.at += 1
                if self.is_keyword("to"):
                    self.at += 1
                self.tables(reading.ddl, listing=False)
        elif self.is_keyword("index", "trigger") and word == "create":
            while (token := self.peek()) is not None and not self.is_keyword("on"):
                if token.kind == "punct" and token.value == "(":
                    return
                self.at += 1
            if self.is_keyword("on"):
                self.at += 1
                self.tables(reading.ddl, listing=False, columns=True)


@lru_cache(maxsize=4096)
def read_sql(text: str) -> tuple[SqlStatement, ...]:
    """Every statement in ``text`` with the tables it touches. Never raises."""
    if len(text) > _MAX_TEXT:
        return (SqlStatement("other", (), (), (), (
            f"SQL text of {len(text):,} characters is too long to read",)),)
    try:
        statements = _statements(list(_tokens(text)))
    except Exception as exc:  # sqlparse failing is a problem to report, not a crash
        return (SqlStatement("other", (), (), (), (f"sqlparse could not read it: {exc}",)),)
    found: list[SqlStatement] = []
    for tokens in statements:
        walk = _Walk(tokens)
        try:
            walk.run()
        except Exception as exc:  # a bug in the walk must cost this statement only
            walk.reading.problems.append(f"could not read the statement: {exc}")
        depth = sum(1 if t.value == "(" else -1 for t in tokens
                    if t.kind == "punct" and t.value in "()")
        if depth:
            walk.reading.problems.append("unbalanced parentheses; read as far as they go")
        found.append(walk.reading.statement())
    return tuple(found)
