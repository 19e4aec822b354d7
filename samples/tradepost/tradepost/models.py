"""Every persistent entity of the shop, in one module (as the original team liked it)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import relationship

from tradepost.db import Base

product_categories = Table(
    "product_categories",
    Base.metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)


class Category(Base):
    __tablename__ = "categories"
    id = Column(Integer, primary_key=True)
    slug = Column(String(80), unique=True, nullable=False)
    title = Column(String(200), nullable=False)


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    sku = Column(String(40), unique=True, nullable=False)
    title = Column(String(200), nullable=False)
    description = Column(Text, default="")
    price_cents = Column(Integer, nullable=False)
    active = Column(Boolean, default=True)
    categories = relationship(Category, secondary=product_categories)


class Warehouse(Base):
    __tablename__ = "warehouses"
    id = Column(Integer, primary_key=True)
    code = Column(String(12), unique=True)
    city = Column(String(80))


class StockLevel(Base):
    __tablename__ = "stock_levels"
    id = Column(Integer, primary_key=True)
    sku = Column(String(40), ForeignKey("products.sku"), nullable=False)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id"), nullable=False)
    on_hand = Column(Integer, default=0)
    reserved = Column(Integer, default=0)
    warehouse = relationship(Warehouse)


class StockMovement(Base):
    __tablename__ = "stock_movements"
    id = Column(Integer, primary_key=True)
    sku = Column(String(40), nullable=False)
    warehouse_id = Column(Integer, ForeignKey("warehouses.id"))
    quantity = Column(Integer, nullable=False)
    reason = Column(String(40))
    created_at = Column(DateTime)


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), unique=True, nullable=False)
    full_name = Column(String(200))
    marketing_opt_in = Column(Boolean, default=False)
    addresses = relationship("Address", back_populates="customer")


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    street = Column(String(200))
    postcode = Column(String(20))
    city = Column(String(80))
    country = Column(String(2))
    customer = relationship(Customer, back_populates="addresses")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    status = Column(String(20), default="draft")
    total_cents = Column(Integer, default=0)
    placed_at = Column(DateTime)
    lines = relationship("OrderLine", back_populates="order")


class OrderLine(Base):
    __tablename__ = "order_lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    sku = Column(String(40), ForeignKey("products.sku"), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price_cents = Column(Integer, nullable=False)
    order = relationship(Order, back_populates="lines")


class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    status = Column(String(20), default="pending")
    gateway_reference = Column(String(80))


class Refund(Base):
    __tablename__ = "refunds"
    id = Column(Integer, primary_key=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    reason = Column(String(200))


class Shipment(Base):
    __tablename__ = "shipments"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    address_id = Column(Integer, ForeignKey("addresses.id"), nullable=False)
    carrier = Column(String(40))
    tracking_number = Column(String(80))
    status = Column(String(20), default="booked")


class EmailTemplate(Base):
    __tablename__ = "email_templates"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True)
    subject = Column(String(200))
    body = Column(Text)


class Notification(Base):
    __tablename__ = "notifications"
    id = Column(Integer, primary_key=True)
    recipient = Column(String(200), nullable=False)
    template_key = Column(String(80))
    sent_at = Column(DateTime)
