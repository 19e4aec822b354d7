"""Account endpoints: sign-up, sign-in, address book, wishlist, erasure."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, session as web_session

from shopfront.db import session_scope
from shopfront.repositories import customer_repo
from shopfront.services import customer_service
from shopfront.tasks.email_tasks import send_welcome_email
from shopfront.utils.validation import require_fields

from . import json_error, require_api_key

bp = Blueprint("customers", __name__)


def current_customer_id() -> int | None:
    value = web_session.get("customer_id")
    return int(value) if value is not None else None


@bp.route("/customers", methods=["POST"])
def sign_up() -> Any:
    payload = request.get_json(force=True)
    require_fields(payload, ["email", "full_name", "password"])
    with session_scope() as session:
        try:
            customer = customer_service.register_customer(
                session, payload["email"], payload["full_name"], payload["password"],
                payload.get("locale", "en"))
        except customer_service.CustomerExists:
            return json_error("an account with this e-mail address exists", 409)
        customer_id, email, name, locale = (customer.id, customer.email, customer.full_name,
                                            customer.locale)
    send_welcome_email.delay(customer_id, email, name, locale)
    web_session["customer_id"] = customer_id
    return jsonify({"id": customer_id}), 201


@bp.route("/sessions", methods=["POST"])
def sign_in() -> Any:
    payload = request.get_json(force=True)
    customer = customer_service.authenticate(payload.get("email", ""), payload.get("password", ""))
    if customer is None:
        return json_error("wrong e-mail address or password", 401)
    web_session["customer_id"] = customer["id"]
    return jsonify(customer)


@bp.route("/me/addresses", methods=["GET", "POST"])
def addresses() -> Any:
    customer_id = current_customer_id()
    if customer_id is None:
        return json_error("sign in first", 401)
    if request.method == "GET":
        return jsonify(customer_repo.addresses_of(customer_id))
    payload = request.get_json(force=True)
    require_fields(payload, ["recipient", "line1", "postal_code", "city", "country_code"])
    with session_scope() as session:
        address = customer_service.add_address(session, customer_id, payload)
        session.flush()
        return jsonify({"id": address.id}), 201


@bp.route("/me/wishlist", methods=["GET", "POST"])
def wishlist() -> Any:
    customer_id = current_customer_id()
    if customer_id is None:
        return json_error("sign in first", 401)
    if request.method == "POST":
        with session_scope() as session:
            customer_service.add_to_wishlist(session, customer_id,
                                             int(request.get_json(force=True)["product_id"]))
    return jsonify(customer_repo.wishlist_of(customer_id))


@bp.route("/customers/<int:customer_id>", methods=["DELETE"])
@require_api_key
def erase(customer_id: int) -> Any:
    customer_service.erase_customer(customer_id)
    return "", 204
