"""Logging setup: JSON lines in production, readable text on a laptop."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class JsonFormatter(logging.Formatter):
    """One JSON object per record, for the log shipper."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("order_id", "customer_id", "task_id"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", json_lines: bool = False) -> None:
    handler = logging.StreamHandler()
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def get_logger(name: str, **context: Any) -> logging.LoggerAdapter[logging.Logger]:
    """A logger that adds ``context`` (order_id=..., ...) to every record."""
    return logging.LoggerAdapter(logging.getLogger(name), context)


@contextmanager
def log_duration(logger: logging.Logger | logging.LoggerAdapter[Any], what: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        logger.info("%s took %.1f ms", what, (time.perf_counter() - started) * 1000)
