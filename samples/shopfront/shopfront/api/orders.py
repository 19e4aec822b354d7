"""Checkout and order endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request

from shopfront.db import session_scope
from shopfront.repositories import reporting
from shopfront.services import order_service
from shopfront.services.checkout import CheckoutError, complete_checkout
from shopfront.services.inventory_service import OutOfStock
from shopfront.services.promotion_service import CouponError
from shopfront.utils.pagination import page_params
from shopfront.utils.validation import require_fields, validate_quantity

from . import json_error, require_api_key
from .customers import current_customer_id

bp = Blueprint("orders", __name__)


@bp.route("/checkout", methods=["POST"])
def checkout() -> Any:
    customer_id = current_customer_id()
    if customer_id is None:
        return json_error("sign in first", 401)
    payload = request.get_json(force=True)
    require_fields(payload, ["items", "card_token"])
    cart = {int(item["product_id"]): validate_quantity(item["quantity"]) for item in payload["items"]}
    try:
        with session_scope() as session:
            result = complete_checkout(session, customer_id, cart, payload["card_token"],
                                       payload.get("coupon_code"))
    except (CheckoutError, CouponError) as exc:
        return json_error(str(exc), 422)
    except OutOfStock as exc:
        return json_error("not enough stock", 409, product_id=exc.product_id,
                          available=exc.available)
    status = 201 if result.payment_status == "captured" else 402
    return jsonify(result.__dict__), status


@bp.route("/orders/<int:order_id>", methods=["GET"])
def get_order(order_id: int) -> Any:
    with session_scope() as session:
        try:
            return jsonify(order_service.order_summary(session, order_id))
        except order_service.OrderError:
            return json_error("order not found", 404)


@bp.route("/me/orders", methods=["GET"])
def my_orders() -> Any:
    customer_id = current_customer_id()
    if customer_id is None:
        return json_error("sign in first", 401)
    page, per_page = page_params(request.args)
    with session_scope() as session:
        result = order_service.orders_of_customer(session, customer_id, page, per_page)
        items = [{"id": o.id, "number": o.number, "status": o.status,
                  "total_cents": o.total_cents} for o in result.items]
        return jsonify({"items": items, **result.to_dict()})


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
def cancel(order_id: int) -> Any:
    reason = (request.get_json(silent=True) or {}).get("reason", "cancelled by customer")
    with session_scope() as session:
        try:
            order = order_service.cancel_order(session, order_id, reason)
        except order_service.OrderError as exc:
            return json_error(str(exc), 409)
        return jsonify({"number": order.number, "status": order.status})


@bp.route("/orders/<int:order_id>/payment", methods=["POST"])
def pay_again(order_id: int) -> Any:
    payload = request.get_json(force=True)
    with session_scope() as session:
        status = order_service.retry_payment(session, order_id, payload["card_token"])
    return jsonify({"payment_status": status})


@bp.route("/reports/sales-by-category", methods=["GET"])
@require_api_key
def sales_report() -> Any:
    start = date.fromisoformat(request.args["from"])
    end = date.fromisoformat(request.args["to"])
    rows = reporting.sales_by_category(start, end)
    if request.args.get("format") == "csv":
        return Response(reporting.rows_as_csv(rows), mimetype="text/csv")
    return jsonify(rows)
