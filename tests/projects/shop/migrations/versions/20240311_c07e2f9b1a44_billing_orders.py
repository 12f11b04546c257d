"""billing schema: orders and their lines

Revision ID: c07e2f9b1a44
Revises: a81d44e0c5b3
Create Date: 2024-03-11 09:15:37.601245

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "c07e2f9b1a44"
down_revision: Union[str, None] = "a81d44e0c5b3"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

order_status = postgresql.ENUM("pending", "paid", "shipped", name="order_status",
                               schema="billing", create_type=False)


def upgrade() -> None:
    op.execute("CREATE SCHEMA billing")
    order_status.create(op.get_bind())
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", order_status, server_default="pending", nullable=False),
        sa.Column("total", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("total >= 0", name=op.f("ck_orders_total_not_negative")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_orders_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        schema="billing",
    )
    op.create_index(op.f("ix_billing_orders_customer_id"), "orders", ["customer_id"],
                    schema="billing")
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["billing.orders.id"],
                                name=op.f("fk_order_lines_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", "line_no", name=op.f("pk_order_lines")),
        schema="billing",
    )


def downgrade() -> None:
    op.drop_table("order_lines", schema="billing")
    op.drop_index(op.f("ix_billing_orders_customer_id"), table_name="orders", schema="billing")
    op.drop_table("orders", schema="billing")
    order_status.drop(op.get_bind())
    op.execute("DROP SCHEMA billing")
