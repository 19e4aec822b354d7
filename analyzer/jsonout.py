"""seamline's JSON files (``analysis.json``, ``graph.json``), fast and byte for byte as
``json.dumps(value, indent=1, ensure_ascii=False)`` writes them.

With ``indent`` the standard library leaves its C encoder for a pure-Python one whose chunks
are yielded up through one generator per level of nesting: on nova's 12.6 MB analysis.json
that took 0.47 s and the 7.6 MB graph.json 0.19 s. ``dumps`` walks the value once, appending
to one list, and leaves the strings to the same C function ``json`` escapes them with: 0.19 s
and 0.10 s (``benchmarks/write_speed.py``). Each key's text, with the indentation and the
separator before it, is made once per depth, and a member that is a string, a number, a
boolean or null is written with its key in one piece: nova's 32.8 MB analysis.json with its
tests 0.41 -> 0.29 s of CPU, its 15.8 MB graph.json 0.20 -> 0.14 s.

orjson was measured and not taken: its own encoding takes 0.014 s, but it indents by two
spaces only, and turning its output into the files' one-space indentation took 0.29 s, more
than this module; it also writes some floats and non-finite numbers differently. A runtime
dependency that would change every file seamline writes was not worth it.

Only the common shapes take the fast path: ``dict`` with ``str`` keys, ``list``, ``tuple``,
``str``, ``int``, finite ``float``, ``bool`` and ``None`` of exactly those types. Anything
else (an enum, a subclass, NaN) is handed to ``json`` itself and its text indented to where it
stands; a key that is not a string hands it the whole value. So the bytes are always the
standard library's (``tests/test_jsonout.py`` holds them equal on random values). The text is
encoded in pieces as it grows: the 64 MB analysis.json of a module of 100,000 definitions
no longer needs some 450 MB of small strings at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any, TypeVar

_int = int.__repr__
_float = float.__repr__
_INFINITY = float("inf")
_T = TypeVar("_T")


_FLUSH = 1 << 16  # pieces of text joined and encoded at a time, to bound the memory they take
_FLUSH_CHARACTERS = 1 << 20  # and characters of a Text's pieces: one may be a module's whole
# text, and one character above U+00FF makes every character of a joined string wider


@dataclass(frozen=True, slots=True)
class Text:
    """A value that writes its own JSON text: ``write(newline)`` gives it, in pieces, as
    ``dumps`` would write it after ``newline`` (the line break and indentation it stands at)."""

    write: Callable[[str], Iterable[str]]


def array(items: Sequence[_T], write: Callable[[_T, str], str], newline: str) -> str:
    """For a ``Text``: ``items`` as a JSON array whose ``]`` stands after ``newline``, each
    item written by ``write`` given the line break and indentation it stands at."""
    if not items:
        return "[]"
    inner = newline + " "
    return "[" + inner + ("," + inner).join([write(item, inner) for item in items]) + newline + "]"


def strings(items: Sequence[str], newline: str) -> str:
    """For a ``Text``: ``items`` as a JSON array of strings whose ``]`` stands after
    ``newline``."""
    if not items:
        return "[]"
    inner = newline + " "
    return "[" + inner + ("," + inner).join(map(encode_basestring, items)) + newline + "]"


def number(value: float) -> str:
    """For a ``Text``: a number as ``dumps`` writes it (a finite float by its ``repr``; an
    int, a bool or a non-finite float as ``json`` does)."""
    if type(value) is float and -_INFINITY < value < _INFINITY:
        return _float(value)
    return json.dumps(value)


class _KeyToConvert(Exception):
    """A dict key that is not a string (json writes 1, 2.5, True or None as one)."""


def _standard(value: Any, newline: str = "\n") -> str:
    """``value`` as the standard library writes it, indented to follow ``newline``."""
    # JSON text holds no raw line breaks inside strings: each one starts a line of its own.
    return json.dumps(value, indent=1, ensure_ascii=False).replace("\n", newline)


def dumps(value: Any) -> bytes:
    """``(json.dumps(value, indent=1, ensure_ascii=False) + "\\n").encode("utf-8")``."""
    try:
        return _dumps(value)
    except _KeyToConvert:  # never in seamline's own documents
        return (_standard(_plain(value)) + "\n").encode("utf-8")


def _plain(value: Any) -> Any:
    """``value`` with each ``Text`` read back into what it writes, for the standard library."""
    kind = type(value)
    if kind is Text:
        return json.loads("".join(value.write("\n")))
    if kind is dict:
        return {key: _plain(member) for key, member in value.items()}
    if kind is list or kind is tuple:
        return [_plain(member) for member in value]
    return value


def _dumps(value: Any) -> bytes:
    done: list[bytes] = []
    parts: list[str] = []
    append = parts.append
    # Per indentation: each key's text as the first member of a dict and as a later one.
    heads: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def write(item: Any, newline: str) -> None:
        kind = type(item)
        if kind is dict:
            if not item:
                append("{}")
                return
            inner = newline + " "
            if inner not in heads:
                heads[inner] = ({}, {})
            first, later = heads[inner]
            keyed = first
            for key, member in item.items():
                head = keyed.get(key)
                if head is None:
                    if type(key) is not str:
                        raise _KeyToConvert
                    opener = "{" if keyed is first else ","
                    head = keyed[key] = opener + inner + encode_basestring(key) + ": "
                keyed = later
                # the common members are written with their key, in one piece
                kind = type(member)
                if kind is str:
                    append(head + encode_basestring(member))
                elif kind is int:
                    append(head + _int(member))
                elif member is None:
                    append(head + "null")
                elif member is True:
                    append(head + "true")
                elif member is False:
                    append(head + "false")
                elif kind is float and -_INFINITY < member < _INFINITY:
                    append(head + _float(member))
                else:
                    append(head)
                    write(member, inner)
            append(newline + "}")
        elif kind is list or kind is tuple:
            if not item:
                append("[]")
                return
            inner = newline + " "
            head, comma = "[" + inner, "," + inner
            for member in item:
                kind = type(member)
                if kind is str:
                    append(head + encode_basestring(member))
                else:
                    append(head)
                    write(member, inner)
                head = comma
                if len(parts) > _FLUSH:
                    done.append("".join(parts).encode("utf-8"))
                    parts.clear()
            append(newline + "]")
        elif kind is str:
            append(encode_basestring(item))
        elif kind is int:
            append(_int(item))
        elif item is None:
            append("null")
        elif item is True:
            append("true")
        elif item is False:
            append("false")
        elif kind is float and -_INFINITY < item < _INFINITY:
            append(_float(item))
        elif kind is Text:
            pending = 0
            for piece in item.write(newline):
                append(piece)
                pending += len(piece)
                if pending > _FLUSH_CHARACTERS:
                    done.append("".join(parts).encode("utf-8"))
                    parts.clear()
                    pending = 0
        else:
            append(_standard(item, newline))

    write(value, "\n")
    append("\n")
    done.append("".join(parts).encode("utf-8"))
    return b"".join(done)
