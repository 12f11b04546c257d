"""Whose fault is a finding? With models, migrations and a live database, each side is compared.

A finding of models vs live database keeps its id across the other two
comparisons (the id is kind + path + change + attribute, and the migrations'
schema stands on the side it replaces), so the cause is set algebra on ids:

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
from dataclasses import replace

from drift.compare import compare_snapshots
from drift.mismatch import Cause, Mismatch
from drift.schema import Snapshot


def _ids(mismatches: Iterable[Mismatch]) -> frozenset[str]:
    return frozenset(m.id for m in mismatches)


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
    models_vs_head = _ids(compare_snapshots(models, head))
    head_vs_live = _ids(compare_snapshots(head, live))
    behind_by: frozenset[str] = frozenset()
    if at_live_revision is not None:
        # explained by the pending revisions: the live database matches its own revision,
        # and the revisions after it change this very object
        behind_by = _ids(compare_snapshots(head, at_live_revision)) - _ids(
            compare_snapshots(at_live_revision, live))
    out = []
    for m in mismatches:
        in_mh, in_hl = m.id in models_vs_head, m.id in head_vs_live
        cause: Cause | None = None
        if in_mh and in_hl:
            cause = Cause.BOTH
        elif in_mh:
            cause = Cause.MISSING_MIGRATION
        elif in_hl:
            cause = Cause.PENDING_MIGRATION if m.id in behind_by else Cause.OUT_OF_BAND
        out.append(replace(m, cause=cause))
    return tuple(out)
