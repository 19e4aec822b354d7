"""/payments: refunds for the support desk."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, jsonify, request

from tradepost.repositories.payment_repo import payments_for_order
from tradepost.services.payment_service import refund_payment

bp = Blueprint("payments", __name__, url_prefix="/payments")


@bp.route("/order/<int:order_id>", methods=["GET"])
def list_payments(order_id: int):
    return jsonify(items=payments_for_order(order_id))


@bp.route("/<int:payment_id>/refund", methods=["POST"])
def refund(payment_id: int):
    body = request.get_json()
    refund_row = refund_payment(payment_id, Decimal(body["amount"]), body.get("reason", ""))
    return jsonify(id=refund_row.id), 201
