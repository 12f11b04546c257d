"""Test helpers that write Python modules for drift to import, as a project holds them."""

from __future__ import annotations

import uuid
from pathlib import Path


def write_module(folder: Path, prefix: str, body: str) -> str:
    """A module in ``folder`` with a name no other test uses (imported modules stay cached)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    (folder / f"{name}.py").write_text(body, encoding="utf-8")
    return name
