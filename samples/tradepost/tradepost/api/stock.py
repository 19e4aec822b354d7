"""/stock: warehouse levels for the operations team."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from tradepost.repositories import stock_repo
from tradepost.services import inventory_service

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.route("/<sku>", methods=["GET"])
def stock_levels(sku: str):
    levels = stock_repo.levels_for_sku(sku)
    return jsonify(sku=sku, levels=[{"warehouse": w, "on_hand": h, "reserved": r}
                                    for w, h, r in levels])


@bp.route("/<sku>/restock", methods=["POST"])
def restock(sku: str):
    body = request.get_json()
    inventory_service.restock(sku, body["warehouse"], int(body["quantity"]))
    return "", 204


@bp.route("/low", methods=["GET"])
def low_stock():
    return jsonify(skus=inventory_service.low_stock_skus())
