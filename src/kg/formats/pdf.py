"""PDF files with a text layer (pypdfium2, chosen by measurement: docs/formats.md).

A PDF breaks every paragraph into lines. A line break is kept only where the writer chose it:
the break is the layout's when the next line's first word would not have fitted on the line
(the rule a word processor wraps by), measured on the characters' boxes; in justified text
(official documents are) a wrapped line also ends at the right margin, which tells a paragraph
that merely ends close to the margin from one that goes on. Page numbers alone on
the first or last line of a page are dropped. A page that holds images and no text is a scan: the
file is refused ("no text layer: needs OCR"), never read as a shorter document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_FIT_SLACK = 1.0  # points: rounding of the boxes
_JUSTIFIED_SHARE = 0.5  # of the long lines ending at the margin: the text is justified
_CENTRED_SLACK = 3.0  # points: a line whose margins differ by less is centred
# A list label opening a line ('3.2.', 'g)', 'II.', '- '): after a sentence end, a new paragraph
_LABEL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|[IVX]{1,4}\.|[-–+•])\s")


@dataclass
class _Line:
    text: str
    left: float
    right: float
    first_word: float  # width of the first word
    space: float  # width of a space in this line's font size
    column: tuple[float, float] = (0.0, 0.0)  # the text column of the page (left, right)


def pdf_text(raw: bytes) -> str:
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        raise ValueError(f"not a readable PDF (corrupt, encrypted or another format): {err}") from err
    pages, scanned = [], []
    for number, page in enumerate(document, start=1):
        lines = _page_lines(page)
        if not lines and any(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1)):
            scanned.append(number)
        pages.append(_without_page_number(lines, number))
    if scanned:
        which = "every page" if len(scanned) == len(pages) else f"page(s) {_ranges(scanned)} of {len(pages)}"
        raise ValueError(f"no text layer: needs OCR ({which} is an image)")
    _set_columns(pages, [document[i].get_size() for i in range(len(pages))])
    lines = [line for page_lines in pages for line in page_lines]
    return "\n".join(_paragraphs(lines, _justified(lines)))


def _page_lines(page) -> list[_Line]:
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # pdfium left out characters: fall back to one call per character
        text = "".join(textpage.get_text_range(i, 1) or " " for i in range(count))
    lines, start = [], 0
    for end in [i for i, c in enumerate(text) if c == "\n"] + [len(text)]:
        line = _line(text, start, end, textpage)
        if line is not None:
            lines.append(line)
        start = end + 1
    return lines


def _line(text: str, start: int, end: int, textpage) -> _Line | None:
    chars = [i for i in range(start, end) if not text[i].isspace()]
    if not chars:
        return None
    boxes = {i: textpage.get_charbox(i, loose=True) for i in (chars[0], chars[-1])}
    first_end = next((i for i in range(chars[0], end) if text[i].isspace()), end) - 1
    word_right = textpage.get_charbox(first_end, loose=True)[2] if first_end in chars else boxes[chars[-1]][2]
    left, bottom, _, top = boxes[chars[0]]
    return _Line(" ".join(text[start:end].split()), left, boxes[chars[-1]][2], word_right - left, 0.25 * (top - bottom))


def _without_page_number(lines: list[_Line], number: int) -> list[_Line]:
    """The page's lines without a running page number (its own number alone on the first or last line)."""
    for index in (0, -1):
        if lines and lines[index].text == str(number):
            lines = lines[1:] if index == 0 else lines[:-1]
    return lines


def _set_columns(pages: list[list[_Line]], sizes: list[tuple[float, float]]) -> None:
    """The text column of each page: the widest extent of the lines over all pages of its size
    (a last page of short lines has the same margins as the others)."""
    extents: dict[tuple[float, float], tuple[float, float]] = {}
    for lines, size in zip(pages, sizes):
        for line in lines:
            low, high = extents.get(size, (line.left, line.right))
            extents[size] = (min(low, line.left), max(high, line.right))
    for lines, size in zip(pages, sizes):
        for line in lines:
            line.column = extents[size]


def _justified(lines: list[_Line]) -> bool:
    """Most lines longer than half the column end at its right edge."""
    long = [line for line in lines if line.right - line.left > (line.column[1] - line.column[0]) / 2]
    at_margin = sum(_at_margin(line) for line in long)
    return bool(long) and at_margin / len(long) >= _JUSTIFIED_SHARE


def _at_margin(line: _Line) -> bool:
    """The line ends at the column's right edge (a glyph's box may stop short of its advance)."""
    return line.right >= line.column[1] - max(_FIT_SLACK, line.space)


def _paragraphs(lines: list[_Line], justified: bool) -> list[str]:
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        if previous is not None and _wrapped(previous, line, justified):
            glue = "" if out[-1].endswith("-") and out[-1][-2:-1].isalnum() else " "
            out[-1] += glue + line.text
        else:
            out.append(line.text)
        previous = line
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
        return (line.right - line.left) + needed > (right - left) - _FIT_SLACK  # a centred line
    if justified and not _at_margin(line):
        return False
    return line.right + needed > right - _FIT_SLACK


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
