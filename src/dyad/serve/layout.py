"""Where the network chart puts its nodes: a small force layout (linked nodes pull together,
all nodes push apart, a weak pull to the centre), then a pass that moves overlapping nodes
apart until none overlap, so a busy dyad's big nodes never hide each other. Deterministic: the
same dyads give the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GAP", "LINK_ROOM", "Node", "room", "spread"]

GAP = 4.0  # the least room between two nodes' rims
LINK_ROOM = 36.0  # the least room between linked nodes' rims, so their arrows show
GRAVITY = 0.6  # the pull to the centre, which keeps unlinked groups from drifting to the edges


@dataclass(frozen=True)
class Node:
    name: str
    radius: float


def room(nodes: list[Node]) -> float:
    """The side of a square in which `nodes` fit apart with space to spare."""
    return 2.2 * math.sqrt(sum((2 * node.radius + GAP) ** 2 for node in nodes))


def spread(nodes: list[Node], edges: list[tuple[str, str]], size: float) -> dict[str, tuple[float, float]]:
    """Positions (x, y) in a `size` square (at least `room(nodes)`) for `nodes`, linked by
    `edges` (pairs of names)."""
    n = len(nodes)
    steps = max(40, min(300, 30_000 // max(n, 1)))  # fewer steps for many nodes: each is n squared
    centre = size / 2
    start = size / 2 - max((node.radius for node in nodes), default=0) - GAP
    at = [[centre + start * math.cos(2 * math.pi * i / n - math.pi / 2),
           centre + start * math.sin(2 * math.pi * i / n - math.pi / 2)] for i in range(n)]
    index = {node.name: i for i, node in enumerate(nodes)}
    links = [(index[a], index[b]) for a, b in edges if a != b]
    ideal = size / math.sqrt(n + 1) * 0.6
    for step in range(steps):
        heat = size / 10 * (1 - step / steps) + 0.5
        _forces(at, links, ideal, centre, heat)
        _keep_inside(at, nodes, size)
    _separate(at, nodes, size, {frozenset(link) for link in links})
    return {node.name: (at[i][0], at[i][1]) for i, node in enumerate(nodes)}


def _forces(at: list[list[float]], links: list[tuple[int, int]], ideal: float, centre: float, heat: float) -> None:
    """One step of Fruchterman and Reingold's layout, each node moving at most `heat`."""
    move = [[0.0, 0.0] for _ in at]
    for i, (xi, yi) in enumerate(at):
        for j in range(i + 1, len(at)):
            dx, dy = xi - at[j][0], yi - at[j][1]
            d = math.hypot(dx, dy) or 0.01
            push = ideal * ideal / d / d
            move[i][0] += dx * push
            move[i][1] += dy * push
            move[j][0] -= dx * push
            move[j][1] -= dy * push
    for i, j in links:
        dx, dy = at[i][0] - at[j][0], at[i][1] - at[j][1]
        pull = math.hypot(dx, dy) / ideal
        move[i][0] -= dx * pull
        move[i][1] -= dy * pull
        move[j][0] += dx * pull
        move[j][1] += dy * pull
    for i, (x, y) in enumerate(at):
        mx, my = move[i][0] + (centre - x) * GRAVITY, move[i][1] + (centre - y) * GRAVITY
        d = math.hypot(mx, my) or 1.0
        at[i][0] += mx / d * min(d, heat)
        at[i][1] += my / d * min(d, heat)


def _keep_inside(at: list[list[float]], nodes: list[Node], size: float) -> None:
    for node, point in zip(nodes, at, strict=True):
        point[0] = min(max(point[0], node.radius + 1), size - node.radius - 1)
        point[1] = min(max(point[1], node.radius + 1), size - node.radius - 1)


def _separate(at: list[list[float]], nodes: list[Node], size: float, linked: set[frozenset[int]],
              rounds: int = 500) -> None:
    """Push nodes apart (each half the shortfall) until no two overlap and linked ones have
    room for their arrows."""
    for _ in range(rounds):
        moved = False
        for i in range(len(at)):
            for j in range(i + 1, len(at)):
                dx, dy = at[j][0] - at[i][0], at[j][1] - at[i][1]
                d = math.hypot(dx, dy)
                need = nodes[i].radius + nodes[j].radius + (LINK_ROOM if frozenset((i, j)) in linked else GAP)
                if d < need:
                    if d < 1e-6:  # the same spot: part them sideways
                        dx, dy, d = 1.0, 0.0, 1.0
                    shift = (need - d) / 2 + 0.01
                    at[i][0] -= dx / d * shift
                    at[i][1] -= dy / d * shift
                    at[j][0] += dx / d * shift
                    at[j][1] += dy / d * shift
                    moved = True
        _keep_inside(at, nodes, size)
        if not moved:
            return
