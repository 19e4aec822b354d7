"""Coupon endpoints."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from shopfront.db import session_scope
from shopfront.services import promotion_service
from shopfront.utils.dates import parse_iso
from shopfront.utils.validation import require_fields

from . import json_error, require_api_key

bp = Blueprint("promotions", __name__)


@bp.route("/coupons", methods=["POST"])
@require_api_key
def create_coupon() -> Any:
    payload = request.get_json(force=True)
    require_fields(payload, ["code", "kind", "value"])
    ends_at = parse_iso(payload["ends_at"]) if payload.get("ends_at") else None
    with session_scope() as session:
        try:
            coupon = promotion_service.create_coupon(
                session, payload["code"], payload["kind"], int(payload["value"]), ends_at,
                payload.get("max_redemptions"), payload.get("category_id"))
        except promotion_service.CouponError as exc:
            return json_error(str(exc), 422)
        session.flush()
        return jsonify({"id": coupon.id, "code": coupon.code}), 201


@bp.route("/coupons/check", methods=["POST"])
def check_coupon() -> Any:
    """Lets the cart page show the discount before checkout."""
    payload = request.get_json(force=True)
    require_fields(payload, ["code", "customer_id", "subtotal_cents"])
    with session_scope() as session:
        coupon = promotion_service.find_coupon(session, payload["code"])
        if coupon is None:
            return json_error("unknown code", 404)
        try:
            promotion_service.validate_coupon(session, coupon, int(payload["customer_id"]),
                                              int(payload["subtotal_cents"]),
                                              payload.get("product_ids", []))
        except promotion_service.CouponError as exc:
            return json_error(str(exc), 422)
        discount = promotion_service.discount_for(coupon, int(payload["subtotal_cents"]))
    return jsonify({"code": coupon.code, "discount_cents": discount})
