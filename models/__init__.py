"""The example declared models of drift: a sports-odds analytics backend.

``public`` (``models.legacy``) declares the legacy tables as the team wants
them to be; ``quantum`` (``models.quantum``) declares the planned Quantum DNA
2.0 feature. ``drift check --models models`` (and ``drift demo``) compare them
with a live database.
"""

from __future__ import annotations

from . import legacy, quantum
from .base import Base

metadata = Base.metadata

__all__ = ["Base", "legacy", "metadata", "quantum"]
