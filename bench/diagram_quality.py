"""The ER diagram's quality on a 60-table schema, against Graphviz ``dot`` on the same boxes.

    python bench/diagram_quality.py [--tables 60 --foreign-keys 114 --seed 7] [--json FILE]

Generates one schema (``schema_tables``: tables referring to earlier ones, the
popular ones more often, a few link tables and self references), lays it out
with drift's diagram (``drift.render.diagram.diagrams``, as the HTML report
does) and hands the same boxes (each table's box at drift's size, the same
gaps between boxes and between layers, left to right) to Graphviz ``dot``
(``-Tplain``; Debian's ``graphviz`` package), then counts on each drawing, as
drawn (curves flattened to 16 segments each):

* **crossing pairs**: pairs of edges whose lines cross, among the pairs that
  share no table (edges meeting at a table they both touch are not counted);
* **edges through a box**: edges whose line enters the inside of a table's box
  that is neither of its two ends;
* the canvas (width x height, in CSS pixels at 1:1).

Nothing is timed. Prints a table in ``RESULTS.md``'s form.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drift.render.diagram import LAYER_GAP, Diagram, diagrams  # noqa: E402
from drift.render.diagram_layout import BOX_GAP  # noqa: E402
from drift.render.reference_tables import ColumnRef, Relation, TableRef  # noqa: E402

Point = tuple[float, float]
NOUNS = ("account", "user", "team", "project", "invoice", "order", "product", "price",
         "shipment", "address", "payment", "refund", "ticket", "comment", "tag", "file",
         "event", "session", "role", "grant", "plan", "subscription", "coupon", "vendor",
         "warehouse", "stock", "review", "category", "region", "currency")


# ---- the schema ---------------------------------------------------------------------------

def _column(name: str, type_: str, keys: str = "") -> ColumnRef:
    return ColumnRef(name, type_, "NOT NULL" if keys else "NULL", "", "", keys)


def schema_tables(tables: int = 60, foreign_keys: int = 114, seed: int = 7) -> list[TableRef]:
    """``tables`` tables of schema ``app`` with exactly ``foreign_keys`` foreign keys, all
    connected; same arguments, same tables."""
    rng = random.Random(seed)
    names = [f"{NOUNS[i % len(NOUNS)]}{'' if i < len(NOUNS) else '_' + str(i // len(NOUNS))}"
             for i in range(tables)]
    links: list[list[tuple[str, str]]] = [[] for _ in range(tables)]  # (column, target)
    referred = [0] * tables
    total = 0

    def refer(i: int, j: int) -> None:
        nonlocal total
        column = f"{names[j]}_id" if j != i else "parent_id"
        n = sum(1 for c, _ in links[i] if c.startswith(column))
        links[i].append((column + (f"_{n + 1}" if n else ""), names[j]))
        referred[j] += 1
        total += 1

    self_refs = set(rng.sample(range(5, tables), 3))
    for i in range(1, tables):  # every table refers to an earlier one: one connected schema
        j = rng.choices(range(i), weights=[1 + 2 * referred[k] for k in range(i)])[0]
        refer(i, j)
    for i in sorted(self_refs):
        refer(i, i)
    while total < foreign_keys:  # the rest: later tables refer to earlier, popular ones
        i = rng.randrange(3, tables)
        j = rng.choices(range(i), weights=[1 + 2 * referred[k] for k in range(i)])[0]
        if (names[j] not in {t for _, t in links[i]}) or rng.random() < 0.1:
            refer(i, j)
    out = []
    for i, name in enumerate(names):
        columns = [_column("id", "bigint", "PK")]
        columns += [_column(c, "bigint", "FK") for c, _ in links[i]]
        columns += [_column(f"{name}_{k}", rng.choice(("text", "integer", "timestamptz")))
                    for k in range(rng.randint(2, 6))]
        fks = tuple(
            Relation(f"({c}) REFERENCES app.{t}(id)", "app", t, f"t-{t}", c, (c,), ("id",),
                     nullable=rng.random() < 0.4)
            for c, t in links[i]
        )
        out.append(TableRef(
            schema="app", name=name, anchor=f"t-{name}", comment="", declared_module="",
            declared_class="", presence="both", columns=tuple(columns), primary_key="id",
            foreign_keys=fks, unique=(), checks=(), indexes=(), referenced_by=(), search=name,
        ))  # fmt: skip
    return out


# ---- geometry -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Drawing:
    boxes: dict[str, tuple[float, float, float, float]]  # key -> (x, y, width, height)
    edges: list[tuple[str, str, list[Point]]]  # (child key, parent key, polyline)
    width: float
    height: float


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 16) -> list[Point]:
    out = []
    for k in range(1, steps + 1):
        t = k / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


def path_points(d: str) -> list[Point]:
    """An SVG path's line (M, L, H, V, C, A as a chord; upper case absolute, lower relative)."""
    tokens = re.findall(r"[MLHVCAQmlhvcaq]|-?[\d.]+(?:e-?\d+)?", d)
    out: list[Point] = []
    x = y = 0.0
    k, cmd = 0, ""
    while k < len(tokens):
        if tokens[k].isalpha():
            cmd = tokens[k]
            k += 1
        rel = cmd.islower()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        c = cmd.upper()
        nums = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "A": 7, "Q": 4}[c]
        v = [float(t) for t in tokens[k:k + nums]]
        k += nums
        if c in "ML":
            x, y = ox + v[0], oy + v[1]
            out.append((x, y))
        elif c == "H":
            x = (x if rel else 0.0) + v[0]
            out.append((x, y))
        elif c == "V":
            y = (y if rel else 0.0) + v[0]
            out.append((x, y))
        elif c == "C":
            p1, p2, p3 = (ox + v[0], oy + v[1]), (ox + v[2], oy + v[3]), (ox + v[4], oy + v[5])
            out += _cubic((x, y), p1, p2, p3)
            x, y = p3
        elif c == "Q":
            q1, q2 = (ox + v[0], oy + v[1]), (ox + v[2], oy + v[3])
            c1 = (x + 2 / 3 * (q1[0] - x), y + 2 / 3 * (q1[1] - y))
            c2 = (q2[0] + 2 / 3 * (q1[0] - q2[0]), q2[1] + 2 / 3 * (q1[1] - q2[1]))
            out += _cubic((x, y), c1, c2, q2)
            x, y = q2
        else:  # an arc: its chord (drift draws small corner arcs only)
            x, y = ox + v[5], oy + v[6]
            out.append((x, y))
    return out


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    def on(a: Point, b: Point, c: Point) -> bool:
        return (min(a[0], b[0]) - 1e-6 <= c[0] <= max(a[0], b[0]) + 1e-6
                and min(a[1], b[1]) - 1e-6 <= c[1] <= max(a[1], b[1]) + 1e-6)

    d1, d2, d3, d4 = orient(r, s, p), orient(r, s, q), orient(p, q, r), orient(p, q, s)
    if ((d1 > 0) != (d2 > 0) and d1 != 0 and d2 != 0
            and (d3 > 0) != (d4 > 0) and d3 != 0 and d4 != 0):
        return True
    return ((d1 == 0 and on(r, s, p)) or (d2 == 0 and on(r, s, q))
            or (d3 == 0 and on(p, q, r)) or (d4 == 0 and on(p, q, s)))


def _bbox(line: Sequence[Point]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def lines_cross(a: Sequence[Point], b: Sequence[Point]) -> bool:
    ax0, ay0, ax1, ay1 = _bbox(a)
    bx0, by0, bx1, by1 = _bbox(b)
    if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
        return False
    for p, q in zip(a, a[1:], strict=False):
        lo_x, hi_x, lo_y, hi_y = min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])
        if hi_x < bx0 or lo_x > bx1 or hi_y < by0 or lo_y > by1:
            continue
        for r, s in zip(b, b[1:], strict=False):
            if (max(r[0], s[0]) < lo_x or min(r[0], s[0]) > hi_x
                    or max(r[1], s[1]) < lo_y or min(r[1], s[1]) > hi_y):
                continue
            if _segments_cross(p, q, r, s):
                return True
    return False


def enters_box(line: Sequence[Point], box: tuple[float, float, float, float],
               inset: float = 1.0) -> bool:
    """Whether the line passes through the inside of the box (shrunk by ``inset``)."""
    x0, y0 = box[0] + inset, box[1] + inset
    x1, y1 = box[0] + box[2] - inset, box[1] + box[3] - inset
    if x1 <= x0 or y1 <= y0:
        return False
    for p, q in zip(line, line[1:], strict=False):
        # clip the segment to the box (Liang-Barsky)
        t0, t1 = 0.0, 1.0
        dx, dy = q[0] - p[0], q[1] - p[1]
        inside = True
        for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
            if pk == 0:
                if qk < 0:
                    inside = False
                    break
                continue
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                inside = False
                break
        if inside and t1 - t0 > 1e-9:
            return True
    return False


def measure(drawing: Drawing) -> dict[str, float]:
    edges = drawing.edges
    crossings = 0
    for i, (c1, p1, a) in enumerate(edges):
        for c2, p2, b in edges[i + 1:]:
            if {c1, p1} & {c2, p2}:
                continue
            crossings += lines_cross(a, b)
    through = 0
    for child, parent, line in edges:
        through += any(enters_box(line, box) for key, box in drawing.boxes.items()
                       if key not in (child, parent))
    return {"edges": len(edges), "crossing_pairs": crossings, "edges_through_a_box": through,
            "width": round(drawing.width), "height": round(drawing.height)}


# ---- the two drawings ---------------------------------------------------------------------

def drift_drawings(tables: list[TableRef]) -> list[tuple[Diagram, Drawing]]:
    every = {(t.schema, t.name): t for t in tables}
    drawn, _ = diagrams("app", tables, "bench", every)
    out = []
    for d in drawn:
        by_anchor = {b.anchor: b.key for b in d.boxes}
        out.append((d, Drawing(
            boxes={b.key: (b.x, b.y, b.width, b.height) for b in d.boxes},
            edges=[(by_anchor[e.child], by_anchor[e.parent], path_points(e.d)) for e in d.edges],
            width=d.width, height=d.height,
        )))  # fmt: skip
    return out


def dot_source(d: Diagram) -> str:
    """The diagram's boxes (each at its size, in points = CSS pixels) and foreign keys for
    ``dot``, left to right with drift's gaps, referred tables to the left."""
    by_anchor = {b.anchor: b.key for b in d.boxes}
    lines = ["digraph erd {", "  rankdir=LR;",
             f"  nodesep={BOX_GAP / 72:.3f}; ranksep={LAYER_GAP / 72:.3f};",
             '  node [shape=box, fixedsize=true, label=""];']
    ids = {b.key: f"n{k}" for k, b in enumerate(d.boxes)}
    for b in d.boxes:
        lines.append(f"  {ids[b.key]} [width={b.width / 72:.4f}, height={b.height / 72:.4f}];")
    for e in d.edges:
        lines.append(f"  {ids[by_anchor[e.parent]]} -> {ids[by_anchor[e.child]]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_drawing(d: Diagram, dot: str) -> Drawing:
    plain = subprocess.run([dot, "-Tplain"], input=dot_source(d), capture_output=True,
                           text=True, check=True).stdout
    keys = {f"n{k}": b.key for k, b in enumerate(d.boxes)}
    boxes: dict[str, tuple[float, float, float, float]] = {}
    edges: list[tuple[str, str, list[Point]]] = []
    height = width = 0.0
    for row in plain.splitlines():
        f = row.split()
        if f[0] == "graph":
            width, height = float(f[2]) * 72, float(f[3]) * 72
        elif f[0] == "node":
            x, y, w, h = (float(v) * 72 for v in f[2:6])
            boxes[keys[f[1]]] = (x - w / 2, height - y - h / 2, w, h)
        elif f[0] == "edge":
            n = int(f[3])
            pts = [(float(f[4 + 2 * k]) * 72, height - float(f[5 + 2 * k]) * 72)
                   for k in range(n)]
            line = [pts[0]]
            for k in range(0, n - 3, 3):
                line += _cubic(*pts[k:k + 4])  # type: ignore[arg-type]
            edges.append((keys[f[2]], keys[f[1]], line))
    return Drawing(boxes, edges, width, height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--foreign-keys", type=int, default=114)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    dot = shutil.which("dot")
    if dot is None:
        print("diagram_quality: Graphviz's dot is missing (Debian's graphviz package)",
              file=sys.stderr)
        return 2
    version = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr.strip()
    tables = schema_tables(args.tables, args.foreign_keys, args.seed)
    fks = sum(len(t.foreign_keys) for t in tables)
    rows = []
    for n, (diagram, drawing) in enumerate(drift_drawings(tables)):
        mine, theirs = measure(drawing), measure(dot_drawing(diagram, dot))
        rows.append({"diagram": n, "boxes": len(diagram.boxes), "drift": mine, "dot": theirs})
    print(f"{args.tables} tables, {fks} foreign keys (seed {args.seed}); {version}")
    print("| diagram | boxes | edges | crossing pairs: drift / dot | edges through a box: "
          "drift / dot | canvas: drift / dot |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        a, b = r["drift"], r["dot"]
        print(f"| {r['diagram']} | {r['boxes']} | {a['edges']} | {a['crossing_pairs']} / "
              f"{b['crossing_pairs']} | {a['edges_through_a_box']} / {b['edges_through_a_box']} |"
              f" {a['width']}x{a['height']} / {b['width']}x{b['height']} |")
    if args.json:
        args.json.write_text(json.dumps({"tables": args.tables, "foreign_keys": fks,
                                         "seed": args.seed, "dot": version, "diagrams": rows},
                                        indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
