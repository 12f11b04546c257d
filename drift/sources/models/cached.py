"""The declared snapshot of the models, from the cache while their source files are unchanged.

At 5,000 tables the import of the models is most of ``drift check``; a
pre-commit hook runs it on every commit. The cold run records every source
file the import pulled in (``sys.modules``' ``__file__``); the warm run reads
the snapshot back without importing anything, as long as each of those files
still has the bytes it had (and SQLAlchemy's and drift's versions are the same).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace

from drift.schema import Snapshot
from drift.sources.cache import (
    SnapshotCache,
    files_unchanged,
    models_key,
    module_files,
    strings,
)

KIND = "models"


@dataclass(frozen=True, slots=True)
class DeclaredModels:
    snapshot: Snapshot  # every schema the models declare (and the default one)
    schemas: frozenset[str]  # the schemas the models put a table in
    cached: bool

    def only(self, schemas: tuple[str, ...]) -> Snapshot:
        return replace(self.snapshot,
                       schemas=tuple(s for s in self.snapshot.schemas if s.name in schemas))

    @property
    def table_count(self) -> int:
        return sum(len(s.tables) for s in self.snapshot.schemas)


def declare_models(references: tuple[str, ...], wanted: tuple[str, ...],
                   cache: SnapshotCache | None) -> DeclaredModels:
    """The models' snapshot of every schema they declare plus ``wanted``."""
    key = models_key(references)
    if cache is not None:
        data = cache.load(KIND, key)
        built, declared = (strings(data.get(k)) if data else None for k in ("built", "schemas"))
        if (built is not None and declared is not None and set(wanted) <= set(built)
                and data is not None and files_unchanged(data.get("files"))):
            snapshot = cache.load_snapshot(KIND, key)
            if snapshot is not None:
                return DeclaredModels(snapshot, frozenset(declared), True)
    from drift.normalize import canonical as nz
    from drift.sources.models.declare import declare_snapshot, declared_schemas

    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as declare_snapshot does, before the first import
    before = set(sys.modules)
    schemas = declared_schemas(references)  # imports the models
    built = tuple(sorted(schemas | set(wanted) | {nz.DEFAULT_SCHEMA}))
    snapshot = declare_snapshot(references, built)
    if cache is not None:
        tops = {ref.partition(":")[0].strip().split(".")[0] for ref in references}
        # the modules this import loaded, and the models' own package even when something
        # (a conftest, an app factory) imported it before drift did
        names = (set(sys.modules) - before) | {
            n for n in sys.modules if n.split(".")[0] in tops}
        cache.store_snapshot(KIND, key, snapshot, {
            "built": list(built),
            "schemas": sorted(schemas),
            "files": module_files(sorted(names)),
        })
    return DeclaredModels(snapshot, schemas, False)
