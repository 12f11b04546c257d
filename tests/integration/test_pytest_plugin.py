"""The pytest plugin on a sample project, run by pytest itself (pytester, in a subprocess so
that each run imports the project's models afresh)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.projects.helpers import PROJECTS

pytest_plugins = ["pytester"]

ONE_LINE_TEST = """
def test_models_match_migrations(drift_check):
    drift_check()
"""


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("DATABASE_URL", "DRIFT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(PROJECTS / "shop", pytester.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".drift_cache"))
    pytester.makepyfile(test_schema=ONE_LINE_TEST)
    return pytester


def test_passes_when_models_and_migrations_agree(shop: pytest.Pytester) -> None:
    result = shop.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_fails_with_the_mismatches_listed(shop: pytest.Pytester) -> None:
    customers = shop.path / "shop" / "models" / "customers.py"
    customers.write_text(customers.read_text().replace(
        "    note: Mapped[str | None] = mapped_column(Text)\n",
        "    note: Mapped[str | None] = mapped_column(Text)\n"
        "    phone: Mapped[str | None] = mapped_column(String(30))\n"))
    result = shop.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*FAIL: 1 unexpected mismatch(es)*",
        "*column phone  only_in_models*",
    ])
    assert "Traceback" not in result.stdout.str()


FAILURE = """\
drift: FAIL: 1 unexpected mismatch(es) (0 expected)

drift check: migrations (heads) (PostgreSQL N)
schemas: billing, public
models: shop.models
expectations: (none)
1 mismatch(es): 1 unexpected, 0 expected (1 error)

UNEXPECTED (1)
public.customers
  column phone  only_in_models  [error]  id 8cf5fb574fdb
      models:   character varying(30)
      database: (absent)

NEXT STEPS: the operation `drift plan` writes for each mismatch, or the expectations entry \
that accepts it
public.customers.phone [id 8cf5fb574fdb]
  in a revision's upgrade():
      op.add_column('customers', sa.Column('phone', sa.VARCHAR(length=30), nullable=True), \
schema='public')
  or accept it, in the expectations file's `expected:` list:
      - path: "public.customers.phone"
        object_type: "column"
        change: "only_in_models"
        reason: "TODO: say why this drift is expected"
"""


def test_the_failure_starts_with_the_verdict_and_ends_with_the_next_step(
    shop: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers = shop.path / "shop" / "models" / "customers.py"
    customers.write_text(customers.read_text().replace(
        "    note: Mapped[str | None] = mapped_column(Text)\n",
        "    note: Mapped[str | None] = mapped_column(Text)\n"
        "    phone: Mapped[str | None] = mapped_column(String(30))\n"))
    monkeypatch.setenv("COLUMNS", "200")  # pytest's short summary cuts at the terminal's width
    result = shop.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:warnings", "-rf")
    result.assert_outcomes(failed=1)
    out = result.stdout.lines
    start = next(i for i, line in enumerate(out) if "test_models_match_migrations" in line) + 1
    end = next(i for i in range(start, len(out)) if out[i].startswith("===="))
    failure = "\n".join(out[start:end]) + "\n"
    # the server's version is the one part that depends on the machine
    assert re.sub(r"PostgreSQL \d+(\.\d+)?", "PostgreSQL N", failure) == FAILURE
    # the verdict is pytest's one-line summary of the failure
    assert ("FAILED test_schema.py::test_models_match_migrations - Failed: drift: FAIL: "
            "1 unexpected mismatch(es) (0 expected)") in out


ARGUMENT_TESTS = """
def test_a_misspelled_option(drift_check):
    drift_check(migration="migrations")


def test_schemas_given_as_one_string(drift_check):
    assert drift_check(schemas="public").config.schemas == ("public",)


def test_expectations_given_as_a_number(drift_check):
    drift_check(expectations=5)


def test_models_given_as_a_number(drift_check):
    drift_check(models=3)


def test_strict_given_as_a_string(drift_check):
    drift_check(strict="no")


def test_another_history_given_as_a_string(drift_check):
    drift_check(migrations="other")
"""

AUDIT_REVISION = '''
from alembic import op

revision = "0a0d17a0d17a"
down_revision = "e5b6d2a09f17"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE public.audit_log (id integer PRIMARY KEY)")


def downgrade():
    op.execute("DROP TABLE public.audit_log")
'''


def test_the_fixture_checks_its_arguments_and_checks_what_it_was_given(
        shop: pytest.Pytester) -> None:
    # "other": the same history and one more revision (the [tool.drift] one agrees)
    shutil.copytree(shop.path / "migrations", shop.path / "other")
    (shop.path / "other" / "versions" / "20240601_0a0d17a0d17a_audit.py").write_text(
        AUDIT_REVISION)
    (shop.path / "test_schema.py").write_text(ARGUMENT_TESTS)
    result = shop.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=5)
    out = result.stdout.str()
    for message in (
        "drift_check() got an unknown option 'migration'; it takes config, connect_timeout,",
        "drift_check(expectations=...) takes a path (str or pathlib.Path), not int 5",
        "drift_check(models=...) takes a string or a list of strings, not int 3",
        "drift_check(strict=...) takes True or False, not str 'no'",
    ):
        assert message in out
    assert "table audit_log  only_in_database" in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
