"""Objects created once and shared: the Celery application."""

from __future__ import annotations

from typing import Any

from celery import Celery

from shopfront.config import get_settings

celery_app = Celery("shopfront", broker=get_settings().broker_url)
celery_app.conf.update(
    task_acks_late=True,
    task_default_queue="shopfront",
    task_serializer="json",
    timezone="UTC",
)


def init_celery(app: Any) -> Celery:
    """Run every task inside the Flask application context."""

    class ContextTask(celery_app.Task):  # type: ignore[name-defined]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app.Task = ContextTask
    return celery_app
