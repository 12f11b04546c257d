"""`drift check --migrations`: models vs the schema the Alembic history builds, and the
three-way cause once a live database is given too (tests/projects/shop, a project with a
models package, alembic.ini, an env.py reading DATABASE_URL from its settings, 4 revisions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drift.sources.scratch import execute_script
from tests.projects.helpers import alembic, copy_project, drift

HEAD = "e5b6d2a09f17"
BEFORE_HEAD = "c07e2f9b1a44"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_project("shop", tmp_path)


def findings(stdout: str) -> list[dict[str, object]]:
    return json.loads(stdout)["mismatches"]  # type: ignore[no-any-return]


def test_models_and_migrations_agree_without_a_database(shop: Path) -> None:
    run = drift(shop, "check", "--format", "json")  # migrations from [tool.drift]
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["mismatches"] == []
    assert report["schemas"] == ["billing", "public"]  # what the models declare
    assert report["migrations"]["heads"] == [HEAD]


def test_a_model_change_without_a_migration(shop: Path, database_url: str) -> None:
    customers = shop / "shop" / "models" / "customers.py"
    customers.write_text(customers.read_text().replace(
        "    note: Mapped[str | None] = mapped_column(Text)\n",
        "    note: Mapped[str | None] = mapped_column(Text)\n"
        "    phone: Mapped[str | None] = mapped_column(String(30))\n"))
    alone = drift(shop, "check", "--format", "json")
    assert alone.returncode == 1, alone.stderr
    assert [(f["path"], f["change"], f["cause"]) for f in findings(alone.stdout)] == [
        ("public.customers.phone", "only_in_models", None)]  # two sides: no cause

    alembic(shop, "upgrade", "head", database_url=database_url)
    three = drift(shop, "check", "--url", database_url, "--format", "json")
    assert three.returncode == 1, three.stderr
    assert [(f["path"], f["cause"]) for f in findings(three.stdout)] == [
        ("public.customers.phone", "missing_migration")]


def test_a_hand_change_on_the_live_database(shop: Path, database_url: str) -> None:
    alembic(shop, "upgrade", "head", database_url=database_url)
    execute_script(database_url, "ALTER TABLE customers ADD COLUMN loyalty_points integer;\n"
                                 "CREATE INDEX customers_city_idx ON addresses (city);")
    run = drift(shop, "check", "--url", database_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert sorted((f["path"], f["change"], f["cause"]) for f in findings(run.stdout)) == [
        ("public.addresses.customers_city_idx", "only_in_database", "out_of_band"),
        ("public.customers.loyalty_points", "only_in_database", "out_of_band"),
    ]


def test_a_live_database_one_revision_behind(shop: Path, database_url: str) -> None:
    alembic(shop, "upgrade", BEFORE_HEAD, database_url=database_url)
    run = drift(shop, "check", "--url", database_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert [(f["path"], f["change"], f["cause"]) for f in findings(run.stdout)] == [
        ("billing.orders.ix_orders_pending", "only_in_models", "pending_migration")]
    text = drift(shop, "check", "--url", database_url)
    assert "cause: pending_migration" in text.stdout


def test_the_cause_is_a_key_of_the_expectations_file(shop: Path, database_url: str) -> None:
    alembic(shop, "upgrade", BEFORE_HEAD, database_url=database_url)
    (shop / "expectations.yaml").write_text(
        "expected:\n"
        "  - path: '*'\n"
        "    cause: pending_migration\n"
        "    reason: deployed on Tuesdays\n")
    run = drift(shop, "check", "--url", database_url, "-e", "expectations.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    behind_and_changed = drift(shop, "check", "-e", "expectations.yaml")  # no live side: no cause
    assert behind_and_changed.returncode == 0  # models == migrations; the entry is stale
    assert "stale" in behind_and_changed.stdout


SECOND_HEAD = '''"""customers by name

Revision ID: 7d3e0b5c2f88
Revises: c07e2f9b1a44
Create Date: 2024-04-09 08:00:00

"""
from alembic import op

revision = "7d3e0b5c2f88"
down_revision = "c07e2f9b1a44"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_customers_full_name", "customers", ["full_name"])


def downgrade() -> None:
    op.drop_index("ix_customers_fullname")  # a typo: the downgrade cannot run
'''


def test_two_heads_and_broken_downgrades_are_reported(shop: Path) -> None:
    versions = shop / "migrations" / "versions"
    (versions / "20240409_7d3e0b5c2f88_customers_by_name.py").write_text(SECOND_HEAD)
    index_revision = next(versions.glob(f"*_{HEAD}_*.py"))
    index_revision.write_text(index_revision.read_text().replace(
        '    op.drop_index("ix_orders_pending", table_name="orders", schema="billing")',
        "    pass  # forgotten"))
    run = drift(shop, "check", "--downgrades", "--format", "json")
    assert run.returncode == 1
    history = json.loads(run.stdout)["migrations"]
    assert history["heads"] == ["7d3e0b5c2f88", HEAD]
    problems = "\n".join(history["problems"])
    assert "2 heads" in problems and "alembic merge heads" in problems
    assert "revision 7d3e0b5c2f88: downgrade failed" in problems
    assert ("revision e5b6d2a09f17: its downgrade does not restore the schema: "
            "index billing.orders.ix_orders_pending (only_in_database)") in problems
    assert "drift: migrations: the migration history has 2 heads" in run.stderr


MODELS_CACHED = "models: shop.models (from the cache)"
MIGRATIONS_CACHED = "drift check: migrations (heads, from the cache)"


def test_the_warm_path_and_what_invalidates_it(shop: Path) -> None:
    cold = drift(shop, "check")
    assert cold.returncode == 0, cold.stdout
    assert MODELS_CACHED not in cold.stdout and MIGRATIONS_CACHED not in cold.stdout
    assert (shop / ".drift_cache" / ".gitignore").read_text().splitlines()[-1] == "*"

    warm = drift(shop, "check")
    assert warm.returncode == 0
    assert MODELS_CACHED in warm.stdout and MIGRATIONS_CACHED in warm.stdout
    assert warm.stdout.splitlines()[3:] == cold.stdout.splitlines()[3:]

    forced = drift(shop, "check", "--no-cache")
    assert MODELS_CACHED not in forced.stdout and MIGRATIONS_CACHED not in forced.stdout

    # a model module edited between two runs: imported again, and the edit is seen; the
    # history runs again too, since its env.py imports the models (a revision may build
    # tables from Base.metadata)
    orders = shop / "shop" / "models" / "orders.py"
    orders.write_text(orders.read_text().replace("Numeric(10, 2))\n\n\nclass OrderLine",
                                                 "Numeric(12, 2))\n\n\nclass OrderLine"))
    edited = drift(shop, "check")
    assert MODELS_CACHED not in edited.stdout and MIGRATIONS_CACHED not in edited.stdout
    assert edited.returncode == 1
    assert "column total  differs: type" in edited.stdout
    assert "models:   numeric(12,2)" in edited.stdout

    # a revision edited: the history is run again
    revision = next((shop / "migrations" / "versions").glob("*_c07e2f9b1a44_*.py"))
    revision.write_text(revision.read_text().replace("precision=10, scale=2), nullable=False),\n"
                                                     "        sa.Column(\"created_at\"",
                                                     "precision=12, scale=2), nullable=False),\n"
                                                     "        sa.Column(\"created_at\""))
    fixed = drift(shop, "check")
    assert MIGRATIONS_CACHED not in fixed.stdout and MODELS_CACHED in fixed.stdout
    assert fixed.returncode == 0, fixed.stdout


def test_stdout_is_the_report_alone_with_a_cold_embedded_server(shop: Path) -> None:
    # an env.py that logs and prints to stdout, as scripts run by hand often do; the
    # embedded server is started for this run (no --scratch-url), and stopped after env.py
    env_py = shop / "migrations" / "env.py"
    env_py.write_text(env_py.read_text().replace(
        "from shop import settings\n",
        "import logging\nimport sys\n\nfrom shop import settings\n\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.INFO)\n"
        "print('migrating', settings.database_url())\n"))
    run = drift(shop, "check", "--no-cache", "--format", "json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)  # nothing but the report
    assert report["migrations"]["heads"] == [HEAD]
    assert "migrating postgresql" in run.stderr


RENAME_INDEX = '''"""name the customer index as the models do

Revision ID: 9c1d2e3f4a5b
Revises: e5b6d2a09f17
Create Date: 2024-05-02 11:00:00

"""
from alembic import op

revision = "9c1d2e3f4a5b"
down_revision = "e5b6d2a09f17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_billing_orders_customer_id", table_name="orders", schema="billing")
    op.create_index("ix_orders_customer", "orders", ["customer_id"], schema="billing")


def downgrade() -> None:
    op.drop_index("ix_orders_customer", table_name="orders", schema="billing")
    op.create_index("ix_billing_orders_customer_id", "orders", ["customer_id"],
                    schema="billing")
'''


def test_an_index_the_next_revision_recreates_under_another_name(shop: Path,
                                                                  database_url: str) -> None:
    alembic(shop, "upgrade", "head", database_url=database_url)  # e5b6d2a09f17
    (shop / "migrations" / "versions" / "20240502_9c1d2e3f4a5b_customer_index.py").write_text(
        RENAME_INDEX)
    orders = shop / "shop" / "models" / "orders.py"
    orders.write_text(orders.read_text().replace(
        "    customer_id: Mapped[int] = mapped_column(ForeignKey(\"customers.id\"), index=True)",
        "    customer_id: Mapped[int] = mapped_column(ForeignKey(\"customers.id\"))").replace(
        "        {\"schema\": \"billing\"},",
        "        Index(\"ix_orders_customer\", \"customer_id\"),\n"
        "        {\"schema\": \"billing\"},"))
    run = drift(shop, "check", "--url", database_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert sorted((f["path"], f["change"], f["attribute"], f["cause"])
                  for f in findings(run.stdout)) == [
        ("billing.orders.ix_billing_orders_customer_id", "differs", "name",
         "pending_migration")]


def test_an_index_rebuilt_by_hand_with_another_operator_class(shop: Path,
                                                              database_url: str) -> None:
    alembic(shop, "upgrade", "head", database_url=database_url)
    # the models ask for an index with varchar_pattern_ops (no revision makes it); by hand,
    # production got one with text_pattern_ops: models, migrations and the live database
    # all disagree, though the finding is a different kind in each comparison (differs,
    # only_in_models, only_in_database)
    customers = shop / "shop" / "models" / "customers.py"
    customers.write_text(customers.read_text().replace(
        "    city: Mapped[str] = mapped_column(String(100))\n",
        "    city: Mapped[str] = mapped_column(String(100))\n\n"
        "    __table_args__ = (Index(\"ix_addresses_city\", \"city\",\n"
        "                            postgresql_ops={\"city\": \"varchar_pattern_ops\"}),)\n"
    ).replace("from sqlalchemy import ForeignKey,", "from sqlalchemy import ForeignKey, Index,"))
    execute_script(database_url, "CREATE INDEX ix_addresses_city ON addresses "
                                 "(city text_pattern_ops);")
    run = drift(shop, "check", "--url", database_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert sorted((f["path"], f["change"], f["attribute"], f["cause"])
                  for f in findings(run.stdout)) == [
        ("public.addresses.ix_addresses_city", "differs", "opclass", "both")]
