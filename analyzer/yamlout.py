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


def _lines(value: Any, indent: int) -> list[str]:
    pad = "  " * indent
    if isinstance(value, Mapping):
        if not value:
            return [pad + "{}"]
        lines: list[str] = []
        for key, item in value.items():
            head = f"{pad}{_key(key)}:"
            if isinstance(item, (Mapping, list, tuple)) and item:
                lines.append(head)
                lines.extend(_lines(item, indent + 1))
            else:
                lines.append(f"{head} {_inline(item)}")
        return lines
    if isinstance(value, (list, tuple)):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            if isinstance(item, (Mapping, list, tuple)) and item:
                nested = _lines(item, indent + 1)
                first = nested[0].lstrip()
                lines.append(f"{pad}- {first}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
        return lines
    return [pad + _scalar(value)]


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    return _scalar(value)


def dumps(document: Mapping[str, Any] | Sequence[Any]) -> str:
    """``document`` as block YAML, ending with a newline; key order is kept as given."""
    return "\n".join(_lines(document, 0)) + "\n"
