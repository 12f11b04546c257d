"""What a newcomer sees in the reports ``drift demo`` writes, in a real browser.

The demo runs once (its own embedded server); the tests open its dated reports:
week over week in words, the diagram (an edge per foreign key, from column to
column; drift on the boxes), pan and zoom, and filters kept in the URL.
Screenshots go to the test's folder, and also to $DRIFT_SCREENSHOTS when set
(to look at them).
"""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from drift.api import declare_models
from drift.cli.commands import main
from drift.demo import DEMO_SCHEMAS, MODELS_PACKAGE, import_example_models
from drift.schema import Snapshot

TODAY = date.today()
LAST_WEEK = TODAY - timedelta(days=7)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main, ["demo", "--output-dir", str(out)], env={"NO_COLOR": "1"}, catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    return out


def _shot(browser: webdriver.Chrome, element: Any, path: Path) -> None:
    element.screenshot(str(path))
    assert path.stat().st_size > 5_000
    keep = os.environ.get("DRIFT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def _errors(browser: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_the_demo_writes_three_weeks_the_index_and_a_trend(demo_out: Path) -> None:
    reports = demo_out / "reports"
    days = sorted(p.name for p in reports.iterdir() if p.is_dir())
    assert days == [(TODAY - timedelta(days=d)).isoformat() for d in (14, 7, 0)]
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{d}/drift.html"' in index for d in days)
    # the trend draws expected, unexpected and stale expectations, over the three reports
    assert index.count('<circle class="dot-stale"') == 3
    assert 'polyline class="stale"' in index


def test_no_python_dict_text_in_any_file_the_demo_writes(demo_out: Path) -> None:
    files = [p for p in demo_out.rglob("*") if p.is_file()]
    assert len(files) > 15  # reports of three weeks, the index, the plan and its revisions
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "{'" not in text and "': " not in text, path


def test_week_over_week_lists_the_changes_in_words(
    browser: webdriver.Chrome, demo_out: Path, tmp_path: Path
) -> None:
    browser.get((demo_out / "reports" / LAST_WEEK.isoformat() / "drift.html").as_uri())
    week = browser.find_element(By.ID, "week")
    assert week.find_element(By.TAG_NAME, "h2").text == (
        f"Since the report of {(TODAY - timedelta(days=14)).isoformat()}"
    )
    rows = {
        tuple(td.text for td in tr.find_elements(By.TAG_NAME, "td")[:4]): tuple(
            td.text for td in tr.find_elements(By.TAG_NAME, "td")[4:]
        )
        for tr in week.find_elements(By.CSS_SELECTOR, "tr.object-change")
    }
    assert rows[("added", "table", "quantum.model_runs", "")] == ("", "table with 10 column(s)")
    assert rows[("dropped", "column", "public.teams.legacy_rank", "")] == ("integer", "")
    before, after = rows[("altered", "view", "public.v_open_exposure", "columns")]
    assert before == "(bet_id bigint, match_id integer, stake numeric(10,2), price numeric(6,2))"
    assert after == before[:-1] + ", potential_payout numeric)"
    # new and resolved drift come with it: the stray column's finding is resolved
    assert "public.teams.legacy_rank" in week.text
    assert "{'" not in week.text and "': " not in week.text
    browser.execute_script("arguments[0].scrollIntoView()", week)
    _shot(browser, week, tmp_path / "week-over-week.png")
    assert _errors(browser) == []


def _expected_edges() -> set[tuple[str, str]]:
    """Every foreign key of the reference's tables (the database's definition where the table
    is there, else the models') and every one the models declare (drawn dashed where the
    database lacks it), as (referring column, referred column)."""
    import_example_models()
    models = declare_models((MODELS_PACKAGE,), DEMO_SCHEMAS)
    tables = [*_reference_tables(models), *((s.name, t) for s in models.schemas for t in s.tables)]
    return {
        (f"{s}.{t.name}.{fk.columns[0]}",
         f"{fk.referred_schema}.{fk.referred_table}.{fk.referred_columns[0]}")
        for s, t in tables
        for fk in t.foreign_keys
    }  # fmt: skip


def _reference_tables(models: Snapshot) -> list[tuple[str, Any]]:
    database = Snapshot.load(next((Path(p) for p in _SNAPSHOT), Path()))
    tables = {(s.name, t.name): t for s in models.schemas for t in s.tables}
    tables |= {(s.name, t.name): t for s in database.schemas for t in s.tables}
    return [(s, t) for (s, _), t in sorted(tables.items())]


_SNAPSHOT: list[str] = []


def test_the_diagram_has_an_edge_per_foreign_key_from_column_to_column(
    browser: webdriver.Chrome, demo_out: Path, tmp_path: Path
) -> None:
    _SNAPSHOT[:] = [str(demo_out / "reports" / TODAY.isoformat() / "snapshot.json")]
    browser.get((demo_out / "drift.html").as_uri())
    # the schemas' diagrams (each table's own diagram, in its <details>, draws some again)
    edges = browser.find_elements(By.CSS_SELECTOR, ".schema-ref > figure svg.erd path.rel")
    drawn = [(e.get_attribute("data-from"), e.get_attribute("data-to")) for e in edges]
    assert sorted(drawn) == sorted(_expected_edges())
    # the demo's models declare odds.bookmaker_id's key, the database lacks it: drawn dashed
    only_models = [e for e in edges if e.get_attribute("data-from") == "public.odds.bookmaker_id"]
    assert only_models and all("models" in e.get_attribute("class").split() for e in only_models)
    assert browser.execute_script(
        "return getComputedStyle(arguments[0]).strokeDasharray", only_models[0]) == "6px, 4px"
    # each edge starts on its referring column's row and ends on the referred column's row
    ends = browser.execute_script(
        """
        return Array.from(document.querySelectorAll('svg.erd path.rel')).map(function (p) {
          var svg = p.ownerSVGElement, n = p.getTotalLength();
          function row(key) {
            var cut = key.lastIndexOf('.'), table = key.slice(0, cut), col = key.slice(cut + 1);
            var box = Array.from(svg.querySelectorAll('g.box')).filter(
              function (b) { return b.getAttribute('data-table') === table; })[0];
            var r = Array.from(box.querySelectorAll('g.col')).filter(
              function (c) { return c.getAttribute('data-column') === col; })[0];
            var t = r.querySelector('text.name').getBBox(), b = box.querySelector('rect.body');
            return {top: t.y - 3, bottom: t.y + t.height + 3,
                    left: b.x.baseVal.value, right: b.x.baseVal.value + b.width.baseVal.value};
          }
          var a = p.getPointAtLength(0), z = p.getPointAtLength(n);
          return [a.x, a.y, row(p.getAttribute('data-from')),
                  z.x, z.y, row(p.getAttribute('data-to'))];
        });
        """
    )
    for x1, y1, child, x2, y2, parent in ends:
        assert child["top"] <= y1 <= child["bottom"] and x1 in (child["left"], child["right"])
        assert parent["top"] <= y2 <= parent["bottom"] and min(
            abs(x2 - parent["left"]), abs(x2 - parent["right"])
        ) < 0.6
    # drift on the boxes and on the columns; what only the models declare is dashed
    boxes = browser.find_elements(By.CSS_SELECTOR, "svg.erd g.box")
    classes = {b.get_attribute("data-table"): b.get_attribute("class") for b in boxes}
    assert "drift-unexpected" in classes["public.bets"]
    assert "drift-expected" in classes["public.legacy_odds_archive"]
    assert "presence-models" in classes["quantum.predictions"]
    dashed = browser.execute_script(
        "return getComputedStyle(document.querySelector("
        "'g.box[data-table=\"quantum.predictions\"] rect.body')).strokeDasharray"
    )
    assert dashed not in ("", "none")
    payout = 'g.box[data-table="public.bets"] g.col.drift-unexpected[data-column="payout"]'
    assert browser.find_elements(By.CSS_SELECTOR, payout)
    # full types, and the declaring class with its file and line on the box
    texts = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.erd text.type")]
    assert "timestamp with time zone" in texts and not any(t.endswith("…") for t in texts)
    subs = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.erd text.sub")]
    assert any(s.startswith("Bet · ") and ".py:" in s for s in subs), subs
    # the sticky filter bar does not cover a diagram reached by its link
    first = browser.find_element(By.CSS_SELECTOR, "figure.diagram-wrap")
    browser.get((demo_out / "drift.html").as_uri() + "#" + first.get_attribute("id"))
    bar = browser.find_element(By.ID, "filters").rect
    frame = browser.find_element(By.CSS_SELECTOR, "figure.diagram-wrap .diagram").rect
    assert frame["y"] - browser.execute_script("return window.scrollY") >= bar["height"]
    _shot(browser, first, tmp_path / "demo-diagram.png")
    assert _errors(browser) == []


def _view_box(svg: Any) -> list[float]:
    text = svg.parent.execute_script("return arguments[0].getAttribute('viewBox')", svg)
    return [float(v) for v in text.split()]


def test_the_diagram_pans_and_zooms(browser: webdriver.Chrome, demo_out: Path) -> None:
    browser.get((demo_out / "drift.html").as_uri())
    figure = browser.find_element(By.CSS_SELECTOR, "figure.diagram-wrap")
    browser.execute_script("arguments[0].scrollIntoView()", figure)
    svg = figure.find_element(By.CSS_SELECTOR, "svg.erd")
    start = _view_box(svg)
    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="in"]').click()
    zoomed = _view_box(svg)
    assert zoomed[2] < start[2] and zoomed[3] < start[3]  # a smaller piece fills the frame
    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="out"]').click()
    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="out"]').click()
    assert _view_box(svg)[2] > zoomed[2]
    # drag: the drawing follows the pointer
    before = _view_box(svg)
    frame = figure.find_element(By.CSS_SELECTOR, ".diagram")
    ActionChains(browser).move_to_element(frame).click_and_hold().move_by_offset(
        -120, -60
    ).release().perform()
    after = _view_box(svg)
    assert after[0] > before[0] and after[1] > before[1] and after[2] == before[2]
    # Ctrl + wheel zooms at the pointer; a plain wheel is left to the page
    browser.execute_script(
        "arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: 50, "
        "clientY: 50, ctrlKey: true, bubbles: true, cancelable: true}))",
        frame,
    )
    assert _view_box(svg)[2] < after[2]
    plain = _view_box(svg)
    browser.execute_script(
        "arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: -100, bubbles: true}))",
        frame,
    )
    assert _view_box(svg) == plain
    figure.find_element(By.CSS_SELECTOR, 'button[data-zoom="fit"]').click()
    fit = _view_box(svg)
    width, height = float(svg.get_attribute("data-width")), float(svg.get_attribute("data-height"))
    # the whole drawing, centred: the view holds the canvas from (0, 0) to (width, height)
    assert fit[0] <= 0 and fit[1] <= 0
    assert fit[0] + fit[2] >= width - 0.2 and fit[1] + fit[3] >= height - 0.2


def _shown(browser: webdriver.Chrome, selector: str) -> list[Any]:
    return [e for e in browser.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_filters_live_in_the_url(browser: webdriver.Chrome, demo_out: Path) -> None:
    page = (demo_out / "drift.html").as_uri()
    browser.get(page + "#?status=unexpected&q=bets")
    assert Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="status"]')
                  ).first_selected_option.get_attribute("value") == "unexpected"
    assert browser.find_element(By.ID, "search").get_attribute("value") == "bets"
    rows = _shown(browser, "tr.finding")
    assert rows and all(r.get_attribute("data-status") == "unexpected" for r in rows)
    assert all("bets" in (r.get_attribute("data-search") or "") for r in rows)
    # sections left empty are hidden, heading and all; the diagram dims the other tables
    assert not browser.find_element(By.ID, "expected").is_displayed()
    assert not browser.find_element(By.ID, "stale").is_displayed()
    dim = {b.get_attribute("data-table"): "dim" in (b.get_attribute("class") or "")
           for b in browser.find_elements(By.CSS_SELECTOR, "svg.erd g.box")}
    assert dim["public.bets"] is False and dim["public.leagues"] is True
    # changing a filter rewrites the URL; opening that URL restores the view
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="severity"]')
           ).select_by_value("error")
    url = browser.current_url
    assert "severity=error" in url and "status=unexpected" in url and "q=bets" in url
    count = len(_shown(browser, "tr.finding"))
    browser.get("about:blank")
    browser.get(url)
    assert len(_shown(browser, "tr.finding")) == count
    assert browser.find_element(By.ID, "shown").text.startswith(f"{count} of ")
    browser.find_element(By.ID, "reset").click()
    # the form's reset event applies the cleared filters in a setTimeout(0): wait for that
    # turn of the page's event loop (a loaded machine can be slower than the next line)
    WebDriverWait(browser, 10).until(lambda b: "#?" not in b.current_url)
    assert browser.find_element(By.ID, "expected").is_displayed()
    # the stale expectations follow the filters too
    Select(browser.find_element(By.CSS_SELECTOR, 'select[data-filter="schema"]')
           ).select_by_value("quantum")
    stale = browser.find_elements(By.CSS_SELECTOR, "tr.stale-row")
    assert all(
        (r.get_attribute("data-schema") == "quantum") == r.is_displayed() for r in stale
    )
    assert _errors(browser) == []
