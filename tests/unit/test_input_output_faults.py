"""Faults on the way in and out: a disk that fails a write, an expectations file a user got wrong.

Each must end as one ``DriftError`` line (exit 2 at the command line), leave the
previous output whole and leave no temporary file behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from drift.classify.expectations import load_expectations
from drift.errors import DriftError
from drift.files import write_atomic, write_new


def _eio(*args: object) -> None:
    raise OSError(errno.EIO, os.strerror(errno.EIO))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_fsync_keeps_the_previous_report(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "drift.json"
    report.write_text("last week's report\n", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", _eio)
    with pytest.raises(DriftError) as caught:
        write_atomic(report, "this week's report\n")
    assert str(caught.value) == f"cannot write {report}: Input/output error"
    assert report.read_text(encoding="utf-8") == "last week's report\n"
    assert _leftovers(tmp_path) == []


def test_a_failed_replace_keeps_the_previous_report(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "drift.md"
    report.write_text("old\n", encoding="utf-8")
    # rename(2) across devices, as when the output folder is another mount
    monkeypatch.setattr(os, "replace",
                        lambda *a: (_ for _ in ()).throw(OSError(errno.EXDEV, os.strerror(
                            errno.EXDEV))))
    with pytest.raises(DriftError) as caught:
        write_atomic(report, "new\n")
    assert str(caught.value) == f"cannot write {report}: Invalid cross-device link"
    assert report.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_report_path_that_is_a_folder_is_refused_by_the_real_rename(tmp_path: Path) -> None:
    target = tmp_path / "drift.html"
    target.mkdir()
    (target / "inside.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(DriftError) as caught:
        write_atomic(target, "<html></html>")
    assert str(caught.value) == f"cannot write {target}: Is a directory"
    assert (target / "inside.txt").read_text(encoding="utf-8") == "kept"
    assert _leftovers(tmp_path) == []


def test_a_failed_fsync_writes_no_revision(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    revision = tmp_path / "versions" / "abc_phase_1.py"
    monkeypatch.setattr(os, "fsync", _eio)
    with pytest.raises(DriftError) as caught:
        write_new(revision, "revision = 'abc'\n")
    assert str(caught.value) == f"cannot write {revision}: Input/output error"
    assert list(revision.parent.iterdir()) == []


def test_a_filesystem_without_hard_links_writes_no_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    revision = tmp_path / "abc_phase_1.py"
    monkeypatch.setattr(os, "link", lambda *a: (_ for _ in ()).throw(
        OSError(errno.EPERM, os.strerror(errno.EPERM))))
    with pytest.raises(DriftError) as caught:
        write_new(revision, "revision = 'abc'\n")
    assert str(caught.value) == f"cannot write {revision}: Operation not permitted"
    assert list(tmp_path.iterdir()) == []


def test_an_expectations_file_saved_as_latin_1_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "drift.yaml"
    path.write_bytes("expected:\n  - path: public.caf\u00e9\n    reason: x\n".encode("latin-1"))
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    assert str(caught.value) == f"{path}: not UTF-8 text"


@pytest.mark.parametrize("written", ["2025-09-30 10:00:00", "2025-09-30T10:00:00Z"])
def test_an_expiry_with_a_time_of_day_is_refused(tmp_path: Path, written: str) -> None:
    path = tmp_path / "drift.yaml"
    path.write_text(f"expected:\n  - path: a\n    reason: x\n    expires: {written}\n",
                    encoding="utf-8")
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    # YAML reads these as timestamps; the message quotes them as the user wrote the date
    message = str(caught.value)
    assert message.startswith(f"{path}:4: expires '2025-09-30")
    assert message.endswith("' is a time, not a date")
    assert "datetime" not in message


@pytest.mark.parametrize(("text", "message"), [
    # the line of the phase itself, where the number is missing
    ("phases:\n  - name: current\n", ":2: a phase needs a 'number'"),
    ("phases:\n  - number: 1\n    name: current\n    color: red\n",
     ":4: unknown key 'color' in a phase (allowed: number, name, description)"),
    ("expected:\n  - path: a\n    reason: [unclosed\n", ":4: YAML syntax error: "),
])
def test_a_wrong_phase_or_broken_yaml_names_its_line(tmp_path: Path, text: str,
                                                      message: str) -> None:
    path = tmp_path / "drift.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DriftError) as caught:
        load_expectations(path)
    assert str(caught.value).startswith(f"{path}{message}")
