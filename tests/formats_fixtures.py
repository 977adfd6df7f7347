"""Files in the formats plans arrive in, made from a seed's text for the tests and the benchmark.

A .docx holds the text's paragraphs, and its flattened tables (one cell per line under a 'TT'
header) rebuilt as real, ruled Word tables; a saved web page holds the same inside a site's
menus, scripts and footer; a PDF holds the same, its paragraphs justified and wrapped by
the writer at the page width, its tables ruled (fpdf2, with a TrueType font that has the
Vietnamese letters); a scanned PDF holds only an image.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from kg.parse.tables import find_tables

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"), Path("/usr/local/share/fonts"))
FIXED_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)  # same bytes on every run


def vietnamese_font() -> Path | None:
    """DejaVu Serif (Debian's fonts-dejavu-core, with its bold beside it), which covers
    Vietnamese; None when absent."""
    return next((d / "DejaVuSerif.ttf" for d in FONT_DIRS
                 if (d / "DejaVuSerif.ttf").is_file() and (d / "DejaVuSerif-Bold.ttf").is_file()), None)


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line), line.strip()))
        start += len(line) + 1
    return out


def _cells(lines: list[str]) -> list[list[str]]:
    """A flattened row's lines as cells; a line going on from the one before (lower case or '(')
    is a second paragraph of the same cell, as `kg.parse.tables` reads it."""
    cells: list[list[str]] = []
    for line in lines:
        if cells and len(cells) > 1 and (line[:1] == "(" or line[:1].islower()):
            cells[-1].append(line)
        else:
            cells.append([line])
    return cells


def blocks(text: str) -> list[str | list[list[list[str]]]]:
    """The text as paragraphs (str) and tables (rows of cells of paragraphs), in order."""
    lines = _lines(text)
    tables = {table.line_indexes[0]: table for table in find_tables(lines)}
    out: list = []
    i = 0
    while i < len(lines):
        table = tables.get(i)
        if table is None:
            out.append(lines[i][2])
            i += 1
            continue
        rows = [[[h] for h in table.header]]
        rows += [_cells([lines[k][2] for k in range(r.first_line, r.last_line + 1) if lines[k][2]]) for r in table.rows]
        out.append(rows)
        i = table.line_indexes[-1] + 1
    return out


def docx_bytes(text: str, justified: bool = False) -> bytes:
    """`justified`: paragraphs justified, as official documents are typed (the default template's
    paragraphs are left-aligned)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    for block in blocks(text):
        if isinstance(block, str):
            paragraph = document.add_paragraph(block)
            if justified:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            continue
        grid = document.add_table(rows=len(block), cols=max(len(r) for r in block))
        grid.style = "Table Grid"  # ruled, as the tables of official documents are
        for cells, row in zip(block, grid.rows):
            for paragraphs, cell in zip(cells, row.cells):
                cell.text = paragraphs[0]
                for more in paragraphs[1:]:
                    cell.add_paragraph(more)
    document.core_properties.created = document.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PAGE_HEAD = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Văn bản</title>
<style>p { margin: 0 }</style><script>var menu = "Trang chủ | Tin tức";</script></head><body>
<header><a href="/">Cổng thông tin điện tử tỉnh</a></header>
<nav><ul><li>Trang chủ</li><li>Giới thiệu</li><li>Văn bản chỉ đạo</li></ul></nav>
<div class="ads" style="display: none">Quảng cáo</div><article>"""
PAGE_TAIL = """</article><footer>Bản quyền thuộc Cổng thông tin điện tử. Ghi rõ nguồn khi phát hành lại.</footer>
<script>track();</script></body></html>"""


def html_bytes(text: str) -> bytes:
    """A page as a browser saves it: the text's paragraphs and tables inside a site's boilerplate."""
    from html import escape

    body = []
    for block in blocks(text):
        if isinstance(block, str):
            body.append(f"<p>{escape(block)}</p>" if block else "<p></p>")
            continue
        rows = ("<tr>" + "".join("<td>" + "".join(f"<p>{escape(p)}</p>" for p in cell) + "</td>" for cell in row)
                + "</tr>" for row in block)
        body.append('<table border="1">' + "\n".join(rows) + "</table>")
    return (PAGE_HEAD + "\n".join(body) + PAGE_TAIL).encode("utf-8")


def pdf_page(font: Path, size: int):
    """An FPDF document in the Vietnamese font at `size`, on its first page: a test writes the rest."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Body", fname=str(font))
    pdf.set_font("Body", size=size)
    pdf.add_page()
    return pdf


def pdf_bytes(text: str, font: Path) -> bytes:
    """Justified paragraphs, ruled tables (the header row repeated on each page) and page numbers
    at the top from page 2, as a word processor prints a plan."""
    from fpdf import FPDF

    class NumberedPages(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.cell(0, 6, str(self.page_no()), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf = NumberedPages(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_font("Body", fname=str(font))
    pdf.add_font("Body", style="B", fname=str(font.with_name("DejaVuSerif-Bold.ttf")))
    pdf.set_font("Body", size=12)
    pdf.add_page()
    for block in blocks(text):
        if isinstance(block, str):
            if block:
                pdf.multi_cell(0, 6, block, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(6)
            continue
        columns = max(len(row) for row in block)
        with pdf.table(line_height=6, text_align="LEFT", repeat_headings=1) as table:  # header on each page
            for cells in block:
                row = table.row()
                for j in range(columns):
                    row.cell("\n".join(cells[j]) if j < len(cells) else "")
    return bytes(pdf.output())


def scanned_pdf_bytes() -> bytes:
    """A page that is only a picture (of grey stripes standing for lines of text), as a scanner gives."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (400, 560), 255)
    for y in range(40, 520, 24):
        image.paste(60, (40, y, 360, y + 10))
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=190)
    return bytes(pdf.output())
