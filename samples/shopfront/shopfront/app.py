"""The Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask

from shopfront import __version__
from shopfront.config import get_settings
from shopfront.utils.logs import configure_logging

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, object] | None = None) -> Flask:
    """Application factory: settings, logging, blueprints and the Celery bridge."""
    settings = get_settings()
    app = Flask("shopfront")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    if overrides:
        app.config.update(overrides)

    configure_logging(settings.log_level, json_lines=settings.environment != "development")

    from shopfront.api import register_blueprints
    from shopfront.extensions import init_celery

    register_blueprints(app)
    init_celery(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    log.info("shopfront %s started (%s)", __version__, settings.environment)
    return app
