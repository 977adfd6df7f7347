"""Tables of a .docx or an HTML page as lines of text.

A numbered table (its first cell 'TT' or 'STT': the task and indicator tables of a plan) gives one
cell per line, each paragraph of a cell on its own line: the form `kg.parse.tables` reads rows
from. In other tables a row of one-line cells is one line '| a | b |', as web transcriptions give
a metadata table ('| Số hiệu | 146/KH-UBND |'); a row whose cells hold several paragraphs (the
letterhead or the signature block laid out in a table) is read cell by cell, line by line.
"""

from __future__ import annotations

import re

from kg.parse.normalize import fold

Cell = list[str]  # the cell's paragraphs (lines), in order
_NUMBER_HEADER = re.compile(r"^s?tt\.?$")


def table_lines(rows: list[list[Cell]], numbered: bool | None = None) -> list[str]:
    """`numbered`: whether the table is numbered, when the caller knows better than its first
    cell (the part of a numbered table that goes on over a page break)."""
    rows = _filled(rows)
    if not rows:
        return []
    if is_numbered(rows) if numbered is None else numbered:
        return [line for row in rows for cell in row for line in cell]
    lines = []
    for row in rows:
        filled = [cell for cell in row if cell]
        if len(filled) > 1 and all(len(cell) == 1 for cell in filled):
            lines.append("| " + " | ".join(cell[0] for cell in filled) + " |")
        else:
            lines.extend(line for cell in filled for line in cell)
    return lines


def _filled(rows: list[list[Cell]]) -> list[list[Cell]]:
    rows = [[[line.strip() for line in cell if line.strip()] for cell in row] for row in rows]
    return [row for row in rows if any(row)]


def is_numbered(rows: list[list[Cell]]) -> bool:
    rows = _filled(rows)
    first = next((cell for cell in rows[0] if cell), None) if rows else None
    return bool(first and _NUMBER_HEADER.match(fold(first[0])))
