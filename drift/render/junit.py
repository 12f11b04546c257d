"""JUnit XML for a CI's test tab: one test suite per schema, one test case per table.

A table with unexpected drift is a failed test case (one <failure> listing its
mismatches); expected drift goes to the case's <system-out>. Objects outside
tables (enums, sequences, views, the schema) get a case each. Stale
expectations are cases of their own suite: skipped, or failed under --strict. The
migration history's own problems (several heads, a broken downgrade) are failed cases
of a suite of their own.
Built with ElementTree, so any text in a name is escaped by the library.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from drift.mismatch import Finding, ObjectType, Status
from drift.render.describe import side_value
from drift.render.terminal import shown

if TYPE_CHECKING:
    from drift.result import CheckResult

# XML 1.0 cannot carry most control characters, escaped or not
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: object) -> str:
    """A name or a message line as a CI's test tab shows it: controls, line breaks and bidi
    overrides visibly escaped, long text cut (what XML cannot carry at all replaced)."""
    return _NOT_XML.sub("\ufffd", shown(text))


def _case_of(f: Finding) -> str:
    m = f.mismatch
    if m.table is not None and m.object_type is not ObjectType.TABLE:
        return m.table
    if m.object_type is ObjectType.TABLE:
        return m.table or m.name or ""
    return f"{m.object_type.value} {m.name or m.schema}"


def _lines(f: Finding) -> list[str]:
    """A finding as the test tab shows it, each line escaped on its own (a query's are its
    header, its statement and its expectation: their line breaks are the text's structure)."""
    if f.mismatch.query is not None:
        return [_x(line) for line in _query_lines(f)]
    return [_x(_line(f))]


def _line(f: Finding) -> str:
    m = f.mismatch
    what = f"{m.path}: {m.object_type.value} {m.change.value}" + (
        f" {m.attribute}" if m.attribute else ""
    )
    line = (
        f"[{m.severity.value}] {what}: models {side_value(f, 'models')}"
        f" / database {side_value(f, 'database')} (id {m.id})"
    )
    if m.cause is not None:
        line += f" - cause: {m.cause.value}"
    if f.expectation is not None:
        line += f" - {'expired ' if f.expired else ''}expectation: {f.expectation.reason}"
    return line


def _query_lines(f: Finding) -> list[str]:
    """A statement of the application: where it is, where it first breaks, what breaks it."""
    m, q = f.mismatch, f.mismatch.query
    assert q is not None
    line = (f"[{m.severity.value}] {m.attribute} at {q.file}:{q.line}:{q.column} ({q.call}): "
            f"breaks {q.state_label}: {q.message}")
    if q.operation:
        line += f"; planned operation: {q.operation}"
    lines = [line + f" (id {m.id})", "    " + " ".join(q.statement.split())]
    if f.expectation is not None:
        lines.append(f"    {'expired ' if f.expired else ''}expectation: {f.expectation.reason}")
    return lines


def _counts(suite: ET.Element, *, tests: int, failures: int, skipped: int = 0) -> None:
    # every count Surefire's schema requires on a suite (Jenkins' asks fewer), and its time
    for name, value in (("tests", tests), ("failures", failures), ("errors", 0),
                        ("skipped", skipped), ("time", 0)):
        suite.set(name, str(value))


def render_junit(result: CheckResult) -> str:
    findings = sorted(result.classification.findings, key=lambda f: f.mismatch.sort_key)
    cases: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for snap in (result.database, result.models):
        for declared in snap.schemas:
            for table in declared.tables:
                cases[declared.name].setdefault(table.name, [])  # a clean table is a passing case
    for f in findings:
        if f.mismatch.query is not None:  # a suite of the application's SQL, a case per call
            cases["queries"][f.mismatch.path].append(f)
        else:
            cases[f.mismatch.schema][_case_of(f)].append(f)

    root = ET.Element("testsuites", name="drift")
    total = failures = 0
    for schema in sorted(cases):
        suite = ET.SubElement(root, "testsuite", name=_x(f"drift.{schema}"))
        suite_failures = 0
        for name in sorted(cases[schema]):
            case = ET.SubElement(
                suite, "testcase", classname=_x(f"drift.{schema}"), name=_x(name), time="0"
            )
            found = cases[schema][name]
            bad = [f for f in found if f.status is Status.UNEXPECTED]
            if bad:
                suite_failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=_x(f"{len(bad)} unexpected mismatch(es) in {schema}.{name}"),
                    type="drift.unexpected",
                )
                failure.text = "\n".join(line for f in bad for line in _lines(f))
            good = [f for f in found if f.status is Status.EXPECTED]
            if good:
                ET.SubElement(case, "system-out").text = "\n".join(
                    line for f in good for line in _lines(f))
        _counts(suite, tests=len(cases[schema]), failures=suite_failures)
        total += len(cases[schema])
        failures += suite_failures
    stale = result.classification.stale
    if stale:
        suite = ET.SubElement(root, "testsuite", name="drift.expectations")
        for e in stale:
            case = ET.SubElement(
                suite, "testcase", classname="drift.expectations", name=_x(e.path), time="0"
            )
            message = _x(f"stale expectation ({e.source}): matches no mismatch: {e.reason}")
            if result.config.strict:
                ET.SubElement(case, "failure", message=message, type="drift.stale")
            else:
                ET.SubElement(case, "skipped", message=message)
        strict_failures = len(stale) if result.config.strict else 0
        _counts(suite, tests=len(stale), failures=strict_failures,
                skipped=len(stale) - strict_failures)
        total += len(stale)
        failures += strict_failures
    history = result.history.items if result.history is not None else ()
    if history:  # the history's own problems: a failed case each
        suite = ET.SubElement(root, "testsuite", name="drift.migrations")
        for name, message, path in history:
            case = ET.SubElement(suite, "testcase", classname="drift.migrations",
                                 name=_x(f"migration history: {name}"), time="0")
            if path:
                case.set("file", _x(path))
            ET.SubElement(case, "failure", message=_x(message),
                          type="drift.migrations").text = _x(message)
        for key, value in (("tests", len(history)), ("failures", len(history)), ("errors", 0)):
            suite.set(key, str(value))
        total += len(history)
        failures += len(history)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
