"""/customers: sign-up and address book."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from tradepost.services import customer_service
from tradepost.utils.validation import ValidationError

bp = Blueprint("customers", __name__, url_prefix="/customers")


@bp.route("", methods=["POST"])
def sign_up():
    body = request.get_json()
    try:
        customer = customer_service.register_customer(body["email"], body.get("name", ""))
    except ValidationError as error:
        return jsonify(error=str(error), field=error.field), 400
    return jsonify(id=customer.id), 201


@bp.route("/<int:customer_id>/addresses", methods=["POST"])
def add_address(customer_id: int):
    body = request.get_json()
    address_id = customer_service.add_address(customer_id, body["street"], body["postcode"],
                                              body["city"], body["country"])
    return jsonify(id=address_id), 201
