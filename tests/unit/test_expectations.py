"""The expectations file: strict loading with file:line messages, classification, `drift expect`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from drift.classify.classifier import classify
from drift.classify.expectations import (
    DEFAULT_PHASES,
    TODO_REASON,
    ExpectationsFile,
    load_expectations,
)
from drift.classify.expectations_writer import render_expectations_yaml, write_expectations
from drift.compare.registry import mismatch
from drift.errors import DriftError
from drift.mismatch import Change, Expectation, Mismatch, ObjectType, Phase, Status, exact_glob
from drift.schema import Column, Table

TODAY = date(2026, 11, 26)

GOOD = """\
phases:
  - number: 1
    name: current
    description: as it is
  - number: 2
    name: short term
expected:
  - path: "quantum.*"
    object_type: table
    change: only_in_models
    reason: Quantum DNA 2.0 tables are not created yet
    phase: 2
    ticket: QDNA-12
    owner: data-platform
    expires: 2027-03-31
  - path: public.odds.price
    attribute: type
    reason: legacy numeric
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expectations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def table_only_in_models(schema: str, name: str) -> Mismatch:
    return mismatch(ObjectType.TABLE, Change.ONLY_IN_MODELS, schema, name, None, Table(name), None)


def type_differs(schema: str, table: str, column: str) -> Mismatch:
    return mismatch(ObjectType.COLUMN, Change.DIFFERS, schema, table, column, "numeric(10,2)",
                    "double precision", attribute="type")


def test_load_a_good_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    loaded = load_expectations(path)
    assert loaded.path == path
    assert loaded.phases == (Phase(1, "current", "as it is"), Phase(2, "short term", ""))
    first, second = loaded.entries
    assert first == Expectation(
        path="quantum.*", reason="Quantum DNA 2.0 tables are not created yet",
        object_type=ObjectType.TABLE, change=Change.ONLY_IN_MODELS, phase=2, ticket="QDNA-12",
        owner="data-platform", expires=date(2027, 3, 31), source=f"{path}:8",
    )
    assert (second.path, second.attribute, second.object_type, second.source) == (
        "public.odds.price", "type", None, f"{path}:16")


@pytest.mark.parametrize("text", ["", "# nothing yet\n"])
def test_an_empty_file_is_an_error(tmp_path: Path, text: str) -> None:
    # an empty file is a mistake (a truncated write, the wrong file), not "expect nothing"
    with pytest.raises(DriftError, match=r"expectations.yaml:1: the file is empty"):
        load_expectations(write(tmp_path, text))


def test_explicitly_empty_lists_expect_nothing(tmp_path: Path) -> None:
    assert load_expectations(write(tmp_path, "expected: []\n")) == ExpectationsFile(
        (), (), tmp_path / "expectations.yaml")


@pytest.mark.parametrize(("text", "message"), [
    ("expected:\n  - path: a\n    reason: a: b\n",
     # libyaml says "in this context", PyYAML's Python parser "here"
     r":3: YAML syntax error: mapping values are not allowed (here|in this context)$"),
    ("expected:\n  - path: a\n    reasn: typo\n",
     r":3: unknown key 'reasn' in expected entry \(allowed: path, object_type, change, attribute,"),
    ("expectd: []\n",
     r":1: unknown key 'expectd' in the file \(allowed: phases, expected, renames\)"),
    ("expected:\n  - path: a\n    object_type: table\n",
     r":2: an expected entry needs a non-empty 'reason'"),
    ("expected:\n  - path: a\n    reason: '  '\n",
     r":3: an expected entry needs a non-empty 'reason'"),
    ("expected:\n  - reason: x\n", r":2: an expected entry needs a non-empty 'path'"),
    ("expected:\n  - path: a\n    reason: x\n    object_type: tabel\n",
     r":4: object_type 'tabel' is not one of: schema, table, column,"),
    ("expected:\n  - path: a\n    reason: x\n    change: missing\n",
     r":4: change 'missing' is not one of: only_in_models, only_in_database, differs"),
    ("expected:\n  - path: a\n    reason: x\n    expires: 2027-02-30\n",
     r":4: expires '2027-02-30' is not a date \(YYYY-MM-DD\)"),
    ("expected:\n  - path: a\n    reason: x\n    expires: next year\n",
     r":4: expires 'next year' is not a date"),
    ("phases:\n  - number: 1\n    name: current\nexpected:\n  - path: a\n    reason: x\n"
     "    phase: 3\n", r":7: phase 3 is not declared \(phases: 1\)"),
    ("phases:\n  - number: 1\n    name: a\n  - number: 1\n    name: b\n",
     r":4: phase number 1 is declared twice"),
    ("phases:\n  - number: one\n    name: a\n", r":2: 'number' must be a positive whole number"),
    ("phases:\n  - number: 1\n", r":2: a phase needs a non-empty 'name'"),
    ("expected:\n  - path: a\n    reason: x\n    path: b\n", r":4: duplicate key 'path'"),
    ("expected: {path: a}\n", r":1: 'expected' must be a list"),
    ("expected:\n  - just a string\n", r":1: each item of 'expected' must be a mapping"),
    ("- a\n- b\n", r":1: the file must be a mapping"),
    ("expected:\n  - path: a\n    reason: x\n    phase: true\n", r":4: 'phase' must be a positive"),
    ("expected:\n  - path: a\n    reason: x\n    attribute: tpye\n",
     r":4: unknown attribute 'tpye' \(allowed: .*\btype\b"),
])
def test_bad_files_give_one_line_with_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DriftError, match=message) as caught:
        load_expectations(path)
    assert str(caught.value).startswith(f"{path}:")
    assert "\n" not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DriftError, match=r"^cannot read expectations file .*nope.yaml: No such"):
        load_expectations(tmp_path / "nope.yaml")


def test_phase_without_declared_phases_is_any_number(tmp_path: Path) -> None:
    loaded = load_expectations(write(tmp_path, "expected:\n  - {path: a, reason: x, phase: 7}\n"))
    assert loaded.entries[0].phase == 7


def test_classify_first_match_wins_and_stale(tmp_path: Path) -> None:
    loaded = load_expectations(write(tmp_path, GOOD + (
        "  - path: quantum.dna\n    reason: shadowed by the glob above\n"
        "  - path: nowhere.*\n    reason: stale\n"
    )))
    ms = [type_differs("public", "odds", "price"), table_only_in_models("quantum", "dna"),
          type_differs("public", "odds", "stake")]
    result = classify(ms, loaded, TODAY)
    by_path = {f.mismatch.path: f for f in result.findings}
    assert [f.mismatch.path for f in result.findings] == [
        "public.odds.price", "public.odds.stake", "quantum.dna"]
    assert by_path["quantum.dna"].status is Status.EXPECTED
    assert by_path["quantum.dna"].expectation == loaded.entries[0]
    assert by_path["public.odds.price"].expectation == loaded.entries[1]
    assert by_path["public.odds.stake"].status is Status.UNEXPECTED
    assert by_path["public.odds.stake"].expectation is None
    assert [e.reason for e in result.stale] == ["shadowed by the glob above", "stale"]
    assert result.phases == loaded.phases


def test_first_match_wins_between_exact_entries_and_globs() -> None:
    """Exact entries are looked up by path; file order still decides against the globs."""
    exact = Expectation("public.odds", "exact first")
    glob = Expectation("public.*", "glob")
    escaped = Expectation(exact_glob("public.a*"), "escaped")  # public.a[*]: one path only
    late = Expectation("public.b", "after the glob")
    loaded = ExpectationsFile((), (exact, glob, escaped, late))
    ms = [table_only_in_models("public", n) for n in ("odds", "a*", "ab", "b")]
    result = classify(ms, loaded, TODAY)
    assert {f.mismatch.path: f.expectation for f in result.findings} == {
        "public.odds": exact, "public.a*": glob, "public.ab": glob, "public.b": glob}
    assert result.stale == (escaped, late)
    alone = classify(ms, ExpectationsFile((), (escaped,)), TODAY)
    assert [f.mismatch.path for f in alone.findings if f.expectation] == ["public.a*"]


def test_fields_narrow_the_match(tmp_path: Path) -> None:
    loaded = load_expectations(write(tmp_path, (
        "expected:\n  - path: public.*\n    object_type: column\n    change: differs\n"
        "    attribute: nullable\n    reason: x\n"
    )))
    result = classify([type_differs("public", "odds", "price")], loaded, TODAY)
    assert result.findings[0].status is Status.UNEXPECTED
    assert len(result.stale) == 1


def test_expired_is_unexpected_with_its_expectation(tmp_path: Path) -> None:
    loaded = load_expectations(write(tmp_path, GOOD))
    m = table_only_in_models("quantum", "dna")
    before = classify([m], loaded, date(2027, 3, 31)).findings[0]
    after = classify([m], loaded, date(2027, 4, 1)).findings[0]
    assert (before.status, before.expired) == (Status.EXPECTED, False)
    assert (after.status, after.expired) == (Status.UNEXPECTED, True)
    assert after.expectation == loaded.entries[0]


def test_no_expectations_everything_unexpected() -> None:
    result = classify([table_only_in_models("quantum", "dna")], None, TODAY)
    assert [f.status for f in result.findings] == [Status.UNEXPECTED]
    assert result.stale == () and result.phases == ()


def test_glob_is_case_sensitive() -> None:
    loaded = ExpectationsFile((), (Expectation("Quantum.*", "x"),))
    result = classify([table_only_in_models("quantum", "dna")], loaded, TODAY)
    assert result.findings[0].status is Status.UNEXPECTED


def test_exact_glob_takes_specials_literally() -> None:
    assert exact_glob("public.we*ird[1]?") == "public.we[*]ird[[]1][?]"


AWKWARD = [
    table_only_in_models("public", 'odd "name": with colon'),
    table_only_in_models("public", "*star"),
    table_only_in_models("public", "a[1]"),
    table_only_in_models("public", "- dash"),
    table_only_in_models("public", "#hash"),
    table_only_in_models("public", "yes"),
    mismatch(ObjectType.COLUMN, Change.ONLY_IN_DATABASE, "public", "t", "x", None,
             Column("x", "integer")),
    type_differs("public", "t", "y"),
    mismatch(ObjectType.COLUMN, Change.DIFFERS, "public", "t", "y", True, False,
             attribute="nullable"),
]


def test_written_file_accepts_exactly_todays_drift(tmp_path: Path) -> None:
    path = tmp_path / "expectations.yaml"
    write_expectations(path, AWKWARD)
    loaded = load_expectations(path)
    assert loaded.phases == DEFAULT_PHASES
    assert len(loaded.entries) == len(AWKWARD)
    assert all(e.reason == TODO_REASON and e.phase is None for e in loaded.entries)
    result = classify(AWKWARD, loaded, TODAY)
    assert [f.status for f in result.findings] == [Status.EXPECTED] * len(AWKWARD)
    assert result.stale == ()
    # each entry accepts its own mismatch, not a neighbour's
    assert sorted(f.expectation.path for f in result.findings if f.expectation) == sorted(
        exact_glob(m.path) for m in AWKWARD)
    # and nothing else: tomorrow's new drift is unexpected
    new = classify([table_only_in_models("public", "new")], loaded, TODAY)
    assert new.findings[0].status is Status.UNEXPECTED


def test_written_file_is_stable_and_never_overwritten(tmp_path: Path) -> None:
    assert render_expectations_yaml(AWKWARD) == render_expectations_yaml(list(reversed(AWKWARD)))
    path = tmp_path / "expectations.yaml"
    write_expectations(path, AWKWARD[:1])
    with pytest.raises(DriftError, match="already exists"):
        write_expectations(path, AWKWARD)
    write_expectations(path, AWKWARD, overwrite=True)
    assert len(load_expectations(path).entries) == len(AWKWARD)


def test_an_unwritable_expectations_file_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DriftError, match=r"^cannot write .*config/expectations.yaml: "):
        write_expectations(blocker / "expectations.yaml", AWKWARD)


def test_written_file_with_no_drift_and_own_phases(tmp_path: Path) -> None:
    path = write(tmp_path, render_expectations_yaml([], phases=[Phase(1, "now")]))
    assert load_expectations(path) == ExpectationsFile((Phase(1, "now", ""),), (), path)


def test_attribute_vocabulary_covers_every_attribute_the_comparators_emit() -> None:
    """ATTRIBUTES (what an expectation may name) is every attribute a comparator can produce."""
    import drift.compare as compare_package
    from drift.classify.expectations import ATTRIBUTES

    emitted: set[str] = set()
    for module_name in ("columns", "constraints", "domains", "enums", "exclusions", "indexes",
                        "sequences", "tables", "views"):
        module = getattr(compare_package, module_name)
        for name, value in vars(module).items():
            if name.endswith("_ATTRIBUTES") and isinstance(value, dict):
                emitted |= set(value)
    # the attributes named in place rather than in a table (enum labels, a view's SQL,
    # a constraint's name, a view that is a table, a unique constraint that is an index)
    emitted |= {"values", "definition", "name", "kind", "constraint_kind"}
    emitted.add(compare_package.long_names.ATTRIBUTE)  # any table-level kind (long_names.py)
    # how application SQL breaks (drift/sources/code/breaks.py): PostgreSQL's conditions,
    # a `*` whose columns change, and any other error a later state gives
    from drift.sources.code.breaks import CONDITIONS

    emitted |= set(CONDITIONS.values()) | {"result_columns_changed", "prepare_failed"}
    assert "nulls_not_distinct" in emitted and "partitioned_by" in emitted  # the scan worked
    assert emitted == set(ATTRIBUTES)


def test_cause_is_a_match_key(tmp_path: Path) -> None:
    from dataclasses import replace as _replace

    from drift.classify.classifier import classify as _classify
    from drift.classify.expectations import load_expectations as _load
    from drift.mismatch import Cause, Change, Mismatch, ObjectType, Severity

    path = tmp_path / "e.yaml"
    path.write_text("expected:\n  - path: '*'\n    cause: out_of_band\n    reason: hand fix\n")
    entries = _load(path)
    base = Mismatch(ObjectType.COLUMN, Change.ONLY_IN_DATABASE, "public", "t", "c", None,
                    None, None, Severity.WARNING)
    hand = _replace(base, cause=Cause.OUT_OF_BAND)
    late = _replace(base, table="u", cause=Cause.PENDING_MIGRATION)
    found = _classify([hand, late, _replace(base, table="v")], entries, date(2026, 1, 1))
    assert [f.status.value for f in found.findings] == ["expected", "unexpected", "unexpected"]

    path.write_text("expected:\n  - path: '*'\n    cause: someone\n    reason: x\n")
    with pytest.raises(DriftError, match=r"e.yaml:3: cause 'someone' is not one of: "
                                         "missing_migration, out_of_band"):
        _load(path)


def test_renames_are_read_with_their_lines(tmp_path: Path) -> None:
    from drift.classify.expectations import load_expectations

    path = tmp_path / "e.yaml"
    path.write_text("renames:\n  - {from: public.t.old, to: public.t.new}\n"
                    "  - {from: public.a, to: public.b}\nexpected: []\n", encoding="utf-8")
    renames = load_expectations(path).renames
    assert [(r.old, r.new) for r in renames] == [("public.t.old", "public.t.new"),
                                                 ("public.a", "public.b")]
    assert renames[0].source == f"{path}:2"


@pytest.mark.parametrize(("body", "line", "message"), [
    ("renames:\n  - {from: public.t.old}\n", 2, "needs a non-empty 'to'"),
    ("renames:\n  - {from: public.t.old, to: other.t.new}\n", 2,
     "must rename within one table or schema"),
    ("renames:\n  - {from: public.t.old, to: public.t.new, why: x}\n", 2, "unknown key"),
    ("renames: public.t.old\n", 1, "'renames' must be a list"),
])
def test_bad_renames_name_file_and_line(tmp_path: Path, body: str, line: int,
                                        message: str) -> None:
    from drift.classify.expectations import load_expectations
    from drift.errors import DriftError

    path = tmp_path / "e.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DriftError, match=f"{line}: .*{message}"):
        load_expectations(path)
