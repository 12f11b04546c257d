import enum
import os

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import relationship

# the deployment picks its schema (one per tenant); "public" on a developer's machine
SCHEMA = os.environ.get("TICKETS_SCHEMA", "public")

Base = declarative_base()


class TicketStatus(enum.Enum):
    open = "open"
    pending = "pending"
    closed = "closed"


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = {"schema": SCHEMA}

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    is_vip = Column(Boolean, nullable=False, server_default=text("false"))
    created_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())

    tickets = relationship("Ticket", back_populates="customer")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_open_by_customer", "customer_id",
              postgresql_where=text("status = 'open'")),
        {"schema": SCHEMA},
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey(f"{SCHEMA}.customers.id", ondelete="CASCADE"),
                         nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(Text)
    status = Column(Enum(TicketStatus, name="ticket_status", schema=SCHEMA),
                    nullable=False, server_default="open")
    refund = Column(Numeric(10, 2), server_default=text("0"))
    opened_at = Column(DateTime(timezone=True), server_default=func.now())

    customer = relationship("Customer", back_populates="tickets")
