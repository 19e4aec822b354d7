"""What every carrier integration offers: quotes, bookings, tracking, cancellation."""

from __future__ import annotations

import abc
import secrets
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Quote:
    carrier_code: str
    service_level: str
    price_cents: int
    transit_days: int


@dataclass(frozen=True)
class BookedParcel:
    tracking_number: str
    label_url: str | None


@dataclass(frozen=True)
class TrackingUpdate:
    status: str
    location: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class ParcelAddress:
    """A delivery address as the carriers need it."""

    recipient: str
    line1: str
    line2: str | None
    postal_code: str
    city: str
    country_code: str


class CarrierError(RuntimeError):
    pass


class CarrierClient(abc.ABC):
    """One carrier's API."""

    code: str = ""

    @abc.abstractmethod
    def quote(self, weight_grams: int, country_code: str) -> list[Quote]:
        """Prices for the service levels that can carry the parcel."""

    @abc.abstractmethod
    def book(self, reference: str, address: ParcelAddress, weight_grams: int,
             service_level: str) -> BookedParcel:
        """Book a pick-up and return the parcel's tracking number and label."""

    @abc.abstractmethod
    def track(self, tracking_number: str) -> list[TrackingUpdate]:
        """Scans since the parcel was booked, oldest first."""

    def cancel(self, tracking_number: str) -> None:
        raise CarrierError(f"{self.code} bookings cannot be cancelled online")


class ManualCarrier(CarrierClient):
    """Our own van for Amsterdam, booked by the warehouse team on paper."""

    code = "manual"

    def quote(self, weight_grams: int, country_code: str) -> list[Quote]:
        if country_code != "NL" or weight_grams > 30_000:
            return []
        return [Quote(self.code, "same_day", 695, 0)]

    def book(self, reference: str, address: ParcelAddress, weight_grams: int,
             service_level: str) -> BookedParcel:
        return BookedParcel(f"SF{secrets.token_hex(5).upper()}", None)

    def track(self, tracking_number: str) -> list[TrackingUpdate]:
        return []

    def cancel(self, tracking_number: str) -> None:
        return None
