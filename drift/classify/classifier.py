"""Classification: each mismatch expected or unexpected by the first entry of the
expectations file that matches it; entries that match nothing are stale."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from drift.mismatch import Classification, Expectation, Finding, Mismatch, Status, exact_glob

if TYPE_CHECKING:
    from drift.classify.expectations import ExpectationsFile


def matches(expectation: Expectation, mismatch: Mismatch) -> bool:
    e = expectation
    return (
        (e.object_type is None or e.object_type is mismatch.object_type)
        and (e.change is None or e.change is mismatch.change)
        and (e.attribute is None or e.attribute == mismatch.attribute)
        and (e.cause is None or e.cause is mismatch.cause)
        and fnmatch.fnmatchcase(mismatch.path, e.path)
    )


class _EntryIndex:
    """Finds the first matching entry without trying every entry on every mismatch.

    ``drift expect`` writes one exact entry per mismatch, so a file of thousands
    of entries is normal; trying each on each mismatch is quadratic (minutes).
    An entry whose glob matches one path only is looked up by that path; the
    entries with wildcards are still tried in file order.
    """

    def __init__(self, entries: Sequence[Expectation]) -> None:
        self.entries = entries
        self.by_path: dict[str, list[int]] = {}
        self.wildcards: list[int] = []
        for i, e in enumerate(entries):
            literal = _literal_path(e.path)
            if literal is None:
                self.wildcards.append(i)
            else:
                self.by_path.setdefault(literal, []).append(i)

    def first_match(self, mismatch: Mismatch) -> int | None:
        exact = next((i for i in self.by_path.get(mismatch.path, ())
                      if matches(self.entries[i], mismatch)), None)
        for i in self.wildcards:
            if exact is not None and i > exact:
                break
            if matches(self.entries[i], mismatch):
                return i
        return exact


_GLOB_ESCAPE = re.compile(r"\[([*?\[])\]")


def _literal_path(glob: str) -> str | None:
    """The one path ``glob`` matches, or None when it has a wildcard (``[*]`` is a plain ``*``)."""
    path = _GLOB_ESCAPE.sub(r"\1", glob)
    return path if exact_glob(path) == glob else None


def classify(
    mismatches: Sequence[Mismatch], expectations: ExpectationsFile | None, today: date
) -> Classification:
    """Each mismatch with its status; the first matching entry (in file order) wins."""
    entries = expectations.entries if expectations else ()
    index = _EntryIndex(entries)
    used: set[int] = set()
    findings: list[Finding] = []
    for m in sorted(mismatches, key=lambda x: x.sort_key):
        hit = index.first_match(m)
        if hit is None:
            findings.append(Finding(m, Status.UNEXPECTED))
            continue
        used.add(hit)
        e = entries[hit]
        expired = e.expires is not None and e.expires < today
        findings.append(Finding(m, Status.UNEXPECTED if expired else Status.EXPECTED, e, expired))
    stale = tuple(e for i, e in enumerate(entries) if i not in used)
    return Classification(tuple(findings), stale, expectations.phases if expectations else (),
                          expectations.renames if expectations else ())
