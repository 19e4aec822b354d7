"""The JSON API used by the storefront and the back-office UI."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, jsonify, request

from shopfront.config import get_settings
from shopfront.utils.validation import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


def json_error(message: str, status: int, **extra: Any) -> tuple[Any, int]:
    return jsonify({"error": message, **extra}), status


def require_api_key(view: F) -> F:
    """Back-office endpoints need an ``X-Api-Key`` header."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.headers.get("X-Api-Key") not in get_settings().api_keys:
            return json_error("invalid API key", 401)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def register_blueprints(app: Flask) -> None:
    from . import customers, orders, payments, products, promotions, shipping, stock

    for module in (products, stock, customers, orders, payments, shipping, promotions):
        app.register_blueprint(module.bp, url_prefix="/api/v1")

    @app.errorhandler(ValidationError)
    def _validation_failed(exc: ValidationError) -> tuple[Any, int]:
        return json_error(exc.message, 422, field=exc.field)
