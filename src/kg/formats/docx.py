"""Word .docx files: paragraphs and tables in document order (python-docx).

Automatic list numbering is not part of a paragraph's text in Word's format; it is rendered here
('1.', 'a)', 'II.') so that headings and items keep the labels the structure parser reads. Text in
content controls (a template's fields, whole sections wrapped in one) and tracked insertions is
text of the document, and so is a text box's, after the paragraph it is anchored in; tracked
deletions, headers, footers and comments are not.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kg.formats.tables import table_lines

# deleted text, a drawing's fallback copy, and a text box's own paragraphs inside a paragraph
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOT_TEXT = {qn("w:del"), qn("w:moveFrom"), qn("w:p"), _FALLBACK}
_ROMAN = (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100), ("XC", 90), ("L", 50), ("XL", 40),
          ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def docx_text(raw: bytes) -> str:
    try:
        document = Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ValueError(f"not a readable .docx (corrupt or another format): {err}") from err
    numbering = _Numbering(document)
    return "\n".join(_block_lines(document.element.body, document._body, numbering))


def _block_lines(element, parent, numbering: _Numbering) -> list[str]:
    """The lines of the paragraphs and tables under `element` (the body or a cell), in order;
    a block-level content control is read through."""
    lines: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, parent)
            lines.append(numbering.label(paragraph) + _paragraph_text(child))
            for box in _text_boxes(child):
                lines.extend(_block_lines(box, parent, numbering))
        elif child.tag == qn("w:tbl"):
            lines.extend(table_lines(_table_cells(Table(child, parent), numbering)))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines.extend(_block_lines(content, parent, numbering))
    return lines


def _paragraph_text(p) -> str:
    """The runs of the paragraph wherever they sit (hyperlinks, content controls, fields, tracked
    insertions), without deleted text and without the paragraphs of text boxes anchored in it."""
    return "".join(run.text for run in p.iter(qn("w:r")) if not _between(run, p) & _NOT_TEXT)


def _text_boxes(p) -> list:
    """The contents of the text boxes anchored in the paragraph (a letterhead is sometimes
    typed in one), once each: a drawing's fallback copy for old readers is left out."""
    return [box for box in p.iter(qn("w:txbxContent"))
            if not _between(box, p) & {_FALLBACK, qn("w:txbxContent")}]


def _between(run, p) -> set[str]:
    """The tags of the elements between an element and its paragraph."""
    tags = set()
    for ancestor in run.iterancestors():
        if ancestor is p:
            return tags
        tags.add(ancestor.tag)
    return tags


def _table_cells(table: Table, numbering: _Numbering) -> list[list[list[str]]]:
    """Rows of cells, each cell its lines. A cell continuing a vertical merge is empty and a
    horizontally merged cell is one cell: every piece of text is read once."""
    rows = []
    for tr in table._tbl.tr_lst:
        cells = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                continue
            text = "\n".join(_block_lines(tc, _Cell(tc, table), numbering))
            cells.append(text.split("\n"))
        rows.append(cells)
    return rows


class _Numbering:
    """Word's automatic numbering: the counters of each list as the paragraphs go by."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (format, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is not None:
                self.levels[num.get(qn("w:numId"))] = _levels(definition)

    def label(self, paragraph: Paragraph) -> str:
        num_id, level = _num_pr(paragraph)
        levels = self.levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 10)
        fmt, text, start = levels[level]
        counters[level] = max(counters[level], start - 1) + 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        if fmt == "bullet":
            return "- "
        for i in range(level + 1):
            shown = _format(levels.get(i, ("decimal", "", 1))[0], max(counters[i], levels.get(i, ("", "", 1))[2]))
            text = text.replace(f"%{i + 1}", shown)
        return text + " " if text else ""


def _levels(definition) -> dict[int, tuple[str, str, int]]:
    out = {}
    for lvl in definition.findall(qn("w:lvl")):
        fmt, text, start = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText")), lvl.find(qn("w:start"))
        out[int(lvl.get(qn("w:ilvl")))] = (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                                           text.get(qn("w:val")) if text is not None else "",
                                           int(start.get(qn("w:val"))) if start is not None else 1)
    return out


def _num_pr(paragraph: Paragraph) -> tuple[str | None, int]:
    """(numId, level) of the paragraph's own numbering, else of its style's."""
    for owner in (paragraph._p.pPr, _style_ppr(paragraph)):
        num_pr = owner.numPr if owner is not None else None
        if num_pr is not None and num_pr.numId is not None:
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return str(num_pr.numId.val), level
    return None, 0


def _style_ppr(paragraph: Paragraph):
    style = paragraph.style
    return style.element.pPr if style is not None else None


def _format(fmt: str, n: int) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = ""
        for symbol, value in _ROMAN:
            while n >= value:
                roman, n = roman + symbol, n - value
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(n)
