"""The models reader on models written as projects write them: which objects a
``--models`` reference names, the messages a bad reference gets (word for word),
the class that declares each table, and which schemas, sequences and types the
snapshot holds."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from modules import write_module

from drift.compare import compare_snapshots
from drift.errors import DriftError
from drift.schema import EnumType, Sequence, Snapshot
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata, declare_snapshot, declared_schemas

# Alembic's recommended naming convention, as most projects copy it
NAMING_CONVENTION = """{
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}"""

# A declarative app: single-table inheritance (one table, many classes), joined-table
# inheritance (a table per class) and a plain association table. No module-level
# `metadata`: a bare module reference must find Base.
SHOP = f"""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={NAMING_CONVENTION})


class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    __mapper_args__ = {{"polymorphic_on": "kind", "polymorphic_identity": "employee"}}


class Manager(Employee):
    __mapper_args__ = {{"polymorphic_identity": "manager"}}


class Engineer(Employee):
    __mapper_args__ = {{"polymorphic_identity": "engineer"}}


class Intern(Employee):
    __mapper_args__ = {{"polymorphic_identity": "intern"}}


class Contractor(Employee):
    __mapper_args__ = {{"polymorphic_identity": "contractor"}}


class Director(Engineer):
    __mapper_args__ = {{"polymorphic_identity": "director"}}


class Analyst(Employee):
    __mapper_args__ = {{"polymorphic_identity": "analyst"}}


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = {{"schema": "billing"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    __mapper_args__ = {{"polymorphic_on": "kind", "polymorphic_identity": "document"}}


class Invoice(Document):
    __tablename__ = "invoices"
    __table_args__ = {{"schema": "billing"}}
    id: Mapped[int] = mapped_column(sa.ForeignKey("billing.documents.id"), primary_key=True)
    __mapper_args__ = {{"polymorphic_identity": "invoice"}}


employee_skills = sa.Table(
    "employee_skills",
    Base.metadata,
    sa.Column("employee_id", sa.ForeignKey("employees.id"), primary_key=True),
    sa.Column("skill", sa.String(40), primary_key=True),
)
"""

# Another app of the same project, with a Base of its own.
AUTH = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

# A Core app: one MetaData, nothing else at module level that could be taken for Base.
WAREHOUSE = f"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import DOMAIN

metadata = sa.MetaData(naming_convention={NAMING_CONVENTION})

# created by create_all with the metadata, though no table uses it yet
carrier = sa.Enum("dhl", "ups", name="carrier", schema="catalog", metadata=metadata)
stock_state = sa.Enum("in_stock", "sold_out", name="stock_state", schema="ref")
shipment_status = sa.Enum("open", "closed", name="shipment_status")
positive_qty = DOMAIN("positive_qty", sa.Integer(), check="VALUE > 0", schema="inventory")

# only for databases without serial columns: create_all skips it on PostgreSQL
sa.Sequence("a_legacy_ids", optional=True, metadata=metadata)
sa.Sequence(
    "shipment_no",
    start=2000,
    increment=5,
    minvalue=1000,
    maxvalue=999999,
    cycle=True,
    data_type=sa.Integer,
    metadata=metadata,
)
sa.Sequence("ticket_no", schema="counters", metadata=metadata)
sa.Sequence("audit_no", schema="audit", metadata=metadata)

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("state", stock_state),
    sa.Column("qty", positive_qty),
)
bins = sa.Table("bins", metadata, sa.Column("id", sa.Integer, primary_key=True))
shipments = sa.Table(
    "shipments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("status", shipment_status),
    schema="logistics",
)
old_orders = sa.Table(
    "old_orders", metadata, sa.Column("id", sa.Integer, primary_key=True), schema="archive"
)
"""

WAREHOUSE_SCHEMAS = ("public", "logistics", "catalog", "counters", "inventory", "empty")


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for the project's models; the modules imported from it are
    forgotten afterwards (declare_snapshot may also add the current directory)."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _write(folder: Path, prefix: str, body: str) -> str:
    name = write_module(folder, prefix, textwrap.dedent(body))
    importlib.invalidate_caches()
    return name


def _names(snap: Snapshot) -> dict[str, list[str]]:
    return {s.name: [t.name for t in s.tables] for s in snap.schemas}


def _declared_by(snap: Snapshot) -> dict[str, str | None]:
    return {f"{s.name}.{t.name}": t.declared_by for s in snap.schemas for t in s.tables}


# --- references ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form", ["{m}", "{m}:Base", "{m}:Base.metadata", "{m}:Base.registry", "  {m}:Base"]
)
def test_every_form_of_reference_names_the_same_models(app_dir: Path, form: str) -> None:
    shop = _write(app_dir, "shop_models", SHOP)
    ref = form.format(m=shop)
    snap = declare_snapshot((ref,), ("public", "billing"))
    assert snap.origin == "models"
    assert snap.source == ref
    assert _names(snap) == {
        "billing": ["documents", "invoices"],
        "public": ["employee_skills", "employees"],
    }


def test_a_core_module_is_found_by_its_metadata(app_dir: Path) -> None:
    warehouse = _write(app_dir, "warehouse_models", WAREHOUSE)
    snap = declare_snapshot((warehouse,), ("public",))
    assert snap.source == warehouse
    assert _names(snap) == {"public": ["bins", "items"]}


def test_each_table_names_the_class_that_declares_it(app_dir: Path) -> None:
    # another app's Base is registered first: its classes must not get in the way
    auth = _write(app_dir, "auth_models", AUTH)
    assert _declared_by(declare_snapshot((auth,), ("public",))) == {"public.users": f"{auth}:User"}
    shop = _write(app_dir, "shop_models", SHOP)
    snap = declare_snapshot((f"{shop}:Base",), ("public", "billing"))
    assert _declared_by(snap) == {
        "billing.documents": f"{shop}:Document",
        "billing.invoices": f"{shop}:Invoice",
        "public.employee_skills": None,  # a plain Table: no class
        "public.employees": f"{shop}:Employee",  # the base, not a subclass sharing it
    }


def test_merging_several_apps(app_dir: Path) -> None:
    auth = _write(app_dir, "auth_models", AUTH)
    warehouse = _write(app_dir, "warehouse_models", WAREHOUSE)
    snap = declare_snapshot((f"{auth}:Base", warehouse), ("public",))
    assert snap.source == f"{auth}:Base, {warehouse}"
    assert _names(snap) == {"public": ["bins", "items", "users"]}
    assert _declared_by(snap)["public.users"] == f"{auth}:User"


def test_one_metadata_named_twice_is_read_once(app_dir: Path) -> None:
    shop = _write(app_dir, "shop_models", SHOP)
    once = declare_snapshot((f"{shop}:Base",), ("public", "billing"))
    twice = declare_snapshot((f"{shop}:Base", f"{shop}:Base.metadata"), ("public", "billing"))
    assert twice.schemas == once.schemas
    assert twice.source == f"{shop}:Base, {shop}:Base.metadata"


def test_the_current_directory_comes_first_as_in_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """drift run next to the app imports the app's models, even when a module of the
    same name sits in a folder already on sys.path."""
    app, elsewhere = tmp_path / "app", tmp_path / "elsewhere"
    app.mkdir()
    elsewhere.mkdir()
    name = _write(app, "app_models", WAREHOUSE)
    (elsewhere / f"{name}.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('stale', metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
    )
    monkeypatch.chdir(app)
    cwd_entries = ("", ".", str(app))
    monkeypatch.setattr(
        sys, "path", [str(elsewhere)] + [p for p in sys.path if p not in cwd_entries]
    )
    importlib.invalidate_caches()
    try:
        snap = declare_snapshot((name,), ("public",))
    finally:
        sys.modules.pop(name, None)
    assert _names(snap) == {"public": ["bins", "items"]}


@pytest.mark.parametrize(
    ("body", "ref", "message"),
    [
        (SHOP, ":Base", "models reference ':Base' has no module (expected module:attribute)"),
        (SHOP, "  :Base", "models reference '  :Base' has no module (expected module:attribute)"),
        (SHOP, "{m}:Model", "models '{m}:Model': {m} has no attribute 'Model'"),
        (SHOP, "{m}:Base.meta", "models '{m}:Base.meta': {m} has no attribute 'Base.meta'"),
        (
            "SETTINGS = {'debug': True}\n",
            "{m}",
            "models '{m}': module has no Base or metadata (pass module:attribute)",
        ),
        (
            "SETTINGS = {'debug': True}\n",
            "{m}:SETTINGS",
            "models '{m}:SETTINGS' is a dict, not a declarative Base, registry or MetaData",
        ),
        (
            "class Settings:\n    debug = True\n",
            "{m}:Settings",
            "models '{m}:Settings' is a type, not a declarative Base, registry or MetaData",
        ),
        (
            # Flask-SQLAlchemy's db object: it has a .metadata, but is not one
            "import sqlalchemy as sa\n\n\nclass SQLAlchemy:\n"
            "    def __init__(self):\n        self.metadata = sa.MetaData()\n\n\n"
            "db = SQLAlchemy()\n",
            "{m}:db",
            "models '{m}:db' is a SQLAlchemy, not a declarative Base, registry or MetaData",
        ),
    ],
)
def test_a_reference_to_the_wrong_thing_is_told_word_for_word(
    app_dir: Path, body: str, ref: str, message: str
) -> None:
    module = _write(app_dir, "app_models", body)
    with pytest.raises(DriftError) as caught:
        declare_snapshot((ref.format(m=module),), ("public",))
    assert str(caught.value) == message.format(m=module)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("raise RuntimeError()\n", "RuntimeError"),
        ("raise SystemExit\n", "SystemExit"),
        ("raise SystemExit(3)\n", "SystemExit: 3"),
        (
            "raise RuntimeError('DATABASE_URL is not set\\nexport it first')\n",
            "RuntimeError: DATABASE_URL is not set",
        ),
        ("import os\n\nURL = os.environ['SHOP_DATABASE_URL']\n", "KeyError: 'SHOP_DATABASE_URL'"),
        (
            "raise OSError('fcntl is only available on POSIX')\n",
            "OSError: fcntl is only available on POSIX",
        ),
    ],
)
def test_a_models_module_that_fails_to_import_is_told_word_for_word(
    app_dir: Path, monkeypatch: pytest.MonkeyPatch, body: str, detail: str
) -> None:
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    module = _write(app_dir, "app_models", body)
    with pytest.raises(DriftError) as caught:
        declare_snapshot((f"{module}:Base",), ("public",))
    assert str(caught.value) == f"cannot import models '{module}': {detail}"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "shop_no_such_models",
            "cannot import models 'shop_no_such_models': ModuleNotFoundError: "
            "No module named 'shop_no_such_models'",
        ),
        (
            "shop_no_such_models.py",
            "cannot import models 'shop_no_such_models.py': ModuleNotFoundError: "
            "No module named 'shop_no_such_models' "
            "(pass a module name (shop_no_such_models), not a file path)",
        ),
        (
            "shop_no_such_app/models",
            "cannot import models 'shop_no_such_app/models': ModuleNotFoundError: "
            "No module named 'shop_no_such_app/models' "
            "(pass a module name (shop_no_such_app.models), not a file path)",
        ),
        (
            "Xero_no_such_app/models.py",
            "cannot import models 'Xero_no_such_app/models.py': ModuleNotFoundError: "
            "No module named 'Xero_no_such_app/models' "
            "(pass a module name (Xero_no_such_app.models), not a file path)",
        ),
        (
            "./shop_no_such_app/models.py",
            "cannot import models './shop_no_such_app/models.py': TypeError: the 'package' "
            "argument is required to perform a relative import for "
            "'./shop_no_such_app/models.py' "
            "(pass a module name (shop_no_such_app.models), not a file path)",
        ),
    ],
)
def test_a_missing_module_or_a_file_path_is_told_word_for_word(
    app_dir: Path, ref: str, message: str
) -> None:
    with pytest.raises(DriftError) as caught:
        declare_snapshot((f"{ref}:Base",), ("public",))
    assert str(caught.value) == message


# --- what the snapshot holds ---------------------------------------------------------------


def test_schemas_sequences_and_types_of_the_requested_schemas(app_dir: Path) -> None:
    warehouse = _write(app_dir, "warehouse_models", WAREHOUSE)
    snap = declare_snapshot((f"{warehouse}:metadata",), WAREHOUSE_SCHEMAS)
    # a schema is there for its tables, enums, sequences or domains; public always;
    # ref (an enum), audit (a sequence) and archive (a table) were not asked for
    assert [s.name for s in snap.schemas] == [
        "catalog",
        "counters",
        "inventory",
        "logistics",
        "public",
    ]
    by_name = {s.name: s for s in snap.schemas}
    assert _names(snap) == {
        "catalog": [],
        "counters": [],
        "inventory": [],
        "logistics": ["shipments"],
        "public": ["bins", "items"],
    }
    assert by_name["catalog"].enums == (EnumType("carrier", ("dhl", "ups")),)
    assert by_name["public"].enums == (EnumType("shipment_status", ("open", "closed")),)
    assert [d.name for d in by_name["inventory"].domains] == ["positive_qty"]
    assert by_name["public"].sequences == (
        Sequence(
            "shipment_no",
            "integer",
            start=2000,
            increment=5,
            min_value=1000,
            max_value=999999,
            cycle=True,
        ),
    )
    assert by_name["counters"].sequences == (Sequence("ticket_no", "bigint"),)
    assert [c.type for c in by_name["public"].tables[1].columns] == [
        "integer",
        "ref.stock_state",
        "inventory.positive_qty",
    ]
    # every schema with a table, asked for or not
    assert declared_schemas((f"{warehouse}:metadata",)) == frozenset(
        {"public", "logistics", "archive"}
    )


def test_public_is_there_only_when_asked_for(app_dir: Path) -> None:
    warehouse = _write(app_dir, "warehouse_models", WAREHOUSE)
    snap = declare_snapshot((warehouse,), ("logistics",))
    assert _names(snap) == {"logistics": ["shipments"]}
    assert [s.name for s in declare_metadata(sa.MetaData(), ("public", "empty")).schemas] == [
        "public"
    ]


def test_the_declared_snapshot_is_what_create_all_builds(
    app_dir: Path, engine: sa.Engine, run_sql, database_url: str
) -> None:
    warehouse = _write(app_dir, "warehouse_models", WAREHOUSE)
    schemas = ("public", "logistics", "catalog", "counters", "inventory", "ref", "audit")
    run_sql("".join(f"CREATE SCHEMA {s};" for s in (*schemas[1:], "archive")))
    importlib.import_module(warehouse).metadata.create_all(engine)
    declared = declare_snapshot((warehouse,), schemas)
    assert compare_snapshots(declared, reflect_snapshot(database_url, schemas)) == []
    # reading the optional sequence would have declared one the database lacks
    assert [s.name for s in declared.schema("public").sequences] == ["shipment_no"]  # type: ignore[union-attr]


def test_a_table_create_all_would_fail_on_is_told_word_for_word(app_dir: Path) -> None:
    # the naming convention needs a name SQLAlchemy cannot give this CHECK
    accounts = _write(
        app_dir,
        "accounts_models",
        f"""
import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={NAMING_CONVENTION})
sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Enum("a", "b", native_enum=False, create_constraint=True)),
    schema="billing",
)
""",
    )
    with pytest.raises(DriftError) as caught:
        declare_snapshot((accounts,), ("billing",))
    assert str(caught.value) == (
        "models: table billing.accounts: Naming convention including %(constraint_name)s "
        "token requires that constraint is explicitly named."
    )


def test_declare_metadata_records_its_source() -> None:
    md = sa.MetaData()
    sa.Table("teams", md, sa.Column("id", sa.Integer, primary_key=True))
    assert declare_metadata(md, ("public",)).source == ""
    named = declare_metadata(md, ("public",), "app.models:metadata")
    assert (named.origin, named.source) == ("models", "app.models:metadata")
    assert _names(named) == {"public": ["teams"]}
