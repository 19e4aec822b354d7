"""Coupons: validation at checkout, redemption, housekeeping."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from shopfront.services import catalog_service
from shopfront.utils.dates import utcnow
from shopfront.utils.money import Money

from ..models import Coupon, CouponRedemption


class CouponError(ValueError):
    """The coupon cannot be used; the message is shown to the shopper."""


def find_coupon(session: Session, code: str) -> Coupon | None:
    return session.query(Coupon).filter(func.upper(Coupon.code) == code.strip().upper()).first()


def validate_coupon(session: Session, coupon: Coupon, customer_id: int, subtotal_cents: int,
                    product_ids: Iterable[int] = (), now: datetime | None = None) -> None:
    now = now or utcnow()
    if not coupon.is_active or coupon.starts_at > now or (coupon.ends_at and coupon.ends_at <= now):
        raise CouponError("This code is not valid at the moment.")
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise CouponError("This code has been used up.")
    if subtotal_cents < coupon.min_subtotal_cents:
        raise CouponError("Your order does not reach the minimum amount for this code.")
    if coupon.once_per_customer:
        used = session.query(CouponRedemption).filter_by(
            coupon_id=coupon.id, customer_id=customer_id).count()
        if used:
            raise CouponError("You have already used this code.")
    if coupon.category_id is not None:
        eligible = [pid for pid in product_ids
                    if coupon.category_id in category_ids_of(session, pid)]
        if not eligible:
            raise CouponError("This code does not apply to the products in your cart.")


def category_ids_of(session: Session, product_id: int) -> set[int]:
    product = catalog_service.get_product(session, product_id)
    return {category.id for category in product.categories}


def discount_for(coupon: Coupon, subtotal_cents: int) -> int:
    if coupon.kind == "percent":
        return Money(subtotal_cents).percent(coupon.value).cents
    return min(coupon.value, subtotal_cents)


def redeem(session: Session, coupon: Coupon, order_id: int, customer_id: int,
           discount_cents: int) -> CouponRedemption:
    redemption = CouponRedemption(coupon_id=coupon.id, order_id=order_id,
                                  customer_id=customer_id, discount_cents=discount_cents)
    session.add(redemption)
    session.execute(update(Coupon).where(Coupon.id == coupon.id)
                    .values(times_redeemed=Coupon.times_redeemed + 1))
    return redemption


def create_coupon(session: Session, code: str, kind: str, value: int,
                  ends_at: datetime | None = None, max_redemptions: int | None = None,
                  category_id: int | None = None) -> Coupon:
    if kind not in {"percent", "fixed"}:
        raise CouponError(f"unknown coupon kind {kind!r}")
    coupon = Coupon(code=code.strip().upper(), kind=kind, value=value, ends_at=ends_at,
                    max_redemptions=max_redemptions, category_id=category_id)
    session.add(coupon)
    return coupon


def deactivate_expired(session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    return session.query(Coupon).filter(Coupon.is_active.is_(True), Coupon.ends_at < now).update(
        {"is_active": False}, synchronize_session=False)
