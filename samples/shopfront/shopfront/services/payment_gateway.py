"""HTTP client for PayGate, the card payment service provider."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any

from shopfront.config import get_settings

try:
    import requests
except ImportError:  # pragma: no cover - the CLI image ships without requests
    requests = None

PROVIDER = "paygate"


class GatewayError(RuntimeError):
    """The provider declined the request or could not be reached."""

    def __init__(self, message: str, code: str = "error", retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class ChargeResult:
    provider_ref: str
    status: str
    amount_cents: int


class GatewayClient:
    """Authorise, capture and refund card payments."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 15.0) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.gateway_url).rstrip("/")
        self.api_key = api_key or settings.gateway_api_key
        self.timeout = timeout

    def authorize(self, card_token: str, amount_cents: int, currency: str,
                  reference: str) -> ChargeResult:
        body = self._post("/charges", {"source": card_token, "amount": amount_cents,
                                       "currency": currency, "reference": reference,
                                       "capture": False})
        return ChargeResult(body["id"], body["status"], body["amount"])

    def capture(self, provider_ref: str, amount_cents: int | None = None) -> ChargeResult:
        payload = {} if amount_cents is None else {"amount": amount_cents}
        body = self._post(f"/charges/{provider_ref}/capture", payload)
        return ChargeResult(body["id"], body["status"], body["amount"])

    def refund(self, provider_ref: str, amount_cents: int, reason: str) -> str:
        body = self._post("/refunds", {"charge": provider_ref, "amount": amount_cents,
                                       "reason": reason})
        return str(body["id"])

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        if requests is None:
            raise GatewayError("the requests package is not installed")
        try:
            response = requests.post(
                self.base_url + path, json=payload, timeout=self.timeout,
                headers={"Authorization": f"Bearer {self.api_key}",
                         "Idempotency-Key": str(uuid.uuid4())},
            )
        except requests.RequestException as exc:
            raise GatewayError(str(exc), retryable=True) from exc
        if response.status_code >= 500:
            raise GatewayError(f"provider error {response.status_code}", retryable=True)
        body = response.json()
        if response.status_code >= 400:
            raise GatewayError(body.get("message", "declined"), code=body.get("code", "declined"))
        return dict(body)


def verify_webhook(raw_body: bytes, signature: str) -> dict[str, Any]:
    """Check the ``X-PayGate-Signature`` HMAC and decode the event."""
    secret = get_settings().gateway_webhook_secret.encode()
    expected = hmac.new(secret, raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise GatewayError("bad webhook signature", code="signature")
    return dict(json.loads(raw_body))
