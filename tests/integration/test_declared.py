"""The models reader: references, errors, and equivalent declarations on both sides.

The normalisation cases write the database side as raw SQL and the models side
as SQLAlchemy, and require the two snapshots' records to be equal.
"""

from __future__ import annotations

import dataclasses
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import func, text

from drift.compare import compare_snapshots
from drift.errors import DriftError
from drift.normalize.canonical import canonical_default, canonical_expression, canonical_type
from drift.schema import Column, Snapshot, Table
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata, declare_snapshot

# --- references ----------------------------------------------------------------------------


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An app directory as the current directory, as when drift runs next to the app."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", [p for p in __import__("sys").path if p not in ("", ".")])
    return tmp_path


def _write(directory: Path, body: str) -> str:
    name = f"models_{uuid.uuid4().hex[:10]}"
    (directory / f"{name}.py").write_text(textwrap.dedent(body))
    return name


ORM_MODELS = """
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        pass

    class Team(Base):
        __tablename__ = "teams"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Dna(Base):
        __tablename__ = "dna"
        __table_args__ = {"schema": "quantum"}
        id: Mapped[int] = mapped_column(primary_key=True)

    class Special(Dna):
        __mapper_args__ = {"polymorphic_identity": "special"}

    registry = Base.registry
    metadata = Base.metadata
"""


@pytest.mark.parametrize("attribute", [":Base", ":metadata", ":registry", ":Base.metadata", ""])
def test_each_kind_of_reference(models_dir: Path, attribute: str) -> None:
    module = _write(models_dir, ORM_MODELS)
    snap = declare_snapshot((module + attribute,), ("public", "quantum"))
    assert snap.origin == "models" and snap.source == module + attribute
    assert [(s.name, [t.name for t in s.tables]) for s in snap.schemas] == [
        ("public", ["teams"]),
        ("quantum", ["dna"]),
    ]
    dna = snap.schemas[1].tables[0]
    assert dna.declared_by == f"{module}:Dna"  # the base class, not the subclass sharing it
    assert snap.schemas[0].tables[0].declared_by == f"{module}:Team"


def test_restricted_to_the_requested_schemas(models_dir: Path) -> None:
    module = _write(models_dir, ORM_MODELS)
    snap = declare_snapshot((module,), ("quantum",))
    assert [s.name for s in snap.schemas] == ["quantum"]
    # public is there even when the models put nothing in it: every database has it
    assert [s.name for s in declare_metadata(sa.MetaData(), ("public", "quantum")).schemas] == [
        "public"
    ]


def test_a_plain_metadata_module_and_merging(models_dir: Path) -> None:
    orm = _write(models_dir, ORM_MODELS)
    core = _write(
        models_dir,
        """
        import sqlalchemy as sa
        metadata = sa.MetaData()
        sa.Table("odds", metadata, sa.Column("id", sa.Integer, primary_key=True))
        """,
    )
    snap = declare_snapshot((orm + ":Base", core), ("public",))
    assert snap.source == f"{orm}:Base, {core}"
    public = snap.schemas[0]
    assert [t.name for t in public.tables] == ["odds", "teams"]
    assert public.table("odds").declared_by is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "attribute", "message"),
    [
        (
            "import no_such_dependency_xyz\n",
            "",
            "cannot import models '{m}': ModuleNotFoundError: No module named "
            "'no_such_dependency_xyz'",
        ),
        ("raise SystemExit(3)\n", ":Base", "cannot import models '{m}': SystemExit: 3"),
        ("def broken(:\n", ":Base", "cannot import models '{m}': SyntaxError: "),
        (
            "raise RuntimeError('boom\\nsecond line')\n",
            "",
            "cannot import models '{m}': RuntimeError: boom",
        ),
        ("x = 1\n", ":Base", "models '{m}:Base': {m} has no attribute 'Base'"),
        ("x = 1\n", "", "models '{m}': module has no Base or metadata"),
        ("x = 1\n", ":x", "models '{m}:x' is a int, not a declarative Base, registry or MetaData"),
    ],
)
def test_bad_models_are_one_line_drift_errors(
    models_dir: Path, body: str, attribute: str, message: str
) -> None:
    module = _write(models_dir, body)
    with pytest.raises(DriftError) as caught:
        declare_snapshot((module + attribute,), ("public",))
    assert str(caught.value).startswith(message.format(m=module))
    assert "\n" not in str(caught.value)


def test_a_missing_module_is_a_drift_error(models_dir: Path) -> None:
    with pytest.raises(DriftError, match="cannot import models 'nowhere_xyz': ModuleNotFoundError"):
        declare_snapshot(("nowhere_xyz:Base",), ("public",))


def test_a_foreign_key_to_an_undeclared_table_is_a_drift_error() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("x", sa.Integer, sa.ForeignKey("missing.id")))
    with pytest.raises(DriftError, match="models: .*could not find table 'missing'"):
        declare_metadata(md, ("public",))


# --- equivalent declarations: database SQL vs SQLAlchemy -------------------------------------


def _plain(obj: Any) -> Any:
    """Drop what records where a value came from (raw text, declaring class, client side,
    the sequence a serial owns)."""
    if isinstance(obj, Column):
        return dataclasses.replace(obj, raw=(), client_sequence=False, owned_sequence=None)
    if isinstance(obj, Table):
        return dataclasses.replace(
            obj,
            declared_by=None,
            columns=tuple(_plain(c) for c in obj.columns),
            check_constraints=tuple(dataclasses.replace(c, raw=()) for c in obj.check_constraints),
            indexes=tuple(dataclasses.replace(i, raw=()) for i in obj.indexes),
        )
    return obj


def _both(
    run_sql: Any, url: str, ddl: str, md: sa.MetaData, schemas: tuple[str, ...] = ("public",)
) -> tuple[Snapshot, Snapshot]:
    run_sql(ddl)
    return reflect_snapshot(url, schemas), declare_metadata(md, schemas)


def _table(snap: Snapshot, name: str, schema: str = "public") -> Table:
    found = snap.schema(schema)
    assert found is not None
    table = found.table(name)
    assert table is not None, f"{name} not in {[t.name for t in found.tables]}"
    return table


def _assert_same_columns(
    db: Snapshot, models: Snapshot, table: str, schema: str = "public"
) -> None:
    db_cols = [_plain(c) for c in _table(db, table, schema).columns]
    model_cols = [_plain(c) for c in _table(models, table, schema).columns]
    assert db_cols == model_cols


def test_varchar_string_text_and_timestamps(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("a", sa.String(20)),
        sa.Column("b", sa.VARCHAR(20)),
        sa.Column("c", sa.Unicode(20)),
        sa.Column("d", sa.String()),
        sa.Column("e", sa.DateTime(timezone=True)),
        sa.Column("f", sa.TIMESTAMP(timezone=True)),
        sa.Column("g", sa.DateTime()),
        sa.Column("h", sa.Numeric(10, 2)),
        sa.Column("i", sa.Float()),
        sa.Column("j", sa.ARRAY(sa.Integer)),
        sa.Column("k", sa.Uuid()),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE t (a varchar(20), b character varying(20), c varchar(20),
                           d varchar, e timestamptz, f timestamp with time zone,
                           g timestamp, h decimal(10, 2), i float8, j int4[], k uuid)""",
        md,
    )
    _assert_same_columns(db, models, "t")


def test_now_and_current_timestamp_and_literal_defaults(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("a", sa.DateTime(timezone=True), server_default=func.now()),
        sa.Column("b", sa.DateTime(timezone=True), server_default=text("CURRENT_TIMESTAMP")),
        sa.Column("c", sa.Numeric(10, 2), server_default=text("0")),
        sa.Column("d", sa.Numeric(10, 2), server_default="0"),
        sa.Column("e", sa.Integer, server_default=text("0")),
        sa.Column("f", sa.Boolean, server_default=sa.false()),
        sa.Column("g", sa.Boolean, server_default="true"),
        sa.Column("h", sa.String(10), server_default="new"),
        sa.Column("i", sa.Text, server_default=text("'it''s'")),
        sa.Column("j", sa.Integer, server_default="-1"),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE t (a timestamptz DEFAULT CURRENT_TIMESTAMP,
                           b timestamptz DEFAULT now(),
                           c numeric(10,2) DEFAULT '0',
                           d numeric(10,2) DEFAULT 0,
                           e integer DEFAULT '0',
                           f boolean DEFAULT 'f',
                           g boolean DEFAULT true,
                           h varchar(10) DEFAULT 'new'::text,
                           i text DEFAULT 'it''s',
                           j integer DEFAULT -1)""",
        md,
    )
    _assert_same_columns(db, models, "t")
    assert [c.default for c in _table(db, "t").columns][:3] == ["now()", "now()", "0"]


def test_serial_owned_sequence_and_free_standing_sequences(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    seq = sa.Sequence("ticket_seq", metadata=md)
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", md, sa.Column("id", sa.BigInteger, primary_key=True))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "tickets",
        md,
        sa.Column("x", sa.Integer, seq),
        sa.Column("y", sa.Integer, server_default=text("nextval('ticket_seq')")),
        sa.Column("z", sa.Integer, server_default=seq.next_value()),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE a (id serial PRIMARY KEY);
           CREATE TABLE b (id bigserial PRIMARY KEY);
           CREATE SEQUENCE c_id_seq;
           CREATE TABLE c (id integer PRIMARY KEY DEFAULT nextval('c_id_seq'));
           ALTER SEQUENCE c_id_seq OWNED BY c.id;
           CREATE SEQUENCE ticket_seq;
           CREATE TABLE tickets (x integer DEFAULT nextval('ticket_seq'::regclass),
                                 y integer DEFAULT nextval('public.ticket_seq'),
                                 z integer DEFAULT nextval('ticket_seq'))""",
        md,
    )
    for name in ("a", "b", "c", "tickets"):
        _assert_same_columns(db, models, name)
    assert _table(db, "c").columns[0].serial
    assert {c.sequence for c in _table(db, "tickets").columns} == {"public.ticket_seq"}
    assert db.schemas[0].sequences == models.schemas[0].sequences
    assert [s.name for s in db.schemas[0].sequences] == ["ticket_seq"]


def test_a_client_side_sequence_needs_no_database_default(
    run_sql, database_url: str, engine: sa.Engine
) -> None:
    """create_all sets no nextval() default for Sequence(): SQLAlchemy calls it itself."""
    md = sa.MetaData()
    seq = sa.Sequence("order_seq", metadata=md)
    sa.Table("orders", md, sa.Column("id", sa.Integer, seq, primary_key=True))
    sa.Table("refs", md, sa.Column("ref", sa.BigInteger, seq))
    md.create_all(engine)
    declared = declare_metadata(md, ("public",))
    assert compare_snapshots(declared, reflect_snapshot(database_url, ("public",))) == []

    run_sql("ALTER TABLE refs ALTER COLUMN ref SET DEFAULT 0")
    [drift] = compare_snapshots(declared, reflect_snapshot(database_url, ("public",)))
    assert (drift.path, drift.attribute, drift.models, drift.database) == (
        "public.refs.ref", "default", "nextval('public.order_seq')", "0"
    )


def test_identity_columns(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("a", sa.Integer, sa.Identity(always=True), primary_key=True),
        sa.Column("b", sa.BigInteger, sa.Identity()),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE t (a integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                           b bigint GENERATED BY DEFAULT AS IDENTITY)""",
        md,
    )
    _assert_same_columns(db, models, "t")
    assert db.schemas[0].sequences == models.schemas[0].sequences == ()


def test_enum_types_in_their_schemas(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    kind = sa.Enum("offence", "defence", name="dna_kind", schema="quantum")
    status = sa.Enum("on", "off", name="status")
    sa.Table(
        "t",
        md,
        sa.Column("k", kind, server_default="defence"),
        sa.Column("s", status),
        sa.Column("ks", sa.ARRAY(kind)),
        schema="quantum",
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE SCHEMA quantum;
           CREATE TYPE quantum.dna_kind AS ENUM ('offence', 'defence');
           CREATE TYPE status AS ENUM ('on', 'off');
           CREATE TABLE quantum.t (k quantum.dna_kind DEFAULT 'defence',
                                   s status, ks quantum.dna_kind[])""",
        md,
        ("public", "quantum"),
    )
    _assert_same_columns(db, models, "t", "quantum")
    assert [c.type for c in _table(db, "t", "quantum").columns] == [
        "quantum.dna_kind",
        "public.status",
        "quantum.dna_kind[]",
    ]
    for schema in ("public", "quantum"):
        assert db.schema(schema).enums == models.schema(schema).enums  # type: ignore[union-attr]


def test_type_names_that_are_postgresql_keywords_are_quoted_as_postgresql_does(
    run_sql, database_url: str
) -> None:
    # position is a keyword to PostgreSQL (format_type() quotes it), not to SQLAlchemy
    md = sa.MetaData()
    sa.Table(
        "players",
        md,
        sa.Column("pos", sa.Enum("gk", "df", name="position")),
        sa.Column("old", sa.Enum("y", "n", name="new")),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TYPE "position" AS ENUM ('gk', 'df');
           CREATE TYPE new AS ENUM ('y', 'n');
           CREATE TABLE players (pos "position", old new)""",
        md,
    )
    assert [c.type for c in _table(db, "players").columns] == ['public."position"', "public.new"]
    assert compare_snapshots(models, db) == []


def test_identifier_case_and_quoted_names(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "Mixed Case",
        md,
        sa.Column("Some Col", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lower_col", sa.Integer),
        sa.Column("CamelCol", sa.Integer),
    )
    sa.Table("upperunquoted", md, sa.Column("id", sa.Integer, quote=False))
    sa.Table(
        sa.sql.quoted_name("Shouty", quote=False), md, sa.Column("VALUE", sa.Integer, quote=False)
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE "Mixed Case" ("Some Col" integer PRIMARY KEY, LOWER_COL integer,
                                      "CamelCol" integer);
           CREATE TABLE UpperUnquoted (ID integer);
           CREATE TABLE Shouty (Value integer)""",
        md,
    )
    assert [t.name for t in db.schemas[0].tables] == [t.name for t in models.schemas[0].tables]
    for name in ("Mixed Case", "upperunquoted", "shouty"):
        db_table = dataclasses.replace(_plain(_table(db, name)), primary_key=None)
        assert db_table == dataclasses.replace(_plain(_table(models, name)), primary_key=None)
    assert _table(db, "Mixed Case").primary_key.columns == ("Some Col",)  # type: ignore[union-attr]


def _leaks(value: Any, path: str = "snapshot") -> list[str]:
    """Paths of the values that are not plain str/int/bool/None (e.g. SQLAlchemy's quoted_name)."""
    if dataclasses.is_dataclass(value):
        return [
            leak
            for f in dataclasses.fields(value)
            for leak in _leaks(getattr(value, f.name), f"{path}.{f.name}")
        ]
    if isinstance(value, tuple):
        return [leak for i, v in enumerate(value) for leak in _leaks(v, f"{path}[{i}]")]
    return [] if value is None or type(value) in (str, int, bool) else [path]


def test_keys_and_indexes_name_folded_columns_as_the_table_does(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "Parent",
        md,
        sa.Column("ID", sa.Integer, primary_key=True, autoincrement=False, quote=False),
    )
    child = sa.Table(
        "child",
        md,
        sa.Column("Code", sa.Integer, primary_key=True, autoincrement=False, quote=False),
        sa.Column("ParentId", sa.Integer, sa.ForeignKey("Parent.ID"), quote=False),
        sa.Column("Other", sa.Integer, quote=False),
        sa.UniqueConstraint("Other", name="uq_child_other"),
    )
    sa.Index("ix_child_parent", child.c.ParentId, postgresql_include=["Other"])
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE "Parent" (id integer PRIMARY KEY);
           CREATE TABLE child (code integer PRIMARY KEY, parentid integer REFERENCES "Parent",
                               other integer CONSTRAINT uq_child_other UNIQUE);
           CREATE INDEX ix_child_parent ON child (parentid) INCLUDE (other)""",
        md,
    )
    assert _leaks(models) == []
    table = _table(models, "child")
    assert table.primary_key is not None and table.primary_key.columns == ("code",)
    [fk] = table.foreign_keys
    assert (fk.columns, fk.referred_table, fk.referred_columns) == (
        ("parentid",),
        "Parent",
        ("id",),
    )
    assert [u.columns for u in table.unique_constraints] == [("other",)]
    [index] = table.indexes
    assert ([e.expression for e in index.elements], index.include) == (["parentid"], ("other",))
    assert compare_snapshots(models, db) == []


def test_constraints_and_indexes_as_written_in_sql(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table("teams", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "players",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("email", sa.String(100)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Numeric),
        sa.Column("meta", sa.dialects.postgresql.JSONB),
        sa.CheckConstraint("status IN ('a', 'b')", name="ck_status"),
        sa.CheckConstraint("score > 0 AND score < 10.5", name="ck_score"),
        sa.UniqueConstraint("team_id", "email", name="uq_team_email"),
        sa.Index("ix_lower_email", func.lower(sa.column("email")), unique=True),
        sa.Index("ix_active", "team_id", sa.desc("score"), postgresql_where=text("status <> 'b'")),
        sa.Index("ix_meta", "meta", postgresql_using="gin"),
        sa.Index("ix_incl", "team_id", postgresql_include=["email"]),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE teams (id serial PRIMARY KEY);
           CREATE TABLE players (
               id serial PRIMARY KEY,
               team_id integer NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
               email varchar(100), status varchar(10) NOT NULL, score numeric, meta jsonb,
               CONSTRAINT ck_status CHECK (status = ANY (ARRAY['a', 'b'])),
               CONSTRAINT ck_score CHECK ((score > 0) AND (score < 10.50)),
               CONSTRAINT uq_team_email UNIQUE (team_id, email));
           CREATE UNIQUE INDEX ix_lower_email ON players (LOWER(email));
           CREATE INDEX ix_active ON players (team_id, score DESC) WHERE NOT (status = 'b');
           CREATE INDEX ix_meta ON players USING GIN (meta jsonb_ops);
           CREATE INDEX ix_incl ON players (team_id) INCLUDE (email)""",
        md,
    )
    db_players, model_players = _plain(_table(db, "players")), _plain(_table(models, "players"))
    # names PostgreSQL gives unnamed constraints are matched by the comparator, not here
    assert db_players.primary_key.columns == model_players.primary_key.columns  # type: ignore[union-attr]
    assert [dataclasses.replace(f, name=None) for f in db_players.foreign_keys] == list(
        model_players.foreign_keys
    )
    assert db_players.unique_constraints == model_players.unique_constraints
    assert db_players.indexes == model_players.indexes
    assert db_players.columns == model_players.columns
    assert db_players.check_constraints == model_players.check_constraints


class _Vector(sa.types.UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "vector(3)"


def test_an_extensions_types_and_operator_classes_are_named_bare(
    run_sql, database_url: str
) -> None:
    # pgvector ships with the embedded server; it installs into public, outside pg_catalog
    md = sa.MetaData()
    sa.Table(
        "items",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("embedding", _Vector()),
        sa.Index(
            "ix_embedding",
            "embedding",
            postgresql_using="hnsw",
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE EXTENSION vector;
           CREATE TABLE items (id serial PRIMARY KEY, embedding vector(3));
           CREATE INDEX ix_embedding ON items USING hnsw (embedding vector_cosine_ops)""",
        md,
    )
    [index] = _table(db, "items").indexes
    assert index.elements[0].opclass == "vector_cosine_ops"
    assert _table(db, "items").column("embedding").type == "vector(3)"  # type: ignore[union-attr]
    assert compare_snapshots(models, db) == []


def test_an_operator_class_is_default_only_for_its_method(
    engine: sa.Engine, database_url: str
) -> None:
    md = sa.MetaData()
    sa.Table(
        "hosts",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("ip", sa.dialects.postgresql.INET),
        # varchar_ops is not varchar's default (text_ops is); GiST has no default for inet
        sa.Index("ix_name", "name", postgresql_ops={"name": "varchar_ops"}),
        sa.Index("ix_ip", "ip", postgresql_using="gist", postgresql_ops={"ip": "inet_ops"}),
        # the defaults: naming them changes nothing
        sa.Index("ix_name_text", "name", postgresql_ops={"name": "text_ops"}),
        sa.Index("ix_ip_btree", "ip", postgresql_ops={"ip": "inet_ops"}),
    )
    md.create_all(engine)
    db = reflect_snapshot(database_url, ("public",))
    opclasses = {i.name: i.elements[0].opclass for i in _table(db, "hosts").indexes}
    assert opclasses == {
        "ix_ip": "inet_ops",
        "ix_ip_btree": None,
        "ix_name": "varchar_ops",
        "ix_name_text": None,
    }
    assert compare_snapshots(declare_metadata(md, ("public",)), db) == []


class _Money(sa.types.TypeDecorator[Any]):
    impl = sa.Numeric(12, 2)
    cache_ok = True


def test_variants_and_type_decorators_compile_as_create_all_would() -> None:
    md = sa.MetaData()
    kind = sa.Enum("a", "b", name="kind")
    sa.Table(
        "t",
        md,
        sa.Column("a", sa.Integer().with_variant(sa.BigInteger(), "postgresql")),
        sa.Column("b", _Money()),
        sa.Column("c", sa.String(5).with_variant(kind, "postgresql")),
        sa.Column("d", sa.String(5).with_variant(sa.Text(), "sqlite")),
        sa.Column("xmin", sa.Integer, system=True),
    )
    snap = declare_metadata(md, ("public",))
    table = _table(snap, "t")
    assert [c.type for c in table.columns] == [
        "bigint",
        "numeric(12,2)",
        "public.kind",
        "character varying(5)",
    ]
    assert [(e.name, e.labels) for e in snap.schemas[0].enums] == [("kind", ("a", "b"))]


def test_functions_are_compared_without_their_schema(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("d", sa.Text, server_default=text("md5('x')")),
        sa.Column("e", sa.Text, server_default=func.quantum.tag()),
    )
    db, models = _both(
        run_sql,
        database_url,
        """CREATE SCHEMA quantum;
           CREATE FUNCTION quantum.tag() RETURNS text LANGUAGE sql AS $$ SELECT 'q' $$;
           CREATE TABLE t (d text DEFAULT pg_catalog.md5('x'), e text DEFAULT quantum.tag())""",
        md,
    )
    _assert_same_columns(db, models, "t")
    assert [c.default for c in _table(db, "t").columns] == ["md5('x')", "tag()"]


def test_what_create_all_would_not_create_on_postgresql_is_left_out() -> None:
    md = sa.MetaData()
    t = sa.Table(
        "t",
        md,
        sa.Column("kind", sa.Enum("a", "b", name="kind", create_constraint=True)),
        sa.Column("flag", sa.Boolean(create_constraint=True)),
        sa.Column("n", sa.Integer),
        sa.CheckConstraint("n > 0", name="ck_sqlite_only").ddl_if(dialect="sqlite"),
        sa.CheckConstraint("n < 9", name="ck_everywhere"),
    )
    sa.Index("ix_sqlite_only", t.c.n).ddl_if(dialect="sqlite")
    sa.Index("ix_pg_only", t.c.n).ddl_if(dialect="postgresql")
    table = _table(declare_metadata(md, ("public",)), "t")
    assert [c.name for c in table.check_constraints] == ["ck_everywhere"]
    assert [i.name for i in table.indexes] == ["ix_pg_only"]


def test_an_enum_made_with_the_metadata_is_declared_even_if_unused() -> None:
    md = sa.MetaData()
    sa.dialects.postgresql.ENUM("x", "y", name="spare", schema="quantum", metadata=md)
    snap = declare_metadata(md, ("public", "quantum"))
    assert [(s.name, [(e.name, e.labels) for e in s.enums]) for s in snap.schemas] == [
        ("public", []),
        ("quantum", [("spare", ("x", "y"))]),
    ]


# Each is written as a user would (in SQL DDL, or in CheckConstraint("...")); PostgreSQL
# stores and deparses it its own way; both must come out the same.
CHECK_EXPRESSIONS = [
    "price > 0",
    "price >= 0.5",
    "qty BETWEEN 1 AND 10",
    "qty NOT BETWEEN 1 AND 10",
    "code NOT SIMILAR TO 'x%'",
    "trim(leading 'x' from name) <> ''",
    "substring(name, 2, 3) = 'ab'",
    "substring(name for 3) = 'abc'",
    "extract('month' from starts_at) = 1",
    "status IN ('a','b')",
    "status NOT IN ('x')",
    "code ~ '^[A-Z]+$'",
    "name LIKE 'a%'",
    "name ILIKE '%b'",
    "length(name) > 2",
    "char_length(code) = 3",
    "lower(email) = email",
    "email LIKE '%@%'",
    "starts_at < ends_at",
    "ends_at IS NULL OR ends_at > starts_at",
    "NOT (flag AND flag2)",
    "coalesce(qty, 0) >= 0",
    "qty % 2 = 0",
    "price * qty < 1000",
    "(price + 1) * 2 > 3",
    "tags IS NOT NULL",
    "array_length(tags, 1) > 0",
    "starts_at > '2020-01-01'",
    "starts_at <= now()",
    "starts_at > now() - interval '1 day'",
    "extract(year from starts_at) > 2000",
    "position('@' in email) > 1",
    "upper(code) = code",
    "abs(delta) < 10",
    "flag = true",
    "flag",
    "NOT flag",
    "flag IS TRUE",
    "qty <> 0",
    "qty != 0",
    "price::integer > 0",
    "CAST(price AS integer) > 0",
    "status = 'a' OR status = 'b'",
    "flag AND flag2 OR flag3",
    "meta ? 'key'",
    "meta ->> 'k' = 'v'",
    "meta @> '{\"a\": 1}'",
    "jsonb_typeof(meta) = 'object'",
    "name <> ''",
    "trim(name) <> ''",
    "qty IS DISTINCT FROM 0",
    "num_nonnulls(qty, delta) = 1",
    "CASE WHEN qty > 0 THEN price > 0 ELSE true END",
    "substring(code from 1 for 2) = 'AB'",
    "date_trunc('day', starts_at) = starts_at",
    "price > -1",
    "-price < 1",
    "qty IN (1, 2, 3)",
    "price IN (1.5, 2.5)",
    "status = ANY (ARRAY['a','b'])",
    "tags && ARRAY['x']",
    "tags @> ARRAY['x']::text[]",
    "coalesce(status, '') <> 'z'",
    "(qty > 0) = flag",
    "qty > 0 AND qty < 100 AND delta > 0",
    "status IS NOT NULL AND status <> ''",
    "code SIMILAR TO '[A-Z]+'",
    "qty::numeric > 1.5",
    "price >= 0.00",
    "delta > 1e3",
    "code = 'it''s'",
    "name NOT LIKE 'x%'",
    "starts_at::date > '2020-01-01'::date",
    "current_date > starts_at::date",
    "status <> ALL (ARRAY['a','b'])",
    "upper(status) IN ('A', 'B')",
    "(status)::text = 'a'",
    "2 > qty",
    "qty + delta * 2 > 0",
    "qty - (delta - 1) > 0",
    "qty - delta - 1 > 0",
    "not (qty > 0 and delta > 0)",
    "concat(code, '-', name) <> ''",
    "code || name <> ''",
    "starts_at AT TIME ZONE 'UTC' > '2020-01-01'",
    "greatest(qty, delta) < 100",
    "round(price, 2) = price",
    "price = round(price, 2)",
    "qty = ANY ('{1,2}'::int[])",
    "meta IS NULL OR jsonb_typeof(meta) = 'object'",
]

_COLUMNS = (
    "price numeric(10,2), qty integer, delta bigint, status varchar(10), code char(5), name text,"
    " email varchar(100), starts_at timestamptz, ends_at timestamptz, flag boolean,"
    " flag2 boolean, flag3 boolean, tags text[], meta jsonb"
)


def test_check_expressions_equal_their_deparsed_form(run_sql, database_url: str) -> None:
    ddl = "\n".join(
        f"CREATE TABLE t{i:03d} ({_COLUMNS}, CONSTRAINT ck CHECK ({e}));"
        for i, e in enumerate(CHECK_EXPRESSIONS)
    )
    run_sql(ddl.replace("%", "%%"))  # the driver formats %: doubled, it reaches the server as %
    schema = reflect_snapshot(database_url, ("public",)).schemas[0]
    different = [
        (written, table.check_constraints[0].expression, canonical_expression(written))
        for written, table in zip(CHECK_EXPRESSIONS, schema.tables, strict=True)
        if table.check_constraints[0].expression != canonical_expression(written)
    ]
    assert different == []


def test_index_expressions_and_predicates_equal_their_deparsed_form(
    run_sql, database_url: str
) -> None:
    md = sa.MetaData()
    t = sa.Table(
        "t",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(100)),
        sa.Column("status", sa.String(10)),
        sa.Column("meta", sa.dialects.postgresql.JSONB),
        sa.Column("starts_at", sa.DateTime(timezone=True)),
        sa.Column("qty", sa.Integer),
        sa.Column("q2", sa.Integer, sa.Computed("qty * 2 + 1")),
        sa.Column("tag", sa.Text, sa.Computed("upper(status) || '-' || email")),
    )
    sa.Index("ix_a", func.lower(t.c.email), postgresql_where=t.c.status.in_(["a", "b"]))
    sa.Index("ix_b", t.c.meta["k"].astext, postgresql_where=text("qty > 0 AND status <> 'x'"))
    sa.Index("ix_c", func.coalesce(t.c.qty, 0), t.c.status.desc())
    sa.Index("ix_d", (t.c.qty + 1), postgresql_where=t.c.email.like("%@x.org"))
    sa.Index("ix_e", t.c.status, postgresql_where=t.c.starts_at.is_(None))
    db, models = _both(
        run_sql,
        database_url,
        """CREATE TABLE t (id serial PRIMARY KEY, email varchar(100), status varchar(10),
                           meta jsonb, starts_at timestamptz, qty integer,
                           q2 integer GENERATED ALWAYS AS ((qty * 2) + 1) STORED,
                           tag text GENERATED ALWAYS AS (((upper(status) || '-') || email)) STORED);
           CREATE INDEX ix_a ON t (lower(email)) WHERE status IN ('a', 'b');
           CREATE INDEX ix_b ON t ((meta ->> 'k')) WHERE qty > 0 AND status <> 'x';
           CREATE INDEX ix_c ON t (COALESCE(qty, 0), status DESC);
           CREATE INDEX ix_d ON t ((qty + 1)) WHERE email LIKE '%%@x.org';
           CREATE INDEX ix_e ON t (status) WHERE starts_at IS NULL""",
        md,
    )
    db_t, model_t = _plain(_table(db, "t")), _plain(_table(models, "t"))
    assert db_t.indexes == model_t.indexes
    assert db_t.columns == model_t.columns


# (type, default) as written in DDL; PostgreSQL stores and deparses the default its own way.
DEFAULT_CASES = [
    ("integer", "0"),
    ("integer", "'0'"),
    ("integer", "-1"),
    ("integer", "'-5'"),
    ("bigint", "10000000000"),
    ("numeric(10,2)", "0"),
    ("numeric(10,2)", "'0.00'"),
    ("numeric(10,2)", "9.5"),
    ("numeric", "-0.5"),
    ("real", "1.5"),
    ("double precision", "'1e3'"),
    ("double precision", "1e-3"),
    ("boolean", "true"),
    ("boolean", "'t'"),
    ("boolean", "FALSE"),
    ("boolean", "'no'"),
    ("boolean", "1::boolean"),
    ("text", "''"),
    ("text", "'x'"),
    ("varchar(10)", "'x'"),
    ("char(3)", "'abc'"),
    ("text", "'it''s'"),
    ("text", "E'a\\\\b'"),
    ("timestamptz", "now()"),
    ("timestamptz", "CURRENT_TIMESTAMP"),
    ("timestamp", "LOCALTIMESTAMP"),
    ("timestamp", "(now() AT TIME ZONE 'utc')"),
    ("timestamp", "timezone('utc', now())"),
    ("date", "CURRENT_DATE"),
    ("date", "'2020-01-01'"),
    ("timestamptz", "'2020-01-01'"),
    ("timestamptz", "'infinity'"),
    ("time", "CURRENT_TIME"),
    ("time", "'12:00'"),
    ("interval", "'1 day'"),
    ("uuid", "gen_random_uuid()"),
    ("jsonb", "'{}'"),
    ("jsonb", "'{}'::jsonb"),
    ("jsonb", "'[]'::jsonb"),
    ("json", "'{\"a\": 1}'"),
    ("text[]", "'{}'"),
    ("text[]", "ARRAY[]::text[]"),
    ("integer[]", "'{1,2}'"),
    ("integer[]", "ARRAY[1,2]"),
    ("text", "current_user"),
    ("text", "'a' || 'b'"),
    ("integer", "1 + 1"),
    ("text", "md5(random()::text)"),
    ("bytea", "'\\x00'"),
    ("inet", "'127.0.0.1'"),
    ("numeric(5,1)", "(10)::numeric"),
    ("text", "NULL"),
    ("integer", "NULL"),
    ("timestamptz", "now() + interval '1 day'"),
    ("date", "now()::date"),
    ("date", "CURRENT_DATE + 7"),
    ("text", "upper('x')"),
    ("varchar(5)", "'ab'::varchar"),
    ("smallint", "'1'::smallint"),
    ("bigint", "'-9'"),
]


def test_defaults_equal_their_deparsed_form(run_sql, database_url: str) -> None:
    columns = ", ".join(f"c{i} {t} DEFAULT {d}" for i, (t, d) in enumerate(DEFAULT_CASES))
    run_sql(f"CREATE TABLE t ({columns})".replace("%", "%%"))
    read = _table(reflect_snapshot(database_url, ("public",)), "t").columns
    different = [
        (t, d, canonical_default(d, canonical_type(t)), column.default)
        for (t, d), column in zip(DEFAULT_CASES, read, strict=True)
        if canonical_default(d, canonical_type(t)) != column.default
    ]
    assert different == []


def test_domain_types_are_schema_qualified(run_sql, database_url: str) -> None:
    md = sa.MetaData()
    positive = sa.dialects.postgresql.DOMAIN("positive", sa.Integer, check="VALUE > 0")
    code = sa.dialects.postgresql.DOMAIN("code", sa.String(5), schema="quantum")
    sa.Table("t", md, sa.Column("p", positive), sa.Column("c", code), schema="quantum")
    db, models = _both(
        run_sql,
        database_url,
        """CREATE SCHEMA quantum;
           CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
           CREATE DOMAIN quantum.code AS varchar(5);
           CREATE TABLE quantum.t (p positive, c quantum.code)""",
        md,
        ("public", "quantum"),
    )
    _assert_same_columns(db, models, "t", "quantum")
    assert [c.type for c in _table(db, "t", "quantum").columns] == [
        "public.positive",
        "quantum.code",
    ]


def test_models_sqlalchemy_cannot_compile_are_a_drift_error() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("untyped"))
    with pytest.raises(DriftError, match=r"^models: column t.untyped: .*NullType") as caught:
        declare_metadata(md, ("public",))
    assert "\n" not in str(caught.value)


def test_constraint_and_index_names_as_postgresql_stores_them(
    engine: sa.Engine, database_url: str
) -> None:
    md = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
    t = sa.Table(
        "Teams",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(5), unique=True),
        sa.Column("n", sa.Integer),
        sa.CheckConstraint("n > 0", name=sa.sql.quoted_name("CK_Shout", quote=False)),
        sa.CheckConstraint("n < 9", name="CK_Kept"),
    )
    sa.Index(sa.sql.quoted_name("IX_N", quote=False), t.c.n)
    sa.Index("IX_Quoted", t.c.code)
    md.create_all(engine)
    db = _plain(_table(reflect_snapshot(database_url, ("public",)), "Teams"))
    models = _plain(_table(declare_metadata(md, ("public",)), "Teams"))
    assert [c.name for c in db.check_constraints] == ["CK_Kept", "ck_shout"]
    assert [i.name for i in db.indexes] == ["IX_Quoted", "ix_n"]
    assert [u.name for u in db.unique_constraints] == ["uq_Teams_code"]
    assert (db.check_constraints, db.indexes, db.unique_constraints) == (
        models.check_constraints,
        models.indexes,
        models.unique_constraints,
    )


def test_a_partial_index_predicate_given_as_a_string(database_url: str) -> None:
    """postgresql_where="..." (a plain string, as many projects write it) is what create_all
    compiles too: no mismatch with the index it creates."""
    metadata = sa.MetaData()
    sa.Table(
        "jobs", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Index("ix_jobs_queued", "id", postgresql_where="state = 'queued'"),
    )
    engine = sa.create_engine(database_url)
    metadata.create_all(engine)
    engine.dispose()
    declared = declare_metadata(metadata, ("public",))
    assert compare_snapshots(declared, reflect_snapshot(database_url, ("public",))) == []
