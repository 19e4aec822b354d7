"""Payment endpoints: the PayGate webhook, refunds, payment history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from shopfront.db import session_scope
from shopfront.services import order_service, payment_service
from shopfront.services.payment_gateway import GatewayError, verify_webhook
from shopfront.tasks.payment_tasks import process_gateway_event

from . import json_error, require_api_key

bp = Blueprint("payments", __name__)


@bp.route("/payments/webhook", methods=["POST"])
def gateway_webhook() -> Any:
    """PayGate calls this for every charge event; acknowledge fast, process in a task."""
    try:
        event = verify_webhook(request.get_data(), request.headers.get("X-PayGate-Signature", ""))
    except GatewayError:
        return json_error("bad signature", 400)
    process_gateway_event.delay(event)
    return jsonify({"received": True})


@bp.route("/orders/<int:order_id>/refunds", methods=["POST"])
@require_api_key
def refund(order_id: int) -> Any:
    payload = request.get_json(silent=True) or {}
    with session_scope() as session:
        order = order_service.get_order(session, order_id)
        try:
            refund = payment_service.refund_order(session, order, payload.get("amount_cents"),
                                                  payload.get("reason", "customer request"))
        except ValueError as exc:
            return json_error(str(exc), 409)
        return jsonify({"refund_id": refund.id, "status": refund.status}), 201


@bp.route("/orders/<int:order_id>/payments", methods=["GET"])
@require_api_key
def payment_history(order_id: int) -> Any:
    with session_scope() as session:
        payments = payment_service.payments_for_order(session, order_id)
        return jsonify([
            {"id": p.id, "status": p.status, "amount_cents": p.amount_cents,
             "provider_ref": p.provider_ref, "attempts": p.attempts}
            for p in payments
        ])
