"""Process-wide settings read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    database_url: str
    sqlite_path: str
    smtp_host: str
    payment_gateway_url: str
    carrier_api_key: str
    low_stock_threshold: int
    currency: str


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from TRADEPOST_* variables, with development defaults."""
    env = os.environ.get
    return Settings(
        database_url=env("TRADEPOST_DATABASE_URL", "sqlite:///tradepost.db"),
        sqlite_path=env("TRADEPOST_SQLITE_PATH", "tradepost.db"),
        smtp_host=env("TRADEPOST_SMTP_HOST", "localhost"),
        payment_gateway_url=env("TRADEPOST_GATEWAY_URL", "https://gateway.invalid"),
        carrier_api_key=env("TRADEPOST_CARRIER_KEY", ""),
        low_stock_threshold=int(env("TRADEPOST_LOW_STOCK", "5")),
        currency=env("TRADEPOST_CURRENCY", "EUR"),
    )
