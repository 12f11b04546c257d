"""Every model module is imported here, so that ``Base.metadata`` knows every table."""

from shop.models.base import Base
from shop.models.customers import Address, Customer
from shop.models.orders import Order, OrderLine, OrderStatus

metadata = Base.metadata

__all__ = ["Address", "Base", "Customer", "Order", "OrderLine", "OrderStatus", "metadata"]
