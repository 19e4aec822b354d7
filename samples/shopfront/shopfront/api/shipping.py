"""Shipping endpoints: quotes, tracking, carrier webhooks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from shopfront.db import session_scope
from shopfront.services import shipping_service
from shopfront.utils.dates import parse_iso

from . import json_error, require_api_key

bp = Blueprint("shipping", __name__)


@bp.route("/shipping/quotes", methods=["GET"])
def quotes() -> Any:
    try:
        weight = int(request.args["weight_grams"])
        country = request.args["country"].upper()
    except (KeyError, ValueError):
        return json_error("weight_grams and country are required", 400)
    with session_scope() as session:
        options = shipping_service.quote_options(session, weight, country)
    return jsonify([option.__dict__ for option in options])


@bp.route("/orders/<int:order_id>/tracking", methods=["GET"])
def tracking(order_id: int) -> Any:
    with session_scope() as session:
        return jsonify(shipping_service.tracking_for_order(session, order_id))


@bp.route("/carriers", methods=["GET"])
def carriers() -> Any:
    with session_scope() as session:
        return jsonify([{"code": c.code, "name": c.name}
                        for c in shipping_service.list_carriers(session)])


@bp.route("/carriers/<code>/events", methods=["POST"])
def carrier_event(code: str) -> Any:
    payload = request.get_json(force=True)
    with session_scope() as session:
        known = shipping_service.record_carrier_event(
            session, payload["tracking_number"], payload["status"].lower(),
            payload.get("location"), parse_iso(payload["timestamp"]))
    return jsonify({"carrier": code, "known": known}), 200 if known else 202


@bp.route("/shipments/<int:shipment_id>", methods=["DELETE"])
@require_api_key
def cancel_shipment(shipment_id: int) -> Any:
    with session_scope() as session:
        shipping_service.cancel_shipment(session, shipment_id)
    return "", 204
