"""pytest plugin (entry point ``pytest11``): a one-line test that the models and the
migrations agree, with the project's ``[tool.drift]`` settings::

    def test_models_match_migrations(drift_check):
        drift_check()

``drift_check(**options)`` takes the options of ``drift check`` by their Python names
(``migrations=``, ``url=``, ``expectations=``, ``schemas=``, ``strict=``, ``no_cache=``...);
the rest comes from the nearest ``[tool.drift]``, as on the command line. The test
fails with drift's text report when the check would exit 1 (a DriftError, such as a
missing setting, fails it with its one-line message).

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
        from drift.render import render

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
            lines = [render(result, "text", color=False).rstrip("\n")]
            history = result.history.problems if result.history is not None else ()
            lines += [f"migrations: {problem}" for problem in history]
            pytest.fail("\n".join(lines), pytrace=False)
        return result

    return run
