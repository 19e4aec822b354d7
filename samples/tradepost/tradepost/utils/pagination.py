"""Offset pagination for list endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.total


def paginate(items: Sequence[T], number: int = 1, size: int = 20) -> Page[T]:
    start = (number - 1) * size
    return Page(items[start:start + size], number, size, len(items))
