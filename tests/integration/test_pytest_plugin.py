"""The pytest plugin on a sample project, run by pytest itself (pytester, in a subprocess so
that each run imports the project's models afresh)."""

from __future__ import annotations

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
        "*column phone  only_in_models*",
        "*FAIL: 1 unexpected mismatch(es)*",
    ])
    assert "Traceback" not in result.stdout.str()
