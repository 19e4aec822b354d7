"""A small, deterministic YAML writer for the documents seamline generates (OpenAPI, AsyncAPI).

Only what JSON can hold: mappings with string keys, sequences, strings, numbers, booleans and
null, written in block style with two-space indents. A string is written plain only when YAML
1.2 (and the YAML 1.1 readers still common in tooling) would read it back as the same string;
otherwise it is double-quoted with JSON escapes, which YAML accepts. No PyYAML needed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Plain scalars that some reader would take for something other than a string.
_RESERVED = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO"
    r"|on|On|ON|off|Off|OFF|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN"
    r"|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|0[xob][0-9a-fA-F_]+|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|=|<<)$")
# What YAML calls non-printable: it must be escaped even inside double quotes.
# NEL and the Unicode line and paragraph separators are line breaks to YAML 1.1 readers.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                            "\U00010000-\U0010ffff]")
_SAFE = re.compile(r"^[A-Za-z0-9_./$()\[\]{}@%^&*+=<>|?!`'\"\\,:# -]+$")


def _plain(text: str) -> bool:
    if not text or text != text.strip() or _RESERVED.match(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in text or " #" in text or text.endswith(":"):
        return False
    return bool(_SAFE.match(text)) and "\\" not in text and '"' not in text and "'" not in text


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{value} has no JSON form")
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:  # 1e-09: YAML 1.1 readers want 1.0e-09
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(value, str):
        if _plain(value):
            return value
        quoted = json.dumps(value, ensure_ascii=False)
        return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"mapping keys must be strings, not {type(key).__name__}")
    return _scalar(key)


def _container(value: Any) -> bool:
    return type(value) in (dict, list) or isinstance(value, (Mapping, list, tuple))


class _Writer:
    """One document's lines; a string (a key, mostly: ``type``, ``properties``...) is judged
    plain or quoted once per document, not at each use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._keys: dict[str, str] = {}
        self._texts: dict[str, str] = {}

    def key(self, key: Any) -> str:
        written = self._keys.get(key) if type(key) is str else None
        if written is None:
            written = _key(key)
            if type(key) is str:
                self._keys[key] = written
        return written

    def inline(self, value: Any) -> str:
        if type(value) is str:
            written = self._texts.get(value)
            if written is None:
                written = self._texts[value] = _scalar(value)
            return written
        return _inline(value)

    def write(self, value: Any, indent: int) -> None:
        pad = "  " * indent
        append = self.lines.append
        if isinstance(value, Mapping):
            if not value:
                append(pad + "{}")
                return
            for key, item in value.items():
                head = f"{pad}{self.key(key)}:"
                if _container(item) and item:
                    append(head)
                    self.write(item, indent + 1)
                else:
                    append(f"{head} {self.inline(item)}")
        elif isinstance(value, (list, tuple)):
            if not value:
                append(pad + "[]")
                return
            for item in value:
                if _container(item) and item:
                    start = len(self.lines)
                    self.write(item, indent + 1)
                    self.lines[start] = f"{pad}- {self.lines[start].lstrip()}"
                else:
                    append(f"{pad}- {self.inline(item)}")
        else:
            append(pad + _scalar(value))


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    return _scalar(value)


def dumps(document: Mapping[str, Any] | Sequence[Any]) -> str:
    """``document`` as block YAML, ending with a newline; key order is kept as given."""
    writer = _Writer()
    writer.write(document, 0)
    return "\n".join(writer.lines) + "\n"
