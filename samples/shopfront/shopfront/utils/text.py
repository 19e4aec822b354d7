"""Text helpers for slugs, e-mail bodies and log output."""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["slugify", "truncate", "strip_html", "normalize_whitespace", "mask_email"]

_NON_WORD = re.compile(r"[^a-z0-9]+")
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def slugify(value: str, max_length: int = 120) -> str:
    """``"Chaise Longue (Oak)"`` -> ``"chaise-longue-oak"``."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = _NON_WORD.sub("-", ascii_value.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def truncate(value: str, length: int, suffix: str = "…") -> str:
    if len(value) <= length:
        return value
    return value[: max(length - len(suffix), 0)].rstrip() + suffix


def strip_html(value: str) -> str:
    """Plain text from a small HTML fragment (for the text part of e-mails)."""
    return normalize_whitespace(html.unescape(_TAGS.sub(" ", value)))


def normalize_whitespace(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def mask_email(email: str) -> str:
    """``"jane.doe@example.com"`` -> ``"j***@example.com"`` for logs."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
