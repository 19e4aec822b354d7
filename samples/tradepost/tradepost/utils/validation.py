"""Input validation shared by the API and the services."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


class ValidationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError(field, message)


def validate_email(email: str) -> str:
    require(bool(_EMAIL.match(email)), "email", "not a valid address")
    return email


def validate_quantity(quantity: int) -> int:
    require(0 < quantity <= 1000, "quantity", "must be between 1 and 1000")
    return quantity
