"""The onboarding reference: every table of each schema, and its ER diagrams.

Tables come from the live database; tables the models declare but the database
lacks are listed too (marked), so planned tables are part of the reference. The
declaring class comes from the models side (``Table.declared_by``), with its
file and line. Tables and columns carry the drift found on them, so the diagram
(laid out in ``diagram``, drawn by the template as inline SVG, so it displays
offline) shows where the drift is. Alembic's version table is bookkeeping, not
drift: it is listed as such and not drawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from drift.render.describe import describe, describe_default
from drift.render.diagram import Diagram, diagrams, panel
from drift.render.reference_tables import ColumnRef, Relation, TableRef
from drift.render.source import declared_at
from drift.schema import Domain, EnumType, ForeignKey, Sequence, Snapshot, Table, View

ALEMBIC_VERSION_TABLE = "alembic_version"
DriftMarks = Mapping[tuple[str, ...], str]  # (schema, table[, column]) -> worst status


@dataclass(frozen=True, slots=True)
class MermaidRelation:
    left: str  # the referred table (one)
    right: str  # the referring table (many)
    label: str
    left_end: str = "||"  # Mermaid's cardinality marks: exactly one, or |o zero or one
    right_end: str = "o{"  # zero or many, or o| zero or one (unique referring columns)


@dataclass(frozen=True, slots=True)
class SchemaRef:
    name: str
    tables: tuple[TableRef, ...]
    diagrams: tuple[Diagram, ...]
    relations: tuple[MermaidRelation, ...]
    diagram_note: str
    others: tuple[tuple[str, str, str], ...] = ()  # (kind, name, description): enums, views, ...
    # a table's anchor -> its own diagram: the table and its foreign-key neighbours
    panels: dict[str, Diagram] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReferenceView:
    schemas: tuple[SchemaRef, ...]
    anchors: dict[tuple[str, str], str]


def anchor(schema: str, table: str) -> str:
    # names may hold any character: the anchor is a digest, the text stays escaped
    return "t-" + hashlib.sha1(f"{schema}\x00{table}".encode()).hexdigest()[:12]


def _fk_key(fk: ForeignKey) -> tuple[tuple[str, ...], str, str, tuple[str, ...]]:
    return (tuple(fk.columns), fk.referred_schema, fk.referred_table, tuple(fk.referred_columns))


def _models_only_fks(database: Snapshot, models: Snapshot
                     ) -> dict[tuple[str, str], list[ForeignKey]]:
    """(schema, table) -> the foreign keys only the models declare, of tables both sides
    have (drawn dashed beside the database's)."""
    live = {(s.name, t.name): {_fk_key(fk) for fk in t.foreign_keys}
            for s in database.schemas for t in s.tables}
    out: dict[tuple[str, str], list[ForeignKey]] = {}
    for s in models.schemas:
        for t in s.tables:
            have = live.get((s.name, t.name))
            if have is not None:
                extra = [fk for fk in t.foreign_keys if _fk_key(fk) not in have]
                if extra:
                    out[(s.name, t.name)] = extra
    return out


def _tables(database: Snapshot, models: Snapshot) -> dict[tuple[str, str], tuple[Table, str, str]]:
    """(schema, table) -> (definition, presence, declared_by)."""
    declared = {(s.name, t.name): t for s in models.schemas for t in s.tables}
    out: dict[tuple[str, str], tuple[Table, str, str]] = {}
    for s in database.schemas:
        for t in s.tables:
            model = declared.get((s.name, t.name))
            presence = "both" if model else "database"
            out[(s.name, t.name)] = (t, presence, (model.declared_by or "") if model else "")
    for key, t in declared.items():
        out.setdefault(key, (t, "models", t.declared_by or ""))
    for key, (t, presence, by) in out.items():
        if presence == "database" and key[1] == ALEMBIC_VERSION_TABLE:
            out[key] = (t, "alembic", by)
    return dict(sorted(out.items()))


_RANK = {"unexpected": 2, "expected": 1, "": 0}


def worst(*statuses: str) -> str:
    return max(statuses, key=lambda s: _RANK.get(s, 0), default="")


def _unique_columns(t: Table) -> set[tuple[str, ...]]:
    keys = {tuple(sorted(u.columns)) for u in t.unique_constraints}
    keys |= {tuple(sorted(e.expression for e in ix.elements)) for ix in t.indexes
             if ix.unique and ix.where is None and all(e.is_column for e in ix.elements)}
    if t.primary_key:
        keys.add(tuple(sorted(t.primary_key.columns)))
    return keys


def build_reference(
    database: Snapshot,
    models: Snapshot,
    marks: DriftMarks | None = None,
    cwd: Path | None = None,
) -> ReferenceView:
    """``marks`` (from the findings) put the drift on tables and columns."""
    marks = marks or {}
    tables = _tables(database, models)
    anchors = {key: anchor(*key) for key in tables}
    models_only = _models_only_fks(database, models)
    referring: dict[tuple[str, str], list[Relation]] = {}
    for (schema, name), (t, _, _) in tables.items():
        for fk in (*t.foreign_keys, *models_only.get((schema, name), ())):
            target = (fk.referred_schema, fk.referred_table)
            referring.setdefault(target, []).append(
                Relation(
                    f"{schema}.{name}",
                    schema,
                    name,
                    anchors[(schema, name)],
                    ", ".join(fk.columns),
                    fk.columns,
                    fk.referred_columns,
                )
            )
    schemas: dict[str, list[TableRef]] = {s.name: [] for s in (*database.schemas, *models.schemas)}
    for (schema, name), (t, presence, declared_by) in tables.items():
        module, _, cls = declared_by.partition(":")
        pk = set(t.primary_key.columns) if t.primary_key else set()
        extra = models_only.get((schema, name), [])
        fk_cols = {c for fk in (*t.foreign_keys, *extra) for c in fk.columns}
        nullable = {c.name for c in t.columns if c.nullable}
        unique = _unique_columns(t)
        columns = tuple(
            ColumnRef(
                name=c.name,
                type=c.type,
                nullable=describe(c.nullable, "nullable"),
                default=describe_default(c),
                comment=c.comment or "",
                keys=" ".join(
                    k for k, on in (("PK", c.name in pk), ("FK", c.name in fk_cols)) if on
                ),
                drift=marks.get((schema, name, c.name), ""),
            )
            for c in t.columns
        )
        fks = tuple(
            Relation(
                describe(fk),
                fk.referred_schema,
                fk.referred_table,
                anchors.get((fk.referred_schema, fk.referred_table)),
                ", ".join(fk.columns),
                fk.columns,
                fk.referred_columns,
                any(c in nullable for c in fk.columns),
                tuple(sorted(fk.columns)) in unique,
                "models" if presence == "models" or fk in extra else "",
            )
            for fk in (*t.foreign_keys, *extra)
        )
        words = [schema, name, f"{schema}.{name}", t.comment or "", declared_by] + [
            f"{c.name} {c.comment}" for c in columns
        ]
        schemas[schema].append(
            TableRef(
                schema=schema,
                name=name,
                anchor=anchors[(schema, name)],
                comment=t.comment or "",
                declared_module=module,
                declared_class=cls,
                presence=presence,
                columns=columns,
                primary_key=", ".join(t.primary_key.columns) if t.primary_key else "",
                foreign_keys=fks,
                unique=tuple(describe(u) for u in t.unique_constraints),
                checks=tuple(
                    f"{ck.name or ''} {describe(ck)}".strip() for ck in t.check_constraints
                ),
                indexes=tuple(f"{ix.name or ''} {describe(ix)}".strip() for ix in t.indexes),
                referenced_by=tuple(
                    sorted(referring.get((schema, name), []), key=lambda r: r.text)
                ),
                search=" ".join(words).lower(),
                drift=worst(
                    marks.get((schema, name), ""), *(c.drift for c in columns)
                ),
                declared_at=declared_at(declared_by, cwd) if declared_by else "",
            )
        )
    every = {(t.schema, t.name): t for trefs in schemas.values() for t in trefs}
    refs = []
    for name in sorted(schemas):
        trefs = tuple(schemas[name])
        others = _other_objects(name, database, models)
        relations = tuple(
            MermaidRelation(
                fk.table if fk.schema == name else f"{fk.schema}.{fk.table}",
                t.name,
                fk.columns,
                "|o" if fk.nullable else "||",
                "o|" if fk.unique else "o{",
            )
            for t in trefs
            for fk in t.foreign_keys
            if (fk.schema, fk.table) in tables
        )
        drawn, note = diagrams(name, trefs, anchor(name, "")[2:], every)
        panels = {t.anchor: p for t in trefs if t.presence != "alembic"
                  for p in (panel(t, every),) if p is not None}
        refs.append(SchemaRef(name, trefs, drawn, relations, note, others, panels))
    return ReferenceView(schemas=tuple(refs), anchors=anchors)


def _other_objects(
    schema: str, database: Snapshot, models: Snapshot
) -> tuple[tuple[str, str, str], ...]:
    """Enums, views, sequences and domains of the schema (the database's, else the models')."""
    found: dict[tuple[str, str], str] = {}
    for snap in (models, database):  # the database's description wins
        s = snap.schema(schema)
        if s is None:
            continue
        objects: list[tuple[str, EnumType | View | Sequence | Domain]] = [
            *(("enum", e) for e in s.enums),
            *(("view", v) for v in s.views),
            *(("sequence", q) for q in s.sequences),
            *(("domain", d) for d in s.domains),
        ]
        for kind, obj in objects:
            found[(kind, obj.name)] = describe(obj)
    return tuple((kind, name, text) for (kind, name), text in sorted(found.items()))
