"""Time helpers. All timestamps in the database are naive UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover - Python < 3.9 on the old reporting box
    from backports.zoneinfo import ZoneInfo

SHOP_TZ = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    """Naive UTC now, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_shop_time(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(SHOP_TZ)


def parse_iso(value: str) -> datetime:
    """Parse an ISO-8601 timestamp from an API payload into naive UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def add_business_days(start: date, days: int) -> date:
    """Skip Saturdays and Sundays (public holidays are not modelled)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def format_date(moment: datetime, locale: str = "en") -> str:
    local = to_shop_time(moment)
    return local.strftime("%d-%m-%Y") if locale.startswith("nl") else local.strftime("%b %d, %Y")
