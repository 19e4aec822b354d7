"""Settings read from the environment (twelve-factor style).

Every value has a development default so that ``flask run`` works on a laptop with SQLite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SHOPFRONT_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Immutable application settings."""

    environment: str = "development"
    secret_key: str = "dev-not-secret"
    log_level: str = "INFO"
    database_url: str = "sqlite:///shopfront.db"
    database_dsn: str = "shopfront.db"
    broker_url: str = "redis://localhost:6379/0"
    default_currency: str = "EUR"
    default_locale: str = "en"
    default_warehouse_id: int = 1
    vat_rate: Decimal = Decimal("0.21")
    reservation_ttl_minutes: int = 30
    unpaid_order_ttl_hours: int = 48
    smtp_host: str = "localhost"
    smtp_port: int = 25
    mail_sender: str = "Shopfront <orders@shopfront.example>"
    ops_email: str = "ops@shopfront.example"
    gateway_url: str = "https://api.payments.example/v2"
    gateway_api_key: str = ""
    gateway_webhook_secret: str = ""
    dhl_api_key: str = ""
    free_shipping_threshold_cents: int = 5000
    api_keys: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings(
        environment=_env("ENV", "development"),
        secret_key=_env("SECRET_KEY", "dev-not-secret"),
        log_level=_env("LOG_LEVEL", "INFO"),
        database_url=_env("DATABASE_URL", "sqlite:///shopfront.db"),
        database_dsn=_env("DATABASE_DSN", "shopfront.db"),
        broker_url=_env("BROKER_URL", "redis://localhost:6379/0"),
        default_currency=_env("CURRENCY", "EUR"),
        default_warehouse_id=int(_env("DEFAULT_WAREHOUSE_ID", "1")),
        vat_rate=Decimal(_env("VAT_RATE", "0.21")),
        reservation_ttl_minutes=int(_env("RESERVATION_TTL_MINUTES", "30")),
        unpaid_order_ttl_hours=int(_env("UNPAID_ORDER_TTL_HOURS", "48")),
        smtp_host=_env("SMTP_HOST", "localhost"),
        smtp_port=int(_env("SMTP_PORT", "25")),
        mail_sender=_env("MAIL_SENDER", "Shopfront <orders@shopfront.example>"),
        ops_email=_env("OPS_EMAIL", "ops@shopfront.example"),
        gateway_url=_env("GATEWAY_URL", "https://api.payments.example/v2"),
        gateway_api_key=_env("GATEWAY_API_KEY", ""),
        gateway_webhook_secret=_env("GATEWAY_WEBHOOK_SECRET", ""),
        dhl_api_key=_env("DHL_API_KEY", ""),
        free_shipping_threshold_cents=int(_env("FREE_SHIPPING_THRESHOLD_CENTS", "5000")),
        api_keys=tuple(k for k in _env("API_KEYS", "").split(",") if k),
    )


def is_production() -> bool:
    return get_settings().environment == "production" and not _env_bool("FORCE_DEBUG", False)
