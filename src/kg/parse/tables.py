"""Tables flattened into lines: one cell per line under a 'TT' header, or ' | ' separated rows.

A new row begins at a row number that continues the numbering (after 6 comes 6.1 or 7, after
6.12 comes 6.13 or 7); any other number is a cell value. That keeps values such as '2' (% GDP)
or '12' (people per 10,000) in their row instead of starting a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.parse.normalize import fold

_ROW_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?|[IVX]{1,4})\s*\.?$")
_HEADER_START = re.compile(r"^s?tt\.?$", re.I)
_APPENDIX = re.compile(r"^ph[ụu]\s*l[ụu]c\b", re.I)
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_MAX_HEADER_CELLS = 9
_MAX_HEADER_CHARS = 60


@dataclass
class TableRow:
    number: str
    cells: list[str]
    header: list[str]
    start: int = 0
    end: int = 0
    is_group: bool = False
    path: str = ""
    group_path: str = ""
    group_heading: str = ""
    first_line: int = 0
    last_line: int = 0

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]

    def cell(self, *names: str) -> str:
        """The cell whose header starts with one of `names`, compared accent-folded (an OCR or
        unaccented header 'Co quan chu tri' is the same column), if present."""
        for i, head in enumerate(self.header[1:]):
            if any(fold(head).startswith(fold(n)) for n in names) and i < len(self.cells):
                return self.cells[i]
        return ""


@dataclass
class Table:
    header: list[str]
    line_indexes: list[int]
    rows: list[TableRow]


def _expected_next(last: str | None) -> set[str]:
    if last is None:
        return {"1", "I"}
    if last in _ROMAN:
        nxt = _ROMAN[_ROMAN.index(last) + 1] if last != _ROMAN[-1] else last
        return {nxt, "1"}
    parts = [int(p) for p in last.split(".")]
    out = {".".join(map(str, parts + [1]))}
    for depth in range(len(parts)):
        head = parts[:depth] + [parts[depth] + 1]
        out.add(".".join(map(str, head)))
    return out


def _expected_after(last_number: str | None, last_group: str | None) -> set[str]:
    """Row numbers that may come next: the numbering continues, or the next group (I, II …)."""
    expected = _expected_next(last_number)
    if last_group is not None:
        expected |= _expected_next(last_group) - {"1"}
    return expected


def _header_at(lines: list[str], i: int) -> list[str] | None:
    if not _HEADER_START.match(lines[i]):
        return None
    header = [lines[i]]
    for line in lines[i + 1 : i + 1 + _MAX_HEADER_CELLS]:
        if not line or _ROW_NUMBER.match(line) or len(line) > _MAX_HEADER_CHARS:
            break
        header.append(line)
    return header if len(header) >= 3 else None


def find_tables(lines: list[tuple[int, int, str]]) -> list[Table]:
    """Tables in a text given as (start offset, end offset, text) lines."""
    lines_text = [text for _, _, text in lines]
    tables: list[Table] = []
    i = 0
    while i < len(lines_text):
        header = _header_at(lines_text, i)
        if header is None:
            i += 1
            continue
        table = _read_table(lines_text, i, header)
        for row in table.rows:
            row.start, row.end = lines[row.first_line][0], lines[row.last_line][1]
        tables.append(table)
        i = table.line_indexes[-1] + 1
    return tables


def _read_table(lines: list[str], start: int, header: list[str]) -> Table:
    indexes = list(range(start, start + len(header)))
    rows: list[TableRow] = []
    last_number: str | None = None
    last_group: str | None = None
    current: TableRow | None = None
    i = start + len(header)
    while i < len(lines):
        line = lines[i]
        if not line:
            if current is not None and not _ROW_NUMBER.match(lines[i + 1] if i + 1 < len(lines) else ""):
                break  # a blank line not followed by a row ends the table
            i += 1
            continue
        m = _ROW_NUMBER.match(line)
        number = m.group(1) if m else None
        if number is not None and number in _expected_after(last_number, last_group):
            current = TableRow(number, [], header, is_group=number in _ROMAN, first_line=i, last_line=i)
            rows.append(current)
            if current.is_group:
                last_group = number
            else:
                last_number = number
            indexes.append(i)
            i += 1
            continue
        if current is None or _APPENDIX.match(line):
            break
        if current.cells and (line[:1] in "(" or line[:1].islower()):
            current.cells[-1] += " " + line
        else:
            current.cells.append(line)
        indexes.append(i)
        current.last_line = i
        i += 1
    return Table(header, indexes, rows)
