"""A small web shop: customers in ``public``, orders in ``billing``."""
