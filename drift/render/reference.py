"""The onboarding reference: every table of each schema, and an ER diagram laid out here.

Tables come from the live database; tables the models declare but the database
lacks are listed too (marked), so planned tables are part of the reference. The
declaring class comes from the models side (``Table.declared_by``). The
diagram is laid out in Python (boxes on a grid, a curve per foreign key) and
drawn by the template as inline SVG, so it displays offline.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from drift.render.describe import describe, describe_default
from drift.schema import Domain, EnumType, Sequence, Snapshot, Table, View

MAX_DIAGRAM_TABLES = 120  # beyond this a diagram is unreadable: the table list stays
MAX_BOX_COLUMNS = 12
BOX_W, ROW_H, HEAD_H, GAP_X, GAP_Y, PAD = 230, 16, 24, 70, 50, 50


@dataclass(frozen=True, slots=True)
class ColumnRef:
    name: str
    type: str
    nullable: str  # NULL / NOT NULL
    default: str
    comment: str
    keys: str  # "PK", "FK", "PK FK" or ""


@dataclass(frozen=True, slots=True)
class Relation:
    text: str
    schema: str
    table: str
    anchor: str | None
    columns: str


@dataclass(frozen=True, slots=True)
class TableRef:
    schema: str
    name: str
    anchor: str
    comment: str
    declared_module: str
    declared_class: str
    presence: str  # "both", "database", "models"
    columns: tuple[ColumnRef, ...]
    primary_key: str
    foreign_keys: tuple[Relation, ...]
    unique: tuple[str, ...]
    checks: tuple[str, ...]
    indexes: tuple[str, ...]
    referenced_by: tuple[Relation, ...]
    search: str


@dataclass(frozen=True, slots=True)
class BoxRow:
    text: str
    keys: str
    y: float


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    title: str
    anchor: str
    rows: tuple[BoxRow, ...]


@dataclass(frozen=True, slots=True)
class Edge:
    d: str  # an SVG path
    title: str


@dataclass(frozen=True, slots=True)
class Diagram:
    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True, slots=True)
class MermaidRelation:
    left: str  # the referred table (one)
    right: str  # the referring table (many)
    label: str


@dataclass(frozen=True, slots=True)
class SchemaRef:
    name: str
    tables: tuple[TableRef, ...]
    diagram: Diagram | None
    relations: tuple[MermaidRelation, ...]
    diagram_note: str
    others: tuple[tuple[str, str, str], ...] = ()  # (kind, name, description): enums, views, ...


@dataclass(frozen=True, slots=True)
class ReferenceView:
    schemas: tuple[SchemaRef, ...]
    anchors: dict[tuple[str, str], str]


def anchor(schema: str, table: str) -> str:
    # names may hold any character: the anchor is a digest, the text stays escaped
    return "t-" + hashlib.sha1(f"{schema}\x00{table}".encode()).hexdigest()[:12]


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
    return dict(sorted(out.items()))


def build_reference(database: Snapshot, models: Snapshot) -> ReferenceView:
    tables = _tables(database, models)
    anchors = {key: anchor(*key) for key in tables}
    referring: dict[tuple[str, str], list[Relation]] = {}
    for (schema, name), (t, _, _) in tables.items():
        for fk in t.foreign_keys:
            target = (fk.referred_schema, fk.referred_table)
            referring.setdefault(target, []).append(
                Relation(
                    f"{schema}.{name}", schema, name, anchors[(schema, name)], ", ".join(fk.columns)
                )
            )
    schemas: dict[str, list[TableRef]] = {s.name: [] for s in (*database.schemas, *models.schemas)}
    for (schema, name), (t, presence, declared_by) in tables.items():
        module, _, cls = declared_by.partition(":")
        pk = set(t.primary_key.columns) if t.primary_key else set()
        fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
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
            )
            for fk in t.foreign_keys
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
            )
        )
    refs = []
    for name in sorted(schemas):
        trefs = tuple(schemas[name])
        others = _other_objects(name, database, models)
        relations = tuple(
            MermaidRelation(f"{fk.schema}.{fk.table}", f"{t.schema}.{t.name}", fk.columns)
            for t in trefs
            for fk in t.foreign_keys
            if (fk.schema, fk.table) in tables
        )
        if len(trefs) > MAX_DIAGRAM_TABLES:
            note = f"{len(trefs)} tables: too many for a readable diagram; see the list below."
            refs.append(SchemaRef(name, trefs, None, relations, note, others))
        else:
            refs.append(SchemaRef(name, trefs, layout(trefs), relations, "", others))
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


def layout(tables: tuple[TableRef, ...]) -> Diagram | None:
    """Boxes on a grid in name order; one curve per foreign key between tables of the schema."""
    if not tables:
        return None
    tables = _by_relation(tables)
    per_row = max(1, min(4, math.ceil(math.sqrt(len(tables)))))
    heights = [
        HEAD_H
        + ROW_H * (min(len(t.columns), MAX_BOX_COLUMNS) + (len(t.columns) > MAX_BOX_COLUMNS))
        + 6
        for t in tables
    ]
    boxes: dict[tuple[str, str], Box] = {}
    y = float(PAD)
    for start in range(0, len(tables), per_row):
        row_tables = tables[start : start + per_row]
        for i, t in enumerate(row_tables):
            x = PAD + i * (BOX_W + GAP_X)
            rows = [
                BoxRow(_fit(f"{c.name}: {c.type}"), c.keys, y + HEAD_H + ROW_H * (k + 1) - 4)
                for k, c in enumerate(t.columns[:MAX_BOX_COLUMNS])
            ]
            if len(t.columns) > MAX_BOX_COLUMNS:
                more = len(t.columns) - MAX_BOX_COLUMNS
                rows.append(
                    BoxRow(f"… {more} more", "", y + HEAD_H + ROW_H * (MAX_BOX_COLUMNS + 1) - 4)
                )
            boxes[(t.schema, t.name)] = Box(
                x, y, BOX_W, heights[start + i], _fit(t.name), t.anchor, tuple(rows)
            )
        y += max(heights[start : start + per_row]) + GAP_Y
    edges: list[Edge] = []
    for t in tables:
        for fk in t.foreign_keys:
            target = boxes.get((fk.schema, fk.table))
            if target is not None:
                route = _route(boxes[(t.schema, t.name)], target, len(edges))
                edges.append(Edge(route, fk.text))
    width = PAD * 2 + per_row * BOX_W + (per_row - 1) * GAP_X
    return Diagram(width, y - GAP_Y + PAD, tuple(boxes.values()), tuple(edges))


def _by_relation(tables: tuple[TableRef, ...]) -> tuple[TableRef, ...]:
    """Related tables next to each other: breadth first over foreign keys, from the most
    connected table; ties and separate groups by name (deterministic)."""
    by_key = {(t.schema, t.name): t for t in tables}
    links: dict[tuple[str, str], set[tuple[str, str]]] = {key: set() for key in by_key}
    for t in tables:
        for fk in t.foreign_keys:
            target = (fk.schema, fk.table)
            if target in by_key and target != (t.schema, t.name):
                links[(t.schema, t.name)].add(target)
                links[target].add((t.schema, t.name))
    order: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for start in sorted(by_key, key=lambda k: (-len(links[k]), k)):
        if start in seen:
            continue
        queue = [start]
        seen.add(start)
        while queue:
            key = queue.pop(0)
            order.append(key)
            for nxt in sorted(links[key] - seen):
                seen.add(nxt)
                queue.append(nxt)
    return tuple(by_key[k] for k in order)


def _fit(text: str, width: int = 30) -> str:
    """SVG text does not wrap or clip: long names are cut (the full name is in the list)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _route(a: Box, b: Box, lane: int) -> str:
    """A path from the referring box to the referred one that runs only through the gaps
    between grid cells, so it never crosses a box; ``lane`` shifts parallel paths apart."""
    ay, by = a.y + HEAD_H / 2, b.y + HEAD_H / 2
    if a is b:  # self reference: a loop on the right side
        x = a.x + a.width
        return f"M{x},{ay} C{x + 40},{ay - 20} {x + 40},{ay + 30} {x},{ay + 14}"
    shift = (lane % 5 - 2) * 3
    if a.y == b.y and abs(a.x - b.x) <= a.width + GAP_X:  # neighbours in a row: straight across
        x1, x2 = (a.x + a.width, b.x) if b.x > a.x else (a.x, b.x + b.width)
        return f"M{x1},{ay} L{x2},{by}"
    rightward = b.x >= a.x
    x1 = a.x + a.width if rightward else a.x
    lane_a = x1 + (GAP_X / 2 if rightward else -GAP_X / 2) + shift
    enter_left = lane_a <= b.x
    x2 = b.x if enter_left else b.x + b.width
    lane_b = x2 + (-GAP_X / 2 if enter_left else GAP_X / 2) + shift
    gap_y = b.y - GAP_Y / 2 + shift  # the row gap above the referred box
    return f"M{x1},{ay} H{lane_a} V{gap_y} H{lane_b} V{by} H{x2}"
