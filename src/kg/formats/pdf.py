"""PDF files with a text layer (pypdfium2, chosen by measurement: docs/formats.md).

A PDF breaks every paragraph into lines. A line break is kept only where the writer chose it:
the break is the layout's when the next line's first word would not have fitted on the line
(the rule a word processor wraps by), measured on the characters' boxes; in justified text
(official documents are) a wrapped line also ends at the right margin, which tells a paragraph
that merely ends close to the margin from one that goes on. Ruled tables are read cell by cell
(kg.formats.pdf_tables) and flattened like a .docx's. Page numbers alone on the first or last
line of a page are dropped. A page that holds images and no text is a scan: the file is refused
("no text layer: needs OCR"), never read as a shorter document; so is a text layer whose fonts
have no Unicode map (control codes where the letters should be).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from kg.formats.pdf_tables import Grid, find_grids
from kg.formats.tables import is_numbered, table_lines

_FIT_SLACK = 1.0  # points: rounding of the boxes
_JUSTIFIED_SHARE = 0.5  # of the long lines ending at the margin: the text is justified
_CENTRED_SLACK = 3.0  # points: a line whose margins differ by less is centred
_MAX_UNMAPPED = 0.05  # of the visible characters: more, and the text layer is glyph numbers
_BLANK_GAP = 1.6  # times the usual distance between lines: the gap of an empty line between paragraphs
# A list label opening a line ('3.2.', 'g)', 'II.', '- '): after a sentence end, a new paragraph
_LABEL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|[IVX]{1,4}\.|[-–+•])\s")


@dataclass
class _Line:
    text: str
    left: float
    right: float
    top: float
    first_word: float  # width of the first word
    space: float  # width of a space in this line's font size
    page: int = 0
    column: tuple[float, float] = (0.0, 0.0)  # the text column (left, right) the line sits in
    margin: float = 0.0  # where justified lines of the column end: the most common right edge


@dataclass
class _Table:
    top: float
    rows: list[list[list[str]]] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def pdf_text(raw: bytes) -> str:
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        raise ValueError(f"not a readable PDF (corrupt, encrypted or another format): {err}") from err
    pages, scanned = [], []
    for number, page in enumerate(document, start=1):
        items = _page_items(page, number)
        if not items and any(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1)):
            scanned.append(number)
        pages.append((_without_page_number(items, number), page.get_size()))
    if scanned:
        which = ("every page is an image" if len(scanned) == len(pages)
                 else f"{'pages' if len(scanned) > 1 else 'page'} {_ranges(scanned)} of {len(pages)} "
                      f"{'are images' if len(scanned) > 1 else 'is an image'}")
        raise ValueError(f"no text layer: needs OCR ({which})")
    _set_columns(pages)
    items = _join_tables([item for page_items, _ in pages for item in page_items])
    lines = [item for item in items if isinstance(item, _Line)]
    text = "\n".join(_paragraphs(items, _justified(lines), _pitch(lines)))
    if _unmapped_share(text) > _MAX_UNMAPPED:
        raise ValueError("text layer without Unicode: its fonts give glyph numbers, not letters; needs OCR")
    return text


def _unmapped_share(text: str) -> float:
    """Share of the visible characters that are control codes, private-use or replacement
    characters: what a font without a Unicode map yields in place of letters."""
    visible = [c for c in text if not c.isspace()]
    odd = sum(unicodedata.category(c) in ("Cc", "Co", "Cs") or c == "\ufffd" for c in visible)
    return odd / len(visible) if visible else 0.0


class _Chars:
    """The characters of a page: text and boxes, by pdfium's index."""

    def __init__(self, page) -> None:
        self.textpage = page.get_textpage()
        count = self.textpage.count_chars()
        text = self.textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # pdfium left characters out: one call per character
            text = "".join(self.textpage.get_text_range(i, 1) or " " for i in range(count))
        self.text = text.replace("\ufffe", "-")  # pdfium's mark for a hyphen the line broke at

    def box(self, i: int) -> tuple[float, float, float, float]:
        return self.textpage.get_charbox(i, loose=True)

    def lines(self, indexes: list[int]) -> list[list[int]]:
        """The visible characters split where the page's text breaks the line."""
        out: list[list[int]] = []
        previous = None
        for i in indexes:
            if self.text[i].isspace():
                continue
            if previous is None or "\n" in self.text[previous:i]:
                out.append([])
            out[-1].append(i)
            previous = i
        return out

    def line(self, chars: list[int]) -> _Line:
        """One line from its visible characters: a space wherever others stand between two of
        them (a space of the text, or the characters of another cell on the same line)."""
        gaps = [k for k in range(1, len(chars)) if chars[k] > chars[k - 1] + 1]
        words = ["".join(self.text[i] for i in chars[a:b]) for a, b in zip([0, *gaps], [*gaps, len(chars)])]
        left, bottom, _, top = self.box(chars[0])
        first_end = chars[gaps[0] - 1] if gaps else chars[-1]
        return _Line(" ".join(words), left, self.box(chars[-1])[2], top,
                     self.box(first_end)[2] - left, 0.25 * (top - bottom))


def _page_items(page, number: int) -> list[_Line | _Table]:
    """The page's flowing lines and its tables, in reading order."""
    chars = _Chars(page)
    grids = find_grids(page)
    flow: list[int] = []
    cells: dict[tuple[int, int, int], list[int]] = {}
    for i, c in enumerate(chars.text):
        if c.isspace():
            flow.append(i)  # keeps the line breaks between flowing characters
            continue
        left, bottom, right, top = chars.box(i)
        x, y = (left + right) / 2, (bottom + top) / 2
        grid = next((g for g, grid in enumerate(grids) if grid.contains(x, y)), None)
        if grid is None:
            flow.append(i)
        else:
            cells.setdefault((grid, *grids[grid].cell_of(x, y)), []).append(i)
    lines = [chars.line(line) for line in chars.lines(flow)]
    for line in lines:
        line.page = number
    tables = [_table(grid, g, cells, chars) for g, grid in enumerate(grids)]
    items: list[_Line | _Table] = []
    for line in lines:
        while tables and tables[0].top >= line.top:
            items.append(tables.pop(0))
        items.append(line)
    return items + tables


def _table(grid: Grid, g: int, cells: dict[tuple[int, int, int], list[int]], chars: _Chars) -> _Table:
    table = _Table(grid.top)
    for row in range(len(grid.ys) - 1):
        table.rows.append([])
        for column in range(len(grid.xs) - 1):
            lines = [chars.line(line) for line in chars.lines(cells.get((g, row, column), []))]
            if lines:
                left, right = grid.cell_bounds(row, column)
                pad = min(line.left for line in lines) - left
                for line in lines:
                    line.column = (left + pad, right - pad)
            table.rows[-1].append(_paragraphs(lines, justified=False, pitch=None))
    return table


def _join_tables(items: list[_Line | _Table]) -> list[_Line | _Table]:
    """A table right after a table of as many columns (nothing between but a page break) is
    the same table going on: its repeated header row is dropped, and a first row without a number
    in its first cell is the rest of a row the page break cut."""
    out: list[_Line | _Table] = []
    for item in items:
        previous = out[-1] if out else None
        if not (isinstance(item, _Table) and isinstance(previous, _Table) and previous.columns == item.columns):
            out.append(item)
            continue
        rows = item.rows
        if rows and previous.rows and rows[0] == previous.rows[0]:
            rows = rows[1:]  # the header row a word processor repeats on each page
        if rows and previous.rows and not rows[0][0]:
            for cell, rest in zip(previous.rows[-1], rows[0]):
                if cell and rest:
                    cell[-1] += " " + rest[0]
                    cell.extend(rest[1:])
                else:
                    cell.extend(rest)
            rows = rows[1:]
        previous.rows.extend(rows)
    return out


def _without_page_number(items: list[_Line | _Table], number: int) -> list[_Line | _Table]:
    """The page without a running page number (its own number alone on the first or last line)."""
    for index in (0, -1):
        if items and isinstance(items[index], _Line) and items[index].text == str(number):
            items = items[1:] if index == 0 else items[:-1]
    return items


def _set_columns(pages: list[tuple[list[_Line | _Table], tuple[float, float]]]) -> None:
    """The text column of the pages of one size: from the leftmost line start to the rightmost
    line end (a last page of short lines has the same margins as the others)."""
    edges: dict[tuple[float, float], tuple[list[float], list[float]]] = {}
    for items, size in pages:
        lefts, rights = edges.setdefault(size, ([], []))
        for line in items:
            if isinstance(line, _Line):
                lefts.append(line.left)
                rights.append(line.right)
    columns = {size: (min(lefts), max(rights)) for size, (lefts, rights) in edges.items() if rights}
    margins = {size: Counter(round(r * 2) / 2 for r in rights).most_common(1)[0][0]
               for size, (_, rights) in edges.items() if rights}
    for items, size in pages:
        for line in items:
            if isinstance(line, _Line):
                line.column, line.margin = columns[size], margins[size]


def _justified(lines: list[_Line]) -> bool:
    """Most lines longer than half the column end at the same right edge (a loose box reaches
    the glyph's advance, so justified lines end to a fraction of a point)."""
    long = [line for line in lines if line.right - line.left > (line.column[1] - line.column[0]) / 2]
    return bool(long) and sum(map(_at_margin, long)) / len(long) >= _JUSTIFIED_SHARE


def _at_margin(line: _Line) -> bool:
    return abs(line.right - line.margin) <= _FIT_SLACK


def _slack(line: _Line) -> float:
    """How far short of the margin a full line may end: the loose box of a glyph at the margin
    can reach past the others by about a space."""
    return max(_FIT_SLACK, line.space)


def _pitch(lines: list[_Line]) -> float | None:
    """The usual distance from one line to the next on a page (the median)."""
    steps = sorted(a.top - b.top for a, b in zip(lines, lines[1:]) if a.page == b.page and a.top > b.top)
    return steps[len(steps) // 2] if steps else None


def _paragraphs(items: list[_Line | _Table], justified: bool, pitch: float | None) -> list[str]:
    """Lines joined into paragraphs; an empty line where the page leaves the room of one."""
    out: list[str] = []
    previous: _Line | None = None
    for item in items:
        if pitch and isinstance(item, _Line) and isinstance(previous, _Line) and previous.page == item.page \
                and previous.top - item.top > _BLANK_GAP * pitch:
            out.append("")
            previous = None
        if isinstance(item, _Table):
            out.extend(table_lines(item.rows, is_numbered(item.rows)))
            previous = None
        elif previous is not None and _wrapped(previous, item, justified):
            glue = "" if out[-1].endswith("-") and out[-1][-2:-1].isalnum() else " "
            out[-1] += glue + item.text
            previous = item
        else:
            out.append(item.text)
            previous = item
    return out


def _wrapped(line: _Line, following: _Line, justified: bool) -> bool:
    """The break after `line` was forced: the next line's first word would not have fitted on it.
    A paragraph that happens to end close to the margin is told apart when the next line opens
    with a list label after a sentence end."""
    if line.text.endswith((".", ";", ":", "!", "?")) and _LABEL.match(following.text):
        return False
    left, right = line.column
    needed = line.space + following.first_word
    if abs((line.left - left) - (right - line.right)) < _CENTRED_SLACK and line.left - left > _CENTRED_SLACK:
        return (line.right - line.left) + needed > (right - left) - _slack(line)  # a centred line
    if justified and not _at_margin(line):
        return False
    return line.right + needed > right - _slack(line)


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
