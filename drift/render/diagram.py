"""The reference's ER diagrams: laid out by a Sugiyama layered layout (grandalf), drawn as SVG.

Tables are boxes listing every column with its full type; each foreign key is
one edge from the referring column's row to the referred column's row, with
crow's-foot ends (the referred side: exactly one, or zero or one when a
referring column is nullable; the referring side: many, or zero or one when
the referring columns are unique). Referred tables sit left of the tables that
refer to them. The layout runs left to right: grandalf lays out top-down, so
each box is given to it with width and height swapped, and the coordinates are
swapped back. Long edges follow grandalf's dummy vertices, so they pass between
the boxes of the layers they cross instead of through them.

One diagram per schema; a schema of more than ``GROUP_SPLIT`` tables gets one
diagram per connected group of tables (tables without any relation share one).
A table of another schema that a table of the diagram refers to is drawn too, as
a small box of the referred columns (``presence`` "external"), so that every
foreign key is an edge.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grandalf.graphs import Edge as GEdge
from grandalf.graphs import Graph, Vertex
from grandalf.layouts import SugiyamaLayout

from drift.render.reference_tables import TableRef

COMPACT_AT = 20  # a diagram of more tables shows the key and drifted columns only
GROUP_SPLIT = 40  # a schema with more tables gets a diagram per connected group
MAX_GROUP = 150  # a connected group beyond this is listed, not drawn
CHAR_W, TITLE_CHAR_W, SUB_CHAR_W = 6.7, 7.7, 6.2  # monospace advance at the CSS font sizes
HEAD_H, SUB_H, ROW_H, PAD_X, PAD = 24, 15, 17, 8, 30
LAYER_GAP, BOX_GAP, STUB = 110, 26, 16
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


@dataclass(frozen=True, slots=True)
class Diagram:
    id: str
    title: str
    width: float
    height: float
    boxes: tuple[DiagramBox, ...]
    edges: tuple[DiagramEdge, ...]


class _View:
    """What grandalf reads and writes on a vertex: its size and (after draw) its centre."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: tuple[float, float] = (0.0, 0.0)


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


def _row_y(box: DiagramBox, column: str) -> float:
    row = next((c for c in box.columns if c.name == column), None)
    return round(row.top + ROW_H / 2, 1) if row else round(box.y + HEAD_H / 2, 1)


def _smooth(points: Sequence[tuple[float, float]]) -> str:
    """A curve through the points, horizontal at each of them (so the ends meet the box
    sides square and the markers sit straight)."""
    (x0, y0), rest = points[0], points[1:]
    d = [f"M{x0:.1f},{y0:.1f}"]
    px, py = x0, y0
    for x, y in rest:
        if abs(y - py) < 0.5:
            d.append(f"L{x:.1f},{y:.1f}")
        else:
            mid = (px + x) / 2
            d.append(f"C{mid:.1f},{py:.1f} {mid:.1f},{y:.1f} {x:.1f},{y:.1f}")
        px, py = x, y
    return " ".join(d)


def _edge_path(child: DiagramBox, parent: DiagramBox, fk_column: str, referred_column: str,
               via: Sequence[tuple[float, float]]) -> str:
    y1, y2 = _row_y(child, fk_column), _row_y(parent, referred_column)
    if child is parent:  # a self reference: a loop on the right side
        x = child.x + child.width
        return (f"M{x:.1f},{y1:.1f} h{STUB} C{x + 60:.1f},{y1:.1f} {x + 60:.1f},{y2:.1f} "
                f"{x + STUB:.1f},{y2:.1f} H{x:.1f}")
    toward = via[0][0] if via else parent.x + parent.width / 2
    left = toward < child.x + child.width / 2
    x1 = child.x if left else child.x + child.width
    away = via[-1][0] if via else child.x + child.width / 2
    right = away > parent.x + parent.width / 2
    x2 = parent.x + parent.width if right else parent.x
    s1 = x1 - STUB if left else x1 + STUB
    s2 = x2 + STUB if right else x2 - STUB
    return _smooth([(x1, y1), (s1, y1), *via, (s2, y2), (x2, y2)])


Point = tuple[float, float]


def _layered(
    tables: Sequence[TableRef], links: list[tuple[str, str]]
) -> tuple[dict[str, Point], dict[tuple[str, str], list[Point]], float, float]:
    """Top-left corners of the boxes and the bend points of each (parent, child) link."""
    sizes = {f"{t.schema}.{t.name}": _box_size(t) for t in tables}
    vertices = {key: Vertex(key) for key in sizes}
    for key, v in vertices.items():
        v.view = _View(sizes[key][1], sizes[key][0])  # swapped: laid out top-down
    edges = {pair: GEdge(vertices[pair[0]], vertices[pair[1]]) for pair in links}
    graph = Graph(list(vertices.values()), list(edges.values()))
    corners: dict[str, tuple[float, float]] = {}
    bends: dict[tuple[str, str], list[tuple[float, float]]] = {}
    offset_y, width = 0.0, 0.0
    for component in sorted(graph.C, key=lambda c: -len(c.sV)):
        sug = SugiyamaLayout(component)
        sug.xspace, sug.yspace = BOX_GAP, LAYER_GAP
        sug.init_all()
        sug.draw(3)
        placed = {v.data: v.view.xy for v in component.sV}
        lows = [placed[k][0] - vertices[k].view.w / 2 for k in placed]
        lefts = [placed[k][1] - vertices[k].view.h / 2 for k in placed]
        min_y, min_x = min(lows), min(lefts)
        bottom = 0.0
        for key, (tx, ty) in placed.items():
            w, h, _ = sizes[key]
            x, y = ty - w / 2 - min_x + PAD, tx - h / 2 - min_y + PAD + offset_y
            corners[key] = (x, y)
            bottom = max(bottom, y + h)
            width = max(width, x + w + PAD)
        for pair, edge in edges.items():
            ctrl: dict[int, Any] = sug.ctrls.get(edge, {}) if hasattr(sug, "ctrls") else {}
            if pair[0] in placed and ctrl:
                # ctrls holds the edge's two ends too, at their ranks: only the dummies bend it
                points = [(d.view.xy[1] - min_x + PAD, d.view.xy[0] - min_y + PAD + offset_y)
                          for _, d in sorted(ctrl.items()) if d not in edge.v]
                bends[pair] = points
        offset_y = bottom + GRID_GAP
    return corners, bends, width, offset_y + PAD - GRID_GAP


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


def draw(diagram_id: str, title: str, tables: Sequence[TableRef],
         every: Mapping[tuple[str, str], TableRef] | None = None) -> Diagram:
    """One diagram of ``tables`` (and of the tables of ``every`` they refer to): related ones
    layered, lone ones in a grid below."""
    tables = [*tables, *externals(tables, every or {})]
    if len(tables) > COMPACT_AT:
        tables = _compact(tables)
    keys = {f"{t.schema}.{t.name}" for t in tables}
    links = sorted({
        (f"{fk.schema}.{fk.table}", f"{t.schema}.{t.name}")
        for t in tables for fk in t.foreign_keys
        if f"{fk.schema}.{fk.table}" in keys and (fk.schema, fk.table) != (t.schema, t.name)
    })  # fmt: skip
    linked = {k for pair in links for k in pair}
    related = [t for t in tables if f"{t.schema}.{t.name}" in linked]
    lone = [t for t in tables if f"{t.schema}.{t.name}" not in linked]
    corners, bends, width, height = _layered(related, links) if related else ({}, {}, 0.0, 0.0)
    grid, grid_w, grid_h = _grid(lone, height - PAD if related else 0.0, width)
    corners |= grid
    boxes = {f"{t.schema}.{t.name}": _box(t, *corners[f"{t.schema}.{t.name}"]) for t in tables}
    edges = []
    for t in tables:
        child = boxes[f"{t.schema}.{t.name}"]
        for fk in t.foreign_keys:
            parent = boxes.get(f"{fk.schema}.{fk.table}")
            if parent is None:
                continue
            via = list(reversed(bends.get((parent.key, child.key), [])))
            fk_col = fk.child_columns[0] if fk.child_columns else ""
            ref_col = fk.referred_columns[0] if fk.referred_columns else ""
            edges.append(DiagramEdge(
                d=_edge_path(child, parent, fk_col, ref_col, via),
                title=fk.text,
                source=f"{child.key}.{fk_col}",
                target=f"{parent.key}.{ref_col}",
                child=child.anchor,
                parent=parent.anchor,
                many=not fk.unique,
                optional=fk.nullable,
            ))  # fmt: skip
    return Diagram(
        id=diagram_id,
        title=title,
        width=round(max(width, grid_w, 200.0), 1),
        height=round(max(height, grid_h, 100.0), 1),
        boxes=tuple(boxes.values()),
        edges=tuple(edges),
    )


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
