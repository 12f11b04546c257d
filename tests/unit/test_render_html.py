"""The HTML report's source: self-contained, escaped, with the data the browser filters read."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from render_factory import HOSTILE, sample_result

from drift.render.html import render_html


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"


def _parse(text: str) -> _Collect:
    parser = _Collect()
    parser.feed(text)
    return parser


def test_self_contained_and_locked_down() -> None:
    text = render_html(sample_result())
    tags = _parse(text).tags
    # nothing is fetched: no external src/href, no <link>, and a CSP that forbids the network
    assert not [
        a
        for _, a in tags
        if re.match(r"(?i)\s*(https?:)?//", (a.get("src") or a.get("href") or ""))
    ]
    assert not [t for t, _ in tags if t in ("link", "img", "iframe")]
    csp = next(
        a["content"]
        for t, a in tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert (
        csp is not None
        and "default-src 'none'" in csp
        and re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    )
    assert _parse(text).scripts == 1


def test_rows_carry_filter_data() -> None:
    rows = [
        a
        for t, a in _parse(render_html(sample_result())).tags
        if t == "tr" and a.get("class") == "finding"
    ]
    assert len(rows) == 6
    price = next(a for a in rows if a["id"] == "m-" + sample_result().classification.findings[0].id)
    assert {
        k: price[k]
        for k in ("data-status", "data-severity", "data-schema", "data-object-type", "data-phase")
    } == {
        "data-status": "unexpected",
        "data-severity": "error",
        "data-schema": "public",
        "data-object-type": "column",
        "data-phase": "unexpected",  # no phase filter shows it: phases group expected drift
    }
    assert "public.odds.price" in (price["data-search"] or "")


def test_hostile_text_is_escaped_everywhere() -> None:
    text = render_html(sample_result(hostile=True))
    parsed = _parse(text)
    assert parsed.scripts == 1  # ours only
    assert not [t for t, _ in parsed.tags if t == "img"]
    assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)]
    assert "<script>alert" not in text and HOSTILE not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "{{ 7*7 }}" in text and ">49<" not in text  # data is never a template
