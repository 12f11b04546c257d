from __future__ import annotations

from typing import Any

from drift.schema import Snapshot


def canonical_literals(models: Snapshot, conn: Any) -> Snapshot:
    return models
