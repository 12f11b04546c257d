"""The order of the boxes in each layer of a diagram: the fewest crossings found.

grandalf's ordering (a few rounds of mean-value sorting) leaves about twice the
crossings Graphviz finds. This runs what Graphviz's mincross does and more, on
grandalf's layers: barycentre and median sweeps, each followed by "transpose"
(neighbours swapped while that removes crossings), then "sifting" (each vertex
moved to its best place in its layer), started again from several orders
(shuffled by a seeded generator: the same schema gives the same drawing), the
best order kept. The work is bounded by the size of the group.
"""

from __future__ import annotations

import random
from typing import Any

Near = dict[Any, tuple[list[Any], list[Any]]]
EMPTY: tuple[list[Any], list[Any]] = ([], [])
SWEEPS = 8  # sweeps from each start
WORK = 2_000_000  # restarts x vertices^2, about: 24 starts at 60 tables, 12 at 150


def crossings(sug: Any, chains: list[list[Any]]) -> int:
    by_rank: dict[int, list[tuple[int, int]]] = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            by_rank.setdefault(sug.grx[a].rank, []).append((sug.grx[a].pos, sug.grx[b].pos))
    total = 0
    for segs in by_rank.values():
        segs.sort()
        for i, (a1, b1) in enumerate(segs):
            total += sum(1 for a2, b2 in segs[i + 1:] if a2 > a1 and b2 < b1)
    return total


def neighbours(sug: Any, chains: list[list[Any]]) -> dict[Any, tuple[list[Any], list[Any]]]:
    """Each vertex's neighbours in the layer before and in the layer after."""
    out: dict[Any, tuple[list[Any], list[Any]]] = {}
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            out.setdefault(a, ([], []))[1].append(b)
            out.setdefault(b, ([], []))[0].append(a)
    return out


def _transpose(sug: Any, near: Near) -> None:
    """Swap neighbours in a layer while that removes crossings."""

    def cost(u: Any, v: Any) -> int:  # crossings between u's and v's edges, u before v
        n = 0
        for side in (0, 1):
            pu = [sug.grx[x].pos for x in near.get(u, EMPTY)[side]]
            pv = [sug.grx[x].pos for x in near.get(v, EMPTY)[side]]
            n += sum(1 for a in pu for b in pv if a > b)
        return n

    improved, passes = True, 0
    while improved and passes < 50:
        improved, passes = False, passes + 1
        for layer in sug.layers:
            for i in range(len(layer) - 1):
                u, v = layer[i], layer[i + 1]
                if cost(v, u) < cost(u, v):
                    layer[i], layer[i + 1] = v, u
                    sug.grx[u].pos, sug.grx[v].pos = i + 1, i
                    improved = True


def _sift(sug: Any, near: Near) -> None:
    """Move each vertex to the place in its layer where its edges cross the fewest (sifting),
    layer after layer, while that removes crossings."""
    for _ in range(8):
        moved = False
        for layer in sug.layers:
            n = len(layer)
            if n < 2:
                continue
            sides = [[[sug.grx[x].pos for x in near.get(v, EMPTY)[k]] for k in (0, 1)]
                     for v in layer]
            # cost[a][b]: crossings between the edges of a and b with a placed before b
            cost = [[sum(1 for k in (0, 1) for p in sides[a][k] for q in sides[b][k] if p > q)
                     if a != b else 0 for b in range(n)] for a in range(n)]
            order = list(range(n))
            for v in range(n):
                order.remove(v)
                here = sum(cost[v][u] for u in order)  # v first
                best_at, best = 0, here
                for j, u in enumerate(order):
                    here += cost[u][v] - cost[v][u]  # v moves past u
                    if here < best:
                        best_at, best = j + 1, here
                order.insert(best_at, v)
            if order != list(range(n)):
                before = sum(cost[a][b] for i, a in enumerate(range(n)) for b in range(i + 1, n))
                after = sum(cost[a][b] for i, a in enumerate(order) for b in order[i + 1:])
                if after < before:
                    layer[:] = [layer[k] for k in order]
                    for i, v in enumerate(layer):
                        sug.grx[v].pos = i
                    moved = True
        if not moved:
            return


def _keep(sug: Any, chains: list[list[Any]], best: tuple[int, list[list[Any]]]
          ) -> tuple[int, list[list[Any]]]:
    found = crossings(sug, chains)
    return (found, [list(layer) for layer in sug.layers]) if found < best[0] else best


def _restore(sug: Any, orders: list[list[Any]]) -> None:
    for layer, order in zip(sug.layers, orders, strict=True):
        layer[:] = order
        layer.setup(sug)


def _sweep(sug: Any, near: Near, down: bool, median: bool = False) -> None:
    """One sweep of the median heuristic: each layer sorted by the median place of its
    vertices' neighbours in the layer before (a vertex without any keeps its place)."""
    layers = sug.layers if down else list(reversed(sug.layers))
    for layer in layers[1:]:
        keyed = []
        for i, v in enumerate(layer):
            places = sorted(sug.grx[x].pos for x in near.get(v, EMPTY)[0 if down else 1])
            if not places:
                keyed.append((float(i), i, v))
                continue
            m = len(places) // 2
            if not median:
                keyed.append((sum(places) / len(places), i, v))
            else:
                keyed.append((places[m] if len(places) % 2 else (places[m - 1] + places[m]) / 2,
                              i, v))
        keyed.sort(key=lambda t: (t[0], t[1]))
        layer[:] = [v for _, _, v in keyed]
        for i, v in enumerate(layer):
            sug.grx[v].pos = i


def order(sug: Any, chains: list[list[Any]], seed: int) -> None:
    """Order grandalf's layers (``sug.layers``, after ``init_all``); ``chains``: each edge's
    vertices, layer after layer."""
    near = neighbours(sug, chains)
    best = (crossings(sug, chains), [list(layer) for layer in sug.layers])
    for _ in range(SWEEPS // 2):  # grandalf's own rounds first
        for _step in sug.ordering_step():
            pass
        _transpose(sug, near)
        best = _keep(sug, chains, best)
    if best[0] == 0:  # nothing to gain (most per-table diagrams): no restarts
        _restore(sug, best[1])
        return
    size = sum(len(layer) for layer in sug.layers)
    rng = random.Random(seed)
    for start in range(max(3, min(24, WORK // max(size * size, 1)))):
        if start:  # a shuffled start
            for layer in sug.layers:
                rng.shuffle(layer)
                for i, v in enumerate(layer):
                    sug.grx[v].pos = i
        here = (crossings(sug, chains), [list(layer) for layer in sug.layers])
        for n in range(SWEEPS):
            _sweep(sug, near, n % 2 == 0, median=n % 4 >= 2)
            _transpose(sug, near)
            here = _keep(sug, chains, here)
        _restore(sug, here[1])
        _sift(sug, near)
        here = _keep(sug, chains, here)
        best = here if here[0] < best[0] else best
        if best[0] == 0:
            break
    _restore(sug, best[1])
