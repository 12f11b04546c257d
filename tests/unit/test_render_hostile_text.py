"""A name and a reason holding every C0 control, DEL, a line separator (U+2028), a bidi
override (U+202E), an @mention and a #reference, through every format a person reads:
each shows them escaped, none forges a line, none reorders text, none pings anyone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.compare import compare_snapshots
from drift.mismatch import Expectation
from drift.render.changes import render_changes_text
from drift.render.html import render_html
from drift.render.junit import render_junit
from drift.render.markdown import render_markdown_summary
from drift.render.sarif import render_sarif
from drift.render.text import render_text, render_text_plain
from drift.report.history import diff_snapshots
from drift.result import CheckConfig, CheckResult
from drift.schema import Column, PrimaryKey, Schema, Snapshot, Table

HOSTILE = "".join(chr(c) for c in range(0x20)) + "\x7f\u2028\u202e @user #123"
NAME = f"t{HOSTILE}"
REASON = f"kept{HOSTILE}"
# by hand: what a person must see in place of each character
ESCAPED = ("\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f"
           "\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f"
           "\\x7f\\u2028\\u202e @user #123")
RAW = [chr(c) for c in range(0x20) if c != 0x0A] + ["\x7f", "\u2028", "\u202e"]


def _table(name: str) -> Table:
    return Table(name, (Column("id", "integer", False),), PrimaryKey(f"{name[:20]}_pkey", ("id",)))


def hostile_result() -> CheckResult:
    models = Snapshot("models", (Schema("public", (_table(NAME),)),))
    database = Snapshot("database", (Schema("public", (_table("legacy"),)),))
    mismatches = tuple(compare_snapshots(models, database))
    expectations = ExpectationsFile((), (Expectation("public.legacy", REASON, phase=1,
                                                     source="x.yaml:3"),))
    return CheckResult(CheckConfig(schemas=("public",)), database, models, mismatches,
                       classify(mismatches, expectations, date(2026, 1, 1)),
                       datetime(2026, 1, 1, tzinfo=UTC))


def no_raw_controls(text: str) -> None:
    assert not [c for c in RAW if c in text]


def test_text_shows_them_escaped_on_the_finding_s_own_line() -> None:
    for render in (render_text_plain, render_text):
        out = render(hostile_result(), verbose=True)
        no_raw_controls(out.replace("\x1b[", ""))  # drift's own styles, in the coloured one
        lines = out.splitlines()
        assert any(line.startswith(f"public.t{ESCAPED}") or f"public.t{ESCAPED}" in line
                   for line in lines)
        assert any(line.strip().startswith(f"expected: kept{ESCAPED}") for line in lines)
        assert not any(line.startswith("#123") or line.startswith(" @user") for line in lines)


def test_markdown_shows_them_escaped_and_pings_no_one() -> None:
    out = render_markdown_summary(hostile_result())
    no_raw_controls(out)
    # in the Markdown source a backslash is itself escaped, so the page shows ``\x00``
    shown = ESCAPED.replace("\\", "\\\\").replace("@user", "@&#8203;user").replace(
        "#123", "#&#8203;123")
    assert f"public.t{shown}" in out
    assert f"kept{shown}" in out
    assert "@user" not in out and "#123" not in out


def test_junit_names_and_lines_show_them_escaped() -> None:
    root = ET.fromstring(render_junit(hostile_result()))
    names = [c.get("name") for c in root.iter("testcase")]
    assert f"t{ESCAPED}" in names
    out = "".join(ET.tostring(root, encoding="unicode"))
    no_raw_controls(out)
    [kept] = [e.text for e in root.iter("system-out")]
    assert kept is not None and kept.count("\n") == 0 and f"kept{ESCAPED}" in kept


def test_sarif_messages_show_them_escaped() -> None:
    doc = json.loads(render_sarif(hostile_result()))
    texts = [r["message"]["text"] for r in doc["runs"][0]["results"]]
    assert texts and all(f"public.t{ESCAPED}" in t for t in texts)
    for text in texts:
        no_raw_controls(text)
        assert "\n" not in text


def test_diff_gives_one_line_per_change() -> None:
    old = Snapshot("database", (Schema("public", ()),))
    new = Snapshot("database", (Schema("public", (_table(NAME),)),))
    out = render_changes_text(diff_snapshots(old, new))
    no_raw_controls(out)
    lines = out.splitlines()
    assert len(lines) == 2  # the table, the counts
    assert lines[0].startswith(f"+ table public.t{ESCAPED} added")


def test_long_free_text_is_cut_with_a_note_where_a_person_reads_it() -> None:
    reason = "r" * 5_000_000
    from dataclasses import replace

    result = hostile_result()
    entry = result.classification.findings[0].expectation
    assert entry is not None and entry.reason == REASON
    long_entry = replace(entry, reason=reason)
    findings = tuple(replace(f, expectation=long_entry) if f.expectation else f
                     for f in result.classification.findings)
    result = replace(result, classification=replace(result.classification, findings=findings))
    text = render_text_plain(result, verbose=True)
    assert len(text) < 20_000
    # the line's first 2,000 characters, and a note of how many were left out
    assert f"      expected: {'r' * 1_984}… (4,998,036 more characters cut)\n" in text
    assert len(render_markdown_summary(result)) < 20_000


class _Shown(HTMLParser):
    """The text a browser shows: the page's text and its tooltips (not the style or script)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        self.texts += [v for k, v in attrs if k == "title" and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append(data)


def test_html_shows_them_escaped() -> None:
    parser = _Shown()
    parser.feed(render_html(hostile_result()))
    shown = "\n".join(parser.texts)
    no_raw_controls(shown.replace("\n", ""))  # the page's own line breaks between elements
    # the name never breaks a line (code blocks keep their own lines): it ends where it starts
    lines = [line for t in parser.texts for line in t.split("\n") if "public.t" in line]
    assert lines and all("@user #123" in line for line in lines)
    assert f"public.t{ESCAPED}" in shown  # the finding's path
    assert f"kept{ESCAPED}" in shown  # the reason
