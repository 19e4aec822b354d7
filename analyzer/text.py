"""Identifiers as words: ``OrderLine`` -> ``order line``. Shared by the vocabulary signal
and the naming of contexts. And words in messages: ``count(1, "error")`` -> ``1 error``,
``article("Order")`` -> ``an Order``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_SPLIT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# One string literal as Python 3.11 tokenizes it (an f-string's quotes cannot nest before 3.12).
LITERAL = (r"[A-Za-z]{0,2}(?:'''(?:[^\\']|\\.|'(?!''))*'''"
           r"|\"\"\"(?:[^\\\"]|\\.|\"(?!\"\"))*\"\"\""
           r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")")
_ONE_LITERAL = re.compile(LITERAL, re.DOTALL)


def one_literal(segment: str) -> bool:
    """Whether a string constant's text is a single literal, not ``"a" "b"``."""
    return _ONE_LITERAL.fullmatch(segment) is not None


def words(identifier: str) -> list[str]:
    """``OrderLine`` -> ``["order", "line"]``; ``shipping_address2`` -> ``["shipping",
    "address"]``; plurals folded, numbers and one-letter parts dropped."""
    return list(_words(identifier))


@lru_cache(maxsize=1 << 16)  # a project's identifiers repeat: nova's graph asks 96k times
def _words(identifier: str) -> tuple[str, ...]:
    found = []
    for part in _SPLIT.findall(identifier):
        word = _PART_WORDS.get(part)
        if word is None:
            word = singular(part.lower()) if len(part) >= 3 and not part.isdigit() else ""
            if len(_PART_WORDS) < _PARTS_KEPT:
                _PART_WORDS[part] = word
        if word:
            found.append(word)
    return tuple(found)


# each part's word ("" for none), as identifiers share their parts (nova: 45,000 identifiers,
# 167,000 parts, 9,300 different ones); bounded like ``_words``'s cache
_PART_WORDS: dict[str, str] = {}
_PARTS_KEPT = 1 << 16


def singular(word: str) -> str:
    """``orders`` -> ``order``, ``categories`` -> ``category``; a word the same in both
    numbers (``series``, ``news``), a noun in ``-ie`` (``cookies``) and one in ``-as``
    (``aliases``) keep what they are."""
    if word in _SAME_IN_BOTH or word in _SINGULAR_IN_AS:
        return word
    if word.endswith("es") and word[:-2] in _SINGULAR_IN_AS:
        return word[:-2]  # aliases, canvases
    if len(word) > 4 and word.endswith("ies"):
        return word[:-1] if word[:-1] in _IE_NOUNS else word[:-3] + "y"
    if len(word) > 5 and word.endswith("uses") and word[-5] in "aeiou":
        return word[:-1]  # houses, causes, clauses
    if len(word) > 4 and word.endswith(("sses", "uses", "xes", "ches", "shes")):
        return word[:-2]  # addresses, statuses, boxes, batches, wishes
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# nouns the same in both numbers, which the rules below would cut short
_SAME_IN_BOTH = frozenset({"series", "species", "news", "means", "chassis", "corps"})
# singular nouns in -as, which the last rule would cut short (wger's exercise `Alias` had
# been the word "alia"); a plural in -as (ideas, schemas, quotas) drops its -s
_SINGULAR_IN_AS = frozenset({"alias", "canvas", "atlas", "bias", "gas", "christmas",
                             "pancreas"})
# nouns whose plural ends in -ies but whose singular is not -y
_IE_NOUNS = frozenset({"cookie", "movie", "calorie", "zombie", "rookie", "selfie", "hoodie",
                       "goalie", "newbie", "freebie", "genie", "prairie", "sortie", "brownie",
                       "pixie", "lingerie", "smoothie"})

_UNCOUNTABLE = frozenset({"species", "means", "stock", "inventory", "data", "information",
                          "info", "media", "news",
                          "feedback", "staff", "equipment", "money", "search", "auth",
                          "analytics", "config", "metadata", "settings", "status", "series",
                          "software", "access", "progress", "history", "content", "shipping",
                          "billing", "pricing", "packaging", "accounting", "marketing",
                          "banking", "routing", "logging", "monitoring", "caching", "indexing",
                          "scheduling", "messaging", "networking", "tracking", "invoicing",
                          "storage", "traffic", "usage", "evidence", "knowledge", "research"})


def parts(identifier: str) -> list[str]:
    """``placeOrder2`` -> ``["place", "order", "2"]``: every part, lower case, as written."""
    return [part.lower() for part in _SPLIT.findall(identifier)]


def plural(word: str) -> str:
    """``order`` -> ``orders``, ``category`` -> ``categories``, ``stock`` -> ``stock``. A word
    that already ends in ``s`` (``orders``, ``ids``, ``menus``; not ``alias``) or reads as a
    past participle (``paid``, ``added``) is left as it is; so is a mass noun."""
    if word in _UNCOUNTABLE or word.endswith(("ed", "ics")) or word in ("paid", "sent"):
        return word
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ss", "x", "z", "ch", "sh")) or word in _SINGULAR_IN_AS:
        return word + "es"
    if word.endswith("s"):
        return word
    return word + "s"


# --------------------------------------------------------------------------- messages
# ``plural`` above names things in proposed APIs (``stock`` stays ``stock``); the two below
# word the messages seamline prints, where "2 accesses" and "an Order" are plain English.

_IRREGULAR = {"child": "children", "person": "people", "analysis": "analyses",
              "index": "indexes", "entry": "entries", "info": "info", "data": "data"}


def count(number: int, noun: str, plural_form: str | None = None) -> str:
    """``count(1, "error")`` -> ``1 error``; ``count(2, "class")`` -> ``2 classes``;
    ``count(1_234, "file")`` -> ``1,234 files``. ``plural_form`` for a noun the rules miss."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {plural_form or _plural_noun(noun)}"


def _plural_noun(noun: str) -> str:
    head, space, last = noun.rpartition(" ")  # "table access" -> "table accesses"
    if last in _IRREGULAR:
        word = _IRREGULAR[last]
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        word = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return head + space + word


_NOT_AN = ("uni", "use", "usa", "usi", "usu", "uti", "eu", "one")  # a user, a one-off
_AN = ("hour", "honest", "heir")  # an hour


def article(word: str) -> str:
    """``article("AutoActivate")`` -> ``an AutoActivate``; ``article("Product")`` ->
    ``a Product``; ``article("user")`` -> ``a user``: by the sound of the first letters, as
    far as spelling tells it."""
    lowered = word.lower()
    if lowered.startswith(_NOT_AN):
        vowel_sound = False
    elif lowered.startswith(_AN):
        vowel_sound = True
    else:
        vowel_sound = lowered[:1] in ("a", "e", "i", "o", "u")
    return f"{'an' if vowel_sound else 'a'} {word}"


def printable_path(path: str) -> str:
    """A path as the file system gave it, as text: bytes that are not UTF-8 (which Python
    keeps as lone surrogates) shown as ``\\xNN``, so that ``pkg/m\\xff.py`` can be written
    into JSON, HTML or a terminal."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# What a terminal acts on instead of showing: C0 and C1 controls, DEL, and the characters
# that reorder text (bidirectional overrides, isolates and marks: "Trojan Source")
_REORDERING = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_REORDERING}]")  # but \n and \t
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_REORDERING}]")


def _escaped(char: re.Match[str]) -> str:
    return f"\\u{ord(char.group()):04x}"


def printable(text: str) -> str:
    """``text`` safe for a terminal: what a terminal would act on instead of showing
    (escape sequences, a carriage return that overwrites a line, reordering marks) shown as
    ``\\uNNNN``, which also reads back as the same character inside a JSON string (check's
    JSON and SARIF go through here too). A file or table name of the analysed project can
    hold any of them, and must never move a cursor, retitle a window or write the clipboard."""
    return _UNPRINTABLE.sub(_escaped, text)


def one_line(text: str) -> str:
    """``text`` for a comment of a file seamline writes (TOML, INI): like ``printable``, and a
    line break or tab shown too, so that a name from the analysed project cannot end the
    comment and write settings of its own on the next line."""
    return _CONTROL.sub(_escaped, text)


# Words of programming, not of a domain. The TF-IDF weighting discounts frequent words anyway;
# this list removes the ones that are frequent in every code base.
STOP_WORDS = frozenset("""
a an and are as at be by for from has have if in into is it its no not of on or the this
to was were will with all any can do does done get set add new old one two more most
other own same so than too very via per out up use used uses using make made see also
only just self cls args kwargs arg kw init super return returns none true false yield
async await str int float bool dict list tuple bytes object type types len max min sum
sorted range value values key keys item items data obj objs result results res ret val
vals tmp temp name names id ids pk attr attrs func fn method class instance default
defaults option options kwarg param params call callback handler wrapper inner util
utils helper helpers base abstract mixin meta field fields model models form forms view
views test tests setting settings config manager managers objects query queryset filter
exclude first last count exists save delete create update order_by values_list annotate
aggregate select related prefetch request response context template render redirect url
urls path http json api error errors exception exceptions raise log logger logging debug
info warning message string text number index size length start end begin stop time date
datetime now today null blank max_length verbose help choices related_name on_delete db
column charfield integerfield foreignkey booleanfield datetimefield textfield
decimalfield should must may might would could need needs want
""".split())  # noqa: SIM905 - a word list

FEW_NOUNS = 5  # a domain of fewer nouns than this is no language: every word is kept


def domain_nouns(tables: Iterable[tuple[str, Sequence[str]]]) -> frozenset[str]:
    """The nouns of the domain: the words of its tables' names and of the classes that declare
    them (``tables`` gives each table's name and its declaring classes)."""
    found: list[str] = []
    for name, declaring in tables:
        found.extend(words(name.replace(".", "_")))
        for cls in declaring:
            found.extend(words(cls))
    return nouns_of(found)


def nouns_of(found: Iterable[str]) -> frozenset[str]:
    """``found``, or nothing when fewer than ``FEW_NOUNS`` of them are more than words of
    programming: a project with one or two tables has no language to go by. A table's word
    that is also a word of programming (``range``, ``type``) stays one of its nouns."""
    kept = frozenset(found)
    return kept if len(kept - STOP_WORDS) >= FEW_NOUNS else frozenset()
