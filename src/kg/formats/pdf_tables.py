"""Ruled tables on a PDF page: the grid their border lines draw (pypdfium2 path objects).

A word processor draws a table's borders as thin lines or thin filled rectangles. Segments that
touch make one table; the x of its vertical rules and the y of its horizontal rules are the
grid. A cell whose dividing rule is missing in a row spans the columns on both sides (merged
cells); a character belongs to the cell its box's centre falls in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

_THIN = 2.5  # points: a rule is at most this thick
_MIN_RULE = 8.0  # points: shorter marks are not borders
_TOUCH = 2.0  # points: segments this close meet
_MIN_CELLS = 2  # a grid needs at least two rows or two columns of cells


@dataclass(frozen=True)
class _Segment:
    horizontal: bool
    at: float  # y of a horizontal rule, x of a vertical one
    low: float  # its extent along the other axis
    high: float


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom (PDF y grows upwards)
    verticals: list[_Segment]

    @property
    def top(self) -> float:
        return self.ys[0]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[-1] <= y <= self.ys[0]

    def cell_of(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of a point inside the grid; a merged cell answers with its leftmost column."""
        row = next(i for i in range(len(self.ys) - 1) if y >= self.ys[i + 1])
        column = next(j for j in range(len(self.xs) - 1) if x <= self.xs[j + 1])
        middle = (self.ys[row] + self.ys[row + 1]) / 2
        while column > 0 and not self._ruled(self.xs[column], middle):
            column -= 1
        return row, column

    def cell_bounds(self, row: int, column: int) -> tuple[float, float]:
        """(left, right) of a cell, as wide as its merge."""
        middle = (self.ys[row] + self.ys[row + 1]) / 2
        end = column + 1
        while end < len(self.xs) - 1 and not self._ruled(self.xs[end], middle):
            end += 1
        return self.xs[column], self.xs[end]

    def _ruled(self, x: float, y: float) -> bool:
        return any(abs(s.at - x) <= _TOUCH and s.low - _TOUCH <= y <= s.high + _TOUCH for s in self.verticals)


def find_grids(page) -> list[Grid]:
    segments = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        segments.extend(_segments(*obj.get_bounds()))
    grids = []
    for group in _connected(segments):
        xs = _merged(s.at for s in group if not s.horizontal)
        ys = _merged((s.at for s in group if s.horizontal), reverse=True)
        if len(xs) >= 2 and len(ys) >= 2 and max(len(xs), len(ys)) > _MIN_CELLS:
            grids.append(Grid(xs, ys, [s for s in group if not s.horizontal]))
    return sorted(grids, key=lambda g: -g.top)


def _segments(left: float, bottom: float, right: float, top: float) -> list[_Segment]:
    width, height = right - left, top - bottom
    if height <= _THIN and width >= _MIN_RULE:
        return [_Segment(True, (bottom + top) / 2, left, right)]
    if width <= _THIN and height >= _MIN_RULE:
        return [_Segment(False, (left + right) / 2, bottom, top)]
    if width >= _MIN_RULE and height >= _MIN_RULE:  # a box: its four sides
        return [_Segment(True, top, left, right), _Segment(True, bottom, left, right),
                _Segment(False, left, bottom, top), _Segment(False, right, bottom, top)]
    return []


def _meets(a: _Segment, b: _Segment) -> bool:
    if a.horizontal == b.horizontal:
        return abs(a.at - b.at) <= _TOUCH and a.low - _TOUCH <= b.high and b.low - _TOUCH <= a.high
    return a.low - _TOUCH <= b.at <= a.high + _TOUCH and b.low - _TOUCH <= a.at <= b.high + _TOUCH


def _connected(segments: list[_Segment]) -> list[list[_Segment]]:
    parent = list(range(len(segments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(segments):
        for j in range(i + 1, len(segments)):
            if _meets(a, segments[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[_Segment]] = {}
    for i, segment in enumerate(segments):
        groups.setdefault(root(i), []).append(segment)
    return list(groups.values())


def _merged(values, reverse: bool = False) -> list[float]:
    out: list[float] = []
    for value in sorted(values, reverse=reverse):
        if not out or abs(value - out[-1]) > _TOUCH:
            out.append(value)
    return out
