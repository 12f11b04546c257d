"""The declared snapshot of the models, from the cache while what their import read is unchanged.

At 5,000 tables the import of the models is most of ``drift check``; a
pre-commit hook runs it on every commit. The cold run (the probe, in drift's
process or in the project's interpreter) records what the import read; the
warm run reads the snapshot back without importing anything while all of it
is as it was:

- the key: the models references, the working directory, ``PYTHONPATH``, the
  interpreter (its path and the binary behind it) and drift's version;
- under a key, a few variants (the last ``VARIANTS`` runs whose environment
  differed: a schema name or a feature flag taken from it), each with what its
  import read: every source file of a module the import loaded (SQLAlchemy's
  own among them, so its version too) and every other file it opened, with
  their digests; the ``.py`` names of each folder it listed; the digest of
  each environment variable it read (or that it was unset), and of the whole
  environment if it read all of it.

The snapshot keeps each table's source locations, so a warm run's outputs are
a cold run's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from drift.schema import Snapshot
from drift.sources.cache import SnapshotCache, digest, drift_version, files_unchanged
from drift.sources.models.project_python import Interpreter, own_interpreter, run_probe

KIND = "models"
VARIANTS = 8  # under one key: the models imported with as many different environments


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


def models_key(references: tuple[str, ...], python: Interpreter) -> str:
    return digest(["models", *references, os.getcwd(), os.environ.get("PYTHONPATH", ""),
                   *python.identity(), drift_version()])


def declare_models(references: tuple[str, ...], wanted: tuple[str, ...],
                   cache: SnapshotCache | None,
                   python: Interpreter | None = None) -> DeclaredModels:
    """The models' snapshot of every schema they declare plus ``wanted``, imported by
    ``python`` (default: drift's own interpreter, in this process)."""
    python = python if python is not None else own_interpreter()
    key = models_key(references, python)
    variants = _variants(cache.load(KIND, key)) if cache is not None else []
    for variant in variants:
        if set(wanted) <= set(variant.get("built", ())) and \
                inputs_unchanged(variant.get("inputs")):
            assert cache is not None
            snapshot = cache.load_snapshot(KIND, str(variant.get("key")))
            if snapshot is not None:
                return DeclaredModels(snapshot, frozenset(variant.get("schemas", ())), True)
    if python.own:
        from drift.sources.migrations.driver_guard import install
        from drift.sources.models.probe import declare

        # the drivers wrapped before any project module binds their connect (env.py may
        # later call a connect that a module imported here took from psycopg2)
        install()
        found = declare(references, wanted)
        snapshot, schemas = found.snapshot, frozenset(found.schemas)
        built, inputs = tuple(found.built), found.inputs
    else:
        answer = run_probe(python, references, wanted)
        snapshot, schemas, built, inputs = (answer.snapshot, answer.schemas, answer.built,
                                            answer.inputs)
    if cache is not None:
        env = json.dumps([inputs.get("env"), inputs.get("whole_environment")], sort_keys=True)
        variant_key = digest([key, env])
        cache.store_snapshot(KIND, variant_key, snapshot)
        variant = {"key": variant_key, "built": list(built), "schemas": sorted(schemas),
                   "inputs": inputs}
        others = [v for v in variants if v.get("key") != variant_key]
        cache.store(KIND, key, {"variants": [variant, *others][:VARIANTS]})
    return DeclaredModels(snapshot, schemas, False)


def _variants(data: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    found = data.get("variants") if data is not None else None
    if not isinstance(found, list):
        return []
    return [v for v in found if isinstance(v, Mapping)]


def inputs_unchanged(inputs: Any) -> bool:
    """Whether everything the cold run's import read is as it was then."""
    from drift.sources.models.probe import (
        environment_digest,
        py_listing,
        value_digest,
    )

    if not isinstance(inputs, Mapping):
        return False
    files, listed, env = inputs.get("files"), inputs.get("listed"), inputs.get("env")
    if not (isinstance(files, Mapping) and isinstance(listed, Mapping)
            and isinstance(env, Mapping)):
        return False
    whole = inputs.get("whole_environment")
    if whole is not None and whole != environment_digest(os.environ):
        return False
    return (all(value_digest(os.environ.get(name)) == sha for name, sha in env.items())
            and all(py_listing(folder) == sha for folder, sha in listed.items())
            and files_unchanged(files))
