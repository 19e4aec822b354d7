"""Carrier integrations, looked up by the carrier's code."""

from __future__ import annotations

from collections.abc import Iterable

from .base import CarrierClient, CarrierError, ManualCarrier, ParcelAddress, Quote
from .dhl import DhlClient

_REGISTRY: dict[str, type[CarrierClient]] = {
    DhlClient.code: DhlClient,
    ManualCarrier.code: ManualCarrier,
}

__all__ = ["CarrierClient", "CarrierError", "ParcelAddress", "Quote", "cheapest_quote",
           "get_carrier"]


def get_carrier(code: str) -> CarrierClient:
    try:
        return _REGISTRY[code]()
    except KeyError:
        raise CarrierError(f"unknown carrier {code!r}") from None


def cheapest_quote(codes: Iterable[str], weight_grams: int, country_code: str) -> Quote | None:
    quotes = [quote for code in codes
              for quote in get_carrier(code).quote(weight_grams, country_code)]
    return min(quotes, key=lambda q: (q.price_cents, q.transit_days), default=None)
