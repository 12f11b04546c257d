"""The browser the tests in this folder open reports in: Debian's headless Chromium.

Needs the ``chromium`` and ``chromium-driver`` packages (/usr/bin/chromium,
/usr/bin/chromedriver) and the ``selenium`` package (the ``test`` extra); no
browser is downloaded. Where either is missing the tests skip, saying which one;
``DRIFT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def require_browser(chromium: str = CHROMIUM, chromedriver: str = CHROMEDRIVER) -> None:
    """Skip (or, under DRIFT_REQUIRE_BROWSER=1, fail) the test where a program is missing."""
    missing = [f"{path} (Debian's {package} package)"
               for path, package in ((chromium, "chromium"), (chromedriver, "chromium-driver"))
               if not Path(path).is_file()]
    if not missing:
        return
    reason = "the browser tests need " + " and ".join(missing)
    if os.environ.get("DRIFT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (DRIFT_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    require_browser()
    profile = tempfile.mkdtemp(prefix="drift-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
