"""/products: the catalog."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from tradepost.repositories.product_repo import find_by_category, search_products
from tradepost.services import catalog_service
from tradepost.utils.pagination import paginate

bp = Blueprint("products", __name__, url_prefix="/products")


@bp.route("/<sku>", methods=["GET"])
def show_product(sku: str):
    view = catalog_service.get_product(sku)
    if view is None:
        abort(404)
    return jsonify(sku=view.sku, title=view.title, price=view.display_price)


@bp.route("", methods=["GET"])
def list_products():
    term = request.args.get("q", "")
    category = request.args.get("category")
    rows = find_by_category(category) if category else search_products(term)
    page = paginate(rows, int(request.args.get("page", 1)))
    return jsonify(items=list(page.items), total=page.total)


@bp.route("/<sku>/retire", methods=["POST"])
def retire(sku: str):
    catalog_service.retire_product(sku)
    return "", 204
