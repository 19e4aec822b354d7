"""Identifiers as words: ``OrderLine`` -> ``order line``. Shared by the vocabulary signal
and the naming of contexts."""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(identifier: str) -> list[str]:
    """``OrderLine`` -> ``["order", "line"]``; ``shipping_address2`` -> ``["shipping",
    "address"]``; plurals folded, numbers and one-letter parts dropped."""
    found: list[str] = []
    for part in _SPLIT.findall(identifier):
        word = part.lower()
        if len(word) < 3 or word.isdigit():
            continue
        found.append(singular(word))
    return found


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("uses") and word[-5] in "aeiou":
        return word[:-1]  # houses, causes, clauses
    if len(word) > 4 and word.endswith(("sses", "uses", "xes", "ches", "shes")):
        return word[:-2]  # addresses, statuses, boxes, batches, wishes
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_UNCOUNTABLE = frozenset({"stock", "inventory", "data", "information", "info", "media", "news",
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
    that already ends in ``s`` (``orders``, ``ids``, ``menus``) or reads as a past participle
    (``paid``, ``added``) is left as it is; so is a mass noun."""
    if word in _UNCOUNTABLE or word.endswith(("ed", "ics")) or word in ("paid", "sent"):
        return word
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("s"):
        return word
    return word + "s"
