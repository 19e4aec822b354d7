"""Shipping: carrier choice, booking parcels for paid orders, tracking."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopfront.repositories import shipment_repo
from shopfront.services import notification_service
from shopfront.utils.logs import get_logger

from ..models import Carrier, Parcel, Shipment
from .carriers import CarrierError, ParcelAddress, Quote, cheapest_quote, get_carrier

if TYPE_CHECKING:
    from shopfront.models import Address

log = get_logger(__name__)

DELIVERED = "delivered"


def list_carriers(session: Session) -> list[Carrier]:
    return list(session.execute(
        select(Carrier).where(Carrier.is_active.is_(True)).order_by(Carrier.code)
    ).scalars())


def parcel_address(address: Address) -> ParcelAddress:
    """The customer's address-book entry in the carriers' terms."""
    return ParcelAddress(address.recipient, address.line1, address.line2,
                         address.postal_code, address.city, address.country_code)


def quote_options(session: Session, weight_grams: int, country_code: str) -> list[Quote]:
    quotes: list[Quote] = []
    for carrier in list_carriers(session):
        quotes.extend(get_carrier(carrier.code).quote(weight_grams, country_code))
    return sorted(quotes, key=lambda q: q.price_cents)


def create_pending_shipments(session: Session, limit: int = 200) -> int:
    """Book a parcel for every paid order that has no shipment yet."""
    carrier_codes = [carrier.code for carrier in list_carriers(session)]
    booked = 0
    for row in shipment_repo.shippable_orders(limit):
        weight = shipment_repo.order_weight_grams(row["order_id"])
        quote = cheapest_quote(carrier_codes, weight, row["country_code"])
        if quote is None:
            log.warning("no carrier for order %s to %s", row["number"], row["country_code"])
            continue
        address = ParcelAddress(row["recipient"], row["line1"], row["line2"], row["postal_code"],
                                row["city"], row["country_code"])
        try:
            parcel_info = get_carrier(quote.carrier_code).book(row["number"], address, weight,
                                                               quote.service_level)
        except CarrierError as exc:
            log.error("booking %s failed: %s", row["number"], exc)
            continue
        carrier = session.query(Carrier).filter_by(code=quote.carrier_code).one()
        shipment = Shipment(order_id=row["order_id"], carrier_id=carrier.id,
                            service_level=quote.service_level, status="booked")
        session.add(shipment)
        session.flush()
        session.add(Parcel(shipment_id=shipment.id, tracking_number=parcel_info.tracking_number,
                           weight_grams=weight, label_url=parcel_info.label_url))
        notification_service.queue_email(
            "order_shipped", row["email"],
            {"order_number": row["number"], "carrier": carrier.name,
             "tracking_url": carrier.tracking_url_template.format(parcel_info.tracking_number)},
            customer_id=row["customer_id"], locale=row["locale"])
        booked += 1
    return booked


def tracking_for_order(session: Session, order_id: int) -> list[dict[str, Any]]:
    rows = (
        session.query(Parcel, Carrier)
        .join(Shipment, Shipment.id == Parcel.shipment_id)
        .join(Carrier, Carrier.id == Shipment.carrier_id)
        .filter(Shipment.order_id == order_id)
        .all()
    )
    return [{"tracking_number": parcel.tracking_number, "carrier": carrier.name,
             "url": carrier.tracking_url_template.format(parcel.tracking_number)}
            for parcel, carrier in rows]


def poll_tracking() -> int:
    """Ask the carriers for news on every parcel still on its way."""
    updated = 0
    for row in shipment_repo.parcels_in_transit():
        try:
            updates = get_carrier(row["carrier_code"]).track(row["tracking_number"])
        except CarrierError as exc:
            log.warning("tracking %s failed: %s", row["tracking_number"], exc)
            continue
        if not updates:
            continue
        shipment_repo.insert_tracking_events(
            row["parcel_id"], [(u.status, u.location, u.occurred_at) for u in updates])
        latest = updates[-1]
        status = DELIVERED if latest.status == DELIVERED else "in_transit"
        shipment_repo.set_shipment_status(row["shipment_id"], status, latest.occurred_at)
        updated += 1
    return updated


def record_carrier_event(session: Session, tracking_number: str, status: str,
                         location: str | None, occurred_at: datetime) -> bool:
    """A push notification from a carrier's webhook."""
    parcel = session.query(Parcel).filter_by(tracking_number=tracking_number).one_or_none()
    if parcel is None:
        return False
    shipment_repo.insert_tracking_events(parcel.id, [(status, location, occurred_at)])
    if status == DELIVERED:
        shipment_repo.set_shipment_status(parcel.shipment_id, DELIVERED, occurred_at)
    return True


def delivered_order_ids(since: datetime) -> list[int]:
    return shipment_repo.delivered_order_ids(since)


def cancel_shipment(session: Session, shipment_id: int) -> None:
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        return
    client = get_carrier(shipment.carrier.code)
    for parcel in shipment.parcels:
        client.cancel(parcel.tracking_number)
    session.query(Parcel).filter(Parcel.shipment_id == shipment_id).delete()
    session.delete(shipment)
