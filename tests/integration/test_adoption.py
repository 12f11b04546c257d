"""Adopting drift on a project that already drifts (tests/projects/shop): `drift expect`
writes the file [tool.drift] names, its placeholder reasons fail --strict until written, and
models that look incompletely imported get a note naming the likely cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from drift.classify.expectations import TODO_REASON
from drift.sources.scratch import execute_script
from tests.projects.helpers import alembic, copy_project, drift


@pytest.fixture
def shop(tmp_path: Path, database_url: str) -> Path:
    project = copy_project("shop", tmp_path)
    alembic(project, "upgrade", "head", database_url=database_url)
    return project


def test_expect_writes_the_configured_file_and_placeholders_fail_strict(
    shop: Path, database_url: str
) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'expectations = "drift-expectations.yaml"\n')
    execute_script(database_url, "ALTER TABLE customers ADD COLUMN legacy_id integer;")
    assert drift(shop, "check", "--url", database_url).returncode == 2  # the file is missing

    written = drift(shop, "expect", "--url", database_url)
    assert written.returncode == 0, written.stderr
    expectations = shop / "drift-expectations.yaml"
    assert TODO_REASON in expectations.read_text()

    assert drift(shop, "check", "--url", database_url).returncode == 0
    strict = drift(shop, "check", "--url", database_url, "--strict")
    assert strict.returncode == 1
    assert "placeholder of `drift expect`" in strict.stderr

    expectations.write_text(expectations.read_text().replace(
        TODO_REASON, "the old importer reads it until Q3"))
    assert drift(shop, "check", "--url", database_url, "--strict").returncode == 0


def test_models_not_all_imported_get_a_note(shop: Path, database_url: str) -> None:
    init = shop / "shop" / "models" / "__init__.py"
    # a models package that imports the base but not the modules of the classes (the
    # usual cause: they were imported by the app, never by the package)
    init.write_text("from shop.models.base import Base\n"
                    "metadata = Base.metadata\n")
    run = drift(shop, "check", "--url", database_url, "--schema", "public",
                "--schema", "billing")
    assert run.returncode == 1
    note = next(line for line in run.stderr.splitlines() if "may not import" in line)
    assert note.startswith("note: the models declare 0 of the 4 tables found")
    assert "shop.models may not import every module that defines model classes" in note
