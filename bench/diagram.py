"""Screenshots of the HTML report's ER diagrams for a generated catalog, to look at.

    python bench/diagram.py --tables 70 --out /tmp/diagram70 [--seed 42] [--differences 12]

Generates the catalog (``bench/generate.py``), loads it into an embedded
PostgreSQL, runs the check against its models, writes ``drift.html`` and opens it
in headless Chromium (Debian's ``chromium``/``chromium-driver``): one screenshot
per diagram at actual size (``diagram-<n>-actual.png``, the top left part the
page opens on) and fitted whole (``diagram-<n>-fit.png``). Prints the paths and
the size of each diagram. Nothing is timed here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate  # noqa: E402
from bench.spec import SCHEMAS  # noqa: E402
from drift.api import CheckConfig, run_check  # noqa: E402
from drift.render.html import render_html  # noqa: E402
from drift.sources.scratch import embedded_postgres, execute_script  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def screenshots(page: Path, out: Path, width: int = 1600, height: int = 1100) -> list[Path]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="drift-bench-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    shots = []
    try:
        driver.get(page.as_uri())
        for n, figure in enumerate(driver.find_elements(By.CSS_SELECTOR, "figure.diagram-wrap")):
            svg = figure.find_element(By.CSS_SELECTOR, "svg.erd")
            caption = figure.find_element(By.TAG_NAME, "figcaption").text.splitlines()[0]
            print(f"diagram {n}: {caption}"
                  f" {svg.get_attribute('data-width')} x {svg.get_attribute('data-height')}")
            driver.execute_script("arguments[0].scrollIntoView()", figure)
            for zoom in ("actual", "fit"):
                figure.find_element(By.CSS_SELECTOR, f'button[data-zoom="{zoom}"]').click()
                if zoom == "actual":
                    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="fit"]').click()
                    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="actual"]').click()
                path = out / f"diagram-{n}-{zoom}.png"
                figure.screenshot(str(path))
                shots.append(path)
    finally:
        driver.quit()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=70)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--differences", type=int, default=12)
    args = parser.parse_args(argv)
    module = f"bench_diagram_{args.tables}"
    generated = generate(args.out, args.tables, args.seed, args.differences, module)
    sys.path.insert(0, str(generated.models_path.parent))
    with embedded_postgres() as server:
        url = server.create_database("drift_bench_diagram")
        execute_script(url, generated.sql_path.read_text(encoding="utf-8"))
        result = run_check(CheckConfig(url=url, models=(f"{module}:metadata",), schemas=SCHEMAS))
    page = args.out / "drift.html"
    page.write_text(render_html(result), encoding="utf-8")
    print(page)
    for path in screenshots(page, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
