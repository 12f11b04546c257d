"""Billing models in SQLAlchemy 2.0's typed style, plus one Core table (Python 3.9 syntax)."""
import datetime
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, Numeric, String, Table, Text, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3), server_default="EUR")
    invoices: Mapped[List["Invoice"]] = relationship(back_populates="account")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_unpaid", "account_id", postgresql_where=text("paid_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    note: Mapped[Optional[str]] = mapped_column(Text)
    issued_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    paid_at: Mapped[Optional[datetime.datetime]]
    account: Mapped[Account] = relationship(back_populates="invoices")


audit_log = Table(
    "audit_log",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("message", Text, nullable=False),
)
