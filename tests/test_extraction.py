"""Extraction against the hand labels of the five seed documents, plus parser unit tests on real snippets."""

from pathlib import Path

import pytest

from kg.evaluation.extraction import evaluate
from kg.extract.targets import parse_values
from kg.parse.structure import label_of, parse_structure
from kg.sources import read_source

ROOT = Path(__file__).resolve().parents[1]

# Thresholds a little below the measured figures (docs/extraction.md): they hold the level reached.
THRESHOLDS = {  # field: (precision, recall) over all documents
    "metadata": (0.97, 0.97),
    "tasks": (0.98, 0.98),
    "task-groups": (0.97, 0.97),
    "agencies": (0.97, 0.97),
    "deadlines": (0.96, 0.96),
    "targets": (0.96, 0.98),
    "target-comparator": (0.96, 0.97),  # the OCR programme read through its repair: one "ít nhất" lost
    "target-unit": (0.96, 0.98),
    "target-year": (0.96, 0.98),
}


@pytest.fixture(scope="module")
def results():
    return evaluate(ROOT / "eval/labels/extraction", ROOT / "data/sources")


@pytest.mark.parametrize("field", sorted(THRESHOLDS))
def test_precision_and_recall_hold(results, field):
    score = results["all"][field]
    precision, recall = THRESHOLDS[field]
    assert score.precision >= precision, score.errors[:10]
    assert score.recall >= recall, score.errors[:10]


def test_ocr_document_close_to_clean_ones(results):
    for field in ("tasks", "targets"):
        ocr = results["da-nang_tu_ctr-57_ocr"][field].recall
        clean = results["can-tho_ubnd_kh-37"][field].recall
        assert ocr >= clean - 0.10


def test_every_cantho_appendix_row_is_a_task(results):
    from kg.extract import extract_document

    source = read_source(ROOT / "data/sources/can-tho_ubnd_kh-37.txt")
    rows = [t for t in extract_document(source).tasks if t.local_id.startswith("PL2")]
    assert len(rows) == 46
    assert all(t.deadline is not None for t in rows)


def test_ocr_roman_and_outline_labels():
    assert label_of("I11. TO CHUC THUC HIEN")[:2] == ("roman", "III")
    assert label_of("1.12. 80% nguoi dan trong do tudi lao dong")[:2] == ("decimal2", "1.12")
    assert label_of("6/2025 hoàn thành") is None


def test_hard_wrapped_item_is_not_split_at_a_sentence_end():
    text = "\n".join([
        "1.6. Xay dung va day manh quang ba thuong hi¢u “Da Néng - Thanh phd",
        "d6i méi sang tao” , diém dén hap dan vé khoi nghiép sang tao, ung dung cong nghé.",
        "Tiép tuc tr1en kha1 thue hién ¢6 hiéu qua va nang cao xep hang B9 chi s6 doi mai",
        "sang tao cap dia phuong PII ctia thanh phé Da Néng.",
    ] + ["Dong dem de van ban duoc nhan la ban sao OCR co do rong dong gan nhu nhau ok."] * 20)
    parts, _ = parse_structure(text)
    assert "Tiép tuc" in parts[0].heading


def test_closing_lines_do_not_nest_under_the_last_item():
    text = ("III. TỔ CHỨC THỰC HIỆN\n6. Trong quá trình tổ chức thực hiện, các Sở chủ động đề xuất.\n"
            "Trên đây là Kế hoạch thực hiện./.\nNơi nhận:\n- Bộ Khoa học và Công nghệ;\n")
    parts, _ = parse_structure(text)
    bullet = next(p for p in parts if p.kind == "bullet")
    assert bullet.parent is None


@pytest.mark.parametrize("text, expected", [
    ("quy mo kinh té sé dat 35-40% GRDP", (35, 40, "range", "percent", "grdp")),
    ("xuat khau dat t6i thidu 50%", (50, 50, ">=", "percent", "")),
    ("b tri téi thiéu 3% téng chi ngan sach", (3, 3, ">=", "percent", "state-budget")),
    ("chỉ số phát triển con người (HDI) trên 0,7", (0.7, 0.7, ">", "index", "")),
    ("xếp hạng ở nhóm 20 tỉnh, thành dẫn đầu cả nước", (20, 20, "<=", "rank", "")),
    ("bố trí từ 1,5% trở lên trong tổng chi ngân sách địa phương", (1.5, 1.5, ">=", "percent", "state-budget")),
    ("linh vuc chiém t01 thiéu 20%", (20, 20, ">=", "percent", "")),  # OCR 'tối thiểu'
    ("dat 12 nguoi trén mot van déan", (12, 12, "=", "people-per-10000", "")),
    ("quy mô kinh tế số đạt 30 GRDP%", (30, 30, "=", "percent", "grdp")),  # the text's typo for 30% GRDP
])
def test_parse_values_on_real_phrases(text, expected):
    value = parse_values(text)[0]
    assert (value.low, value.high, value.comparator, value.unit, value.base) == expected


@pytest.mark.parametrize("raw, problem", [
    (b"", "empty file"),
    (b"\x00\x01\x02binary", "binary"),
    ("Kế hoạch số 37/KH-UBND về chuyển đổi số của thành phố".encode("utf-8")[:-1], "truncated"),
    (b"K\xe1 ho\xe1ch s\xe1 37 \xff\xfe abc def ghi jkl mno pqr stu vwx yz", "not UTF-8"),
])
def test_bad_input_names_the_problem(tmp_path, raw, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=problem):
        read_source(path)


@pytest.mark.parametrize("text, capacity, signer", [
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Ngọc Hè\n", "PHÓ CHỦ TỊCH", "Nguyễn Ngọc Hè"),
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)\nNguyễn Văn An\n", "CHỦ TỊCH", "Nguyễn Văn An"),
    ("KT. CHỦ TỊCH |\nĐăng xuất\n", "", ""),  # a deputy signed: the capacity is not written
    ("TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\n[đã ký]\nNguyễn Hòa Bình\n", "PHÓ THỦ TƯỚNG", "Nguyễn Hòa Bình"),
    ("Thay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024)",
     "Tổng Bí thư", "Tô Lâm"),
    ("(QNP) - Ngày 24/2/2025, Bí thư Tỉnh ủy Lương Nguyễn Minh Triết thay mặt Ban Thường vụ ký ban hành",
     "Bí thư Tỉnh ủy", "Lương Nguyễn Minh Triết"),
])
def test_signature_block_and_news_lead(text, capacity, signer):
    from kg.extract.metadata import _read_signer
    from kg.model import DocumentMeta
    from kg.parse.view import DocumentView

    meta = DocumentMeta()
    _read_signer(DocumentView.read(text), meta, None)
    assert (meta.signer_capacity, meta.signer) == (capacity, signer)


@pytest.mark.parametrize("text, expected", [
    # a citation inside the title of the one before it only mentions
    ("Thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ về sửa đổi, bổ sung cập nhật Chương trình "
     "hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
     [("71/NQ-CP", "implements", "2025-04-01"), ("57-NQ/TW", "mentions", "2024-12-22")]),
    # OCR 'QB' for QĐ, read from 'Quyết định số'; a date after a comma without 'ngày'
    ("Nghi quyét s6 57-NQ/TW Vo1 Quyet dinh s6 204- QB/TW ngay 29/11/2024 cua Ban Bi thu",
     [("57-NQ/TW", "mentions", None), ("204-QĐ/TW", "mentions", "2024-11-29")]),
    ("Bộ Chính trị ban hành Nghị quyết số 52-NQ/TW, 27/9/2019 về một số chủ trương",
     [("52-NQ/TW", "mentions", "2019-09-27")]),
    # a list item continues the list's relation, across a nested title; 'của … ban hành' opens a title
    ("Thực hiện Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ về sửa đổi Chương trình hành động thực hiện "
     "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; Chương trình số 61-CTr/TU ngày 25/02/2025",
     [("71/NQ-CP", "implements", "2025-04-01"), ("57-NQ/TW", "mentions", "2024-12-22"),
      ("61-CTr/TU", "implements", "2025-02-25")]),
    ("Căn cứ Nghị quyết số 03/NQ-CP ngày 09 tháng 01 năm 2025 của Chính phủ ban hành Chương trình hành động "
     "của Chính phủ thực hiện Nghị quyết số 57-NQ/TW",
     [("03/NQ-CP", "based-on", "2025-01-09"), ("57-NQ/TW", "mentions", None)]),
    ("Thực hiện Kế hoạch số 12/KH-UBND ngày 02/3/2025 của UBND tỉnh, Sở Khoa học và Công nghệ ban hành Kế hoạch "
     "thực hiện Nghị quyết số 57-NQ/TW", [("12/KH-UBND", "implements", "2025-03-02"), ("57-NQ/TW", "implements", None)]),
    # 'trong quá trình triển khai' is a time phrase, not the verb of the citation
    ("Trong quá trình triển khai, cần bám sát định hướng tại Nghị quyết số 43-NQ/TW của Bộ Chính trị",
     [("43-NQ/TW", "mentions", None)]),
])
def test_citation_symbol_date_and_relation(text, expected):
    from kg.extract.citations import find_citations

    got = [(c.target.symbol, c.relation.value, c.target.date) for c in find_citations(text)]
    assert got == expected


@pytest.mark.parametrize("text, expected", [
    ("Sở Khoa học và Công nghệ là cơ quan thường trực, chủ trì, phối hợp với các sở, ban, ngành và địa phương "
     "tham mưu UBND tỉnh chỉ đạo triển khai thực hiện Kế hoạch",
     {("lead", "Sở Khoa học và Công nghệ"), ("standing", "Sở Khoa học và Công nghệ"),
      ("cooperating", "Sở, ban, ngành"), ("cooperating", "Địa phương")}),
    ("UBND thành phố giao Sở Khoa học và Công nghệ là cơ quan thường trực theo dõi, tổng hợp báo cáo; "
     "phối hợp với Văn phòng UBND thành phố chuẩn bị tài liệu",
     {("standing", "Sở Khoa học và Công nghệ"), ("monitoring", "Sở Khoa học và Công nghệ"),
      ("cooperating", "Văn phòng Ủy ban nhân dân")}),
    ("Báo cáo định kỳ 6 tháng kết quả thực hiện về Sở Khoa học và Công nghệ trước ngày 10 tháng 6 để tổng hợp",
     {("monitoring", "Sở Khoa học và Công nghệ")}),
    ("các bộ, ngành, địa phương chủ động đề xuất gửi Bộ Khoa học và Công nghệ, Bộ Thông tin và Truyền thông để "
     "tổng hợp và báo cáo Chính phủ",
     {("monitoring", "Bộ Khoa học và Công nghệ"), ("monitoring", "Bộ Thông tin và Truyền thông")}),
    # OCR role words; a second lead after 'Giao'; 'Tuyên giáo' is not 'giao' (assign); the scope
    # 'thanh pho' is dropped as 'thành phố' is ('Đảng ủy UBND tỉnh' below)
    ("Ban Tuyén glao va Dan van Thanh uy cha tri, phéi hop VGl cac co quan lién quan huéng dan viéc. Giao Dang "
     "ty Uy ban nhan dén thanh pho chu tri, pho1 hOp v6i Van phong Thanh uy va céac co quan lién quan theo di",
     {("lead", "Ban Tuyén glao va Dan van Thanh uy"), ("cooperating", "Co quan lién quan"),
      ("lead", "Dang ty Uy ban nhan dén"), ("cooperating", "Van phong Thanh uy")}),
    # a subjectless 'Chủ trì' continues the agency the item opens with
    ("Ban Thường vụ Đảng ủy UBND tỉnh chỉ đạo xây dựng văn bản. Chủ trì, phối hợp với các cơ quan liên quan theo dõi",
     {("lead", "Ban Thường vụ Đảng ủy Ủy ban nhân dân"), ("cooperating", "Cơ quan liên quan")}),
])
def test_agency_roles_in_task_text(text, expected):
    from kg.extract.tasks import agencies_in_text
    from kg.model import Span

    got = {(m.role.value, m.agency.name) for m in agencies_in_text(text, Span(0, len(text), text), "vn-test")}
    assert got == expected


@pytest.mark.parametrize("cell, names", [
    ("Sở, ban, ngành thành phố và Ủy ban nhân dân quận, huyện", ["Sở, ban, ngành thành phố", "Ủy ban nhân dân quận, huyện"]),
    ("Viện, Trường", ["Viện, Trường"]),
    ("VTV, VOV, TTXVN, các địa phương", ["VTV", "VOV", "TTXVN", "các địa phương"]),
    ("Bộ Lao động - Thương binh và Xã hội,Thanh tra Chính phủ, các bộ, ngành, địa phương",
     ["Bộ Lao động - Thương binh và Xã hội", "Thanh tra Chính phủ", "các bộ, ngành", "địa phương"]),
    ("Sở Khoa học và Công nghệ và các cơ quan, đơn vị, địa phương liên quan",
     ["Sở Khoa học và Công nghệ", "các cơ quan, đơn vị, địa phương liên quan"]),
    ("Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ", ["Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"]),
    ("Văn phòng Bộ Khoa học và Công nghệ; Bộ Công an", ["Văn phòng Bộ Khoa học và Công nghệ", "Bộ Công an"]),
])
def test_split_agency_list(cell, names):
    from kg.extract.agencies import split_agency_list

    assert split_agency_list(cell) == names


@pytest.mark.parametrize("text, expected", [
    ("tổ chức phổ biến Nghị quyết, hoàn thành trong quý 1/2025.", ("interval", "2025-01", "2025-03")),
    ("Cép uy tb chic phd bién, hoan thanh trong quy 1/2025.", ("interval", "2025-01", "2025-03")),
    ("xây dựng kế hoạch cụ thể, hoàn thành trong năm 2025", ("fixed", "2025", "2025")),
    ("Phấn đấu đến hết năm 2030 tỷ lệ chi cho khoa học đạt 3%", ("before", None, "2030")),
    ("xây dựng kế hoạch của cơ quan, hoàn thành trước ngày 15/7/2025", ("before", None, "2025-07-15")),
    ("định kỳ 6 tháng báo cáo kết quả thực hiện", ("periodic", None, None)),
    ("Định kỳ đánh giá, công bố mức độ hoàn thành nhiệm vụ", None),  # no period given
    ("diễn tập an toàn thông tin thực hiện định kỳ hằng năm", None),
])
def test_deadline_in_task_text(text, expected):
    from kg.extract.deadlines import deadline_in_text

    deadline = deadline_in_text(text)
    assert (deadline and (deadline.kind.value, deadline.start, deadline.end)) == expected


@pytest.mark.parametrize("text, expected", [
    ("CHÍNH PHỦ\nSố: 71/NQ-CP Hà Nội, ngày 01 tháng 4 năm 2025\nNGHỊ QUYẾT\n",
     ("71/NQ-CP", "2025-04-01", "vn", "Chính phủ")),  # a central issuer: the country, not Hà Nội
    ("Thay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024) của Bộ "
     "Chính trị về đột phá phát triển khoa học, công nghệ", ("57-NQ/TW", "2024-12-22", "vn", "")),
])
def test_metadata_of_central_documents(text, expected):
    from kg.extract.metadata import extract_metadata
    from kg.model import SourceText

    meta = extract_metadata(SourceText("t", "t.txt", "", text))
    assert (meta.symbol, meta.date, meta.jurisdiction, meta.issuer.name if meta.issuer else "") == expected


def test_items_of_a_target_list_keep_its_bound():
    from kg.extract.targets import targets_in_text
    from kg.model import Part, Span

    text = ("Triển khai thêm ít nhất 02 khu công nghệ thông tin tập trung; 01 trạm trung chuyển dữ liệu quốc tế; "
            "01 trung tâm dữ liệu quốc tế. Tỉ lệ A đạt tối thiểu 50%; tỉ lệ B đạt 30%.")
    targets = targets_in_text(Part("1.11", "1.11.", "item", text, Span(0, len(text), text)), 2030)
    assert [v.comparator for t in targets for v in t.values] == [">=", ">=", ">=", ">=", "="]


def test_unit_cell_gives_the_base_of_a_bare_percentage():
    value = parse_values("≥ 3% và tăng dần theo yêu cầu phát triển", "% tổng chi NSNN")[0]
    assert (value.low, value.comparator, value.unit, value.base) == (3, ">=", "percent", "state-budget")
