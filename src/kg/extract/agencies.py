"""Agencies: recognise, normalise to one node per agency and jurisdiction, split lists.

'Sở KH&CN' and 'Sở Khoa học và Công nghệ' (and 'So Khoa hoc va Cong nghe' in OCR text) get one
key, the slug of the accent-folded canonical name. Collective agents ('các sở, ban, ngành',
'UBND các quận, huyện') are kept as groups with their own key rather than dropped.
"""

from __future__ import annotations

import re

from kg.model import Agency
from kg.parse.normalize import fold

# Abbreviations as they appear in plans -> the full name. Matched on whole words.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "KH&CN": "Khoa học và Công nghệ",
    "KHCN": "Khoa học và Công nghệ",
    "TT&TT": "Thông tin và Truyền thông",
    "TTTT": "Thông tin và Truyền thông",
    "KH&ĐT": "Kế hoạch và Đầu tư",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "VH,TT&DL": "Văn hóa, Thể thao và Du lịch",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "NN&PTNT": "Nông nghiệp và Phát triển nông thôn",
    "NN&MT": "Nông nghiệp và Môi trường",
    "TN&MT": "Tài nguyên và Môi trường",
    "NHNN": "Ngân hàng Nhà nước",
    "VPCP": "Văn phòng Chính phủ",
    "PT&TH": "Phát thanh và Truyền hình",
}
# Names that contain a comma or a dash, protected before a list of agencies is split.
COMMA_NAMES = ("Văn hóa, Thể thao và Du lịch", "Lao động - Thương binh và Xã hội", "Lao động, Thương binh và Xã hội")
# Bodies that exist only at national level, whatever document names them.
_NATIONAL_HEADS = ("bo ", "chinh phu", "thu tuong", "quoc hoi", "van phong chinh phu", "ban tuyen giao trung uong",
                   "vtv", "vov", "ttxvn", "dai truyen hinh viet nam", "dai tieng noi viet nam",
                   "thong tan xa viet nam", "bo chinh tri", "ban bi thu", "toa an nhan dan toi cao",
                   "vien kiem sat nhan dan toi cao")
_COLLECTIVE = re.compile(
    r"^(cac |moi |nhung )|(\bso, ban, nganh\b)|(\bbo, nganh\b)|(\bquan, huyen\b)|(\bcap xa\b)|"
    r"(\bdia phuong\b)|(\bco quan lien quan\b)|(\bdon vi lien quan\b)|(\bco lien quan\b)|(\btruong dai hoc, cao dang\b)|"
    r"^(vien, truong)$"
)
_AGENCY_HEAD = re.compile(
    r"^(Sở|Bộ|Ban|Văn phòng|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Công an|Bộ Chỉ huy|Ngân hàng|Đài|Báo|Trường|Viện|Hội|"
    r"Liên đoàn|Đoàn|Tỉnh đoàn|Thành đoàn|Mặt trận|Cục|Chi cục|Tổng cục|Trung tâm|Đảng ủy|Đảng uỷ|Thành ủy|Tỉnh ủy|"
    r"Kho bạc|Thuế|Chính phủ|Thủ tướng|Quốc hội|VTV|VOV|TTXVN|Tập đoàn|Tổng công ty|Các|các|Doanh nghiệp|Cơ quan)\b"
)
_SPLIT_COMMA = re.compile(r",\s+(?=(?:[A-ZĐÀ-Ỹ]|các\s))")


def slug(text: str) -> str:
    """ASCII slug of a name: 'Sở Khoa học và Công nghệ' -> 'so-khoa-hoc-va-cong-nghe'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def expand_abbreviations(name: str) -> str:
    out = name
    for short, full in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"(?<![\w&]){re.escape(short)}(?![\w&])", full, out)
    return out


def canonical_name(name: str) -> str:
    """Full name with abbreviations expanded, trailing punctuation and 'thành phố/tỉnh' scope removed."""
    name = expand_abbreviations(re.sub(r"\s+", " ", name)).strip(" .;:,-")
    name = re.sub(r"^Uỷ", "Ủy", name)
    name = re.sub(r"\s+(thành phố|tỉnh|TP)$", "", name)
    return name


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE.search(fold(name)))


def normalize_agency(name: str, jurisdiction: str) -> Agency:
    """One Agency for a written name, scoped to the jurisdiction unless the body is national."""
    canonical = canonical_name(name)
    folded = fold(canonical)
    collective = is_collective(canonical)
    if collective:
        canonical = re.sub(r"^(các|mọi|những)\s+", "", canonical, flags=re.I)
        canonical = canonical[:1].upper() + canonical[1:]
    national = folded.startswith(_NATIONAL_HEADS) or "trung uong" in folded and not collective
    scope = "vn" if national else jurisdiction
    return Agency(key=slug(canonical), name=canonical, jurisdiction=scope, collective=collective)


def split_agency_list(text: str) -> list[str]:
    """'Sở Nội vụ; Sở KH&CN' or 'Bộ A, Bộ B, các địa phương' -> the single names, in order."""
    protected = text
    for i, name in enumerate(COMMA_NAMES):
        protected = protected.replace(name, f"\x00{i}\x00")
    pieces: list[str] = []
    for chunk in re.split(r"\s*[;:]\s*|\s+và\s+(?=các\s)", protected):
        pieces.extend(_SPLIT_COMMA.split(chunk))
    out = []
    for piece in pieces:
        for i, name in enumerate(COMMA_NAMES):
            piece = piece.replace(f"\x00{i}\x00", name)
        piece = piece.strip(" .;,")
        if piece:
            out.append(piece)
    return out


def starts_with_agency(text: str) -> bool:
    return bool(_AGENCY_HEAD.match(text.strip()))


def looks_like_agency(text: str) -> bool:
    return bool(_AGENCY_HEAD.match(text.strip())) and len(text) < 160
