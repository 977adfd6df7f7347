"""Recover the heading hierarchy of a Vietnamese policy document from its plain text.

Numbering styles (I., 1., 1.1., a), -, Phụ lục; also the slash forms I/, 1/, a/) are ranked by first appearance: a style seen
for the first time nests under the current one, a style already open closes everything below
it. This handles mixed and unusual orders without a fixed grammar. Tables flattened one cell
per line (Phụ lục I/II of implementing plans) are read by `kg.parse.tables`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Part, Span
from kg.parse.normalize import breaks_mid_paragraph, fold, wrap_width
from kg.parse.tables import TableRow, find_tables

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

_ROMAN_RE = re.compile(r"^(X?(?:IX|IV|V?I{0,3}))\s*[.\-–:)/]\s*(.*)$")
_DECIMAL_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)/]\s*(.*)$")
_OCR_ROMAN = re.compile(r"^(I[I1l]{1,2})\.\s+(?=[A-ZĐ]{2})")
_LETTER_RE = re.compile(r"^([a-zđ])\s*[)/]\s*(.*)$")
_BULLET_RE = re.compile(r"^[-–—•+*]\s*(.*)$")
_APPENDIX_RE = re.compile(r"^phu\s*luc\s*([ivx]+|\d+)?\b", re.I)
_CLOSING = re.compile(r"^(noi nh\w{1,3}n\s*:|tren day la\b)")
_KIND = {"roman": "section", "appendix": "appendix", "letter": "point", "bullet": "bullet"}


@dataclass
class _Line:
    start: int
    end: int
    text: str


def label_of(text: str) -> tuple[str, str, str] | None:
    """(style, number, rest of the line) for a numbered line; None for plain text."""
    m = _APPENDIX_RE.match(fold(text[:14]))
    if m:
        num = (m.group(1) or "").upper()
        return "appendix", str(ROMAN.index(num) + 1) if num in ROMAN else num or "1", text
    m = _ROMAN_RE.match(_ocr_roman(text))
    if m and m.group(1) in ROMAN and m.group(2):
        return "roman", m.group(1), m.group(2)
    m = _DECIMAL_RE.match(text)
    if m and m.group(2) and (not m.group(2)[0].isdigit() or _is_outline_number(text, m.group(1))):
        return f"decimal{m.group(1).count('.') + 1}", m.group(1), m.group(2)
    m = _LETTER_RE.match(text)
    if m and m.group(2):
        return "letter", m.group(1), m.group(2)
    m = _BULLET_RE.match(text)
    if m and m.group(1):
        return "bullet", "", m.group(1)
    return None


def _ocr_roman(text: str) -> str:
    """OCR reads the I of a roman numeral as 1 or l ('I11. TO CHUC'): repair such a label."""
    m = _OCR_ROMAN.match(text)
    return m.group(1).replace("1", "I").replace("l", "I") + text[m.end(1) :] if m else text


def _is_outline_number(text: str, number: str) -> bool:
    """'1.12. 80% người dân …': a multi-level number closed by a dot is a label even when the
    item starts with a figure; '6/2025' or '2.5 triệu' are not."""
    return "." in number and text[len(number) : len(number) + 2] == ". "


def _logical_lines(lines: list[_Line], skip: set[int]) -> list[tuple[int, _Line]]:
    """(index of first physical line, joined line). In hard-wrapped text a paragraph ends at a
    blank line, a numbered line or a line that stops short of the width, not at a line ending a
    sentence: OCR copies wrap mid-item."""
    width = wrap_width([line.text for line in lines])
    out: list[tuple[int, _Line]] = []
    prev_blank = True
    for i, line in enumerate(lines):
        if i in skip or not line.text:
            prev_blank = True
            continue
        prev = out[-1][1] if out else None
        joins = (
            width is not None
            and prev is not None
            and label_of(line.text) is None
            and (line.text[:1].islower() or not prev_blank and breaks_mid_paragraph(lines[i - 1].text, line.text, width))
        )
        if joins:
            out[-1] = (out[-1][0], _Line(prev.start, line.end, prev.text + " " + line.text))
        else:
            out.append((i, line))
        prev_blank = False
    return out


class _Tree:
    """Builds parts with a stack of open numbering styles."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.stack: list[tuple[str, Part]] = []
        self.paths: set[str] = set()
        self.counters: dict[str, int] = {}

    @property
    def current(self) -> Part | None:
        return self.stack[-1][1] if self.stack else None

    def unique(self, path: str) -> str:
        candidate, n = path, 2
        while candidate in self.paths:
            candidate, n = f"{path}~{n}", n + 1
        self.paths.add(candidate)
        return candidate

    def new_part(self, parent: Part | None, segment: str, **fields) -> Part:
        path = self.unique(f"{parent.path}.{segment}" if parent else segment)
        part = Part(path=path, parent=parent.path if parent else None, **fields)
        self.parts.append(part)
        return part

    def numbered(self, style: str, number: str, label: str, heading: str, span: Span) -> Part:
        styles = [s for s, _ in self.stack]
        if style == "appendix":
            self.stack.clear()
        elif style in styles:
            del self.stack[styles.index(style) :]
        if style == "letter" and number == "a" and self._has_points(self.current):
            self._open_implicit_sibling()
        parent = self.current
        part = self.new_part(parent, self._segment(style, number, parent), label=label,
                             kind=_KIND.get(style, "item"), heading=heading, span=span)
        if style != "bullet":
            self.stack.append((style, part))
        return part

    def unnumbered(self, kind: str, heading: str, span: Span) -> Part:
        parent = self.current
        key = parent.path if parent else ""
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.new_part(parent, f"p{self.counters[key]}", label="", kind=kind, heading=heading, span=span)

    def _segment(self, style: str, number: str, parent: Part | None) -> str:
        if style == "bullet":
            key = (parent.path if parent else "") + "#b"
            self.counters[key] = self.counters.get(key, 0) + 1
            return f"b{self.counters[key]}"
        if style == "appendix":
            return f"PL{number}"
        head, _, tail = number.rpartition(".")
        if head and parent is not None and parent.label.rstrip(".)/") == head:
            return tail  # '3.1.' under '3.' is segment '1'
        return number.replace(".", "-")

    def _has_points(self, part: Part | None) -> bool:
        return part is not None and any(p.parent == part.path and p.kind == "point" for p in self.parts)

    def _open_implicit_sibling(self) -> None:
        """A lettered list restarted at a) with no heading between: the text lost a heading.
        Open an implicit part after the list's owner, numbered after it, and mark it."""
        style, owner = self.stack.pop()
        parent = self.current
        number = _next_number(style, owner.path.rsplit(".", 1)[-1])
        part = self.new_part(parent, number, label="", kind=owner.kind, heading="",
                             span=Span(owner.span.end, owner.span.end, ""), implicit=True)
        self.stack.append((style, part))


def _next_number(style: str, number: str) -> str:
    number = number.split("~")[0]
    if style == "roman" and number in ROMAN[:-1]:
        return ROMAN[ROMAN.index(number) + 1]
    head, _, tail = number.rpartition("-")
    if tail.isdigit():
        return f"{head}-{int(tail) + 1}" if head else str(int(tail) + 1)
    return number + "+"


def parse_structure(text: str) -> tuple[list[Part], list[TableRow]]:
    """The parts of a document in reading order, and the rows of its flattened tables."""
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    tables = find_tables([(line.start, line.end, line.text) for line in lines])
    table_at = {table.line_indexes[0]: table for table in tables}
    skip = {i for table in tables for i in table.line_indexes}
    tree = _Tree()
    rows: list[TableRow] = []
    pending = sorted(table_at)
    for first, line in _logical_lines(lines, skip):
        while pending and pending[0] < first:
            rows.extend(_add_table(tree, table_at[pending.pop(0)], text))
        span = Span(line.start, line.end, line.text)
        if _CLOSING.match(fold(line.text)):
            tree.stack.clear()  # 'Nơi nhận:', 'Trên đây là …' end the body: nothing below nests in its last item
        labelled = label_of(line.text)
        if labelled is None:
            tree.unnumbered("paragraph", line.text, span)
            continue
        style, number, rest = labelled
        label = line.text[: len(line.text) - len(rest)].strip() if rest is not line.text else ""
        tree.numbered(style, number, label, rest, span)
    for start in pending:
        rows.extend(_add_table(tree, table_at[start], text))
    return tree.parts, rows


def _add_table(tree: _Tree, table, text: str) -> list[TableRow]:
    """Rows become parts under the current part (usually a Phụ lục), grouped by their I, II rows."""
    owner = tree.current
    group: Part | None = None
    for row in table.rows:
        span = Span(row.start, row.end, text[row.start : row.end])
        heading = row.cells[0] if row.cells else ""
        if row.is_group:
            group = tree.new_part(owner, row.number, label=row.number, kind="section", heading=heading, span=span)
            row.path = group.path
            continue
        parent = group or owner
        part = tree.new_part(owner, row.number, label=row.number, kind="row", heading=heading, span=span)
        part.parent = parent.path if parent else None
        row.path = part.path
        row.group_path = parent.path if parent else ""
        row.group_heading = parent.heading if parent else ""
    return table.rows
