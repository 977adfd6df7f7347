"""The 2025 reorganisation of the state, as curated data: ministries (1 March 2025), provincial
departments (Sở, March 2025), the abolition of the district level and the 63 → 34 provinces
(1 July 2025). Each change names its legal basis and where the basis was read (docs/reorganisation.md).

The rules are general: a department rule applies to the department of that name in any province,
a province rule to every body of the absorbed province. Nothing here knows a document.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.model import DocumentRef

MERGER, SPLIT, RENAMING, ABOLITION = "merger", "split-of-functions", "renaming", "abolition"
KINDS = (MERGER, SPLIT, RENAMING, ABOLITION)
MINISTRIES_DATE = "2025-03-01"
DEPARTMENTS_DATE = "2025-03-01"
LOCAL_GOVERNMENT_DATE = "2025-07-01"


@dataclass(frozen=True)
class LegalBasis:
    ref: DocumentRef
    title: str
    in_force: str  # the day the change takes effect under this text
    read_at: str  # address of the page where the facts were read ('' = not read, recalled)
    note: str = ""  # what the page did not confirm


def _ref(kind: str, number: str, issuer: str, date: str, symbol: str) -> DocumentRef:
    return DocumentRef(kind, number, issuer, int(date[:4]), date, symbol, "vn")


BASES = {
    "nq176": LegalBasis(
        _ref("nq", "176", "qh15", "2025-02-18", "176/2025/QH15"),
        "Nghị quyết về cơ cấu tổ chức của Chính phủ nhiệm kỳ Quốc hội khóa XV", MINISTRIES_DATE,
        "https://sieucacuocnews.com/print/470461.html",
        "read in a press report of the resolution (14 ministries, 3 ministry-level bodies, the four "
        "mergers); the day of adoption (18/02/2025) is from a report of the same session"),
    "nd55": LegalBasis(
        _ref("nd", "55", "cp", "2025-03-02", "55/2025/NĐ-CP"),
        "Nghị định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Khoa học và Công nghệ",
        MINISTRIES_DATE, "https://dientuungdung.vn/co-cau-to-chuc-cua-bo-khoa-hoc-va-cong-nghe-sau-khi-hop-nhat-8176.html",
        "the functions taken over (posts, telecommunications, IT industry, digital transformation) were read; "
        "press and publishing passing to Bộ Văn hóa, Thể thao và Du lịch is recalled, not read"),
    "nd41": LegalBasis(
        _ref("nd", "41", "cp", "2025-02-26", "41/2025/NĐ-CP"),
        "Nghị định quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Bộ Dân tộc và Tôn giáo",
        MINISTRIES_DATE, "https://lite.baomoi.com/tu-1-3-chinh-thuc-hoat-dong-bo-dan-toc-va-ton-giao-voi-co-cau-to-chuc-moi-c51605191.epi",
        "operation from 01/03/2025 was read; the decree's day of signature (26/02/2025) and religious "
        "affairs coming from Bộ Nội vụ are recalled"),
    "nd45": LegalBasis(
        _ref("nd", "45", "cp", "2025-02-28", "45/2025/NĐ-CP"),
        "Nghị định quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc "
        "trung ương và Ủy ban nhân dân huyện, quận, thị xã, thành phố thuộc tỉnh", DEPARTMENTS_DATE,
        "http://hdnd.dongnai.gov.vn/Pages/glp-quydinhmoivecoquanchuyenmonthu-glpnd-34299-glpnc-4-glpsite-1.html",
        "the 12 departments every province keeps were read; which old department went into which is "
        "inferred from the ministries they mirror; each province merged its departments by its own "
        "decision in March 2025, so 01/03/2025 is the earliest day, not each province's day"),
    "nq202": LegalBasis(
        _ref("nq", "202", "qh15", "2025-06-12", "202/2025/QH15"),
        "Nghị quyết về việc sắp xếp đơn vị hành chính cấp tỉnh", LOCAL_GOVERNMENT_DATE,
        "https://thuviennhadat.vn/phap-luat/tai-file-toan-bo-34-nghi-quyet-sap-xep-don-vi-hanh-chinh-cap-xa-nam-2025-685791.html",
        "the 34 units and the provinces merged into each were read in a list of the 34 follow-up "
        "resolutions; the resolution took effect when adopted (12/06/2025, "
        "https://www.tuoitrephuyen.vn/tag/bi%E1%BB%83u-quy%E1%BA%BFt); the new provincial authorities "
        "working from 01/07/2025 is from press reports, not from the text"),
    "nq203": LegalBasis(
        _ref("nq", "203", "qh15", "2025-06-16", "203/2025/QH15"),
        "Nghị quyết sửa đổi, bổ sung một số điều của Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013",
        LOCAL_GOVERNMENT_DATE,
        "https://nhansu.vn/tim-kiem-bai-viet?tukhoa=k%E1%BA%BFt+th%C3%BAc+%C4%91%C6%A1n+v%E1%BB%8B+h%C3%A0nh+ch%C3%ADnh+c%E1%BA%A5p+huy%E1%BB%87n",
        "the end of the district level from 01/07/2025 was read in headlines; the day of adoption "
        "(16/06/2025) and the Law on the Organisation of Local Government of 16/06/2025 "
        "(72/2025/QH15) are recalled; the law's date was read in a decision citing it"),
}


@dataclass(frozen=True)
class Change:
    """One body's change: `original` (a body name) → `resulting`; `new_body` when the resulting
    body is founded by the change (Bộ Nông nghiệp và Môi trường), not a surviving one."""

    original: str
    resulting: str
    kind: str
    basis: str  # key of BASES
    functions: str = ""  # for a split: the functions that move
    new_body: bool = False


MINISTRY_CHANGES = (
    # existing keys merger-1, merger-2 keep their order (event IRIs stay stable)
    Change("Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ", MERGER, "nd55"),
    Change("Bộ Kế hoạch và Đầu tư", "Bộ Tài chính", MERGER, "nq176"),
    Change("Bộ Giao thông vận tải", "Bộ Xây dựng", MERGER, "nq176"),
    Change("Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Môi trường", MERGER, "nq176", new_body=True),
    Change("Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Nông nghiệp và Môi trường", MERGER, "nq176", new_body=True),
    Change("Bộ Lao động - Thương binh và Xã hội", "Bộ Nội vụ", MERGER, "nq176"),
    Change("Ủy ban Dân tộc", "Bộ Dân tộc và Tôn giáo", RENAMING, "nd41", new_body=True),
    Change("Bộ Thông tin và Truyền thông", "Bộ Văn hóa, Thể thao và Du lịch", SPLIT, "nd55", "báo chí, xuất bản"),
    Change("Bộ Lao động - Thương binh và Xã hội", "Bộ Giáo dục và Đào tạo", SPLIT, "nq176", "giáo dục nghề nghiệp"),
    Change("Bộ Lao động - Thương binh và Xã hội", "Bộ Y tế", SPLIT, "nq176",
           "bảo trợ xã hội, trẻ em, phòng, chống tệ nạn xã hội"),
    Change("Bộ Nội vụ", "Bộ Dân tộc và Tôn giáo", SPLIT, "nd41", "tín ngưỡng, tôn giáo"),
)

# The same merger in every province (departments mirror the ministries).
DEPARTMENT_CHANGES = (
    Change("Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", MERGER, "nd45"),
    Change("Sở Kế hoạch và Đầu tư", "Sở Tài chính", MERGER, "nd45"),
    Change("Sở Giao thông vận tải", "Sở Xây dựng", MERGER, "nd45"),
    Change("Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường", MERGER, "nd45", new_body=True),
    Change("Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường", MERGER, "nd45", new_body=True),
    Change("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ", MERGER, "nd45"),
    Change("Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch", SPLIT, "nd45", "báo chí, xuất bản"),
    Change("Sở Lao động - Thương binh và Xã hội", "Sở Giáo dục và Đào tạo", SPLIT, "nd45", "giáo dục nghề nghiệp"),
    Change("Sở Lao động - Thương binh và Xã hội", "Sở Y tế", SPLIT, "nd45",
           "bảo trợ xã hội, trẻ em, phòng, chống tệ nạn xã hội"),
)

# District People's Committees end with the district level; their tasks pass to the communes
# (some to the province). The successor is the collective of commune People's Committees.
COMMUNE_COMMITTEES = "Ủy ban nhân dân cấp xã"
DISTRICT_BASIS = "nq203"

# Nghị quyết 202/2025/QH15: each unit of today -> the units of 2024 merged into it (the unit
# whose name is kept first). The 11 units left unchanged map to themselves.
RESOLUTION_202 = {
    "Hà Nội": ("Hà Nội",), "Huế": ("Huế",), "Lai Châu": ("Lai Châu",), "Điện Biên": ("Điện Biên",),
    "Sơn La": ("Sơn La",), "Lạng Sơn": ("Lạng Sơn",), "Quảng Ninh": ("Quảng Ninh",), "Thanh Hóa": ("Thanh Hóa",),
    "Nghệ An": ("Nghệ An",), "Hà Tĩnh": ("Hà Tĩnh",), "Cao Bằng": ("Cao Bằng",),
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"), "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"), "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"), "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"), "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"), "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"), "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"), "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"), "Hồ Chí Minh": ("Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"), "Tây Ninh": ("Tây Ninh", "Long An"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"), "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"), "Cà Mau": ("Cà Mau", "Bạc Liêu"), "An Giang": ("An Giang", "Kiên Giang"),
}
PROVINCE_BASIS = "nq202"


def basis_text(key: str) -> str:
    basis = BASES[key]
    year, month, day = basis.in_force.split("-")
    return f"{basis.ref.symbol} ({basis.title}), hiệu lực {day}/{month}/{year}"
