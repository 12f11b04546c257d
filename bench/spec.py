"""A synthetic catalog as plain data, drawn from a seeded random generator.

One spec is rendered twice, as DDL (``render_sql``) and as SQLAlchemy models
(``render_models``), so the two outputs cannot disagree by construction; the
deliberate differences (``differences``) are applied to a copy of the spec that
only the models renderer sees.

Averages per table follow the issue's catalog (5,000 tables: 83k columns, 8k
foreign keys, 8.8k indexes, 6.5k checks, 24k defaults): ~16.6 columns, ~1.6
foreign keys, ~1.76 indexes besides the primary key, ~1.3 checks, ~4.8
defaults.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SCHEMAS: tuple[str, ...] = ("public", "quantum")

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "public": {
        "bet_status": ("open", "won", "lost", "void", "cashed_out"),
        "market_kind": ("1x2", "over_under", "handicap", "both_score"),
        "currency_code": ("EUR", "GBP", "USD"),
    },
    "quantum": {
        "dna_kind": ("attack", "defence", "tempo", "discipline"),
        "signal_level": ("low", "medium", "high"),
    },
}

NOUNS = (
    "odds",
    "bet",
    "team",
    "match",
    "player",
    "league",
    "market",
    "season",
    "fixture",
    "venue",
    "bookmaker",
    "ticket",
    "wallet",
    "payout",
    "profile",
    "signal",
    "dna",
    "rating",
    "lineup",
    "injury",
    "transfer",
    "stat",
    "event",
)

# kind -> candidate column names (suffixed when a name repeats in a table)
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "integer": ("quantity", "rank", "position", "goals", "minutes", "attempts"),
    "bigint": ("external_ref", "provider_key", "volume", "views"),
    "smallint": ("priority", "round_no", "weight"),
    "numeric": ("amount", "price", "stake", "odds_value", "margin", "score"),
    "varchar": ("code", "title", "label", "slug", "country", "source"),
    "text": ("notes", "description", "summary", "raw_payload"),
    "boolean": ("is_active", "is_live", "settled", "verified", "archived"),
    "timestamptz": ("starts_at", "ends_at", "settled_at", "seen_at", "deleted_at"),
    "date": ("valid_from", "valid_to", "birth_date", "match_day"),
    "jsonb": ("attributes", "metadata_json", "settings", "features"),
    "uuid": ("public_id", "trace_id", "batch_id"),
    "int_array": ("lineup_ids", "scores", "rounds"),
    "text_array": ("tags", "aliases", "channels"),
    "enum": ("status", "kind", "level", "category"),
}
PLAIN_KINDS = tuple(COLUMN_NAMES)
PLAIN_WEIGHTS = (10, 4, 2, 9, 12, 5, 8, 8, 4, 3, 3, 2, 3, 6)


@dataclass
class Column:
    name: str
    kind: str  # a key of COLUMN_NAMES, or "serial"/"bigserial"/"fk"
    nullable: bool = True
    length: int | None = None  # varchar(n)
    precision: tuple[int, int] | None = None  # numeric(p,s)
    enum: str | None = None  # "schema.name"
    int_type: str = "integer"  # for pk/fk columns: integer | bigint | uuid
    identity: str | None = None  # "always" | "by default"
    serial: bool = False
    sequence: str | None = None  # free-standing "schema.name" used by the default
    default: str | None = None  # a key of DEFAULTS
    comment: str | None = None
    primary_key: bool = False


@dataclass
class ForeignKey:
    name: str
    column: str
    schema: str
    table: str
    ref_column: str
    on_delete: str | None  # None: NO ACTION, not spelled
    inline: bool  # models: on the column (True) or in __table_args__


@dataclass
class Check:
    name: str
    sql: str  # the same text on both sides, as a person writes it


@dataclass
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool = False
    method: str | None = None  # None: btree
    where: str | None = None


@dataclass
class Unique:
    name: str
    columns: tuple[str, ...]


@dataclass
class Table:
    schema: str
    name: str
    class_name: str
    columns: list[Column] = field(default_factory=list)
    pk_name: str = ""
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    comment: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def constrained(self) -> set[str]:
        """Columns that a key, constraint, index or check mentions."""
        used = {c.name for c in self.columns if c.primary_key}
        used.update(fk.column for fk in self.foreign_keys)
        for u in self.uniques:
            used.update(u.columns)
        for i in self.indexes:
            used.update(i.columns)
            if i.where:
                used.update(c.name for c in self.columns if c.name in i.where)
        for ck in self.checks:
            used.update(c.name for c in self.columns if c.name in ck.sql)
        return used


@dataclass
class Sequence:
    schema: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Catalog:
    seed: int
    tables: list[Table]
    sequences: list[Sequence]
    enums: dict[str, dict[str, tuple[str, ...]]]
    extra_tables: list[Table] = field(default_factory=list)  # models only (differences)
    dropped_tables: set[str] = field(default_factory=set)  # qualified; models omit them


COMMENTS = (
    "Raw odds as received from the feed",
    "One row per settled bet",
    "The team's DNA profile, recomputed nightly",
    "Legacy table, written by the scraper",
    "Quantum DNA 2.0 feature store",
    "Who changed it last",
    "Kept for the regulator's audit",
)


def generate_catalog(tables: int, seed: int = 42) -> Catalog:
    """A deterministic catalog of ``tables`` tables over ``public`` and ``quantum``."""
    rng = random.Random(seed)
    sequences = [
        Sequence(SCHEMAS[i % 2], f"{rng.choice(NOUNS)}_no_seq_{i:04d}")
        for i in range(max(2, tables // 25))
    ]
    made: list[Table] = []
    keyed: list[Table] = []  # tables with a single-column key, the targets of foreign keys
    for i in range(tables):
        schema = SCHEMAS[0] if rng.random() < 0.6 else SCHEMAS[1]
        noun = rng.choice(NOUNS)
        name = f"{noun}_{i:05d}"
        link = len(keyed) >= 4 and rng.random() < 0.05
        table = _link_table(rng, schema, name, keyed) if link else _table(rng, schema, name, keyed)
        table.class_name = "".join(p.capitalize() for p in (schema, noun)) + f"{i:05d}"
        _add_sequence_defaults(rng, table, [s for s in sequences if s.schema == schema])
        made.append(table)
        if not link:
            keyed.append(table)
    return Catalog(seed=seed, tables=made, sequences=sequences, enums=ENUMS)


def _table(rng: random.Random, schema: str, name: str, earlier: list[Table]) -> Table:
    t = Table(schema=schema, name=name, class_name="", pk_name=f"pk_{name}")
    t.columns.append(_key_column(rng, schema, name))
    fk_count = rng.choice((0, 1, 1, 2, 2, 2, 3, 2, 1, 2)) if earlier else 0
    for target in rng.sample(earlier, min(fk_count, len(earlier))):
        _add_foreign_key(rng, t, target)
    names: set[str] = {c.name for c in t.columns}
    for _ in range(rng.randint(6, 23)):
        kind = rng.choices(PLAIN_KINDS, PLAIN_WEIGHTS)[0]
        t.columns.append(_plain_column(rng, schema, kind, names))
    _add_checks(rng, t)
    _add_indexes(rng, t)
    if rng.random() < 0.5:
        t.comment = rng.choice(COMMENTS)
    return t


def _link_table(rng: random.Random, schema: str, name: str, earlier: list[Table]) -> Table:
    """A many-to-many table: composite primary key of two foreign keys."""
    t = Table(schema=schema, name=name, class_name="", pk_name=f"pk_{name}")
    for target in rng.sample(earlier, 2):
        fk_col = _add_foreign_key(rng, t, target, not_null=True)
        fk_col.primary_key = True
    names = {c.name for c in t.columns}
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(("timestamptz", "numeric", "boolean", "integer"))
        t.columns.append(_plain_column(rng, schema, kind, names))
    _add_checks(rng, t)
    t.comment = "Link table"
    return t


def _key_column(rng: random.Random, schema: str, table: str) -> Column:
    roll = rng.random()
    col = Column(name="id", kind="key", nullable=False, primary_key=True)
    if roll < 0.4:
        col.serial = True
        col.int_type = "integer" if rng.random() < 0.7 else "bigint"
    elif roll < 0.6:
        col.identity, col.int_type = "always", "bigint"
    elif roll < 0.75:
        col.identity, col.int_type = "by default", rng.choice(("integer", "bigint"))
    elif roll < 0.88:
        col.int_type, col.default = "uuid", "gen_random_uuid"
    else:
        col.int_type = "bigint"  # filled by a free-standing sequence (_add_sequence_defaults)
        col.kind = "seq_key"
    return col


def _add_foreign_key(rng: random.Random, t: Table, target: Table, not_null: bool = False) -> Column:
    key = target.columns[0]
    col_name = f"{target.name}_id"
    on_delete = rng.choice((None, None, "CASCADE", "SET NULL", "RESTRICT"))
    nullable = (not not_null) and (on_delete == "SET NULL" or rng.random() < 0.4)
    col = Column(name=col_name, kind="fk", nullable=nullable, int_type=key.int_type)
    t.columns.append(col)
    if on_delete == "SET NULL" and not nullable:
        on_delete = "CASCADE"
    t.foreign_keys.append(
        ForeignKey(
            name=f"fk_{t.name}_{col_name}"[:63],
            column=col_name,
            schema=target.schema,
            table=target.name,
            ref_column=key.name,
            on_delete=on_delete,
            inline=rng.random() < 0.6,
        )
    )
    if rng.random() < 0.35:
        t.indexes.append(Index(name=f"ix_{t.name}_{col_name}"[:63], columns=(col_name,)))
    return col


def _plain_column(rng: random.Random, schema: str, kind: str, names: set[str]) -> Column:
    base = rng.choice(COLUMN_NAMES[kind])
    name, n = base, 2
    while name in names:
        name, n = f"{base}_{n}", n + 1
    names.add(name)
    col = Column(name=name, kind=kind, nullable=rng.random() < 0.55)
    if kind == "varchar":
        col.length = rng.choice((3, 20, 40, 80, 255))
    elif kind == "numeric":
        col.precision = rng.choice(((10, 2), (12, 4), (8, 3), (18, 6)))
    elif kind == "enum":
        enum = rng.choice(sorted(ENUMS[schema]))
        col.enum = f"{schema}.{enum}"
    col.default = _pick_default(rng, col)
    if col.default is not None and rng.random() < 0.7:
        col.nullable = False
    if rng.random() < 0.12:
        col.comment = f"{name.replace('_', ' ').capitalize()}, as {rng.choice(COMMENTS).lower()}"
    return col


# kind -> possible defaults (keys of render tables) and the chance of having one
DEFAULT_CHOICES: dict[str, tuple[float, tuple[str, ...]]] = {
    "integer": (0.3, ("zero",)),
    "bigint": (0.2, ("zero",)),
    "smallint": (0.4, ("zero",)),
    "numeric": (0.25, ("zero",)),
    "varchar": (0.2, ("word",)),
    "text": (0.1, ("empty",)),
    "boolean": (0.5, ("true", "false")),
    "timestamptz": (0.35, ("now", "current_timestamp")),
    "date": (0.2, ("current_date",)),
    "jsonb": (0.35, ("empty_json",)),
    "uuid": (0.3, ("gen_random_uuid",)),
    "int_array": (0.3, ("empty_array",)),
    "text_array": (0.3, ("empty_array",)),
    "enum": (0.5, ("first_label",)),
}


def _pick_default(rng: random.Random, col: Column) -> str | None:
    chance, options = DEFAULT_CHOICES[col.kind]
    if col.kind == "varchar" and (col.length or 0) < 8:
        return None
    return rng.choice(options) if rng.random() < chance else None


def _add_sequence_defaults(rng: random.Random, t: Table, sequences: list[Sequence]) -> None:
    """Free-standing sequences: keys of some tables, and some numbered columns."""
    key = t.columns[0]
    if key.kind == "seq_key":
        key.sequence = rng.choice(sequences).qualified
    if rng.random() < 0.12:
        names = {c.name for c in t.columns}
        col = Column(
            name="ticket_no" if "ticket_no" not in names else "ticket_no_2",
            kind="bigint",
            nullable=False,
        )
        col.sequence = rng.choice(sequences).qualified
        t.columns.append(col)


def _add_checks(rng: random.Random, t: Table) -> None:
    # as written in models by hand; PostgreSQL stores another spelling
    count = rng.choice((0, 1, 1, 1, 2, 2, 3))
    for col in t.columns:
        if count == 0:
            break
        if col.primary_key or col.kind == "fk":
            continue
        sql = None
        if col.kind == "numeric":
            sql = f"{col.name} >= 0"
        elif col.kind in ("integer", "smallint"):
            sql = f"{col.name} >= 0 AND {col.name} <= 100000"
        elif col.kind == "varchar":
            sql = f"char_length({col.name}) > 0"
        elif col.kind == "date" and col.name == "valid_to":
            sql = (
                "valid_to >= valid_from" if any(c.name == "valid_from" for c in t.columns) else None
            )
        if sql is not None and rng.random() < 0.7:
            t.checks.append(Check(name=f"ck_{t.name}_{col.name}"[:63], sql=sql))
            count -= 1


def _add_indexes(rng: random.Random, t: Table) -> None:
    plain = [c for c in t.columns if not c.primary_key and c.kind not in ("fk", "jsonb", "text")]
    scalar = [c for c in plain if c.kind not in ("int_array", "text_array")]
    if scalar and rng.random() < 0.2:
        c = rng.choice(scalar)
        t.uniques.append(Unique(name=f"uq_{t.name}_{c.name}"[:63], columns=(c.name,)))
    if len(scalar) >= 2 and rng.random() < 0.3:
        a, b = rng.sample(scalar, 2)
        t.indexes.append(
            Index(name=f"ix_{t.name}_{a.name}_{b.name}"[:63], columns=(a.name, b.name))
        )
    deleted = [c for c in t.columns if c.name == "deleted_at"]
    if deleted and scalar and rng.random() < 0.8:
        c = rng.choice(scalar)
        t.indexes.append(
            Index(
                name=f"ix_{t.name}_{c.name}_live"[:63],
                columns=(c.name,),
                where="deleted_at IS NULL",
            )
        )
    flags = [c for c in t.columns if c.kind == "boolean"]
    if flags and scalar and rng.random() < 0.2:
        c = rng.choice(scalar)
        t.indexes.append(
            Index(
                name=f"ux_{t.name}_{c.name}_on"[:63],
                columns=(c.name,),
                unique=True,
                where=f"{flags[0].name}",
            )
        )
    for c in t.columns:
        if c.kind == "jsonb" and rng.random() < 0.5:
            t.indexes.append(
                Index(name=f"gin_{t.name}_{c.name}"[:63], columns=(c.name,), method="gin")
            )
    if scalar and rng.random() < 0.15:
        c = rng.choice(scalar)
        name = f"ix_{t.name}_{c.name}"[:63]
        if all(i.name != name for i in t.indexes):
            t.indexes.append(Index(name=name, columns=(c.name,)))
