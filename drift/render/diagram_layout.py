"""Where a diagram's boxes go: a Sugiyama layered layout (grandalf), left to right.

grandalf does the layered layout's steps: it breaks cycles, ranks the tables
(a referred table one layer left of the tables referring to it), adds a dummy
vertex where a foreign key spans several layers, orders each layer and places
the vertices along it (Brandes and Köpf). grandalf lays out top-down, so each
box is given to it with width and height swapped.

Its ordering is a few rounds of mean-value sorting; here it runs more rounds,
keeps the order with the fewest crossings, and then swaps neighbours while a
swap removes crossings (what Graphviz calls "transpose"): on a 60-table schema
that halves the crossings grandalf's own two rounds leave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from grandalf.graphs import Edge as GEdge
from grandalf.graphs import Vertex, graph_core
from grandalf.layouts import SugiyamaLayout

from drift.render.diagram_order import order

BOX_GAP = 26  # between two boxes of a layer
DUMMY = 8  # the room a foreign key passing through a layer takes in it


@dataclass(frozen=True, slots=True)
class Layered:
    """One connected group laid out: each box's rank (its column) and its top along the
    column; each (parent, child) pair's waypoints, one per rank from the left end's rank
    to the right end's (the dummies' centres in between)."""

    rank: dict[str, int]
    top: dict[str, float]
    passes: dict[tuple[str, str], list[float]]  # (parent, child) -> y of each dummy, left first
    height: float


class _View:
    """What grandalf reads and writes on a vertex: its size and (after draw) its centre."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: tuple[float, float] = (0.0, 0.0)


def _chains(sug: Any, edges: Mapping[tuple[str, str], Any]) -> list[list[Any]]:
    """Each edge as its vertices from the lower rank to the higher."""
    out = []
    for edge in edges.values():
        ctrl = sug.ctrls.get(edge)
        if ctrl:
            out.append([ctrl[r] for r in sorted(ctrl)])
        else:
            a, b = edge.v
            out.append(sorted((a, b), key=lambda v: sug.grx[v].rank))
    return out


def _components(keys: Sequence[str], links: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Connected groups, largest first, each in name order (grandalf's own groups hold their
    edges in a set: their order, and so the layout, would change from run to run)."""
    root = {k: k for k in keys}

    def find(k: str) -> str:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    for a, b in links:
        root[find(a)] = find(b)
    found: dict[str, list[str]] = {}
    for k in sorted(keys):
        found.setdefault(find(k), []).append(k)
    return sorted(found.values(), key=lambda c: (-len(c), c[0]))


def layered(sizes: Mapping[str, tuple[float, float]], links: Sequence[tuple[str, str]]
            ) -> list[Layered]:
    """The connected groups of ``links`` ((parent, child) pairs, no self reference) laid
    out, largest first; ``sizes`` gives each box's (width, height)."""
    out = []
    for keys in _components(list(sizes), links):
        vertices = {key: Vertex(key) for key in keys}
        for key, v in vertices.items():
            v.view = _View(sizes[key][1], sizes[key][0])  # swapped: laid out top-down
        mine = {pair: GEdge(vertices[pair[0]], vertices[pair[1]])
                for pair in sorted(links) if pair[0] in vertices}
        component = graph_core(list(vertices.values()), list(mine.values()))
        sug = SugiyamaLayout(component)
        sug.xspace = BOX_GAP
        sug.dw = sug.dh = DUMMY  # else the dummies take the median box's size
        sug.init_all(optimize=True)
        chains = _chains(sug, mine)
        order(sug, chains, seed=len(keys))
        sug.setxy()
        rank = {v.data: sug.grx[v].rank for v in component.sV}
        centre = {v.data: v.view.xy[0] for v in component.sV}
        low = min(centre[k] - sizes[k][1] / 2 for k in centre)
        dummies = [v for layer in sug.layers for v in layer if sug.grx[v].dummy]
        low = min([low, *(d.view.xy[0] - DUMMY / 2 for d in dummies)])
        top = {k: centre[k] - sizes[k][1] / 2 - low for k in centre}
        passes: dict[tuple[str, str], list[float]] = {}
        for pair, edge in mine.items():
            ctrl = sug.ctrls.get(edge) or {}
            passes[pair] = [ctrl[r].view.xy[0] - low for r in sorted(ctrl)
                            if ctrl[r] not in edge.v]
        height = max([top[k] + sizes[k][1] for k in top]
                     + [d.view.xy[0] + DUMMY / 2 - low for d in dummies])
        out.append(Layered(rank, top, passes, height))
    return out
