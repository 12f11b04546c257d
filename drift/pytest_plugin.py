"""pytest plugin (entry point ``pytest11``): a one-line test that the models and the
migrations agree, with the project's ``[tool.drift]`` settings::

    def test_models_match_migrations(drift_check):
        drift_check()

``drift_check(**options)`` takes the options of ``drift check`` by their Python names
(``migrations=``, ``url=``, ``expectations=``, ``schemas=``, ``strict=``, ``no_cache=``...);
the rest comes from the nearest ``[tool.drift]``, as on the command line. The test
fails when the check would exit 1: its message starts with the verdict (pytest's
short summary line), then drift's text report, and ends with each mismatch's next
step (``render.pytest_failure``). A DriftError, such as a missing setting, fails it
with its one-line message.

Loaded by every pytest session where drift is installed: nothing heavy is imported
until the fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

DriftCheck = Callable[..., Any]


@pytest.fixture
def drift_check(request: pytest.FixtureRequest) -> DriftCheck:
    """Run the models-vs-migrations check; return the result, fail the test on drift."""

    def run(**options: Any) -> Any:
        from drift.api import run_check
        from drift.config import config_from_options
        from drift.errors import DriftError
        from drift.pytest_options import OptionError, check_options
        from drift.render.pytest_failure import render_test_failure

        try:
            options = check_options(options)
        except OptionError as exc:
            pytest.fail(str(exc), pytrace=False)
        options.setdefault("migrations", None)  # None: [tool.drift] migrations
        try:
            result = run_check(config_from_options(**options))
        except DriftError as exc:
            pytest.fail(f"drift: error: {exc}", pytrace=False)
        if result.failed:
            pytest.fail(render_test_failure(result), pytrace=False)
        return result

    return run
