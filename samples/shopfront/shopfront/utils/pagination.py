"""Page/per-page handling for list endpoints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where it sits in the whole."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "per_page": self.per_page, "total": self.total,
                "pages": self.pages}


def page_params(args: Mapping[str, str]) -> tuple[int, int]:
    """``?page=2&per_page=50`` -> ``(2, 50)``, clamped to sane values."""
    try:
        page = max(int(args.get("page", 1)), 1)
        per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        return 1, DEFAULT_PER_PAGE
    return page, min(max(per_page, 1), MAX_PER_PAGE)


def offset_of(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def paginate_query(query: Any, page: int, per_page: int) -> Page[Any]:
    """Run a SQLAlchemy ``Query`` for one page (two statements: count, then the slice)."""
    total = query.order_by(None).count()
    items = query.offset(offset_of(page, per_page)).limit(per_page).all()
    return Page(items=items, page=page, per_page=per_page, total=total)
