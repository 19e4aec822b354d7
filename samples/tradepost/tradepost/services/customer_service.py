"""Customer accounts and their addresses."""

from __future__ import annotations

from tradepost.db import SessionLocal
from tradepost.models import Address, Customer
from tradepost.repositories import customer_repo
from tradepost.utils.text import normalize_email
from tradepost.utils.validation import ValidationError, validate_email


def register_customer(email: str, full_name: str, marketing_opt_in: bool = False) -> Customer:
    email = normalize_email(validate_email(email))
    if customer_repo.find_customer_by_email(email) is not None:
        raise ValidationError("email", "already registered")
    with SessionLocal() as session:
        customer = Customer(email=email, full_name=full_name,
                            marketing_opt_in=marketing_opt_in)
        session.add(customer)
        session.commit()
        return customer


def get_customer(customer_id: int) -> Customer:
    with SessionLocal() as session:
        return session.get(Customer, customer_id)


def default_address(customer_id: int) -> Address | None:
    with SessionLocal() as session:
        return (session.query(Address).filter(Address.customer_id == customer_id)
                .order_by(Address.id).first())


def add_address(customer_id: int, street: str, postcode: str, city: str,
                country: str) -> int:
    return customer_repo.insert_address(customer_id, street, postcode, city, country)
