"""The reference's ER diagrams: laid out by a Sugiyama layered layout (grandalf), drawn as SVG.

Tables are boxes listing every column with its full type; each foreign key is
one edge from the referring column's row to the referred column's row, with
crow's-foot ends (the referred side: exactly one, or zero or one when a
referring column is nullable; the referring side: many, or zero or one when
the referring columns are unique); a foreign key only the models declare is
dashed. Referred tables sit left of the tables that refer to them: the layered
layout is ``diagram_layout``'s (grandalf), the edges are routed around the boxes
by ``diagram_route``.

One diagram per schema; a schema of more than ``GROUP_SPLIT`` tables gets one
diagram per connected group of tables (tables without any relation share one).
A table of another schema that a table of the diagram refers to is drawn too, as
a small box of the referred columns (``presence`` "external"), so that every
foreign key is an edge. Each table also gets its own small diagram (``panel``):
the table and its foreign-key neighbours, as tbls and SchemaSpy draw one per
table, readable whatever the size of the schema.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drift.render.diagram_layout import layered
from drift.render.diagram_route import Link, loop, route
from drift.render.reference_tables import TableRef

COMPACT_AT = 20  # a diagram of more tables shows the key and drifted columns only
GROUP_SPLIT = 40  # a schema with more tables gets a diagram per connected group
MAX_GROUP = 150  # a connected group beyond this is listed, not drawn
CHAR_W, TITLE_CHAR_W, SUB_CHAR_W = 6.7, 7.7, 6.2  # monospace advance at the CSS font sizes
HEAD_H, SUB_H, ROW_H, PAD_X, PAD = 24, 15, 17, 8, 30
LAYER_GAP = 110  # the narrowest channel between two columns
GRID_GAP = 30


@dataclass(frozen=True, slots=True)
class DiagramColumn:
    name: str
    type: str
    keys: str
    drift: str  # "unexpected", "expected" or ""
    top: float  # the row's top edge
    baseline: float


@dataclass(frozen=True, slots=True)
class DiagramBox:
    key: str  # schema.table
    anchor: str
    x: float
    y: float
    width: float
    height: float
    title: str
    subtitle: str  # the declaring class and its file:line
    presence: str
    drift: str
    type_x: float  # where the type column starts
    columns: tuple[DiagramColumn, ...]
    search: str
    more: str = ""  # "… 12 more columns" where the box leaves some out
    more_y: float = 0.0


@dataclass(frozen=True, slots=True)
class DiagramEdge:
    d: str  # an SVG path, from the referring column to the referred one
    title: str
    source: str  # schema.table.column of the referring side
    target: str  # schema.table.column of the referred side
    child: str  # the anchors of both tables
    parent: str
    many: bool  # the referring side's end: crow's foot, or zero-or-one when unique
    optional: bool  # the referred side's end: zero-or-one (a nullable referring column)
    models: bool = False  # only the models declare it: drawn dashed
    points: tuple[tuple[float, float], ...] = ()  # the line ``d`` draws, corner by corner


@dataclass(frozen=True, slots=True)
class Diagram:
    id: str
    title: str
    width: float
    height: float
    boxes: tuple[DiagramBox, ...]
    edges: tuple[DiagramEdge, ...]


def _box_size(t: TableRef) -> tuple[float, float, float]:
    """(width, height, the type column's offset) of a table's box."""
    names = max((len(c.name) for c in t.columns), default=0)
    types = max((len(c.type) + len(c.keys) + 2 for c in t.columns), default=0)
    type_x = PAD_X + names * CHAR_W + 14
    width = max(
        type_x + types * CHAR_W + PAD_X,
        2 * PAD_X + len(_title(t)) * TITLE_CHAR_W,
        2 * PAD_X + len(_subtitle(t)) * SUB_CHAR_W,
        160,
    )
    rows = len(t.columns) + (1 if t.hidden_columns else 0)
    height = HEAD_H + (SUB_H if _subtitle(t) else 0) + ROW_H * rows + 6
    return round(width, 1), height, round(type_x, 1)


def _compact(tables: Sequence[TableRef]) -> list[TableRef]:
    """The tables of a large diagram with their key columns, the columns foreign keys refer
    to and the columns with drift; the others are counted ("… 12 more columns")."""
    referred: dict[tuple[str, str], set[str]] = {}
    for t in tables:
        for fk in t.foreign_keys:
            referred.setdefault((fk.schema, fk.table), set()).update(fk.referred_columns)
    out = []
    for t in tables:
        wanted = referred.get((t.schema, t.name), set())
        kept = tuple(c for c in t.columns if c.keys or c.drift or c.name in wanted)
        out.append(dataclasses.replace(t, columns=kept, hidden_columns=len(t.columns) - len(kept)))
    return out


def _subtitle(t: TableRef) -> str:
    if not t.declared_class:
        return ""
    return f"{t.declared_class} · {t.declared_at}" if t.declared_at else t.declared_class


def _title(t: TableRef) -> str:
    return f"{t.schema}.{t.name}" if t.presence == "external" else t.name


def _box(t: TableRef, x: float, y: float) -> DiagramBox:
    width, height, type_x = _box_size(t)
    top = y + HEAD_H + (SUB_H if _subtitle(t) else 0)
    columns = tuple(
        DiagramColumn(c.name, c.type, c.keys, c.drift, top + ROW_H * k, top + ROW_H * k + 12.5)
        for k, c in enumerate(t.columns)
    )
    return DiagramBox(
        key=f"{t.schema}.{t.name}",
        anchor=t.anchor,
        x=round(x, 1),
        y=round(y, 1),
        width=width,
        height=height,
        title=_title(t),
        subtitle=_subtitle(t),
        presence=t.presence,
        drift=t.drift,
        type_x=round(x + type_x, 1),
        columns=columns,
        search=t.search,
        more=f"… {t.hidden_columns} more column{'s' if t.hidden_columns > 1 else ''}"
        if t.hidden_columns
        else "",
        more_y=top + ROW_H * len(columns) + 12.5,
    )


def _row(box: DiagramBox, column: str) -> float:
    """The middle of a column's row, from the box's top (the title's middle if not shown)."""
    row = next((c for c in box.columns if c.name == column), None)
    return (row.top - box.y + ROW_H / 2) if row else HEAD_H / 2


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(("M" if k == 0 else "L") + f"{x:.1f},{y:.1f}"
                    for k, (x, y) in enumerate(points))


def _grid(tables: Sequence[TableRef], top: float, max_width: float
          ) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Tables without relations, in rows, in name order."""
    corners: dict[str, tuple[float, float]] = {}
    x, y, row_h, width = float(PAD), top + PAD, 0.0, 0.0
    limit = max(max_width, 1200.0)
    for t in tables:
        w, h, _ = _box_size(t)
        if x > PAD and x + w > limit:
            x, y, row_h = float(PAD), y + row_h + GRID_GAP, 0.0
        corners[f"{t.schema}.{t.name}"] = (x, y)
        x += w + GRID_GAP
        row_h = max(row_h, h)
        width = max(width, x - GRID_GAP + PAD)
    return corners, width, y + row_h + PAD


def externals(tables: Sequence[TableRef], every: Mapping[tuple[str, str], TableRef]
              ) -> list[TableRef]:
    """The tables outside ``tables`` that they refer to, cut to the referred columns."""
    inside = {(t.schema, t.name) for t in tables}
    referred: dict[tuple[str, str], set[str]] = {}
    for t in tables:
        for fk in t.foreign_keys:
            key = (fk.schema, fk.table)
            if key not in inside and key in every:
                referred.setdefault(key, set()).update(fk.referred_columns)
    return [
        dataclasses.replace(
            every[key],
            columns=tuple(c for c in every[key].columns if c.name in names),
            foreign_keys=(),
            presence="external",
            drift="",
            declared_class="",
        )
        for key, names in sorted(referred.items())
    ]


def _key(schema: str, table: str) -> str:
    return f"{schema}.{table}"


def _drawn(diagram_id: str, title: str, tables: Sequence[TableRef]) -> Diagram:
    """Lay out ``tables`` as given (their foreign keys to tables not among them left out):
    related ones layered, lone ones in a grid below."""
    shape = {_key(t.schema, t.name): _box(t, 0.0, 0.0) for t in tables}
    sizes = {k: (b.width, b.height) for k, b in shape.items()}
    fks = [(t, fk) for t in tables for fk in t.foreign_keys if _key(fk.schema, fk.table) in shape]
    links = [
        Link(_key(t.schema, t.name), _key(fk.schema, fk.table),
             _row(shape[_key(t.schema, t.name)], fk.child_columns[0] if fk.child_columns else ""),
             _row(shape[_key(fk.schema, fk.table)],
                  fk.referred_columns[0] if fk.referred_columns else ""))
        for t, fk in fks
    ]  # fmt: skip
    pairs = sorted({(k.parent, k.child) for k in links if k.parent != k.child})
    linked = {k for pair in pairs for k in pair}
    placed = route(layered({k: sizes[k] for k in linked}, pairs) if pairs else [], sizes,
                   links, PAD, GRID_GAP, LAYER_GAP)
    lone = [t for t in tables if _key(t.schema, t.name) not in linked]
    grid, grid_w, grid_h = _grid(lone, placed.height - PAD if pairs else 0.0, placed.width)
    corners = placed.corners | grid
    boxes = {k: _box(t, *corners[k]) for t in tables for k in (_key(t.schema, t.name),)}
    edges = []
    for (t, fk), link, line in zip(fks, links, placed.lines, strict=True):
        child, parent = boxes[link.child], boxes[link.parent]
        if link.child == link.parent:
            line = loop(corners[link.child], sizes[link.child], link)
        fk_col = fk.child_columns[0] if fk.child_columns else ""
        ref_col = fk.referred_columns[0] if fk.referred_columns else ""
        edges.append(DiagramEdge(
            d=_path(line),
            title=fk.text + (" (only in the models)" if fk.presence == "models" else ""),
            source=f"{child.key}.{fk_col}",
            target=f"{parent.key}.{ref_col}",
            child=child.anchor,
            parent=parent.anchor,
            many=not fk.unique,
            optional=fk.nullable,
            models=fk.presence == "models" or t.presence == "models",
            points=tuple(line),
        ))  # fmt: skip
    return Diagram(
        id=diagram_id,
        title=title,
        width=round(max(placed.width, grid_w, 200.0), 1),
        height=round(max(placed.height, grid_h, 100.0), 1),
        boxes=tuple(boxes.values()),
        edges=tuple(edges),
    )


def draw(diagram_id: str, title: str, tables: Sequence[TableRef],
         every: Mapping[tuple[str, str], TableRef] | None = None) -> Diagram:
    """One diagram of ``tables`` (and of the tables of ``every`` they refer to)."""
    tables = [*tables, *externals(tables, every or {})]
    return _drawn(diagram_id, title, _compact(tables) if len(tables) > COMPACT_AT else tables)


def panel(table: TableRef, every: Mapping[tuple[str, str], TableRef]) -> Diagram | None:
    """The table and its foreign-key neighbours (the tables it refers to and those that
    refer to it), with the foreign keys between it and them; None if it has none."""
    me = (table.schema, table.name)
    near = {(fk.schema, fk.table) for fk in table.foreign_keys}
    near |= {(r.schema, r.table) for r in table.referenced_by}
    near = {k for k in near if k != me and k in every}
    if not near:
        return None
    focus = dataclasses.replace(table, foreign_keys=tuple(
        fk for fk in table.foreign_keys if (fk.schema, fk.table) in near | {me}))
    others = [dataclasses.replace(every[k], foreign_keys=tuple(
        fk for fk in every[k].foreign_keys if (fk.schema, fk.table) == me)) for k in sorted(near)]
    cut = _compact([focus, *others])[1:]  # the neighbours show their keys and drift only
    return _drawn(f"{table.anchor}-panel", f"{table.schema}.{table.name} and its neighbours",
                  [focus, *cut])


def groups(tables: Sequence[TableRef]) -> list[tuple[list[TableRef], bool]]:
    """Connected groups of tables (by foreign keys within the list), largest first; tables
    with no relation form one last group (flagged True)."""
    by_key = {f"{t.schema}.{t.name}": t for t in tables}
    parent = {k: k for k in by_key}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for t in tables:
        for fk in t.foreign_keys:
            other = f"{fk.schema}.{fk.table}"
            if other in by_key:
                parent[root(f"{t.schema}.{t.name}")] = root(other)
    found: dict[str, list[TableRef]] = {}
    for k, t in by_key.items():
        found.setdefault(root(k), []).append(t)
    linked = sorted((g for g in found.values() if len(g) > 1), key=lambda g: (-len(g), g[0].name))
    lone = [g[0] for g in found.values() if len(g) == 1]
    return [(g, False) for g in linked] + ([(lone, True)] if lone else [])


def diagrams(schema: str, tables: Sequence[TableRef], prefix: str,
             every: Mapping[tuple[str, str], TableRef] | None = None
             ) -> tuple[tuple[Diagram, ...], str]:
    """The diagrams of one schema, and a note on what was not drawn (or "")."""
    drawn = [t for t in tables if t.presence != "alembic"]
    if not drawn:
        return (), ""
    if len(drawn) <= GROUP_SPLIT:
        return (draw(f"{prefix}-0", f"Schema {schema}", drawn, every),), ""
    out, skipped = [], 0
    for i, (group, lone) in enumerate(groups(drawn)):
        if len(group) > MAX_GROUP:
            skipped += len(group)
            continue
        title = (f"Schema {schema}: {len(group)} tables without relations" if lone
                 else f"Schema {schema}: group {i + 1} ({len(group)} related tables)")
        out.append(draw(f"{prefix}-{i}", title, group, every))
    note = (f"{skipped} tables in groups too large for a readable diagram; see the list below."
            if skipped else "")
    return tuple(out), note
