"""Input validation shared by the API handlers and the services."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_POSTAL_CODES = {
    "NL": re.compile(r"^\d{4}\s?[A-Z]{2}$"),
    "DE": re.compile(r"^\d{5}$"),
    "BE": re.compile(r"^\d{4}$"),
    "GB": re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$"),
}


class ValidationError(ValueError):
    """Bad input; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def require_fields(payload: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if payload.get(name) in (None, ""):
            raise ValidationError(name, "is required")


def validate_email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValidationError("email", "is not a valid e-mail address")
    return value


def validate_postal_code(value: str, country_code: str) -> str:
    value = value.strip().upper()
    pattern = _POSTAL_CODES.get(country_code.upper())
    if pattern is not None and not pattern.match(value):
        raise ValidationError("postal_code", f"is not valid for {country_code}")
    return value


def validate_quantity(value: Any, maximum: int = 99) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        raise ValidationError("quantity", "must be a whole number") from None
    if not 1 <= quantity <= maximum:
        raise ValidationError("quantity", f"must be between 1 and {maximum}")
    return quantity
