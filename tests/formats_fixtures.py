"""Files in the formats plans arrive in, made from a seed's text for the tests and the benchmark.

A .docx holds the text's paragraphs, and its flattened tables (one cell per line under a 'TT'
header) rebuilt as real Word tables; a PDF holds the text's paragraphs, wrapped by the writer
at the page width (fpdf2, with a TrueType font that has the Vietnamese letters); a scanned PDF
holds only an image.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from kg.parse.tables import find_tables

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"), Path("/usr/local/share/fonts"))
FIXED_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)  # same bytes on every run


def vietnamese_font() -> Path | None:
    """DejaVu Serif (Debian's fonts-dejavu-core), which covers Vietnamese; None when absent."""
    return next((d / "DejaVuSerif.ttf" for d in FONT_DIRS if (d / "DejaVuSerif.ttf").is_file()), None)


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


def docx_bytes(text: str) -> bytes:
    from docx import Document

    document = Document()
    lines = _lines(text)
    tables = {table.line_indexes[0]: table for table in find_tables(lines)}
    i = 0
    while i < len(lines):
        table = tables.get(i)
        if table is None:
            document.add_paragraph(lines[i][2])
            i += 1
            continue
        rows = [[[h] for h in table.header]]
        rows += [_cells([lines[k][2] for k in range(r.first_line, r.last_line + 1) if lines[k][2]]) for r in table.rows]
        grid = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        grid.style = "Table Grid"  # ruled, as the tables of official documents are
        for cells, row in zip(rows, grid.rows):
            for paragraphs, cell in zip(cells, row.cells):
                cell.text = paragraphs[0]
                for more in paragraphs[1:]:
                    cell.add_paragraph(more)
        i = table.line_indexes[-1] + 1
    document.core_properties.created = document.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(text: str, font: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_font("Body", fname=str(font))
    pdf.set_font("Body", size=12)
    pdf.add_page()
    for line in text.split("\n"):
        if line.strip():
            pdf.multi_cell(0, 6, line.strip(), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(6)
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
