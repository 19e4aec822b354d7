"""Stock endpoints for the warehouse UI."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from shopfront.db import session_scope
from shopfront.repositories import stock_repo
from shopfront.services import inventory_service
from shopfront.utils.validation import require_fields, validate_quantity

from . import require_api_key

bp = Blueprint("stock", __name__)


@bp.route("/stock/<int:product_id>", methods=["GET"])
def stock_of_product(product_id: int) -> Any:
    return jsonify({
        "product_id": product_id,
        "available": inventory_service.available(product_id),
        "warehouses": stock_repo.stock_for_product(product_id),
    })


@bp.route("/stock/receipts", methods=["POST"])
@require_api_key
def receive_goods() -> Any:
    payload = request.get_json(force=True)
    require_fields(payload, ["warehouse", "sku", "quantity", "delivery_note"])
    with session_scope() as session:
        inventory_service.receive_goods(session, payload["warehouse"], payload["sku"],
                                        validate_quantity(payload["quantity"], maximum=10_000),
                                        payload["delivery_note"])
    return jsonify({"status": "booked"}), 201


@bp.route("/stock/corrections", methods=["POST"])
@require_api_key
def correct_stock() -> Any:
    payload = request.get_json(force=True)
    require_fields(payload, ["product_id", "warehouse_id", "delta", "reason"])
    with session_scope() as session:
        inventory_service.record_correction(session, int(payload["product_id"]),
                                            int(payload["warehouse_id"]), int(payload["delta"]),
                                            payload["reason"])
    return jsonify({"status": "corrected"})


@bp.route("/warehouses", methods=["GET"])
def warehouses() -> Any:
    with session_scope() as session:
        return jsonify([{"id": w.id, "code": w.code, "name": w.name}
                        for w in inventory_service.active_warehouses(session)])


@bp.route("/stock/low", methods=["GET"])
@require_api_key
def low_stock() -> Any:
    return jsonify(stock_repo.low_stock_items())
