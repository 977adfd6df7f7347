"""Metadata and document links of documents the project has never read: each rule on short
Vietnamese strings, and the labelled openings (eval/labels/openings.json) when their texts are here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import CORPUS_DIR, PROJECT_ROOT
from kg.evaluation.openings import LINK_FIELDS, META_FIELDS, evaluate, f1
from kg.extract import extract_document
from kg.extract.agencies import canonical_name
from kg.extract.citations import find_citations, symbol_key
from kg.extract.portal import reported_document, table_date, table_signer
from kg.sources import source_from_bytes

LABELS = PROJECT_ROOT / "eval" / "labels" / "openings.json"
SHARED = CORPUS_DIR / "openings"
EXTRA = Path(os.environ.get("KG_OPENINGS_EXTRA", PROJECT_ROOT.parent / "corpus-extra" / "openings"))


def relations(text: str, own: str = "") -> dict[str, str]:
    return {c.target.symbol: c.relation.value for c in find_citations(text, own)}


def document(text: str):
    return extract_document(source_from_bytes(text.encode("utf-8"), "t", "t.txt"))


# --- number series ------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [("10-CTR/TU", "10-CTr/TU"), ("305 -KH/TU", "305-KH/TU"), ("57 - NQ/TW", "57-NQ/TW"),
                                  ("512/QĐ-UBND", "512/qđ-ubnd")])
def test_a_series_compares_without_case_and_spacing(a, b):
    assert symbol_key(a) == symbol_key(b)


def test_a_series_is_written_one_way():
    assert [c.target.symbol for c in find_citations("Chương trình số 10-CTR/TU và Kế hoạch số 305 -KH/TU")] \
        == ["10-CTr/TU", "305-KH/TU"]


def test_a_number_without_its_series_is_resolved_by_the_issuing_body():
    text = "Tổng Bí thư đã ký ban hành Nghị quyết số 45 của Bộ Chính trị. Tỉnh ủy đã ban hành Chương trình để thực hiện Nghị quyết số 45."
    assert [(c.target.symbol, c.relation.value) for c in find_citations(text)] \
        == [("45-NQ/TW", "mentions"), ("45-NQ/TW", "implements")]
    assert find_citations("Kế hoạch 5 năm thực hiện Nghị quyết 45") == []  # no body, no symbol: not a citation


# --- relations ------------------------------------------------------------------------------------


def test_what_a_cited_documents_title_implements_is_only_mentioned():
    text = "Kế hoạch hành động 210-KH/TU thực hiện Nghị quyết 57-NQ/TW về đột phá"
    assert relations(text) == {"210-KH/TU": "mentions", "57-NQ/TW": "mentions"}
    # after the document's own number the title is the document's own
    assert relations("Kế hoạch 77/KH-UBND năm 2025 thực hiện Nghị quyết 71/NQ-CP", own=symbol_key("77/KH-UBND"))["71/NQ-CP"] \
        == "implements"


def test_an_unnumbered_title_carries_its_own_verb():
    text = "Thực hiện Nghị quyết số 71/NQ-CP; Chương trình hành động thực hiện Nghị quyết 57-NQ/TW về đột phá"
    assert relations(text) == {"71/NQ-CP": "implements", "57-NQ/TW": "mentions"}
    promulgating = "Về việc ban hành Chương trình hành động thực hiện Nghị quyết số 03/NQ-CP"
    assert relations(promulgating) == {"03/NQ-CP": "implements"}


def test_a_restated_citation_keeps_its_relation():
    text = ("Thực hiện Nghị quyết số 03/NQ-CP ngày 9/1/2025 của Chính phủ ban hành Chương trình hành động thực hiện "
            "Nghị quyết số 57-NQ/TW ngày 22/12/2024 (Nghị quyết 57) của Bộ Chính trị")
    assert [c.relation.value for c in find_citations(text)] == ["implements", "mentions", "mentions"]


def test_a_plan_issued_with_a_decision_is_a_list_item():
    text = ("Thực hiện Nghị quyết số 71/NQ-CP; Kế hoạch hành động ban hành kèm theo Quyết định số 77-QĐ/TU "
            "ngày 15/5/2025 của Ban Thường vụ Tỉnh ủy")
    assert relations(text) == {"71/NQ-CP": "implements", "77-QĐ/TU": "implements"}


def test_basis_and_replacement():
    assert relations("Căn cứ Quyết định số 929/QĐ-TTg ngày 15 tháng 5 năm 2025 của Thủ tướng Chính phủ;") \
        == {"929/QĐ-TTg": "based-on"}
    assert relations("Kế hoạch này thay thế Kế hoạch số 12/KH-UBND ngày 3/2/2024") == {"12/KH-UBND": "replaces"}
    assert relations("bãi bỏ Quyết định số 45/QĐ-UBND") == {"45/QĐ-UBND": "replaces"}


# --- a page's report of the document, an aggregator's table ----------------------------------------


def test_a_report_gives_number_issuer_date_and_signer():
    text = ("Đồng chí Trần Văn An – Phó Bí thư Tỉnh ủy vừa thay mặt Ban Thường vụ Tỉnh ủy Bình Định ký ban hành "
            "Kế hoạch số 412 -KH/TU ngày 3/3/2025 triển khai thực hiện Nghị quyết số 57 - NQ/TW.")
    report = reported_document(text)
    assert (report.ref.symbol, report.issuer, report.date, report.signer) \
        == ("412-KH/TU", "Ban Thường vụ Tỉnh ủy Bình Định", "2025-03-03", "Trần Văn An")


def test_a_reported_document_that_another_report_implements_is_not_the_pages():
    text = ("Ngày 22/12/2024, Tổng Bí thư đã ký ban hành Nghị quyết số 57 của Bộ Chính trị. Ngay sau đó, "
            "Tỉnh ủy Bình Định đã ban hành Chương trình hành động số 41 để thực hiện Nghị quyết số 57.")
    report = reported_document(text)
    assert (report.ref.number, report.ref.kind, report.issuer, report.date) == ("41", "ctr", "Tỉnh ủy Bình Định", None)


def test_a_date_after_a_cited_symbol_is_not_the_reported_documents():
    text = ("Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, ngày 2/6/2025 Ban Chỉ đạo chuyển "
            "đổi số tỉnh Bình Định ban hành Kế hoạch số 03-KH/BCĐ về phong trào.")
    report = reported_document(text)
    assert (report.ref.symbol, report.date, report.issuer) == ("03-KH/BCĐ", "2025-06-02", "Ban Chỉ đạo chuyển đổi số tỉnh Bình Định")


def test_a_page_about_an_event_names_the_local_document_it_carries_out():
    text = ("Ông Lê Văn Bình - Phó Chủ tịch UBND tỉnh chủ trì hội nghị. Hội nghị triển khai Kế hoạch số 61/KH-UBND, "
            "thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị.")
    report = reported_document(text)
    assert (report.ref.symbol, report.signer) == ("61/KH-UBND", "")  # who chairs a meeting has signed nothing
    assert reported_document("Hội nghị triển khai Nghị quyết số 57-NQ/TW của Bộ Chính trị.") is None  # central


def test_the_body_a_signer_heads_issues():
    text = ("Thủ tướng Chính phủ Phạm Văn Hòa-Trưởng ban Chỉ đạo của Chính phủ về chuyển đổi số vừa ký "
            "Quyết định số 15/QĐ-BCĐCP ban hành Kế hoạch hoạt động.")
    report = reported_document(text)
    assert (report.signer, report.issuer) == ("Phạm Văn Hòa", "Ban Chỉ đạo của Chính phủ về chuyển đổi số")


@pytest.mark.parametrize("text", ["| Người ký | Lê Văn Bình |", "Nơi ban hành: Tỉnh Bình Định Người ký: Lê Văn Bình\n"])
def test_an_aggregators_signer(text):
    assert table_signer(text).text == "Lê Văn Bình"


def test_an_aggregators_date():
    assert table_date("Ngày ban hành: 05/03/2025 Ngày hiệu lực: Đã biết")[0] == "2025-03-05"


# --- whole documents -------------------------------------------------------------------------------


def test_a_central_body_of_the_title_block_issues_for_the_country():
    meta = document("BỘ KHOA HỌC VÀ CÔNG NGHỆ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 88/KH-BKHCN\n"
                    "Hà Nội, ngày 4 tháng 3 năm 2025\nKẾ HOẠCH\nTRIỂN KHAI NGHỊ QUYẾT SỐ 71/NQ-CP\n").meta
    assert (meta.issuer.name, meta.jurisdiction, meta.symbol, meta.date) \
        == ("Bộ Khoa học và Công nghệ", "vn", "88/KH-BKHCN", "2025-03-04")


def test_a_news_page_names_its_document_which_is_never_cited():
    doc = document("Ban Thường vụ Tỉnh ủy Bình Định đã ban hành Kế hoạch hành động số 212-KH/TU, trong đó xác định rõ "
                   "nhiệm vụ để tổ chức thực hiện các nội dung Nghị quyết số 57-NQ/TW trên địa bàn tỉnh.\nĐoạn tiếp theo.\n")
    assert (doc.meta.symbol, doc.meta.issuer.name, doc.meta.jurisdiction) \
        == ("212-KH/TU", "Ban Thường vụ Tỉnh ủy Bình Định", "vn-binh-dinh")
    assert [(c.target.symbol, c.relation.value) for c in doc.citations] == [("57-NQ/TW", "implements")]


def test_the_preamble_implements_after_an_aggregators_header():
    doc = document("Kế hoạch 90/KH-UBND năm 2025\n| Số hiệu | 90/KH-UBND |\n| Người ký | Lê Văn Bình |\nỦY BAN NHÂN DÂN |\n"
                   "Số: 90/KH-UBND |\nBình Định, ngày 5 tháng 3 năm 2025 |\nKẾ HOẠCH\nTHỰC HIỆN NGHỊ QUYẾT SỐ 03/NQ-CP\n"
                   "Thực hiện Chương trình hành động số 77-CTr/TU ngày 1/2/2025 của Ban Thường vụ Tỉnh ủy;\n"
                   "Các sở thực hiện Nghị quyết số 71/NQ-CP.\n")
    assert {c.target.symbol: c.relation.value for c in doc.citations} \
        == {"03/NQ-CP": "implements", "77-CTr/TU": "implements", "71/NQ-CP": "mentions"}
    assert (doc.meta.signer, doc.meta.date, doc.meta.issuer.name) == ("Lê Văn Bình", "2025-03-05", "Ủy ban nhân dân tỉnh Bình Định")


def test_a_capital_at_the_end_of_a_name_is_a_place_not_the_scope_word():
    assert canonical_name("Tỉnh ủy Hà Tĩnh") == "Tỉnh ủy Hà Tĩnh"
    assert canonical_name("Ủy ban nhân dân tỉnh") == "Ủy ban nhân dân"


# --- the command ---------------------------------------------------------------------------------


def test_a_bad_labels_file_is_named(tmp_path):
    bad = tmp_path / "openings.json"
    bad.write_text('{"documents": [\n{"file": "x.txt"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "openings", "--labels", str(bad)])
    assert result.exit_code != 0 and str(bad) in result.output and "line 3" in result.output


# --- the labelled openings -----------------------------------------------------------------------


@pytest.mark.corpus
def test_the_shared_openings_hold_every_field():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the openings are never committed")
    result = evaluate(LABELS, SHARED)
    assert len(result.read) >= 7  # the extra ones are in no folder given: only the shared are read
    for name in META_FIELDS + LINK_FIELDS:
        assert f1(result.fields[name]) >= 0.97, (name, result.fields[name].errors)


@pytest.mark.corpus
def test_the_extra_openings_hold_metadata_and_links():
    if not SHARED.is_dir() or not EXTRA.is_dir():
        pytest.skip("the openings are never committed and are not on this machine")
    result = evaluate(LABELS, SHARED, (EXTRA,))
    assert f1(result.total(META_FIELDS)) >= 0.97, result.total(META_FIELDS).errors
    assert f1(result.total(LINK_FIELDS)) >= 0.97, result.total(LINK_FIELDS).errors
