"""Catalogue endpoints."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from shopfront.db import session_scope
from shopfront.repositories import product_repo
from shopfront.services import catalog_service
from shopfront.utils.pagination import offset_of, page_params
from shopfront.utils.validation import require_fields

from . import json_error, require_api_key

bp = Blueprint("products", __name__)


@bp.route("/products", methods=["GET"])
def list_products() -> Any:
    page, per_page = page_params(request.args)
    rows = product_repo.list_products(request.args.get("category"), per_page,
                                      offset_of(page, per_page), request.args.get("sort", "name"))
    return jsonify({"items": rows, "page": page, "per_page": per_page})


@bp.route("/products/search", methods=["GET"])
def search_products() -> Any:
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return json_error("search term too short", 400)
    return jsonify({"items": catalog_service.search(term)})


@bp.route("/products/<sku>", methods=["GET"])
def get_product(sku: str) -> Any:
    with session_scope() as session:
        try:
            product = catalog_service.get_product_by_sku(session, sku)
        except catalog_service.ProductNotFound:
            return json_error("product not found", 404)
        return jsonify(catalog_service.product_card(product))


@bp.route("/products", methods=["POST"])
@require_api_key
def create_product() -> Any:
    payload = request.get_json(force=True)
    require_fields(payload, ["sku", "name", "price_cents"])
    with session_scope() as session:
        product = catalog_service.create_product(
            session, payload["sku"], payload["name"], int(payload["price_cents"]),
            payload.get("category_ids", []), int(payload.get("weight_grams", 0)),
            payload.get("description", ""))
        return jsonify({"id": product.id, "sku": product.sku}), 201


@bp.route("/products/<int:product_id>", methods=["PATCH"])
@require_api_key
def update_product(product_id: int) -> Any:
    with session_scope() as session:
        product = catalog_service.update_product(session, product_id, request.get_json(force=True))
        return jsonify(catalog_service.product_card(product))


@bp.route("/categories", methods=["GET"])
def categories() -> Any:
    with session_scope() as session:
        return jsonify(catalog_service.category_tree(session))


@bp.route("/categories/<int:category_id>", methods=["DELETE"])
@require_api_key
def delete_category(category_id: int) -> Any:
    with session_scope() as session:
        catalog_service.delete_category(session, category_id)
    return "", 204
