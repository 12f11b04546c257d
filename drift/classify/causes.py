"""Whose fault is a finding? With models, migrations and a live database, each side is compared.

A finding of models vs live database is looked for in the other two
comparisons (models vs the migrations' head, head vs live) by the object it is
about (kind, schema, table, name), not only by its id: the same object can be a
different finding in each comparison. An index the models declare with one
operator class, that no revision makes and that production got by hand with
another, is ``differs`` (models vs live), ``only_in_models`` (models vs head)
and ``only_in_database`` (head vs live). A comparison speaks of the finding
when it has the finding's own id, or a finding on the same object where either
is about the object's presence (absent on one side, every attribute differs);
two ``differs`` of different attributes are two findings.

- ``missing_migration``: the models differ from the migrations' head, which the
  live database agrees with;
- ``out_of_band``: the live database differs from the head, which the models
  agree with;
- ``pending_migration``: the live database is at an older revision, agrees with
  the schema at that revision, and the revisions after it make the difference;
- ``both``: models and migrations disagree, and the live database with both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from drift.compare import compare_snapshots
from drift.mismatch import Cause, Change, Mismatch
from drift.schema import Snapshot

ObjectKey = tuple[str, str, str | None, str | None]


def _object(m: Mismatch) -> ObjectKey:
    return (m.object_type.value, m.schema, m.table, m.name)


@dataclass(frozen=True, slots=True)
class _Comparison:
    """One comparison's findings, by id and by object."""

    ids: frozenset[str]
    presence: frozenset[ObjectKey]  # objects absent on one side
    objects: frozenset[ObjectKey]  # objects with any finding

    @classmethod
    def of(cls, mismatches: Iterable[Mismatch]) -> _Comparison:
        found = list(mismatches)
        return cls(frozenset(m.id for m in found),
                   frozenset(_object(m) for m in found if m.change is not Change.DIFFERS),
                   frozenset(_object(m) for m in found))

    def speaks_of(self, m: Mismatch) -> bool:
        if m.id in self.ids:
            return True
        key = _object(m)
        if m.change is not Change.DIFFERS:
            return key in self.objects
        return key in self.presence


def assign_causes(
    mismatches: Iterable[Mismatch],
    models: Snapshot,
    head: Snapshot,
    live: Snapshot,
    at_live_revision: Snapshot | None = None,
) -> tuple[Mismatch, ...]:
    """``mismatches`` (models vs ``live``) with their cause; None where no rule applies.

    ``at_live_revision`` is the schema the history builds up to the live
    database's revision, when that revision is not the head.
    """
    models_vs_head = _Comparison.of(compare_snapshots(models, head))
    head_vs_live = _Comparison.of(compare_snapshots(head, live))
    pending: _Comparison | None = None
    settled: _Comparison | None = None
    if at_live_revision is not None:
        # explained by the pending revisions: the live database matches its own revision,
        # and the revisions after it change this very object
        pending = _Comparison.of(compare_snapshots(head, at_live_revision))
        settled = _Comparison.of(compare_snapshots(at_live_revision, live))
    out = []
    for m in mismatches:
        in_mh, in_hl = models_vs_head.speaks_of(m), head_vs_live.speaks_of(m)
        cause: Cause | None = None
        if in_mh and in_hl:
            cause = Cause.BOTH
        elif in_mh:
            cause = Cause.MISSING_MIGRATION
        elif in_hl:
            behind = pending is not None and settled is not None and (
                pending.speaks_of(m) and not settled.speaks_of(m))
            cause = Cause.PENDING_MIGRATION if behind else Cause.OUT_OF_BAND
        out.append(replace(m, cause=cause))
    return tuple(out)
