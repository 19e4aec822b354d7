"""Background jobs (Celery)."""

from __future__ import annotations

from celery import Celery

from tradepost.config import get_settings

celery_app = Celery("tradepost", broker=get_settings().database_url)
