"""JUnit XML: valid XML, one case per table, failures for unexpected drift only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from render_factory import HOSTILE, sample_result

from drift.render import FORMATS
from drift.render.describe import side_value
from drift.render.junit import render_junit

DATA = Path(__file__).resolve().parents[1] / "data"


def _cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


def test_structure() -> None:
    assert FORMATS["junit"] is render_junit
    root = ET.fromstring(render_junit(sample_result()))
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root] == ["drift.public", "drift.quantum", "drift.expectations"]
    assert (root.get("tests"), root.get("failures")) == ("6", "2")
    cases = _cases(root)
    assert sorted(cases) == [
        ("drift.expectations", "public.old_odds"),
        ("drift.public", "legacy_bets"),
        ("drift.public", "matches"),
        ("drift.public", "odds"),
        ("drift.public", "teams"),
        ("drift.quantum", "dna_profile"),
    ]
    failure = cases[("drift.public", "matches")].find("failure")
    assert (
        failure is not None
        and failure.get("message") == "2 unexpected mismatch(es) in public.matches"
    )
    assert "public.matches.ix_matches_played_at: index only_in_database" in (failure.text or "")
    assert "expired expectation: Default moves to now()" in (failure.text or "")
    # expected drift passes, with its details in system-out; a clean table passes bare
    legacy = cases[("drift.public", "legacy_bets")]
    assert legacy.find("failure") is None and "Legacy bet tracking" in (
        legacy.findtext("system-out") or ""
    )
    assert list(cases[("drift.public", "teams")]) == [
        cases[("drift.public", "teams")].find("system-out")
    ]
    assert cases[("drift.expectations", "public.old_odds")].find("skipped") is not None


def test_strict_makes_stale_expectations_fail() -> None:
    result = sample_result()
    strict = replace(result, config=replace(result.config, strict=True))
    root = ET.fromstring(render_junit(strict))
    stale = _cases(root)[("drift.expectations", "public.old_odds")]
    assert stale.find("failure") is not None and root.get("failures") == "3"


def test_hostile_names_and_control_characters_give_valid_xml() -> None:
    result = sample_result(hostile=True)
    text = render_junit(result)
    root = ET.fromstring(text)  # parses: nothing broke out of its attribute or element
    names = [c.get("name") for c in root.iter("testcase")]
    assert f"teams{HOSTILE}" in names
    assert "<script>" not in text
    bad = replace(result.classification.findings[0].mismatch, database="nul\x00 and bell\x07")
    findings = (
        replace(result.classification.findings[0], mismatch=bad),
        *result.classification.findings[1:],
    )
    odd = replace(result, classification=replace(result.classification, findings=findings))
    failure = _cases(ET.fromstring(render_junit(odd)))[("drift.public", "odds")].find("failure")
    # shown as their escapes, as every text format shows them
    assert failure is not None and "nul\\x00 and bell\\x07" in (failure.text or "")


def test_sides_read_as_in_every_other_renderer() -> None:
    result = sample_result()
    # a comment the models leave out: "(none)" there, as the terminal and the reports say it
    name = replace(result.classification.findings[5].mismatch, models=None)
    findings = (
        *result.classification.findings[:5],
        replace(result.classification.findings[5], mismatch=name),
    )
    bare = replace(result, classification=replace(result.classification, findings=findings))
    teams = _cases(ET.fromstring(render_junit(bare)))[("drift.public", "teams")]
    assert side_value(findings[5], "models") == "(none)"
    assert "models (none) / database Display name" in (teams.findtext("system-out") or "")


def _jenkins_schema() -> etree.XMLSchema:
    # the JUnit format the Jenkins xUnit plugin validates reports against (Surefire's)
    return etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("hostile", [False, True])
def test_valid_against_the_jenkins_surefire_xsd(strict: bool, hostile: bool) -> None:
    result = sample_result(hostile=hostile)
    result = replace(result, config=replace(result.config, strict=strict))
    assert result.classification.stale  # the expectations suite is part of it
    document = etree.fromstring(render_junit(result).encode("utf-8"))
    schema = _jenkins_schema()
    assert schema.validate(document), schema.error_log


def _surefire_schema() -> etree.XMLSchema:
    # Maven Surefire's report format (one <testsuite> per file), written by hand from its
    # documented structure: see the comment at the top of the file
    return etree.XMLSchema(etree.parse(str(DATA / "surefire-test-report-3.0.xsd")))


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("hostile", [False, True])
def test_each_suite_is_valid_against_the_maven_surefire_xsd(strict: bool, hostile: bool) -> None:
    result = sample_result(hostile=hostile)
    result = replace(result, config=replace(result.config, strict=strict))
    document = etree.fromstring(render_junit(result).encode("utf-8"))
    schema = _surefire_schema()
    suites = list(document.iter("testsuite"))
    assert [s.get("name") for s in suites] == [
        "drift.public", "drift.quantum", "drift.expectations"
    ]
    for suite in suites:
        alone = etree.fromstring(etree.tostring(suite))
        assert schema.validate(alone), (suite.get("name"), schema.error_log)
    # the counts Surefire's consumers add up, on every suite
    counts = [(s.get("tests"), s.get("failures"), s.get("skipped"), s.get("time"))
              for s in suites]
    stale = ("1", "1", "0", "0") if strict else ("1", "0", "1", "0")
    assert counts == [("4", "2", "0", "0"), ("1", "0", "0", "0"), stale]
