"""The lifecycle diagram: the states of the initiative and the transitions
between them, laid out on a fixed grid and drawn as SVG by the template.

The edges come from the state machine itself, so the picture cannot drift
from the rules."""

import math
from dataclasses import dataclass

from initiatives.models import Initiative, State

# (column, row) of each state: the main path on the middle row, detours above
# and below, chosen so that no two edges cross.
GRID: dict[str, tuple[int, int]] = {
    State.WITHDRAWN: (0, 0),
    State.DRAFT: (0, 1),
    State.SUBMITTED: (1, 1),
    State.CHANGES_REQUESTED: (1, 0),
    State.IN_REVIEW: (2, 1),
    State.AWAITING_SPONSOR: (3, 0),
    State.REJECTED: (3, 2),
    State.APPROVED: (4, 1),
    State.ACTIVE: (5, 1),
    State.PAUSED: (5, 2),
    State.COMPLETED: (6, 1),
}
BOX_W, BOX_H = 156, 40
COL_W, ROW_H = 174, 80
MARGIN = 8
WIDTH = MARGIN * 2 + COL_W * 6 + BOX_W
HEIGHT = MARGIN * 2 + ROW_H * 2 + BOX_H


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: int
    y: int
    current: bool

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2

    @property
    def cy(self) -> int:
        return self.y + BOX_H // 2


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


def _edges() -> set[tuple[str, str]]:
    pairs = set()
    for transition in Initiative._meta.get_field("state").get_all_transitions(Initiative):
        targets = (
            [transition.target]
            if isinstance(transition.target, str)
            else list(transition.target.allowed_states)
        )
        for target in targets:
            pairs.add((transition.source, target))
    return pairs


EDGES = frozenset(_edges())


def _clip(dx: float, dy: float) -> float:
    """How far along (dx, dy) from a box's center its border lies."""
    tx = (BOX_W / 2 + 3) / abs(dx) if dx else math.inf
    ty = (BOX_H / 2 + 3) / abs(dy) if dy else math.inf
    return min(tx, ty)


def lifecycle(current: str) -> dict[str, object]:
    """The nodes and edges to draw, with `current` highlighted."""
    labels = dict(State.choices)
    nodes = {
        state: Node(
            state=state,
            label=str(labels[state]),
            x=MARGIN + col * COL_W,
            y=MARGIN + row * ROW_H,
            current=state == current,
        )
        for state, (col, row) in GRID.items()
    }
    edges = []
    for source, target in sorted(EDGES):
        a, b = nodes[source], nodes[target]
        dx, dy = b.cx - a.cx, b.cy - a.cy
        length = math.hypot(dx, dy)
        # A pair with edges both ways (pause and resume) is drawn as two parallel lines.
        shift = 5 if (target, source) in EDGES else 0
        ox, oy = -dy / length * shift, dx / length * shift
        start, end = _clip(dx, dy), 1 - _clip(dx, dy)
        edges.append(
            Edge(
                x1=round(a.cx + dx * start + ox, 1),
                y1=round(a.cy + dy * start + oy, 1),
                x2=round(a.cx + dx * end + ox, 1),
                y2=round(a.cy + dy * end + oy, 1),
            )
        )
    return {
        "nodes": list(nodes.values()),
        "edges": edges,
        "width": WIDTH,
        "height": HEIGHT,
        "box_w": BOX_W,
        "box_h": BOX_H,
        "current_label": str(labels.get(current, current)),
    }
