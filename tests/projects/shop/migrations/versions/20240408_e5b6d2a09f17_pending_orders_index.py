"""index the pending orders

Revision ID: e5b6d2a09f17
Revises: c07e2f9b1a44
Create Date: 2024-04-08 14:21:03.550912

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e5b6d2a09f17"
down_revision: Union[str, None] = "c07e2f9b1a44"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index(
        "ix_orders_pending",
        "orders",
        ["created_at"],
        schema="billing",
        postgresql_where="status = 'pending'::billing.order_status",
    )


def downgrade() -> None:
    op.drop_index("ix_orders_pending", table_name="orders", schema="billing")
