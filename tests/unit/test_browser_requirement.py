"""The browser tests skip, saying why, where Chromium is missing; CI makes that a failure."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_browser


def test_a_missing_browser_skips_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFT_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_browser("/nonexistent/chromium", "/nonexistent/chromedriver")
    assert str(skipped.value) == (
        "the browser tests need /nonexistent/chromium (Debian's chromium package) and"
        " /nonexistent/chromedriver (Debian's chromium-driver package)"
    )


def test_ci_makes_a_missing_browser_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFT_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        require_browser("/nonexistent/chromium", "/usr/bin/env")
    assert str(failed.value) == (
        "the browser tests need /nonexistent/chromium (Debian's chromium package)"
        " (DRIFT_REQUIRE_BROWSER=1)"
    )


def test_ci_sets_the_requirement() -> None:
    from pathlib import Path

    run = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "export DRIFT_REQUIRE_BROWSER=1" in run
