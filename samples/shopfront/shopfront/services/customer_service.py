"""Customer accounts, sign-in and the address book."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopfront.utils.validation import ValidationError, validate_email, validate_postal_code

from ..models import Address, Customer, wishlist_items
from ..repositories import customer_repo

_ITERATIONS = 260_000


class CustomerExists(ValueError):
    pass


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2${_ITERATIONS}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)


def register_customer(session: Session, email: str, full_name: str, password: str,
                      locale: str = "en") -> Customer:
    email = validate_email(email)
    if session.query(Customer).filter(Customer.email == email).first() is not None:
        raise CustomerExists(email)
    if len(password) < 10:
        raise ValidationError("password", "must have at least 10 characters")
    customer = Customer(email=email, full_name=full_name.strip(),
                        password_hash=hash_password(password), locale=locale)
    session.add(customer)
    session.flush()
    return customer


def authenticate(email: str, password: str) -> dict[str, Any] | None:
    row = customer_repo.find_by_email(email)
    if row is None or not check_password(password, row["password_hash"]):
        return None
    return {k: v for k, v in row.items() if k != "password_hash"}


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"customer {customer_id}")
    return customer


def add_address(session: Session, customer_id: int, data: dict[str, Any]) -> Address:
    country = data["country_code"].upper()
    address = Address(customer_id=customer_id, kind=data.get("kind", "shipping"),
                      recipient=data["recipient"], line1=data["line1"], line2=data.get("line2"),
                      postal_code=validate_postal_code(data["postal_code"], country),
                      city=data["city"], country_code=country,
                      is_default=bool(data.get("is_default")))
    if address.is_default:
        session.query(Address).filter(Address.customer_id == customer_id,
                                      Address.kind == address.kind).update({"is_default": False})
    session.add(address)
    return address


def default_address(session: Session, customer_id: int, kind: str = "shipping") -> Address | None:
    return session.execute(
        select(Address).where(Address.customer_id == customer_id, Address.kind == kind,
                              Address.is_default.is_(True))
    ).scalar_one_or_none()


def format_address(address: Address) -> str:
    lines = [address.recipient, address.line1, address.line2,
             f"{address.postal_code} {address.city}", address.country_code]
    return "\n".join(line for line in lines if line)


def add_to_wishlist(session: Session, customer_id: int, product_id: int) -> None:
    session.execute(wishlist_items.insert().values(customer_id=customer_id, product_id=product_id))


def erase_customer(customer_id: int) -> None:
    customer_repo.anonymize_customer(customer_id)
