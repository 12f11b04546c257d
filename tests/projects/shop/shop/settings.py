"""Settings from the environment, twelve-factor style."""

from __future__ import annotations

import os


def database_url() -> str:
    return os.environ.get("DATABASE_URL", "postgresql://shop@localhost:5432/shop")
