"""The ``quantum`` schema: the planned Quantum DNA 2.0 feature.

``dna_profiles`` and ``model_runs`` exist in the database already; the other
tables are declared ahead of their migration (phase 3 of the plan).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .mixins import AuditMixin, TimestampMixin

SCHEMA = "quantum"


class DnaKind(enum.StrEnum):
    style = "style"
    form = "form"
    market = "market"
    injury = "injury"  # new in 2.0: squad availability as a DNA dimension


DNA_KIND = Enum(DnaKind, name="dna_kind", schema=SCHEMA)


class DnaProfile(TimestampMixin, AuditMixin, Base):
    __tablename__ = "dna_profiles"
    __table_args__ = (
        UniqueConstraint("team_id", "kind", "version"),
        {"schema": SCHEMA, "comment": "One versioned DNA profile per team and kind."},
    )

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid()
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[DnaKind] = mapped_column(DNA_KIND)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    features: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    embedding: Mapped[list[float] | None] = mapped_column(ARRAY(Float))


class ModelRun(TimestampMixin, AuditMixin, Base):
    __tablename__ = "model_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name="model_runs_status_check"
        ),
        {"schema": SCHEMA, "comment": "One training or scoring run of a DNA model."},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    model_name: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    status: Mapped[str] = mapped_column(Text, server_default="running")


class DnaVector(TimestampMixin, AuditMixin, Base):
    __tablename__ = "dna_vectors"
    __table_args__ = (
        UniqueConstraint("profile_id", "basis"),
        {"schema": SCHEMA, "comment": "Components of a profile in the 2.0 basis."},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    profile_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{SCHEMA}.dna_profiles.id", ondelete="CASCADE")
    )
    basis: Mapped[str] = mapped_column(String(50))
    amplitude: Mapped[float] = mapped_column(Float)
    phase: Mapped[float] = mapped_column(Float, server_default=text("0"))


class SignalWeight(TimestampMixin, AuditMixin, Base):
    __tablename__ = "signal_weights"
    __table_args__ = {"schema": SCHEMA, "comment": "How much each signal counts in a profile."}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal: Mapped[str] = mapped_column(String(100), unique=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class Prediction(TimestampMixin, AuditMixin, Base):
    __tablename__ = "predictions"
    __table_args__ = (
        CheckConstraint(
            "home_win + draw + away_win BETWEEN 0.99 AND 1.01", name="predictions_sum_check"
        ),
        Index("ix_predictions_match_id", "match_id"),
        {"schema": SCHEMA, "comment": "Outcome probabilities per match and model run."},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"))
    model_run_id: Mapped[int] = mapped_column(ForeignKey(f"{SCHEMA}.model_runs.id"))
    home_win: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    draw: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    away_win: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    edge: Mapped[Decimal | None] = mapped_column(
        Numeric(6, 4), comment="Model probability minus the best bookmaker's implied one."
    )
