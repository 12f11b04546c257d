"""The diagram's columns and its edges, routed orthogonally around the boxes.

grandalf gives each box a layer and a place along it, and each long foreign
key a point in every layer it passes (written here, not taken from grandalf's
edge drawing, which knows nothing of the boxes). Each layer becomes a column
as wide as its widest box; between two columns runs a channel. An edge is
drawn with horizontal lines inside columns and vertical lines inside channels
only, so it can meet no box but its own two:

* inside a column an edge is horizontal at its own box's row (no other box of
  the column spans that height: boxes of a layer do not overlap) or at its
  dummy's height (grandalf keeps dummies clear of the layer's boxes);
* in a channel it turns on a vertical track of its own, and the channel is
  widened until its tracks fit.

Which track an edge takes in a channel decides how many edges it crosses
there: for each pair the crossings of either order are known (a vertical
crosses the other edge's horizontal when that horizontal's height lies within
its span), so the tracks are ordered to cross the least (tracks sorted by how
much each gains by going first, then neighbours swapped while that helps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from drift.render.diagram_layout import DUMMY, Layered

Point = tuple[float, float]
MARGIN = 22  # between a column and the channel's first track: a crow's foot fits
TRACK = 7  # between two tracks
LOOP = 12  # how far a self reference's loop reaches right of its box


@dataclass(frozen=True, slots=True)
class Link:
    """A foreign key to draw: the two tables and the height of each end's row in its box."""

    child: str
    parent: str
    child_row: float
    parent_row: float


@dataclass(frozen=True, slots=True)
class Routed:
    corners: dict[str, Point]  # each box's top-left corner
    lines: list[list[Point]]  # each link's line, from the child's end to the parent's
    width: float
    height: float


def _inside(y: float, a: float, b: float) -> bool:
    return min(a, b) < y < max(a, b)


def order_tracks(segments: Sequence[tuple[float, float]]) -> list[int]:
    """The order, left to right, of a channel's vertical tracks, each segment going from
    height ``a`` on the channel's left side to ``b`` on its right."""
    n = len(segments)
    # cost[i][j]: crossings between i and j with i's track left of j's
    cost = [[0] * n for _ in range(n)]
    for i, (ai, bi) in enumerate(segments):
        for j, (aj, bj) in enumerate(segments):
            if i != j:
                cost[i][j] = _inside(aj, ai, bi) + _inside(bi, aj, bj)
    gain = [sum(cost[i][j] - cost[j][i] for j in range(n)) for i in range(n)]
    order = sorted(range(n), key=lambda i: (gain[i], segments[i]))
    improved, rounds = True, 0
    while improved and rounds < 4 * n + 4:
        improved, rounds = False, rounds + 1
        for k in range(n - 1):
            i, j = order[k], order[k + 1]
            if cost[j][i] < cost[i][j]:
                order[k], order[k + 1] = j, i
                improved = True
    return order


def _simplify(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        p = (round(p[0], 1), round(p[1], 1))
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
            continue
        out.append(p)
    return out


def route(groups: Sequence[Layered], sizes: Mapping[str, tuple[float, float]],
          links: Sequence[Link], pad: float, gap: float, min_channel: float) -> Routed:
    """Columns and channels of each group (stacked top to bottom, ``gap`` apart), the
    boxes' corners and each link's line (a self reference: none, see ``loop``)."""
    corners: dict[str, Point] = {}
    lines: list[list[Point]] = [[] for _ in links]
    offset, width = pad, 0.0
    for group in groups:
        ranks = max(group.rank.values()) + 1
        col_w = [float(DUMMY)] * ranks
        for key, r in group.rank.items():
            col_w[r] = max(col_w[r], sizes[key][0])
        # each link's heights, one per rank from its left end to its right end
        spans: dict[int, tuple[int, list[float]]] = {}
        for k, link in enumerate(links):
            if link.child == link.parent or link.child not in group.rank:
                continue
            child_y = group.top[link.child] + link.child_row
            parent_y = group.top[link.parent] + link.parent_row
            via = group.passes[(link.parent, link.child)]
            if group.rank[link.parent] < group.rank[link.child]:
                spans[k] = (group.rank[link.parent], [parent_y, *via, child_y])
            else:
                spans[k] = (group.rank[link.child], [child_y, *via, parent_y])
        channels: list[list[tuple[int, float, float]]] = [[] for _ in range(ranks)]
        for k, (left, ys) in spans.items():
            for step, (a, b) in enumerate(zip(ys, ys[1:], strict=False)):
                if round(a, 1) != round(b, 1):
                    channels[left + step].append((k, a, b))
        track: dict[tuple[int, int], float] = {}  # (link, channel) -> its track's offset
        chan_w = []
        for r, segs in enumerate(channels):
            order = order_tracks([(a, b) for _, a, b in segs])
            w = max(min_channel, 2 * MARGIN + TRACK * (len(segs) - 1))
            pitch = (w - 2 * MARGIN) / (len(segs) - 1) if len(segs) > 1 else 0.0
            for place, s in enumerate(order):
                track[(segs[s][0], r)] = MARGIN + place * pitch if len(segs) > 1 else w / 2
            chan_w.append(w)
        col_x, x = [], pad
        for r in range(ranks):
            col_x.append(x)
            x += col_w[r] + (chan_w[r] if r < ranks - 1 else 0.0)
        width = max(width, x + pad)
        for key, r in group.rank.items():
            corners[key] = (col_x[r] + (col_w[r] - sizes[key][0]) / 2, offset + group.top[key])
        for k, (left, ys) in spans.items():
            link = links[k]
            child_left = group.rank[link.child] == left
            a_key, b_key = (link.child, link.parent) if child_left else (link.parent, link.child)
            start = (corners[a_key][0] + sizes[a_key][0], offset + ys[0])
            points = [start]
            for step, (a, b) in enumerate(zip(ys, ys[1:], strict=False)):
                if round(a, 1) != round(b, 1):
                    r = left + step
                    tx = col_x[r] + col_w[r] + track[(k, r)]
                    points += [(tx, offset + a), (tx, offset + b)]
            points.append((corners[b_key][0], offset + ys[-1]))
            points = _simplify(points)
            lines[k] = points if child_left else points[::-1]
        offset += group.height + gap
    height = offset - gap + pad if groups else 0.0
    return Routed(corners, lines, width, height)


def loop(corner: Point, size: tuple[float, float], link: Link) -> list[Point]:
    """A self reference: a loop on the box's right, inside its column's margin."""
    right = corner[0] + size[0]
    y1, y2 = corner[1] + link.child_row, corner[1] + link.parent_row
    return _simplify([(right, y1), (right + LOOP, y1), (right + LOOP, y2), (right, y2)])
