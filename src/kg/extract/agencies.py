"""Agencies: recognise, normalise to one node per agency and jurisdiction, split lists.

'Sở KH&CN' and 'Sở Khoa học và Công nghệ' (and 'So Khoa hoc va Cong nghe' in OCR text) get one
key, the slug of the accent-folded canonical name. Collective agents ('các sở, ban, ngành',
'UBND các quận, huyện') are kept as groups with their own key rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.extract.places import NATIONAL, place_name
from kg.model import Agency, Role
from kg.parse.normalize import UPPER, fold

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
    "KHĐT": "Kế hoạch và Đầu tư",
    "GTVT": "Giao thông vận tải",
    "TNMT": "Tài nguyên và Môi trường",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "DT&TG": "Dân tộc và Tôn giáo",
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
    r"Liên đoàn|Đoàn|Tỉnh đoàn|Thành đoàn|Mặt trận|Cục|Chi cục|Tổng cục|Trung tâm|Đảng ủy|Đảng uỷ|Đảng đoàn|Ban cán sự|Thành ủy|Tỉnh ủy|"
    r"Kho bạc|Thuế|Chính phủ|Thủ tướng|Quốc hội|VTV|VOV|TTXVN|Tập đoàn|Tổng công ty|Các|các|Doanh nghiệp|Cơ quan)\b"
)
_QUANTIFIER = re.compile(r"^(c[a-z]?ac|moi|nhung)\s+")
_FOLDED_HEAD = re.compile(fold(_AGENCY_HEAD.pattern))
# a comma starts a new agency before a name or 'các'; 'bộ, ngành, địa phương' and 'sở, ban, ngành,
# địa phương' are two collectives (sectors and local governments)
_SPLIT_COMMA = re.compile(rf",\s*(?=(?:[{UPPER}]|c[áa]c\s))|(?<=ng[àa]nh),\s+(?=[đd][ịi]a ph[ưu][ơo]ng\b)")
_NEXT_MINISTRY = re.compile(rf"\s+(?=Bộ\s+[{UPPER}])")
_SPLIT_AND = re.compile(
    r"\s+va\s+(?=(?:c[a-z]?ac|so|ban|uy ban|ubnd|hoi dong|hdnd|van phong|cong an|bo chi huy|vien|truong|hoi|doan|"
    r"mat tran|cuc|chi cuc|trung tam|dang uy|thanh uy|tinh uy|dia phuong|don vi|co quan)\b)"
)
# Role cues on folded text, with OCR forms: 'chủ trì' ('cha tri'), 'phối hợp với' ('phdi hop véi', 'pho1 hOp v6i')
_LEAD_CUE = re.compile(r"\bch[ua] tr[ij1l]\b")
_COOP_CUE = re.compile(r"\bph[a-z0-9][i1l] h[o0]p(?: v[a-z0-9][i1l])?\b")
_STANDING_CUE = re.compile(r",?\s*la co quan thuong truc\b")
_MONITORING_AFTER_STANDING = re.compile(r"\W*(theo doi|tong hop|giam sat|don doc)\b")
# 'báo cáo … về Sở X (trước …) (để) tổng hợp', 'gửi (về) Bộ X tổng hợp': X collects the reports
_REPORT_TO = re.compile(r"\b(?:ve|gui(?:\s+ve)?)\s+(?=\S)(.{3,80}?)\s+(?:truoc\b[^;.]{0,60}?\s+)?(?:de\s+)?tong hop\b")
# 'giao Sở X …' (assigns to), not 'Tuyên giáo'; the assignee is a name, so upper case follows
_ASSIGNS = re.compile(rf"\b[Gg]iao\s+(?=[{UPPER}])")
# Where a list of agencies ends: the verb of the clause, or right after '(có) liên quan'
_NAMES_END = re.compile(
    r"\s+(?:chu tri|phoi hop|chi dao|co trach nhiem|tham m\w{1,2}u|h\w{2,3}ng d\w{1,2}n|theo d\w{0,2}|to chuc|"
    r"xay dung|bao dam|dam bao|de xuat|trien khai|thuc hien|kiem tra|chuan bi|ra soat|ban hanh|"
    r"bo tri|can cu|dinh huong|de|la|thong nhat|tong hop)\b|(?<=lien quan)\b"
)


def slug(text: str) -> str:
    """ASCII slug of a name: 'Sở Khoa học và Công nghệ' -> 'so-khoa-hoc-va-cong-nghe'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def expand_abbreviations(name: str) -> str:
    """Abbreviations written with or without their diacritics ('HĐND', 'HDND') -> the full name."""
    out = name
    for short, full in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        forms = "|".join(map(re.escape, sorted({short, fold(short).upper()})))
        out = re.sub(rf"(?<![\w&])(?:{forms})(?![\w&])", full, out)
    return out


def _cut_folded(pattern: str, text: str, keep: str = "") -> str:
    """Replace the first match of `pattern`, found on the folded text, by `keep`: the same rule
    for a name written with or without diacritics (folding keeps offsets)."""
    m = re.search(pattern, fold(text))
    return text[: m.start()] + keep + text[m.end() :] if m else text


def without_place(name: str, place: str) -> str:
    """`name` without the jurisdiction's name where it only scopes the body ('Ủy ban nhân dân
    thành phố Cần Thơ', 'Ban Thường vụ Tỉnh ủy Quảng Nam'), so that the body written with and
    without it is one node; a name that is the body's own ('Báo Cần Thơ') keeps it."""
    if not place:
        return name
    pattern = rf"(?:\s+(?:tinh|thanh pho|tp\.?)|(?<=tinh uy)|(?<=thanh uy))\s+{re.escape(fold(place))}$"
    return canonical_name(_cut_folded(pattern, name))


def canonical_name(name: str) -> str:
    """Full name with abbreviations expanded, trailing punctuation and 'thành phố/tỉnh' scope removed."""
    name = expand_abbreviations(re.sub(r"\s+", " ", name)).strip(" .;:,-")
    name = re.sub(r"^Uỷ", "Ủy", name)
    m = re.search(r"\b(so)[,.]?\s+(ban)[,.]?\s+(nganh)\b", fold(name))  # 'Sở, ban ngành', 'Sở. ban, ngành'
    if m:
        words = ", ".join(name[m.start(i) : m.end(i)] for i in (1, 2, 3))
        name = name[: m.start()] + words + name[m.end() :]
    m = re.search(r"\s+(thanh pho|tinh|tp)$", fold(name))
    # the scope word is written in lower case ('tỉnh', 'thành phố') or 'TP'; a capital is the end
    # of a place name ('Tỉnh ủy Hà Tĩnh')
    return name[: m.start()] if m and (name[m.start(1)].islower() or m.group(1) == "tp") else name


def preferred_name(names: Iterable[str]) -> str:
    """The spelling to show for one body written several ways: the most diacritics (not an OCR or
    unaccented copy), then the most capitals ('Công nghệ' over 'công nghệ'), then code-point order."""
    def rank(name: str) -> tuple[int, int, str]:
        marks = sum(1 for a, b in zip(name.lower(), fold(name)) if a != b)
        return -marks, -sum(c.isupper() for c in name), name

    return min(names, key=rank)


def is_collective(name: str) -> bool:
    return bool(_COLLECTIVE.search(fold(name)))


def normalize_agency(name: str, jurisdiction: str) -> Agency:
    """One Agency for a written name, scoped to the jurisdiction unless the body is national."""
    canonical = canonical_name(name)
    folded = fold(canonical)
    collective = is_collective(canonical)
    if collective:
        quantifier = _QUANTIFIER.match(folded)  # 'các', also OCR 'céac'
        canonical = canonical[quantifier.end() :] if quantifier else canonical
        canonical = canonical[:1].upper() + canonical[1:]
    national = folded.startswith(_NATIONAL_HEADS) or "trung uong" in folded and not collective
    scope = "vn" if national else jurisdiction
    key = slug(without_place(canonical, place_name(scope) if scope != NATIONAL else ""))
    return Agency(key=key, name=canonical, jurisdiction=scope, collective=collective)


def _protect(text: str) -> tuple[str, list[str]]:
    """Names holding a comma or dash (COMMA_NAMES, written with or without diacritics) replaced
    by placeholders before a list is split; `_restore` puts the written form back."""
    pattern = "|".join(re.escape(fold(name)) for name in COMMA_NAMES)
    found: list[str] = []
    out, last = [], 0
    for m in re.finditer(pattern, fold(text)):
        out.append(text[last : m.start()] + f"\x00{len(found)}\x00")
        found.append(text[m.start() : m.end()])
        last = m.end()
    return "".join(out) + text[last:], found


def _restore(text: str, found: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: found[int(m.group(1))], text)


def split_agency_list(text: str) -> list[str]:
    """'Sở Nội vụ; Sở KH&CN' or 'Bộ A, Bộ B, các địa phương' -> the single names, in order."""
    protected, found = _protect(text)
    folded = fold(protected)
    cuts = [0] + [x for m in _SPLIT_AND.finditer(folded) for x in (m.start(), m.end())] + [len(protected)]
    pieces: list[str] = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        for chunk in re.split(r"\s*[;:]\s*", protected[a:b]):
            pieces.extend(name for piece in _SPLIT_COMMA.split(chunk) for name in _split_ministries(piece))
    out: list[str] = []
    for piece in pieces:
        piece = _restore(piece, found).strip(" .;,")
        if piece and out and _is_bare_kind(piece) and _is_bare_kind(out[-1]):
            out[-1] += ", " + piece  # 'Viện, Trường': bare kinds of body, one collective
        elif piece:
            out.append(piece)
    return out


def _split_ministries(name: str) -> list[str]:
    """'Bộ A Bộ B' -> ['Bộ A', 'Bộ B']: a ministry's name never holds another ministry, so a second
    'Bộ <Name>' is a separator lost (a cut table cell)."""
    return _NEXT_MINISTRY.split(name) if name.lstrip().startswith("Bộ ") else [name]


def _is_bare_kind(word: str) -> bool:
    """'Viện', 'Trường': a kind of body without a name (not an acronym such as 'VTV')."""
    return " " not in word and word[1:].islower()


def _subject_before(text: str, end: int) -> str:
    """The agencies named just before a role cue in the same clause: after 'giao' (assigns to)
    if present, else the trailing comma-separated pieces that open with an agency head."""
    start = max(text.rfind(c, 0, end) for c in ".;:") + 1
    clause = text[start:end]
    assigned = list(_ASSIGNS.finditer(clause))
    if assigned:
        return clause[assigned[-1].end():].strip(" ,")
    protected, found = _protect(clause)
    pieces = _SPLIT_COMMA.split(protected)
    kept: list[str] = []
    for piece in reversed(pieces):
        if not starts_with_agency(piece):
            break
        kept.insert(0, piece)
    return _restore(", ".join(kept), found).strip(" ,")


def _names_after(text: str, start: int) -> str:
    """The list of agencies starting at `start`, up to the clause's verb or end."""
    stop = re.compile(r"[.;]").search(text, start)
    segment = text[start : stop.start() if stop else len(text)]
    m = _NAMES_END.search(fold(segment))
    return segment[: m.start()] if m else segment


def _opening_agency(text: str) -> str:
    """The agency a text opens with ('Ban Thường vụ Đảng ủy UBND tỉnh chỉ đạo …'), else ''."""
    return _names_after(text, 0) if starts_with_agency(text) else ""


def roles_in_text(text: str) -> list[tuple[str, Role, int, int]]:
    """Agencies and their roles in a task's own words, as (written name, role, start, end):
    'X (là cơ quan thường trực,) chủ trì, phối hợp với Y, Z', 'Giao X chủ trì', a subjectless
    'Chủ trì …' continuing the agency the text opens with, 'X là cơ quan thường trực theo dõi'
    (standing, monitoring), 'báo cáo … về X để tổng hợp' (monitoring). OCR role words count."""
    folded = fold(text)
    found: list[tuple[str, Role, int, int]] = []

    def add(names: str, role: Role, start: int, end: int) -> None:
        found.extend((name, role, start, end) for name in split_agency_list(names))

    for m in _LEAD_CUE.finditer(folded):
        subject = _subject_before(text, m.start())
        standing = _STANDING_CUE.search(fold(subject))
        subject = subject[: standing.start()] if standing else subject
        add(subject or _opening_agency(text), Role.LEAD, m.start() - len(subject), m.end())
    for m in _STANDING_CUE.finditer(folded):
        subject = _subject_before(text, m.start())
        add(subject, Role.STANDING, m.start() - len(subject), m.end())
        if _MONITORING_AFTER_STANDING.match(folded, m.end()):
            add(subject, Role.MONITORING, m.start() - len(subject), m.end())
    for m in _COOP_CUE.finditer(folded):
        names = _names_after(text, m.end()).strip(" ,")
        if starts_with_agency(names):
            add(names, Role.COOPERATING, m.start(), m.end() + len(names))
    for m in _REPORT_TO.finditer(folded):
        if starts_with_agency(text[m.start(1) : m.end(1)]):
            add(text[m.start(1) : m.end(1)], Role.MONITORING, m.start(), m.end())
    return found


def starts_with_agency(text: str) -> bool:
    """The text opens with an agency head word; in OCR text without diacritics ('cac co quan
    lién quan', 'Van phong Thanh uy') the folded word counts."""
    text = text.strip()
    if _AGENCY_HEAD.match(text):
        return True
    folded = fold(text)
    return bool(_FOLDED_HEAD.match(folded)) and (text[:1].isupper() or folded.startswith("cac "))
