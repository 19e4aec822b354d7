"""Every persistent entity of the shop, in one module (it grew that way).

Sections follow the order in which the features were built: catalogue, stock, customers,
orders, payments, shipping, e-mail, promotions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from shopfront.db import Base

# --------------------------------------------------------------------------- catalogue

product_categories = Table(
    "product_categories",
    Base.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Category(Base):
    """A node of the category tree shown in the shop's navigation."""

    __tablename__ = "categories"

    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("categories.id"), nullable=True)
    name = Column(String(120), nullable=False)
    slug = Column(String(140), nullable=False, unique=True)
    position = Column(Integer, nullable=False, default=0)

    parent = relationship("Category", remote_side=[id], back_populates="children")
    children = relationship("Category", back_populates="parent")
    products = relationship("Product", secondary=product_categories, back_populates="categories")


class Product(Base):
    """A sellable article, identified by its SKU."""

    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    sku = Column(String(32), nullable=False, unique=True, index=True)
    name = Column(String(200), nullable=False)
    slug = Column(String(220), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    price_cents = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False, default="EUR")
    tax_rate = Column(Numeric(4, 3), nullable=False, default=0.21)
    weight_grams = Column(Integer, nullable=False, default=0)
    is_active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)

    categories = relationship("Category", secondary=product_categories, back_populates="products")


# --------------------------------------------------------------------------- stock


class Warehouse(Base):
    """A physical location that holds stock."""

    __tablename__ = "warehouses"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    country_code = Column(String(2), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)


class StockLevel(Base):
    """How many units of a product a warehouse holds, and how many are promised."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("product_id", "warehouse_id"),
        CheckConstraint("quantity_reserved <= quantity_on_hand"),
    )

    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id"), nullable=False)
    quantity_on_hand = Column(Integer, nullable=False, default=0)
    quantity_reserved = Column(Integer, nullable=False, default=0)
    reorder_point = Column(Integer, nullable=False, default=5)

    product = relationship("Product")
    warehouse = relationship("Warehouse")


class StockReservation(Base):
    """Units held for an unpaid order until the reservation expires."""

    __tablename__ = "stock_reservations"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id"), nullable=False)
    quantity = Column(Integer, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    released_at = Column(DateTime, nullable=True)


class StockMovement(Base):
    """An append-only ledger line: goods in, goods out, corrections."""

    __tablename__ = "stock_movements"

    id = Column(Integer, primary_key=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id"), nullable=False)
    delta = Column(Integer, nullable=False)
    reason = Column(String(32), nullable=False)
    reference = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


# --------------------------------------------------------------------------- customers

wishlist_items = Table(
    "wishlist_items",
    Base.metadata,
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("added_at", DateTime, nullable=False, default=datetime.utcnow),
)


class Customer(Base):
    """A shopper with an account."""

    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)
    full_name = Column(String(200), nullable=False)
    password_hash = Column(String(200), nullable=False)
    phone = Column(String(32), nullable=True)
    locale = Column(String(5), nullable=False, default="en")
    marketing_opt_in = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)

    addresses = relationship("Address", back_populates="customer", cascade="all, delete-orphan")
    wishlist = relationship("Product", secondary=wishlist_items)


class Address(Base):
    """A billing or shipping address from a customer's address book."""

    __tablename__ = "addresses"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    kind = Column(String(10), nullable=False, default="shipping")
    recipient = Column(String(200), nullable=False)
    line1 = Column(String(200), nullable=False)
    line2 = Column(String(200), nullable=True)
    postal_code = Column(String(16), nullable=False)
    city = Column(String(100), nullable=False)
    country_code = Column(String(2), nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)

    customer = relationship("Customer", back_populates="addresses")


# --------------------------------------------------------------------------- orders


class Order(Base):
    """A customer's order, from cart to delivery."""

    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    shipping_address_id = Column(Integer, ForeignKey("addresses.id"), nullable=True)
    status = Column(String(20), nullable=False, default="pending")
    currency = Column(String(3), nullable=False, default="EUR")
    subtotal_cents = Column(Integer, nullable=False, default=0)
    discount_cents = Column(Integer, nullable=False, default=0)
    shipping_cents = Column(Integer, nullable=False, default=0)
    tax_cents = Column(Integer, nullable=False, default=0)
    total_cents = Column(Integer, nullable=False, default=0)
    coupon_code = Column(String(32), nullable=True)
    placed_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    paid_at = Column(DateTime, nullable=True)
    cancelled_at = Column(DateTime, nullable=True)

    customer = relationship("Customer")
    lines = relationship("OrderLine", back_populates="order", cascade="all, delete-orphan")
    payments = relationship("Payment", back_populates="order")


class OrderLine(Base):
    """One product on an order, with the price it was sold at."""

    __tablename__ = "order_lines"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    sku = Column(String(32), nullable=False)
    name = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price_cents = Column(Integer, nullable=False)
    tax_rate = Column(Numeric(4, 3), nullable=False)
    line_total_cents = Column(Integer, nullable=False)

    order = relationship("Order", back_populates="lines")


class OrderStatusChange(Base):
    """Audit trail of an order's status transitions."""

    __tablename__ = "order_status_history"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    from_status = Column(String(20), nullable=True)
    to_status = Column(String(20), nullable=False)
    note = Column(String(255), nullable=True)
    changed_at = Column(DateTime, nullable=False, default=datetime.utcnow)


# --------------------------------------------------------------------------- payments


class Payment(Base):
    """A card payment at the payment service provider (authorisation, then capture)."""

    __tablename__ = "payments"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    provider = Column(String(20), nullable=False, default="paygate")
    provider_ref = Column(String(64), nullable=True, unique=True)
    method = Column(String(20), nullable=False, default="card")
    status = Column(String(20), nullable=False, default="pending")
    amount_cents = Column(Integer, nullable=False)
    currency = Column(String(3), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    failure_reason = Column(String(255), nullable=True)
    authorized_at = Column(DateTime, nullable=True)
    captured_at = Column(DateTime, nullable=True)

    order = relationship("Order", back_populates="payments")
    refunds = relationship("Refund", back_populates="payment")


class Refund(Base):
    """Money returned to the customer against a captured payment."""

    __tablename__ = "refunds"

    id = Column(Integer, primary_key=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    reason = Column(String(255), nullable=False)
    status = Column(String(20), nullable=False, default="requested")
    provider_ref = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)

    payment = relationship("Payment", back_populates="refunds")


class Invoice(Base):
    """The legal invoice issued once an order is paid."""

    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, unique=True)
    number = Column(String(20), nullable=False, unique=True)
    total_cents = Column(Integer, nullable=False)
    tax_cents = Column(Integer, nullable=False)
    issued_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    pdf_path = Column(String(255), nullable=True)


# --------------------------------------------------------------------------- shipping


class Carrier(Base):
    """A parcel carrier the warehouse hands shipments to."""

    __tablename__ = "carriers"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    tracking_url_template = Column(String(255), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)


class Shipment(Base):
    """The delivery of an order, handed to one carrier."""

    __tablename__ = "shipments"

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False, index=True)
    carrier_id = Column(Integer, ForeignKey("carriers.id"), nullable=False)
    service_level = Column(String(20), nullable=False, default="standard")
    status = Column(String(20), nullable=False, default="booked")
    shipped_at = Column(DateTime, nullable=True)
    delivered_at = Column(DateTime, nullable=True)

    carrier = relationship("Carrier")
    parcels = relationship("Parcel", back_populates="shipment")


class Parcel(Base):
    """One box of a shipment, with its label and tracking number."""

    __tablename__ = "parcels"

    id = Column(Integer, primary_key=True)
    shipment_id = Column(Integer, ForeignKey("shipments.id"), nullable=False)
    tracking_number = Column(String(40), nullable=False, unique=True)
    weight_grams = Column(Integer, nullable=False)
    label_url = Column(String(255), nullable=True)

    shipment = relationship("Shipment", back_populates="parcels")


class TrackingEvent(Base):
    """A scan reported by the carrier for a parcel."""

    __tablename__ = "tracking_events"

    id = Column(Integer, primary_key=True)
    parcel_id = Column(Integer, ForeignKey("parcels.id"), nullable=False, index=True)
    status = Column(String(30), nullable=False)
    location = Column(String(120), nullable=True)
    occurred_at = Column(DateTime, nullable=False)


# --------------------------------------------------------------------------- e-mail


class EmailTemplate(Base):
    """A transactional e-mail template, per locale."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("code", "locale"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(50), nullable=False)
    locale = Column(String(5), nullable=False, default="en")
    subject = Column(String(200), nullable=False)
    body_html = Column(Text, nullable=False)
    body_text = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class NotificationLog(Base):
    """Outbox and history of every message sent to a customer or to the team."""

    __tablename__ = "notification_log"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=True, index=True)
    channel = Column(String(10), nullable=False, default="email")
    template_code = Column(String(50), nullable=False)
    recipient = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    body_html = Column(Text, nullable=False, default="")
    body_text = Column(Text, nullable=False, default="")
    status = Column(String(10), nullable=False, default="queued")
    error = Column(String(255), nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    sent_at = Column(DateTime, nullable=True)


# --------------------------------------------------------------------------- promotions


class Coupon(Base):
    """A discount code: a percentage or a fixed amount, optionally limited to a category."""

    __tablename__ = "coupons"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    kind = Column(String(10), nullable=False, default="percent")
    value = Column(Integer, nullable=False)
    category_id = Column(Integer, ForeignKey("categories.id"), nullable=True)
    min_subtotal_cents = Column(Integer, nullable=False, default=0)
    starts_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    ends_at = Column(DateTime, nullable=True)
    max_redemptions = Column(Integer, nullable=True)
    times_redeemed = Column(Integer, nullable=False, default=0)
    once_per_customer = Column(Boolean, nullable=False, default=True)
    is_active = Column(Boolean, nullable=False, default=True)


class CouponRedemption(Base):
    """A coupon used on an order."""

    __tablename__ = "coupon_redemptions"

    id = Column(Integer, primary_key=True)
    coupon_id = Column(Integer, ForeignKey("coupons.id"), nullable=False)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    discount_cents = Column(Integer, nullable=False)
    redeemed_at = Column(DateTime, nullable=False, default=datetime.utcnow)
