"""Every error of the expectations file, word for word, with the line it names; and the file
`drift expect` writes, byte for byte. A user fixes their file from these lines alone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from drift.classify.expectations import ATTRIBUTES, load_expectations
from drift.classify.expectations_writer import render_expectations_yaml, write_expectations
from drift.errors import DriftError
from drift.mismatch import Change, Mismatch, ObjectType, Phase, Severity

ENTRY_KEYS = "path, object_type, change, attribute, reason, phase, ticket, owner, expires, cause"
OBJECT_TYPES = ("schema, table, column, primary_key, foreign_key, index, unique_constraint, "
                "check_constraint, enum, sequence, view, domain, exclusion_constraint, query")

# (file, line, message): the error is "<file>:<line>: <message>"
BAD_FILES = [
    ("", 1, "the file is empty (give 'expected:' entries, or no file)"),
    ("# nothing but a comment\n", 1, "the file is empty (give 'expected:' entries, or no file)"),
    ("- path: a\n", 1, "the file must be a mapping with 'phases' and 'expected'"),
    ("just text\n", 1, "the file must be a mapping with 'phases' and 'expected'"),
    ("phases: []\n\nexpect: []\n", 3,
     "unknown key 'expect' in the file (allowed: phases, expected, renames)"),
    ("expected: []\n1: x\n", 2, "a key must be text, not 1"),
    ("expected: []\nphases: []\nexpected: []\n", 3, "duplicate key 'expected'"),
    ("phases: {number: 1}\n", 1, "'phases' must be a list"),
    ("expected: []\nrenames: text\n", 2, "'renames' must be a list"),
    ("expected:\n  - just a path\n", 1,
     "each item of 'expected' must be a mapping, not 'just a path'"),
    ("expected:\n  - [1, 2, 3, 4, 5, 6]\n", 1,
     "each item of 'expected' must be a mapping, not [1, 2, 3, 4, ...]"),
    # phases
    ("phases:\n  - number: 1\n    name: a\n  - number: 1\n    name: b\n", 4,
     "phase number 1 is declared twice"),
    ("phases:\n  - name: a\n", 2, "a phase needs a 'number'"),
    ("phases:\n  - number: 0\n    name: a\n", 2,
     "'number' must be a positive whole number, not 0"),
    ("phases:\n  - number: true\n    name: a\n", 2,
     "'number' must be a positive whole number, not True"),
    ("phases:\n  - number: '1'\n    name: a\n", 2,
     "'number' must be a positive whole number, not '1'"),
    ("phases:\n  - number: 1\n", 2, "a phase needs a non-empty 'name'"),
    ("phases:\n  - number: 1\n    name: '  '\n", 3, "a phase needs a non-empty 'name'"),
    ("phases:\n  - number: 1\n    name: 7\n", 3, "'name' must be text, not 7"),
    ("phases:\n  - number: 1\n    name: a\n    title: b\n", 4,
     "unknown key 'title' in a phase (allowed: number, name, description)"),
    ("phases:\n  - number: 1\n    name: a\n    description: [x]\n", 4,
     "'description' must be text, not ['x']"),
    # expected entries
    ("expected:\n  - path: a\n    reasons: b\n", 3,
     f"unknown key 'reasons' in expected entry (allowed: {ENTRY_KEYS})"),
    ("expected:\n  - reason: b\n", 2, "an expected entry needs a non-empty 'path'"),
    ("expected:\n  - path: ''\n    reason: b\n", 2, "an expected entry needs a non-empty 'path'"),
    ("expected:\n  - path: a\n", 2, "an expected entry needs a non-empty 'reason'"),
    ("expected:\n  - path: a\n    reason: \" \"\n", 3,
     "an expected entry needs a non-empty 'reason'"),
    ("expected:\n  - path: 12\n    reason: b\n", 2, "'path' must be text, not 12"),
    ("expected:\n  - path: a\n    reason: true\n", 3, "'reason' must be text, not True"),
    ("expected:\n  - path: a\n    reason: b\n    ticket: false\n", 4,
     "'ticket' must be text, not False"),
    ("expected:\n  - path: a\n    reason: b\n    owner: 1.5\n", 4, "'owner' must be text, not 1.5"),
    ("phases:\n  - {number: 1, name: a}\n  - {number: 2, name: b}\nexpected:\n"
     "  - path: a\n    reason: b\n    phase: 3\n", 7, "phase 3 is not declared (phases: 1, 2)"),
    ("phases: []\nexpected:\n  - path: a\n    reason: b\n    phase: 1\n", 5,
     "phase 1 is not declared (phases: none)"),
    ("expected:\n  - path: a\n    reason: b\n    phase: -2\n", 4,
     "'phase' must be a positive whole number, not -2"),
    ("expected:\n  - path: a\n    reason: b\n    object_type: tabel\n", 4,
     f"object_type 'tabel' is not one of: {OBJECT_TYPES}"),
    ("expected:\n  - path: a\n    reason: b\n    change: gone\n", 4,
     "change 'gone' is not one of: only_in_models, only_in_database, differs"),
    ("expected:\n  - path: a\n    reason: b\n    cause: fate\n", 4,
     "cause 'fate' is not one of: missing_migration, out_of_band, pending_migration, both"),
    ("expected:\n  - path: a\n    reason: b\n    change: 3\n", 4,
     "change '3' is not one of: only_in_models, only_in_database, differs"),
    ("expected:\n  - path: a\n    reason: b\n    attribute: typ\n", 4,
     f"unknown attribute 'typ' (allowed: {', '.join(ATTRIBUTES)})"),
    ("expected:\n  - path: a\n    reason: b\n    expires: 2027-03-31 10:00:00\n", 4,
     "expires '2027-03-31 10:00:00' is a time, not a date"),
    ("expected:\n  - path: a\n    reason: b\n    expires: 2027-02-30\n", 4,
     "expires '2027-02-30' is not a date (YYYY-MM-DD)"),
    ("expected:\n  - path: a\n    reason: b\n    expires: soon\n", 4,
     "expires 'soon' is not a date (YYYY-MM-DD)"),
    ("expected:\n  - path: a\n    reason: b\n    expires: 2027\n", 4,
     "expires 2027 is not a date (YYYY-MM-DD)"),
    ("expected:\n  - path: a\n    reason: b\n    expires: 31/03/2027\n", 4,
     "expires '31/03/2027' is not a date (YYYY-MM-DD)"),
    # renames
    ("renames:\n  - from: public.a.x\n", 2, "a rename needs a non-empty 'to'"),
    ("renames:\n  - to: public.a.x\n", 2, "a rename needs a non-empty 'from'"),
    ("renames:\n  - from: public.a.x\n    to: public.a.y\n    into: z\n", 4,
     "unknown key 'into' in a rename (allowed: from, to)"),
    ("renames:\n  - from: public.a.x\n    to: public.b.y\n", 2,
     "a rename must rename within one table or schema: 'public.a.x' -> 'public.b.y'"),
    # aliases: refused where the anchored node is used again
    ("phases:\n  - &p {number: 1, name: a}\nexpected:\n  - *p\n", 2,
     "YAML anchors and aliases (&name, *name) are not allowed: the anchor on this line is "
     "used again"),
    # YAML syntax: the line of the problem and libyaml's words for it (PyYAML's C loader)
    ("expected:\n  - path: a\n    reason: [b\n", 4,
     "YAML syntax error: did not find expected ',' or ']'"),
    ("expected:\n  - path: a\n   reason: b\n", 3,
     "YAML syntax error: did not find expected '-' indicator"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_FILES,
                         ids=[m[:40] for _, _, m in BAD_FILES])
def test_each_error_names_file_and_line_word_for_word(tmp_path: Path, text: str, line: int,
                                                      message: str) -> None:
    path = tmp_path / "drift-expectations.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_a_long_value_is_shortened_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("expected:\n  - path: a\n    reason: b\n    change: " + "x" * 100 + "\n",
                    encoding="utf-8")
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    assert str(caught.value) == (f"{path}:4: change '{'x' * 27}...{'x' * 28}' is not one of: "
                                 "only_in_models, only_in_database, differs")


@pytest.mark.parametrize(("data", "message"), [
    (b"expected: []\nreason: \xff\n", "not UTF-8 text"),
    (b"expected: []\n# a bell \x07\n",
     "YAML syntax error: unacceptable character #x0007: control characters are not allowed"),
])
def test_unreadable_text_is_one_line_without_a_line_number(tmp_path: Path, data: bytes,
                                                           message: str) -> None:
    path = tmp_path / "e.yaml"
    path.write_bytes(data)
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_folder_in_place_of_the_file(tmp_path: Path) -> None:
    with pytest.raises(DriftError) as caught:
        load_expectations(tmp_path)
    assert str(caught.value) == f"cannot read expectations file {tmp_path}: Is a directory"


def test_the_values_an_entry_may_take(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(
        "phases:\n  - number: 2\n    name: later\nexpected:\n"
        "  - path: 'public.t'\n    reason: r\n    ticket: 1234\n    owner: data\n"
        "    expires: '2027-03-31'\n    phase: 2\n    attribute: type\n"
        "  - path: public.u\n    reason: s\n    expires: 2027-04-01\n",
        encoding="utf-8")
    loaded = load_expectations(path)
    assert loaded.phases == (Phase(2, "later", ""),)
    first, second = loaded.entries
    assert (first.ticket, first.owner, first.expires, first.phase, first.attribute,
            first.source) == ("1234", "data", date(2027, 3, 31), 2, "type", f"{path}:5")
    assert (second.ticket, second.owner, second.expires, second.phase, second.attribute,
            second.object_type, second.change, second.cause, second.source) == (
        None, None, date(2027, 4, 1), None, None, None, None, None, f"{path}:12")


def test_the_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("expected:\n  - path: public.café\n    reason: naïve ✓\n", encoding="utf-8")
    code = ("import sys; from pathlib import Path; from drift.classify.expectations import "
            "load_expectations; e = load_expectations(Path(sys.argv[1])).entries[0]; "
            "sys.stdout.buffer.write(ascii((e.path, e.reason)).encode())")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0",
           "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}
    # run from the folder holding this checkout's drift package (the one under test)
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env, cwd=root,
                         capture_output=True, check=True).stdout
    assert out == b"('public.caf\\xe9', 'na\\xefve \\u2713')"


def _mismatch(schema: str, table: str | None, name: str | None, object_type: ObjectType,
              change: Change, attribute: str | None = None) -> Mismatch:
    return Mismatch(object_type, change, schema, table, name, attribute, None, None,
                    Severity.WARNING)


LONG = "t" * 63


def test_the_written_file_byte_for_byte(tmp_path: Path) -> None:
    mismatches = [
        _mismatch("public", "café", "prix", ObjectType.COLUMN, Change.DIFFERS, "type"),
        _mismatch("public", LONG, None, ObjectType.TABLE, Change.ONLY_IN_DATABASE),
        _mismatch("billing", "orders", "a*b", ObjectType.INDEX, Change.ONLY_IN_MODELS),
    ]
    expected = (
        "# drift expectations: the drift this project plans to keep, for now.\n"
        "# Written by `drift expect` to accept today's drift: replace each TODO reason,\n"
        "# give each entry a phase (and a ticket, an owner, an expiry date if you like),\n"
        "# and merge entries with globs such as \"quantum.*\".\n"
        "phases:\n"
        "- number: 1\n  name: current\n  description: drift accepted as it is today\n"
        "- number: 2\n  name: short term\n  description: to fix in the next few weeks\n"
        "- number: 3\n  name: medium term\n  description: to fix in the next few months\n"
        "- number: 4\n  name: long term\n"
        "  description: to fix when the legacy tables are retired\n"
        "expected:\n"
        "- path: billing.orders.a[*]b\n  object_type: index\n  change: only_in_models\n"
        "  reason: 'TODO: say why this drift is expected'\n"
        "- path: public.café.prix\n  object_type: column\n  change: differs\n"
        "  attribute: type\n  reason: 'TODO: say why this drift is expected'\n"
        f"- path: public.{LONG}\n  object_type: table\n  change: only_in_database\n"
        "  reason: 'TODO: say why this drift is expected'\n"
    )
    assert render_expectations_yaml(mismatches) == expected
    path = tmp_path / "e.yaml"
    write_expectations(path, mismatches)
    assert path.read_bytes() == expected.encode("utf-8")


def test_the_written_file_keeps_the_phases_given(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    write_expectations(path, [], [Phase(7, "été", "à faire")])
    assert path.read_text(encoding="utf-8").split("\n", 4)[4] == (
        "phases:\n- number: 7\n  name: été\n  description: à faire\nexpected: []\n")
    write_expectations(path, [], [], overwrite=True)
    assert load_expectations(path).phases == ()


def test_a_long_path_with_spaces_stays_on_one_line(tmp_path: Path) -> None:
    # YAML folds a long plain scalar at its spaces: a path must stay whole, for grep and diffs
    table = "a table with a long name that has many words in it"
    column = "and a column with spaces too"
    text = render_expectations_yaml(
        [_mismatch("public", table, column, ObjectType.COLUMN, Change.ONLY_IN_MODELS)], [])
    assert text.splitlines()[6:] == [
        "- path: public.a table with a long name that has many words in it.and a column with "
        "spaces too",
        "  object_type: column",
        "  change: only_in_models",
        "  reason: 'TODO: say why this drift is expected'",
    ]
