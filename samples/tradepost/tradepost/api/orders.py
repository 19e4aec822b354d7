"""/orders: checkout and order history."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from tradepost.repositories.order_repo import load_order_summary
from tradepost.services import checkout, order_service
from tradepost.utils.validation import ValidationError

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.route("", methods=["POST"])
def create_order():
    body = request.get_json()
    try:
        order = checkout.start_checkout(int(body["customer_id"]), body["cart"],
                                        body.get("coupon"))
    except ValidationError as error:
        return jsonify(error=str(error)), 400
    return jsonify(id=order.id, total_cents=order.total_cents), 201


@bp.route("/<int:order_id>", methods=["GET"])
def show_order(order_id: int):
    summary = load_order_summary(order_id)
    return (jsonify(summary), 200) if summary else ("", 404)


@bp.route("/<int:order_id>/cancel", methods=["POST"])
def cancel(order_id: int):
    order_service.cancel_order(order_id)
    return "", 204
