"""The ``public`` schema: legacy tables, declared as the team wants them to be.

The tables were written by hand in raw SQL years before these models; the
models are the target of the progressive migration (drift/demo/expectations.yaml
says which differences are planned, and for which phase).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .mixins import AuditMixin, TimestampMixin


class BetStatus(enum.StrEnum):
    pending = "pending"
    won = "won"
    lost = "lost"
    void = "void"
    cashed_out = "cashed_out"


class MarketType(enum.StrEnum):
    match_result = "1x2"
    over_under = "over_under"
    asian_handicap = "asian_handicap"
    btts = "btts"


class MatchStatus(enum.StrEnum):
    scheduled = "scheduled"
    live = "live"
    finished = "finished"
    postponed = "postponed"
    cancelled = "cancelled"


def _values(e: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in e]


# Stored by value ("1x2"), not by member name, as the legacy enum types were.
BET_STATUS = Enum(BetStatus, name="bet_status", values_callable=_values)
MARKET_TYPE = Enum(MarketType, name="market_type", values_callable=_values)
MATCH_STATUS = Enum(MatchStatus, name="match_status", values_callable=_values)


class League(TimestampMixin, AuditMixin, Base):
    __tablename__ = "leagues"
    __table_args__ = (
        UniqueConstraint("name", "country"),
        {"comment": "Competitions, one row per league and country."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(50))
    tier: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))


class Team(TimestampMixin, AuditMixin, Base):
    __tablename__ = "teams"
    __table_args__ = {"comment": "Football clubs we price markets for."}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    league_id: Mapped[int | None] = mapped_column(ForeignKey("leagues.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str | None] = mapped_column(String(10))
    founded: Mapped[int | None] = mapped_column(SmallInteger)
    stadium: Mapped[str | None] = mapped_column(String(100))


class Match(TimestampMixin, AuditMixin, Base):
    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint("home_team_id <> away_team_id", name="matches_distinct_teams_check"),
        Index("ix_matches_kickoff_at", "kickoff_at"),
        {"comment": "Fixtures and their results."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    home_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    away_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    kickoff_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    home_goals: Mapped[int | None] = mapped_column(SmallInteger)
    away_goals: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[MatchStatus] = mapped_column(MATCH_STATUS, server_default="scheduled")


class Bookmaker(TimestampMixin, AuditMixin, Base):
    __tablename__ = "bookmakers"
    __table_args__ = {"comment": "Bookmakers and exchanges we collect prices from."}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    website: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class Odds(TimestampMixin, AuditMixin, Base):
    __tablename__ = "odds"
    __table_args__ = (
        CheckConstraint("price > 1", name="odds_price_check"),
        Index("ix_odds_match_id_market", "match_id", "market"),
        Index("ix_odds_bookmaker_id_captured_at", "bookmaker_id", "captured_at"),
        {"comment": "Bookmaker prices per match, market and selection."},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    bookmaker_id: Mapped[int] = mapped_column(ForeignKey("bookmakers.id"))
    market: Mapped[MarketType] = mapped_column(MARKET_TYPE)
    selection: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(
        Numeric(8, 3), comment="Decimal (European) odds, stake included."
    )
    captured_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Bet(TimestampMixin, AuditMixin, Base):
    __tablename__ = "bets"
    __table_args__ = (
        CheckConstraint("stake > 0", name="bets_stake_check"),
        Index("ix_bets_status_placed_at", "status", "placed_at"),
        {"comment": "Tracked bets and their settlement."},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    odds_id: Mapped[int] = mapped_column(ForeignKey("odds.id"))
    stake: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    status: Mapped[BetStatus] = mapped_column(BET_STATUS, server_default="pending")
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    payout: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str | None] = mapped_column(Text)


class TeamDna(TimestampMixin, AuditMixin, Base):
    __tablename__ = "team_dna"
    __table_args__ = {"comment": "Per-team style profile (DNA 1.0), recomputed nightly."}

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id"), primary_key=True, autoincrement=False
    )
    possession_style: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    pressing_intensity: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    tempo: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    directness: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
