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
    State.AWAITING_APPROVAL: (4, 0),
    State.REJECTED: (3, 2),
    State.APPROVED: (4, 1),
    State.ACTIVE: (5, 1),
    State.PAUSED: (5, 2),
    State.COMPLETED: (6, 1),
}
MARGIN = 8


@dataclass(frozen=True)
class Layout:
    """Box sizes and spacing of one drawing. The narrow one turns the grid on
    its side (columns become rows), so that on a phone the diagram reads top to
    bottom at a legible size; turning a grid keeps edges from crossing."""

    box_w: int
    box_h: int
    col_w: int
    row_h: int
    vertical: bool

    def position(self, col: int, row: int) -> tuple[int, int]:
        across, down = (row, col) if self.vertical else (col, row)
        return MARGIN + across * self.col_w, MARGIN + down * self.row_h

    @property
    def size(self) -> tuple[int, int]:
        cols = max(c for c, _r in GRID.values())
        rows = max(r for _c, r in GRID.values())
        across, down = (rows, cols) if self.vertical else (cols, rows)
        return (
            MARGIN * 2 + self.col_w * across + self.box_w,
            MARGIN * 2 + self.row_h * down + self.box_h,
        )


WIDE = Layout(box_w=156, box_h=40, col_w=174, row_h=80, vertical=False)
NARROW = Layout(box_w=124, box_h=34, col_w=132, row_h=58, vertical=True)
BOX_W, BOX_H = WIDE.box_w, WIDE.box_h
WIDTH, HEIGHT = WIDE.size


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    x: int
    y: int
    current: bool
    w: int = BOX_W
    h: int = BOX_H

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


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
            # A step of the chain leading to the next step in the same state
            # (finance, then a committee) is no edge of the picture.
            if target != transition.source:
                pairs.add((transition.source, target))
    return pairs


EDGES = frozenset(_edges())


def _clip(dx: float, dy: float, layout: Layout) -> float:
    """How far along (dx, dy) from a box's center its border lies."""
    tx = (layout.box_w / 2 + 3) / abs(dx) if dx else math.inf
    ty = (layout.box_h / 2 + 3) / abs(dy) if dy else math.inf
    return min(tx, ty)


def _drawing(current: str, layout: Layout) -> dict[str, object]:
    labels = dict(State.choices)
    nodes = {}
    for state, (col, row) in GRID.items():
        x, y = layout.position(col, row)
        nodes[state] = Node(
            state=state,
            label=str(labels[state]),
            x=x,
            y=y,
            current=state == current,
            w=layout.box_w,
            h=layout.box_h,
        )
    edges = []
    for source, target in sorted(EDGES):
        a, b = nodes[source], nodes[target]
        dx, dy = b.cx - a.cx, b.cy - a.cy
        length = math.hypot(dx, dy)
        # A pair with edges both ways (pause and resume) is drawn as two parallel lines.
        shift = 5 if (target, source) in EDGES else 0
        ox, oy = -dy / length * shift, dx / length * shift
        start, end = _clip(dx, dy, layout), 1 - _clip(dx, dy, layout)
        edges.append(
            Edge(
                x1=round(a.cx + dx * start + ox, 1),
                y1=round(a.cy + dy * start + oy, 1),
                x2=round(a.cx + dx * end + ox, 1),
                y2=round(a.cy + dy * end + oy, 1),
            )
        )
    width, height = layout.size
    return {
        "nodes": list(nodes.values()),
        "edges": edges,
        "width": width,
        "height": height,
        "box_w": layout.box_w,
        "box_h": layout.box_h,
    }


def lifecycle(current: str) -> dict[str, object]:
    """The nodes and edges to draw, with `current` highlighted: the wide
    drawing, and under `narrow` the vertical one that narrow screens show."""
    labels = dict(State.choices)
    return {
        **_drawing(current, WIDE),
        "narrow": _drawing(current, NARROW),
        "current_label": str(labels.get(current, current)),
    }
