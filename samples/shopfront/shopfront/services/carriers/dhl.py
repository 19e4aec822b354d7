"""DHL Parcel integration (REST, JSON)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from ...config import get_settings
from ...utils.dates import parse_iso
from .base import BookedParcel, CarrierClient, CarrierError, ParcelAddress, Quote, TrackingUpdate

API_ROOT = "https://api-gw.dhlparcel.example/v1"

# price in cents per (zone, max weight in grams)
RATES: dict[str, list[tuple[int, int]]] = {
    "domestic": [(2_000, 495), (10_000, 695), (31_500, 1295)],
    "eu": [(2_000, 995), (10_000, 1495), (31_500, 2495)],
}
EU = {"BE", "DE", "FR", "LU", "AT", "DK", "ES", "IT", "PL", "SE"}


class DhlClient(CarrierClient):
    code = "dhl"

    def __init__(self, api_key: str | None = None, timeout: float = 20.0) -> None:
        self.api_key = api_key or get_settings().dhl_api_key
        self.timeout = timeout

    def quote(self, weight_grams: int, country_code: str) -> list[Quote]:
        zone = "domestic" if country_code == "NL" else "eu" if country_code in EU else None
        if zone is None:
            return []
        for max_weight, price in RATES[zone]:
            if weight_grams <= max_weight:
                days = 1 if zone == "domestic" else 3
                return [Quote(self.code, "standard", price, days)]
        return []

    def book(self, reference: str, address: ParcelAddress, weight_grams: int,
             service_level: str) -> BookedParcel:
        body = self._request("POST", "/shipments", {
            "reference": reference,
            "receiver": {"name": address.recipient, "street": address.line1,
                         "addition": address.line2 or "", "postalCode": address.postal_code,
                         "city": address.city, "countryCode": address.country_code},
            "weightGrams": weight_grams,
            "product": "PARCEL_CONNECT" if address.country_code != "NL" else "DFY",
        })
        return BookedParcel(body["trackingNumber"], body.get("labelUrl"))

    def track(self, tracking_number: str) -> list[TrackingUpdate]:
        body = self._request("GET", f"/track-trace?key={tracking_number}", None)
        return [TrackingUpdate(event["status"].lower(), event.get("facility"),
                               parse_iso(event["timestamp"]))
                for event in body.get("events", [])]

    def cancel(self, tracking_number: str) -> None:
        self._request("DELETE", f"/shipments/{tracking_number}", None)

    def _request(self, method: str, path: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(API_ROOT + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except OSError as exc:
            raise CarrierError(f"DHL {method} {path}: {exc}") from exc
        return dict(json.loads(raw or b"{}"))
