from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Enum, ForeignKey, Identity, Index, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from shop.models.base import Base, TimestampMixin


class OrderStatus(enum.Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"


class Order(TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        Index("ix_orders_pending", "created_at",
              postgresql_where="status = 'pending'::billing.order_status"),
        {"schema": "billing"},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, name="order_status", schema="billing"),
        server_default=OrderStatus.pending.value,
    )
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = {"schema": "billing"}

    order_id: Mapped[int] = mapped_column(
        ForeignKey("billing.orders.id", ondelete="CASCADE"), primary_key=True
    )
    line_no: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str]
    quantity: Mapped[int] = mapped_column(server_default="1")
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
