"""shopfront: the web shop back office.

gunicorn serves ``shopfront.app:create_app()``; the Celery worker loads ``shopfront.tasks``;
the command line is ``shopfront.commands:cli``.
"""

__version__ = "4.12.1"
