"""The JSON API: one Flask blueprint per resource."""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    from tradepost.api import customers, orders, payments, products, shipping, stock

    app = Flask("tradepost")
    for module in (products, stock, customers, orders, payments, shipping):
        app.register_blueprint(module.bp)
    return app
