"""Read SQL text: which tables a statement reads, writes or changes the schema of.

Two questions are answered here, for SQL found in string literals:

* ``looks_like_sql``: is this literal SQL at all? A precompiled prefilter (does the text open
  with a statement keyword?) rejects almost every literal at once; the few left must match
  the shape of a real statement (``DELETE FROM name`` followed by the end, ``WHERE`` or
  ``USING``; ``SELECT ... FROM name`` followed by a clause...). Prose is rejected because
  its keyword is capitalised ("Select an item"), because an English article or pronoun stands
  where a name must be ("from the list"), or because the words after the name are not SQL.
* ``read_sql``: which tables does each statement touch? sqlparse's lexer turns the text into
  tokens (keywords, names, quoted names, DB-API parameters, punctuation). Its grouping step is
  not used: it mis-groups enough real SQL (``INSERT ... SELECT``, ``DELETE ... USING``, keywords
  used as table names) that a walk over the plain tokens is simpler and more exact.

The walk knows the *table positions* of SQL: after ``FROM``, any ``JOIN``, a comma of a
``FROM`` list, ``USING`` (of ``DELETE`` and ``MERGE``), ``INTO``, the ``UPDATE`` target,
``TRUNCATE``, and the targets of ``CREATE``/``ALTER``/``DROP`` (the ``ON`` table of an index or
trigger). It keeps one frame per open parenthesis, so a subquery at any depth is read where it
stands and a ``FROM`` list resumes after a parenthesised item. ``WITH`` names are collected and
never reported; the bodies of CTEs and trigger bodies are walked as statements of their own.
What stands in a table position is a table unless it is a CTE, a function call, a subquery or
``DUAL``; aliases and columns are never in a table position.

Names are normalised as a database compares them: unquoted ones lower-cased, quotes removed
(case kept), default schemas (``public``, ``dbo``, ``main``) dropped, ``db.schema.table`` cut to
``schema.table``. The caller replaces every part of a string only known at run time with
``PLACEHOLDER``; a table name containing it is dropped with a problem message. Nothing here
raises on bad input: what cannot be read becomes a problem message beside what could.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from sqlparse import lexer
from sqlparse import tokens as T

from analyzer.model import CUT_NOTE, DYNAMIC, SqlStatement

PLACEHOLDER = DYNAMIC  # "__seamline_dyn__": stands for a part only known at run time

KINDS = ("select", "insert", "update", "delete", "merge", "replace", "truncate", "create",
         "alter", "drop")
_DEFAULT_SCHEMAS = frozenset({"public", "dbo", "main"})
_MAX_TEXT = 200_000  # longer literals are data, not SQL
# the note that ends a text the extraction cut, with the number of characters it left out
_BEFORE, _, _AFTER = CUT_NOTE.partition("{count:,}")
CUT_MARK = re.compile(rf"{re.escape(_BEFORE)}([\d,]+){re.escape(_AFTER)}\Z")
_CACHED_TEXT = 4_000  # read_sql remembers only texts up to this length

DYNAMIC_TABLE = "table name is built at run time (f-string or template); not read"
DYNAMIC_SCHEMA = "schema name is built at run time; the table is read without it"
DYNAMIC_FROM = "the FROM clause goes on with a part built at run time; it may name more tables"
PARAMETER_TABLE = "table name is a query parameter; not read"
UNBALANCED = "unbalanced parentheses; read as far as they go"
CUT = ("SQL text too long to read whole, even with its long lists left out: its last {count} "
       "characters were not read; a table named only there is missed")
TRUNCATED = "the statement ends where a table name should be"

# =========================================================================== looks_like_sql

# Leading blanks, parentheses and comments; a comment body cannot contain "*/", so the
# pattern has one way to match and fails in linear time.
_LEAD = r"\A[\s(]*(?:(?:--[^\n]*(?:\n|\Z)|/\*(?:[^*]|\*(?!/))*\*/)[\s(]*)*"
_WORD = r"[A-Za-z_#][\w$#]*"
_PARAM = r"(?:%(?:\(\w+\))?s|\?|:\w+|\$\d+)"
_DYN = rf"\w*{re.escape(DYNAMIC)}"  # a name or clause built at run time
_NAME = rf"(?:{_WORD}|\"[^\"\n]+\"|`[^`\n]+`|\[[^\]\n]+\]|{_PARAM})"
_TABLE = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"
_ALIAS = rf"(?:\s+(?:as\s+)?(?P<alias>{_WORD}))?"
# What may follow a table of a FROM list: the end, punctuation, a parameter or a clause.
_AFTER_FROM = (
    rf"\s*(?:\Z|[;,()]|--|/\*|{_PARAM}|{_DYN}"
    r"|(?<=\s)(?:where|(?:(?:natural|cross|inner|left|right|full|outer)\s+)*join|straight_join"
    r"|on|using|group|order|having|limit|offset|union|intersect|except|minus|window|for|fetch"
    r"|returning|into|with|lateral|tablesample|set|values|select|when)\b)")
_AFTER_INTO = (rf"\s*(?:\(|\Z|;|{_PARAM}|{_DYN}|(?<=\s)(?:values|select|with|default|set|as|on"
               r"|overriding|output|partition|returning)\b)")
_MODIFIERS = (rf"(?:(?:or\s+replace|unique|temporary|temp|virtual|global|local|unlogged"
              rf"|materialized|recursive|{_PARAM}|{_DYN})\s+)*")

# Each statement keyword's shapes, compiled when a statement of it is first read (all of them
# at once cost 10 ms of every run, and a project meets only a few kinds).
_SHAPE_TEXTS: dict[str, tuple[str, ...]] = {
    "select": (rf"(?P<k>select)\s(?P<cols>.*?)\b(?P<k2>from)\s*(?:\((?!\s*\))|"
               rf"(?P<table>{_TABLE}){_ALIAS}{_AFTER_FROM})",),
    "insert": (rf"(?P<k>insert)\s+(?:or\s+\w+\s+|ignore\s+)?(?P<k2>into)\s+"
               rf"(?P<table>{_TABLE}){_AFTER_INTO}",),
    "replace": (rf"(?P<k>replace)\s+(?P<k2>into)\s+(?P<table>{_TABLE}){_AFTER_INTO}",),
    "update": (rf"(?P<k>update)\s+(?:only\s+)?(?P<table>{_TABLE}){_ALIAS}\s+(?P<k2>set)\s*"
               rf"(?:[\w.\"`\[\]]+\s*=|\(|{_PARAM}|{_DYN})",),
    "delete": (rf"(?P<k>delete)\s+(?P<k2>from)\s+(?:only\s+)?(?P<table>{_TABLE})\s*"
               rf"(?:\Z|;|\)|--|{_PARAM}|{_DYN}|(?:(?<=\s)(?:as\s+)?{_WORD}\s+)?"
               r"(?<=\s)(?:where|using|returning)\b)",),
    "with": (rf"(?P<k>with)\s+(?:recursive\s+)?{_NAME}\s*(?:\([^)]*\)\s*)?(?P<k2>as)\s*"
             r"(?:not\s+)?(?:materialized\s*)?\(",),
    "create": (
        rf"(?P<k>create)\s+{_MODIFIERS}(?P<k2>table)\s+(?:if\s+not\s+exists\s+)?"
        rf"(?P<table>{_TABLE})\s*(?:\(|\Z|;|(?<=\s)(?:as|using|like)\b)",
        rf"(?P<k>create)\s+{_MODIFIERS}(?P<k2>index)\s+(?:concurrently\s+)?"
        rf"(?:if\s+not\s+exists\s+)?(?:{_NAME}\s+)?on\s+(?:only\s+)?(?P<table>{_TABLE})",
        rf"(?P<k>create)\s+{_MODIFIERS}(?P<k2>view)\s+(?:if\s+not\s+exists\s+)?"
        rf"(?P<table>{_TABLE})\s*(?:\([^)]*\)\s*)?as\b",
        rf"(?P<k>create)\s+{_MODIFIERS}(?P<k2>trigger)\s+(?:if\s+not\s+exists\s+)?"
        rf"{_TABLE}\s+(?:before|after|instead)\b",
    ),
    "alter": (rf"(?P<k>alter)\s+(?P<k2>table)\s+(?:if\s+exists\s+)?(?:only\s+)?"
              rf"(?P<table>{_TABLE})\s+(?:{_PARAM}|{_DYN}|(?:add|drop|alter|rename|modify|change"
              r"|set|owner|enable|disable|attach|detach|engine|convert|validate|cluster"
              r"|inherit|reset|replica|auto_increment|default|character|comment)\b)",),
    "drop": (rf"(?P<k>drop)\s+(?P<k2>table|index|view|trigger)\s+(?:concurrently\s+)?"
             rf"(?:if\s+exists\s+)?(?P<table>{_TABLE})(?:\s*,\s*{_TABLE})*\s*"
             r"(?:\Z|;|(?<=\s)(?:cascade|restrict|on|purge)\b)",),
    "truncate": (rf"(?P<k>truncate)\s+(?:(?P<k2>table)\s+)?(?:only\s+)?"
                 rf"(?P<table>{_TABLE})(?:\s*,\s*{_TABLE})*\s*"
                 r"(?:\Z|;|(?<=\s)(?:restart|continue|cascade|restrict)\b)",),
    "merge": (rf"(?P<k>merge)\s+(?P<k2>into)\s+(?P<table>{_TABLE}){_ALIAS}\s+using\b",),
}


@cache
def _shapes(keyword: str) -> tuple[re.Pattern[str], ...]:
    """None for a keyword that only Unicode's case folding matched (a long s for the s of
    ``select``, a dotted capital I for the i of ``insert``)."""
    return tuple(re.compile(_LEAD + shape, re.IGNORECASE | re.DOTALL)
                 for shape in _SHAPE_TEXTS.get(keyword, ()))


_PREFILTER = re.compile(_LEAD + r"(select|insert|replace|update|delete|with|create|alter|drop"
                        r"|truncate|merge)\b", re.IGNORECASE | re.DOTALL)
# Words of English prose that never name a table, a column or an alias.
_PROSE = frozenset({
    "the", "an", "your", "you", "this", "these", "those", "my", "our", "their", "which", "what",
    "please", "will", "would", "should", "must", "it", "them", "we",
})
_STRING_LITERAL = re.compile(r"'[^']*'")


def _cased(word: str | None) -> bool:
    """SQL keywords are written all upper or all lower case; "Select" starts a sentence."""
    return word is None or word.isupper() or word.islower()


def _prose(found: re.Match[str]) -> bool:
    """Whether English words stand where a statement has names."""
    groups = found.groupdict()
    words = " ".join(part for part in (groups.get("table"), groups.get("alias")) if part)
    words += " " + _STRING_LITERAL.sub(" ", groups.get("cols") or "")
    return any(word in _PROSE for word in re.findall(r"\w+", words.lower()))


def looks_like_sql(text: str) -> bool:
    """Whether a string literal is a SQL statement rather than prose, a log message or a
    label. Cheap on the common case: one precompiled regex rejects nearly every literal."""
    if len(text) > _MAX_TEXT:
        return False
    opening = _PREFILTER.match(text)
    if opening is None:
        return False
    for shape in _shapes(opening.group(1).lower()):
        found = shape.match(text)
        if found and _cased(found.group("k")) and _cased(found.groupdict().get("k2")) \
                and not _prose(found):
            return True
    return False


# =========================================================================== tokens


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # keyword | name | quoted | placeholder | punct | other
    value: str  # keywords lower-cased and single-spaced; everything else as written


# Words sqlparse lexes as names when a parenthesis follows them (``WHERE(``, ``JOIN(``).
_CLAUSE_NAMES = frozenset({"where", "set", "join", "on", "having", "exists", "in", "and", "or",
                           "not", "using", "from", "values"})


def _tokens(text: str) -> Iterator[_Token]:
    """sqlparse's lexer, without whitespace and comments, in the kinds the walk needs."""
    for ttype, value in lexer.tokenize(text):  # type: ignore[no-untyped-call]
        if ttype in T.Whitespace or ttype in T.Comment or ttype in T.Newline:
            continue
        if ttype in T.Keyword:
            yield _Token("keyword", " ".join(value.lower().split()))
        elif ttype in T.Name.Placeholder:
            yield _Token("placeholder", value)
        elif ttype in T.Name:
            lowered = value.lower()
            yield _Token("keyword", lowered) if lowered in _CLAUSE_NAMES else \
                _Token("name", value)
        elif ttype in T.Literal.String.Symbol:
            yield _Token("quoted", value)
        elif ttype in T.Punctuation:
            yield _Token("punct", value)
        else:
            yield _Token("other", value)


def _is(token: _Token | None, kind: str, *values: str) -> bool:
    return token is not None and token.kind == kind and (not values or token.value in values)


def _statements(tokens: list[_Token]) -> list[list[_Token]]:
    """Split at each ``;`` outside parentheses and outside the ``BEGIN ... END`` body of a
    ``CREATE TRIGGER``."""
    statements: list[list[_Token]] = [[]]
    depth = block = 0
    routine = False
    for token in tokens:
        current = statements[-1]
        if _is(token, "punct", "("):
            depth += 1
        elif _is(token, "punct", ")"):
            depth = max(0, depth - 1)
        elif _is(token, "punct", ";") and depth == 0 and block == 0:
            statements.append([])
            routine = False
            continue
        elif token.kind == "keyword":
            if token.value == "trigger" and current and current[0].value.startswith("create"):
                routine = True
            elif routine and token.value in ("begin", "case"):
                block += 1
            elif routine and token.value == "end":
                block = max(0, block - 1)
        current.append(token)
    return [s for s in statements if s]


def _balance(tokens: list[_Token]) -> bool:
    depth = 0
    for token in tokens:
        if _is(token, "punct", "("):
            depth += 1
        elif _is(token, "punct", ")"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# =========================================================================== names

# Keywords that can never be a table name where one is expected.
_RESERVED = frozenset({
    "where", "set", "values", "select", "on", "using", "join", "group", "order", "by",
    "having", "limit", "offset", "union", "intersect", "except", "minus", "returning", "window",
    "into", "from", "as", "with", "when", "then", "else", "end", "begin", "case", "natural",
    "cross", "inner", "outer", "left", "right", "full", "lateral", "default", "update",
    "delete", "insert", "merge", "and", "or", "not", "in", "is", "null", "between", "like",
    "exists", "if", "only", "fetch", "for", "straight_join", "partition", "table", "index",
    "view", "trigger", "unique", "temporary", "temp", "recursive", "materialized",
    "concurrently", "ignore", "replace", "distinct", "all",
})
_FROM_FUNCTIONS = frozenset({"extract", "substring", "trim", "position", "overlay", "substr"})
_CREATE_MODIFIERS = frozenset({"or", "replace", "or replace", "unique", "temporary", "temp",
                               "virtual", "global", "local", "unlogged", "materialized",
                               "recursive"})
# Keywords after which commas no longer separate the tables of a FROM list.
_FROM_END = frozenset({
    "where", "group by", "order by", "having", "limit", "offset", "union", "union all",
    "intersect", "except", "minus", "window", "returning", "set", "values", "select", "into",
    "for", "fetch", "when", "do", "qualify", "start", "connect",
})
_INTO_SKIP = frozenset({"temp", "temporary", "unlogged", "table"})


def _is_join(word: str) -> bool:
    return word in ("join", "straight_join") or word.endswith(" join")


def _unquote(value: str) -> str | None:
    if len(value) < 3:
        return None
    opening, closing = value[0], value[-1]
    inner = value[1:-1]
    return inner.replace(closing * 2, closing) if opening != "[" else inner


def _part(token: _Token | None, after_dot: bool) -> str | None:
    """The normalised name a token stands for as part of a table name, or None. After a dot
    any single word is a name; elsewhere a keyword only when it is not reserved
    (``session``, ``version``, ``system`` are keywords to sqlparse and common table names)."""
    if token is None:
        return None
    value = token.value
    if token.kind == "quoted" or (token.kind == "name" and value[:1] in "`[\""):
        return _unquote(value)
    if token.kind == "name":
        return value.lower()
    if token.kind == "keyword" and " " not in value and (after_dot or (
            value not in _RESERVED and not _is_join(value))):
        return value
    return None


# =========================================================================== the walk


@dataclass(slots=True)
class _Reading:
    kind: str = "other"
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    ddl: set[str] = field(default_factory=set)
    ctes: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    driving: set[str] = field(default_factory=set)  # first item of a FROM, USING's table
    joined: set[str] = field(default_factory=set)  # after a JOIN or a FROM list's comma

    def merge(self, other: _Reading) -> None:
        self.reads |= other.reads
        self.writes |= other.writes
        self.ddl |= other.ddl
        self.driving |= other.driving
        self.joined |= other.joined
        self.problems.extend(other.problems)

    def statement(self) -> SqlStatement:
        def real(names: set[str]) -> tuple[str, ...]:
            return tuple(sorted(n for n in names if n not in self.ctes))
        return SqlStatement(self.kind, real(self.reads), real(self.writes), real(self.ddl),
                            tuple(dict.fromkeys(self.problems)),
                            real(self.joined - self.driving - self.writes))


@dataclass(slots=True)
class _Frame:
    """What one open parenthesis (or the statement itself) is in the middle of."""

    from_list: bool = False  # commas here separate the tables of a FROM list
    no_from: bool = False  # the arguments of EXTRACT(x FROM y) and the like


class _Walk:
    """One statement's tokens, read left to right."""

    def __init__(self, tokens: list[_Token], ctes: set[str] | None = None) -> None:
        self.tokens = tokens
        self.at = 0
        self.reading = _Reading()
        if ctes is not None:
            self.reading.ctes = ctes  # shared with the enclosing statement
        self.frames = [_Frame()]
        self.target_read = False  # the UPDATE, DELETE or INTO-less MERGE target is read
        self.using_read = False  # the USING table of a DELETE or MERGE is read

    # ----------------------------------------------------------------- cursor

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.at + ahead
        return self.tokens[index] if 0 <= index < len(self.tokens) else None

    def is_keyword(self, *words: str, ahead: int = 0) -> bool:
        return _is(self.peek(ahead), "keyword", *words)

    def is_punct(self, value: str, ahead: int = 0) -> bool:
        return _is(self.peek(ahead), "punct", value)

    def skip_keywords(self, words: frozenset[str] | tuple[str, ...]) -> None:
        while self.is_keyword(*words):
            self.at += 1

    def closing(self, opening: int) -> int:
        """The index of the parenthesis closing the one at ``opening``, or the end."""
        depth = 0
        for index in range(opening, len(self.tokens)):
            token = self.tokens[index]
            if _is(token, "punct", "("):
                depth += 1
            elif _is(token, "punct", ")"):
                depth -= 1
                if depth == 0:
                    return index
        return len(self.tokens)

    # ----------------------------------------------------------------- main loop

    def run(self) -> _Reading:
        while (token := self.peek()) is not None:
            self.at += 1
            if token.kind == "punct":
                self.punct(token.value)
            elif token.kind == "keyword":
                self.keyword(token.value)
        return self.reading

    def punct(self, value: str) -> None:
        if value == "(":
            before = self.peek(-2)
            self.frames.append(_Frame(no_from=before is not None
                                      and before.value.lower() in _FROM_FUNCTIONS))
        elif value == ")":
            if len(self.frames) > 1:
                self.frames.pop()
        elif value == "," and self.frames[-1].from_list:
            self.table_item(joined=True)

    def keyword(self, word: str) -> None:
        reading = self.reading
        kind = "create" if word.startswith("create") else word
        if reading.kind == "other" and kind in KINDS:
            reading.kind = kind
            if kind in ("create", "alter", "drop"):
                self.schema_change(kind)
                return
        elif reading.kind == "other" and kind in ("grant", "revoke"):
            self.at = len(self.tokens)  # FROM and TO name roles there, not tables
            return
        frame = self.frames[-1]
        if word == "with":
            self.ctes()
        elif word == "from":
            self.from_keyword(frame)
        elif _is_join(word):
            frame.from_list = True
            self.table_item(joined=True)
        elif word == "using" and reading.kind in ("delete", "merge") \
                and len(self.frames) == 1 and not self.using_read:
            self.using_read = True
            frame.from_list = True
            self.table_item()
        elif word == "into" and reading.kind in ("insert", "replace", "select", "merge"):
            frame.from_list = False
            self.into()
        elif word == "update" and reading.kind == "update" and not self.target_read \
                and len(self.frames) == 1:
            self.target_read = True
            self.tables(reading.writes, listing=True)
        elif word == "merge" and reading.kind == "merge" and not self.is_keyword("into") \
                and not self.target_read:
            self.target_read = True  # MERGE t USING s: T-SQL's INTO is optional
            self.tables(reading.writes, listing=False)
        elif word == "truncate" and reading.kind == "truncate":
            self.skip_keywords(("table", "only"))
            self.tables(reading.writes, listing=True)
        elif word == "begin" and reading.kind == "create":
            self.routine_body()
        elif word in _FROM_END:
            frame.from_list = False

    def from_keyword(self, frame: _Frame) -> None:
        if frame.no_from or self.is_distinct_from():
            return
        reading = self.reading
        if reading.kind == "delete" and not self.target_read and len(self.frames) == 1:
            self.target_read = True
            self.tables(reading.writes, listing=False)
        else:
            self.table_item()
        frame.from_list = True

    def is_distinct_from(self) -> bool:
        """``a IS [NOT] DISTINCT FROM b`` compares; no table follows."""
        return self.is_keyword("distinct", ahead=-2) and self.is_keyword("is", "not", ahead=-3)

    # ----------------------------------------------------------------- table positions

    def table_item(self, joined: bool = False) -> None:
        """One item of a FROM list, a JOIN or a USING: a table, a function call, a subquery or
        a parenthesised join. The items after it are read by the main loop (commas, JOINs).
        ``joined``: the item follows a JOIN or a comma, so it is a lookup beside the table the
        query is about, not that table."""
        while True:
            self.skip_keywords(("only", "lateral"))
            if not self.is_punct("("):
                break
            self.at += 1
            self.frames.append(_Frame(from_list=True))
            if _part(self.peek(), after_dot=False) is None and not self.is_punct("("):
                return  # a subquery or VALUES list, which the main loop reads
        name, consumed = self.table_name(columns=False)
        if name is not None and name != "dual":
            self.reading.reads.add(name)
            (self.reading.joined if joined else self.reading.driving).add(name)
        if consumed and name is not None:
            self.dynamic_continuation()

    def dynamic_continuation(self) -> None:
        """``FROM t %s WHERE``: a bare run-time part after a table (and its alias) most often
        adds joins."""
        ahead = 0
        if self.is_keyword("as"):
            ahead = 2
        elif _is(self.peek(), "name") and self.peek() != _Token("name", PLACEHOLDER):
            ahead = 1
        if self.peek(ahead) == _Token("name", PLACEHOLDER):
            self.reading.problems.append(DYNAMIC_FROM)

    def tables(self, into: set[str], listing: bool) -> None:
        """A target table, or a comma-separated list of them when ``listing``."""
        while True:
            self.skip_keywords(("only",))
            name, consumed = self.table_name(columns=True)
            if name is not None:
                into.add(name)
            if not consumed or not listing:
                return
            if self.is_keyword("as"):
                self.at += 2
            elif _is(self.peek(), "name") or _is(self.peek(), "quoted"):
                self.at += 1
            if not self.is_punct(","):
                return
            self.at += 1

    def table_name(self, columns: bool) -> tuple[str | None, bool]:
        """Read ``[[db.]schema.]name`` at the cursor: (normalised name, whether something
        was consumed). With ``columns`` a ``(`` after the name opens its column list
        (``INSERT INTO t (a, b)``); without, the name is a function (``generate_series(1,
        3)``), whose arguments the main loop walks, and no table."""
        first = self.peek()
        if first is None:
            self.reading.problems.append(TRUNCATED)
            return None, False
        if first.kind == "placeholder":
            self.at += 1
            self.reading.problems.append(PARAMETER_TABLE)
            return None, True
        parts: list[str] = []
        dangling = False  # "FROM x." : a dot with no name after it
        while (part := _part(self.peek(), after_dot=bool(parts))) is not None:
            parts.append(part)
            self.at += 1
            dangling = False
            if not self.is_punct("."):
                break
            self.at += 1
            dangling = True
        if not parts:
            return None, False
        if dangling:
            self.reading.problems.append(TRUNCATED)
            return None, True
        if self.is_punct("(") and not columns:
            return None, True
        return self.normalised(parts), True

    def normalised(self, parts: list[str]) -> str | None:
        if any(PLACEHOLDER in part for part in parts):
            if PLACEHOLDER in parts[-1] or len(parts) == 1:
                self.reading.problems.append(DYNAMIC_TABLE)
                return None
            if parts[-1] in _RESERVED:  # a keyword is a name only after its schema's dot
                self.reading.problems.append(DYNAMIC_TABLE)
                return None
            self.reading.problems.append(DYNAMIC_SCHEMA)
            parts = parts[-1:]
        parts = parts[-2:]
        if len(parts) == 2 and parts[0] in _DEFAULT_SCHEMAS:
            parts = parts[1:]
        return ".".join(parts)

    def into(self) -> None:
        """``INSERT INTO t``, ``SELECT ... INTO [TEMP] t``; not MySQL's ``INTO OUTFILE``."""
        self.skip_keywords(_INTO_SKIP)
        following = self.peek()
        if following is not None and following.value.lower() in ("outfile", "dumpfile"):
            return
        self.tables(self.reading.writes, listing=False)

    # ----------------------------------------------------------------- WITH

    def ctes(self) -> None:
        """``WITH [RECURSIVE] a [(cols)] AS [NOT] [MATERIALIZED] (...), b AS (...)``: each
        body is walked as a statement of its own. Anything else after ``WITH`` (``WITH
        (NOLOCK)``, ``WITH TIME ZONE``) is left alone."""
        self.skip_keywords(("recursive",))
        while (name := _part(self.peek(), after_dot=False)) is not None:
            start = self.at
            self.at += 1
            if self.is_punct("("):
                self.at = self.closing(self.at) + 1
            if not self.is_keyword("as"):
                self.at = start
                return
            self.at += 1
            self.skip_keywords(("not", "materialized"))
            if not self.is_punct("("):
                self.at = start
                return
            self.reading.ctes.add(name)
            end = self.closing(self.at)
            body = _Walk(self.tokens[self.at + 1:end], self.reading.ctes)
            self.reading.merge(body.run())
            self.at = end + 1
            if not self.is_punct(","):
                return
            self.at += 1

    # ----------------------------------------------------------------- DDL

    def schema_change(self, word: str) -> None:
        """The target of ``CREATE``, ``ALTER`` or ``DROP`` of a table, view, index or
        trigger; other objects (schemas, sequences, databases) touch no table."""
        ddl = self.reading.ddl
        while (token := self.peek()) is not None and (
                token.value.lower() in _CREATE_MODIFIERS or token.value == PLACEHOLDER):
            self.at += 1
        if self.is_keyword("table", "view"):
            self.at += 1
            self.skip_keywords(("if not exists", "if exists", "if", "not", "exists", "only"))
            self.tables(ddl, listing=word == "drop")
            if word == "alter" and self.is_keyword("rename") and self.is_keyword("to", "as",
                                                                                 ahead=1):
                self.at += 2
                self.tables(ddl, listing=False)
        elif self.is_keyword("index", "trigger"):
            self.at += 1
            while self.peek() is not None and not self.is_keyword("on", "begin") \
                    and not self.is_punct("("):
                self.at += 1
            if self.is_keyword("on"):
                self.at += 1
                self.tables(ddl, listing=False)

    def routine_body(self) -> None:
        """The ``BEGIN ... END`` of a trigger: each statement in it is walked on its own."""
        start, depth = self.at, 1
        while (token := self.peek()) is not None:
            self.at += 1
            if token.kind == "keyword" and token.value in ("begin", "case"):
                depth += 1
            elif token.kind == "keyword" and token.value == "end":
                depth -= 1
                if depth == 0:
                    break
        end = self.at - 1 if depth == 0 else self.at
        for tokens in _statements(self.tokens[start:end]):
            self.reading.merge(_Walk(tokens).run())


# =========================================================================== read_sql


def _read_statement(tokens: list[_Token]) -> SqlStatement:
    walk = _Walk(tokens)
    try:
        walk.run()
    except Exception as exc:  # a bug in the walk must cost this statement only
        walk.reading.problems.append(f"could not read the statement: {exc!r}")
    if not _balance(tokens):
        walk.reading.problems.append(UNBALANCED)
    return walk.reading.statement()


def _read(text: str) -> tuple[SqlStatement, ...]:
    if len(text) > _MAX_TEXT:
        return (SqlStatement("other", (), (), (), (
            f"SQL text of {len(text):,} characters is too long to read",)),)
    try:
        statements = _statements(list(_tokens(text)))
    except Exception as exc:  # sqlparse failing is a problem to report, not a crash
        return (SqlStatement("other", (), (), (), (f"sqlparse could not read it: {exc!r}",)),)
    read = tuple(_read_statement(tokens) for tokens in statements)
    cut = CUT_MARK.search(text)  # the extraction cut a text too long to keep
    if cut is None or not read:
        return read
    # Where the text was cut, a statement may end early or inside parentheses: that is said
    # once, by the note on the cut.
    last = read[-1]
    problems = tuple(p for p in last.problems if p not in (TRUNCATED, UNBALANCED))
    return (*read[:-1], replace(last, problems=(*problems, CUT.format(count=cut.group(1)))))


_read_cached = lru_cache(maxsize=2048)(_read)


def read_sql(text: str) -> tuple[SqlStatement, ...]:
    """Every statement in ``text`` (split at ``;``) with the tables it touches. Dynamic parts
    must already be replaced with ``PLACEHOLDER``. Never raises."""
    return _read_cached(text) if len(text) <= _CACHED_TEXT else _read(text)
