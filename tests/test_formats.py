"""Reading .docx, PDF and saved web pages: made from each seed's text, they give what the .txt gives."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from formats_fixtures import docx_bytes, html_bytes, pdf_bytes, pdf_page, scanned_pdf_bytes, vietnamese_font

from kg import config
from kg.extract import extract_document
from kg.extract.metadata import extract_metadata
from kg.formats import text_of
from kg.sources import load_manifest, load_sources, source_from_bytes

SEEDS = sorted((config.DATA_DIR / "sources").glob("*.txt"))
STATES = {name: entry.get("text_state", "clean") for name, entry in load_manifest(config.DATA_DIR / "sources").items()}
FONT = vietnamese_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no TrueType font with Vietnamese letters "
                                "(Debian: fonts-dejavu-core, which scripts/test.sh installs)")


def _summary(raw: bytes, suffix: str) -> dict:
    document = extract_document(source_from_bytes(raw, "seed", "seed" + suffix, {}, suffix))
    meta = document.meta
    return {"symbol": meta.symbol, "date": meta.date, "place": meta.jurisdiction, "signer": meta.signer,
            "issuer": meta.issuer.name if meta.issuer else "", "kind": meta.kind, "title": meta.title,
            "tasks": len(document.tasks), "targets": len(document.targets), "citations": len(document.citations),
            "task texts": [t.text for t in document.tasks][:: max(1, len(document.tasks) // 7)]}


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).split()  # NFKC: a PDF gives the ligature 'ﬁ' as 'fi'


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_docx_made_from_a_seed_extracts_like_its_text(seed):
    text = seed.read_text(encoding="utf-8")
    raw = docx_bytes(text)
    assert _summary(raw, ".docx") == _summary(seed.read_bytes(), ".txt")
    assert text_of(".docx", raw) == text_of(".docx", raw)


@needs_font
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_pdf_made_from_a_seed_extracts_like_its_text(seed):
    """Justified, wrapped paragraphs and ruled tables: every word back, in order, with its
    diacritics, and the same metadata, tasks, targets and citations."""
    text = seed.read_text(encoding="utf-8")
    raw = pdf_bytes(text, FONT)
    read = text_of(".pdf", raw)
    assert unicodedata.is_normalized("NFC", read)
    assert _words(read) == _words(text)
    got, expected = _summary(raw, ".pdf"), _summary(seed.read_bytes(), ".txt")
    if STATES.get(seed.name) == "ocr-damaged":
        # OCR output is already broken into lines of the scan's width: printed line by line, its
        # paragraphs cannot be told from the page, so task texts may be cut elsewhere
        got.pop("task texts"), expected.pop("task texts")
    assert got == expected
    assert text_of(".pdf", raw) == read


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_saved_web_page_of_a_seed_extracts_like_its_text_without_the_site(seed):
    text = seed.read_text(encoding="utf-8")
    raw = html_bytes(text)
    read = text_of(".html", raw)
    for boilerplate in ("Trang chủ", "Giới thiệu", "Quảng cáo", "Bản quyền", "track()", "margin"):
        assert boilerplate not in read
    assert _summary(raw, ".html") == _summary(seed.read_bytes(), ".txt")


def test_a_page_in_its_declared_character_set_is_read():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head>'
            "<body><p>Ke hoach so 12/KH-UBND</p><p>Nghe An, ngay 3 thang 4 nam 2025</p></body></html>")
    assert text_of(".html", page.encode("cp1258")) == "Ke hoach so 12/KH-UBND\nNghe An, ngay 3 thang 4 nam 2025"
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
             "<p>Kế hoạch số 12/KH-UBND</p></body></html>")
    assert text_of(".html", xhtml.encode("utf-8")) == "Kế hoạch số 12/KH-UBND"


def test_a_scanned_pdf_is_refused_by_name_and_the_others_still_load(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf_bytes())
    (tmp_path / "plan.txt").write_bytes(SEEDS[0].read_bytes())
    sources, errors = load_sources(tmp_path)
    assert [s.source_id for s in sources] == ["plan"]
    assert [Path(e.path).name for e in errors] == ["scan.pdf"]
    assert errors[0].problem == "no text layer: needs OCR (every page is an image)"


@needs_font
def test_a_pdf_whose_later_pages_are_scans_is_refused_not_read_short():
    from PIL import Image

    pdf = pdf_page(FONT, 12)
    pdf.multi_cell(0, 6, "KẾ HOẠCH số 12/KH-UBND: tờ trình kèm theo bản quét của kế hoạch")
    for _ in range(3):
        pdf.add_page()
        pdf.image(Image.new("L", (200, 280), 200), x=10, y=10, w=190)
    with pytest.raises(ValueError, match=r"^no text layer: needs OCR \(pages 2-4 of 4 are images\)$"):
        text_of(".pdf", bytes(pdf.output()))


@needs_font
def test_a_pdf_whose_fonts_have_no_unicode_map_is_refused():
    """Without its fonts' ToUnicode maps a PDF's text layer gives glyph numbers (control codes)."""
    raw = pdf_bytes(SEEDS[0].read_text(encoding="utf-8"), FONT)
    assert raw.count(b"/ToUnicode") >= 1
    with pytest.raises(ValueError, match="^text layer without Unicode: its fonts give glyph numbers"):
        text_of(".pdf", raw.replace(b"/ToUnicode", b"/ToUnicodX"))  # same length: the file stays valid


def test_corrupt_and_unknown_files_are_named_with_their_problem(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip archive")
    (tmp_path / "renamed.docx").write_bytes(SEEDS[0].read_bytes())
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF")
    (tmp_path / "old-word.doc").write_bytes(b"\xd0\xcf\x11\xe0 an OLE file")
    (tmp_path / "plan.txt").write_bytes(SEEDS[0].read_bytes())
    (tmp_path / "plan.docx").write_bytes(docx_bytes(SEEDS[0].read_text(encoding="utf-8")))
    sources, errors = load_sources(tmp_path)
    problems = {Path(e.path).name: e.problem for e in errors}
    assert [Path(s.path).name for s in sources] == ["plan.docx"]
    assert problems["broken.docx"].startswith("not a readable .docx")
    assert problems["renamed.docx"].startswith("not a readable .docx")
    assert problems["damaged.pdf"].startswith("not a readable PDF")
    assert problems["old-word.doc"].startswith("unsupported format '.doc'")
    assert problems["plan.txt"].startswith("same name as plan.docx")


def test_word_list_numbering_is_read_as_the_labels_it_shows():
    from docx import Document

    document = Document()
    document.add_paragraph("MỤC TIÊU")
    for item in ("Hoàn thiện thể chế", "Phát triển hạ tầng số"):
        document.add_paragraph(item, style="List Number")
    document.add_paragraph("Các sở, ban, ngành", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    assert text_of(".docx", out.getvalue()).split("\n") == [
        "MỤC TIÊU", "1. Hoàn thiện thể chế", "2. Phát triển hạ tầng số", "- Các sở, ban, ngành"]


def test_a_letterhead_laid_out_in_a_table_gives_number_date_and_place():
    """The heading block of an official document is a borderless two-column table."""
    from docx import Document

    document = Document()
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    head.cell(0, 0).add_paragraph("TỈNH NGHỆ AN")
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    head.cell(1, 0).text = "Số: 12/KH-UBND"
    head.cell(1, 1).text = "Nghệ An, ngày 3 tháng 4 năm 2025"
    for line in ("KẾ HOẠCH", "Triển khai thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị trên địa bàn tỉnh"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    text = text_of(".docx", out.getvalue())
    assert "| Số: 12/KH-UBND | Nghệ An, ngày 3 tháng 4 năm 2025 |" in text.split("\n")
    meta = extract_metadata(source_from_bytes(out.getvalue(), "plan", "plan.docx", {}, ".docx"))
    assert (meta.symbol, meta.date, meta.jurisdiction, meta.kind) == ("12/KH-UBND", "2025-04-03", "vn-nghe-an", "kh")


def _task_table_docx() -> bytes:
    """A task annex as Word lays it out: a group row merged across the table, a lead agency
    merged down two rows."""
    from docx import Document

    document = Document()
    document.add_paragraph("PHỤ LỤC")
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for j, head in enumerate(("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian")):
        table.cell(0, j).text = head
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "Hoàn thiện thể chế"
    for i, task in ((2, "Rà soát văn bản quy phạm pháp luật"), (3, "Ban hành cơ chế thử nghiệm")):
        table.cell(i, 0).text, table.cell(i, 1).text, table.cell(i, 3).text = str(i - 1), task, "Năm 2025"
    table.cell(2, 2).merge(table.cell(3, 2)).text = "Sở Tư pháp"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_merged_cells_of_a_word_table_are_read_once():
    assert text_of(".docx", _task_table_docx()).split("\n") == [
        "PHỤ LỤC", "TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "I", "Hoàn thiện thể chế",
        "1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Năm 2025",
        "2", "Ban hành cơ chế thử nghiệm", "Năm 2025"]


@needs_font
def test_a_ruled_pdf_table_with_a_merged_row_is_read_cell_by_cell():
    pdf = pdf_page(FONT, 11)
    pdf.multi_cell(0, 6, "PHỤ LỤC", new_x="LMARGIN", new_y="NEXT")
    rows = [("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"), ("I", "Hoàn thiện thể chế"),
            ("1", "Rà soát, hệ thống hóa các văn bản quy phạm pháp luật về khoa học, công nghệ, đổi mới "
                  "sáng tạo và chuyển đổi số để sửa đổi, bổ sung", "Sở Tư pháp", "Năm 2025")]
    with pdf.table(line_height=6, text_align="LEFT", first_row_as_headings=False) as table:
        for cells in rows:
            row = table.row()
            for k, cell in enumerate(cells):
                row.cell(cell, colspan=3 if len(cells) == 2 and k == 1 else 1)
    assert text_of(".pdf", bytes(pdf.output())).split("\n") == [
        "PHỤ LỤC", "TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "I", "Hoàn thiện thể chế", "1",
        rows[2][1], "Sở Tư pháp", "Năm 2025"]


def test_a_portal_metadata_table_gives_number_and_signer():
    page = ("<html><body><nav>Văn bản pháp luật</nav><table>"
            "<tr><td>Số hiệu</td><td>146/KH-UBND</td></tr><tr><td>Ngày ban hành</td><td>25/06/2025</td></tr>"
            "<tr><td>Người ký</td><td>Nguyễn Tuấn Hà</td></tr></table>"
            "<h1>KẾ HOẠCH</h1><p>Thực hiện Nghị quyết số 71/NQ-CP của Chính phủ trên địa bàn tỉnh Đắk Lắk</p>"
            "</body></html>").encode("utf-8")
    assert text_of(".html", page).split("\n")[:3] == [
        "| Số hiệu | 146/KH-UBND |", "| Ngày ban hành | 25/06/2025 |", "| Người ký | Nguyễn Tuấn Hà |"]
    meta = extract_metadata(source_from_bytes(page, "page", "page.html", {}, ".html"))
    assert (meta.symbol, meta.date, meta.signer) == ("146/KH-UBND", "2025-06-25", "Nguyễn Tuấn Hà")


def test_content_controls_and_tracked_changes_read_as_word_shows_them():
    """A template's fields (content controls), a section wrapped in one, and a tracked edit."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    body = document.element.body
    body.insert(0, parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Số: </w:t></w:r>'
        '<w:sdt><w:sdtContent><w:r><w:t>12/KH-UBND</w:t></w:r></w:sdtContent></w:sdt></w:p>'))
    body.insert(1, parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Nghệ An, ngày </w:t></w:r>'
        '<w:del><w:r><w:delText>2</w:delText></w:r></w:del><w:ins><w:r><w:t>3</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> tháng 4 năm 2025</w:t></w:r></w:p>'))
    body.insert(2, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>Triển khai Nghị quyết số 57-NQ/TW</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    out = io.BytesIO()
    document.save(out)
    assert text_of(".docx", out.getvalue()).split("\n") == [
        "Số: 12/KH-UBND", "Nghệ An, ngày 3 tháng 4 năm 2025", "KẾ HOẠCH", "Triển khai Nghị quyết số 57-NQ/TW"]


def test_a_letterhead_in_a_text_box_is_read_once():
    """Word writes a text box twice: as a drawing, and as a fallback copy for older readers."""
    from docx import Document
    from docx.oxml import parse_xml

    box = '<w:txbxContent><w:p><w:r><w:t>Số: 12/KH-UBND</w:t></w:r></w:p></w:txbxContent>'
    document = Document()
    document.element.body.insert(0, parse_xml(
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>ỦY BAN NHÂN DÂN TỈNH NGHỆ AN</w:t></w:r>'
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing>'
        f'</mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r></w:p>'))
    out = io.BytesIO()
    document.save(out)
    assert text_of(".docx", out.getvalue()).split("\n") == ["ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "Số: 12/KH-UBND"]
