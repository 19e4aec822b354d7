"""/shipping: quotes and parcel tracking."""

from __future__ import annotations

from flask import Blueprint, jsonify

from tradepost.services import shipping_service
from tradepost.utils.money import format_price

bp = Blueprint("shipping", __name__, url_prefix="/shipping")


@bp.route("/quote/<country>", methods=["GET"])
def quote(country: str):
    result = shipping_service.quote_shipping(country.upper())
    return jsonify(carrier=result.carrier, price=format_price(result.price),
                   eta_days=result.eta_days)


@bp.route("/orders/<int:order_id>/eta", methods=["GET"])
def eta(order_id: int):
    return jsonify(expected=shipping_service.expected_delivery(order_id).isoformat())
