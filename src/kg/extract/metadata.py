"""Document metadata: kind, number, date, issuer, jurisdiction, signer.

Read from the text first (the 'Số:' line, a metadata table, the place-and-date line, the title,
the signature block, a news lead); the curator's manifest fills only what the text does not say,
and the fields so filled are listed in `DocumentMeta.from_hints`.
"""

from __future__ import annotations

import re

from kg.extract.agencies import normalize_agency
from kg.extract.citations import find_citations
from kg.extract.deadlines import parse_deadline
from kg.extract.places import NATIONAL, bare_places, find_places, place_slug
from kg.graph.ids import CENTRAL_ISSUERS
from kg.model import DocumentMeta, SourceText, Span
from kg.parse.normalize import LOWER, UPPER, fold, strip_marks

KIND_LABELS = {
    "ctr": "Chương trình", "kh": "Kế hoạch", "nq": "Nghị quyết", "qd": "Quyết định", "ct": "Chỉ thị",
    "kl": "Kết luận", "nd": "Nghị định", "tt": "Thông tư", "cv": "Công văn", "da": "Đề án", "bc": "Báo cáo",
}
_KIND_BY_WORD = {fold(label): code for code, label in KIND_LABELS.items()}
_NUMBER_LINE = re.compile(r"^\s*(?:\|\s*)?(?:so|so hieu)\s*[:|]\s*", re.I)
_PLACE_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(20\d\d)")
_TABLE_DATE = re.compile(r"ngay ban hanh\s*\|\s*(\d{1,2}/\d{1,2}/20\d\d)")
# 'Ngày 24/2/2025, … ký ban hành …' or '… ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024)'
_NEWS_DATE = re.compile(r"ngay\s+(\d{1,2}/\d{1,2}/20\d\d)\s*,[^.]{0,200}?\bky ban hanh\b"
                        r"|\bky ban hanh\s[^.]{0,60}?\bso\s+\S+\s*\(?ngay\s+(\d{1,2}/\d{1,2}/20\d\d)")
_SIGNING_MODE = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*(.+?)\s*\|?$")
_NAME_WORD = f"[{UPPER}][{LOWER}]+"
_PERSON = re.compile(rf"^({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})\s*\|?$")
_FULL_NAME = re.compile(rf"^({_NAME_WORD}(?:\s+{_NAME_WORD}){{2,3}})$")
_SIGNED_MARK = re.compile(r"^[(\[]?\s*(da ky|ky)\s*[)\]]?$")  # '(Đã ký)', '[đã ký]'

# Both matched on the text without diacritics (strip_marks) and read from the text itself
_TABLE_SIGNER = re.compile(r"\|\s*Nguoi ky\s*\|\s*([^|]+?)\s*\|")
_NEWS_SIGNER = re.compile(
    rf"((?:Pho\s+|Tong\s+)?(?:Bi thu|Chu tich|Thu tuong)[^,.]{{0,40}}?)\s+((?:{_NAME_WORD}\s+){{1,4}}{_NAME_WORD})\s+"
    r"(?:thay mat|ky|da ky)"
)
_NEWS_NUMBER = re.compile(r"(?:ky\s+)?ban hanh\s+(?:chuong trinh|ke hoach|nghi quyet|quyet dinh)\s+so\s+")
_ISSUER_BY_CODE = {"ubnd": "Ủy ban nhân dân {unit} {place}", "tu": "Ban Thường vụ Tỉnh ủy {place}",
                   "tu-city": "Ban Thường vụ Thành ủy {place}", "hdnd": "Hội đồng nhân dân {unit} {place}",
                   "cp": "Chính phủ", "ttg": "Thủ tướng Chính phủ"}
# The symbol suffix of an issuer, for a document whose number is unreadable (folded name prefixes)
_CODE_BY_ISSUER = (("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("ban thuong vu tinh uy", "tu"),
                   ("ban thuong vu thanh uy", "tu"), ("tinh uy", "tu"), ("thanh uy", "tu"))
_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def extract_metadata(source: SourceText) -> DocumentMeta:
    text = source.text
    meta = DocumentMeta()
    head = text[:3000]
    _read_symbol(text, head, meta, source.source_id)
    _read_kind(head, meta)
    _read_date(text, head, meta)
    _read_jurisdiction(text, head, meta)
    _read_signer(text, meta)
    _read_title(text, meta)
    _apply_hints(source, meta)
    _read_issuer(meta, source)
    return meta


def _read_symbol(text: str, head: str, meta: DocumentMeta, source_id: str) -> None:
    """The document's own number: a 'Số:' line, a 'Số hiệu' table cell, or the news lead's
    'ký ban hành Chương trình số …'."""
    own = []
    for line_start, line in _lines(head):
        if _NUMBER_LINE.match(fold(line)):
            own = find_citations(line)
            if own:
                citation = own[0]
                meta.evidence["number"] = Span(line_start + citation.evidence.start, line_start + citation.evidence.end,
                                               citation.evidence.text)
                break
    if not own:
        m = _NEWS_NUMBER.search(fold(head))
        if m:
            own = find_citations(head[m.end() : m.end() + 30])
            if own:
                c = own[0]
                meta.evidence["number"] = Span(m.end() + c.evidence.start, m.end() + c.evidence.end, c.evidence.text)
    if own:
        ref = own[0].target
        meta.symbol, meta.number, meta.issuer_code, meta.kind = ref.symbol, ref.number, ref.issuer_code, ref.kind


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _read_kind(head: str, meta: DocumentMeta) -> None:
    if meta.kind:
        meta.kind_label = KIND_LABELS.get(meta.kind, meta.kind.upper())
        return
    for start, line in _lines(head):
        words = fold(line).strip(" |").split()
        for n in (2, 1):
            code = _KIND_BY_WORD.get(" ".join(words[:n]))
            if code and (line.isupper() or start == 0 or len(words) <= 6):
                meta.kind, meta.kind_label = code, KIND_LABELS[code]
                meta.evidence["kind"] = Span(start, start + len(line), line)
                return
    for start, line in _lines(head):  # OCR: 'CHUONG TRINH HANH DPQONG'
        folded = fold(line).strip()
        for word, code in _KIND_BY_WORD.items():
            if folded.startswith(word) and line.upper() == line:
                meta.kind, meta.kind_label = code, KIND_LABELS[code]
                meta.evidence["kind"] = Span(start, start + len(line), line)
                return


def _read_date(text: str, head: str, meta: DocumentMeta) -> None:
    folded = fold(head)
    for pattern in (_TABLE_DATE, _PLACE_DATE, _NEWS_DATE):
        m = pattern.search(folded)
        if not m:
            continue
        raw = head[m.start() : m.end()]
        deadline = parse_deadline(raw if pattern is not _NEWS_DATE else m.group(1) or m.group(2))
        if deadline and deadline.precision and deadline.precision.value == "day":
            meta.date = deadline.start
            meta.year = int(deadline.start[:4])
            meta.evidence["date"] = Span(m.start(), m.end(), raw)
            return


def _read_jurisdiction(text: str, head: str, meta: DocumentMeta) -> None:
    """The country for a central issuer (the Government signs 'Hà Nội, ngày …'), else the place
    of the place-and-date line, else the province named most often."""
    if meta.issuer_code in CENTRAL_ISSUERS or meta.issuer_code.startswith("qh"):
        meta.jurisdiction_name, meta.jurisdiction = "Việt Nam", NATIONAL
        return
    for start, line in _lines(head):
        if _PLACE_DATE.search(fold(line)):
            places = bare_places(line)
            if places:
                _set_place(meta, places[0][0], Span(start, start + len(line), line))
                return
    counts: dict[str, int] = {}
    for name, _ in find_places(text):
        counts[name] = counts.get(name, 0) + 1
    if counts:
        name = max(sorted(counts), key=lambda n: counts[n])
        _set_place(meta, name, None)


def _set_place(meta: DocumentMeta, name: str, span: Span | None) -> None:
    meta.jurisdiction_name, meta.jurisdiction = name, place_slug(name)
    if span:
        meta.evidence["jurisdiction"] = span


def _read_signer(text: str, meta: DocumentMeta) -> None:
    """The signature block: mode lines ('TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'), the signer's
    capacity ('PHÓ CHỦ TỊCH'), the name. Under 'KT.'/'TL.'/'TUQ.' the signer stands in for the
    office on the mode line, so without a capacity line the capacity is unknown; under 'Q.'
    (acting) it is the mode line. A '(Đã ký)' line between capacity and name is skipped."""
    lines = [(start, line.strip(" |")) for start, line in _lines(text)]
    lines = [(start, line) for start, line in lines if line]
    for i, (start, line) in enumerate(lines):
        modes, j = [], i
        while j < len(lines) and (m := _SIGNING_MODE.match(lines[j][1])):
            modes.append(m)
            j += 1
        if not modes:
            continue
        last = modes[-1]
        meta.signing_mode = last.group(1) + "."
        rest = [ln for _, ln in lines[j : j + 3] if not _SIGNED_MARK.match(fold(ln))]
        if rest and rest[0].isupper() and not _PERSON.match(rest[0]):
            meta.signer_capacity = rest.pop(0)
        elif last.group(1) == "Q":
            meta.signer_capacity = last.group(0)
        if rest and _PERSON.match(rest[0]):
            meta.signer = rest[0]
            meta.evidence["signer"] = Span(start, start + len(line), line)
        break
    if not meta.signer:
        _read_merged_signer(text, meta)
    if not meta.signer:
        head = text[:3000]
        m = _TABLE_SIGNER.search(strip_marks(head)) or _NEWS_SIGNER.search(strip_marks(head))
        if m:
            group = 1 if m.re is _TABLE_SIGNER else 2
            meta.signer = head[m.start(group) : m.end(group)].strip()
            if m.re is _NEWS_SIGNER and not meta.signer_capacity:
                meta.signer_capacity = head[m.start(1) : m.end(1)].strip()
            meta.evidence["signer"] = Span(m.start(), m.end(), head[m.start() : m.end()])


def _read_merged_signer(text: str, meta: DocumentMeta) -> None:
    """A scan read column by column merges the signature beside the 'Nơi nhận' list into its
    lines ('- Các đồng chí Thành ủy viên, Nguyễn Văn Quang'): the last full name (three or four
    capitalised words) ending a line of the closing list, after a comma or alone."""
    closing = False
    for start, line in _lines(text):
        closing = closing or fold(line).startswith("noi nhan")
        tail = line.rsplit(",", 1)[-1].strip(" -|")
        if closing and (m := _FULL_NAME.match(tail)):
            at = start + line.rindex(tail)
            meta.signer = m.group(1)
            meta.evidence["signer"] = Span(at, at + len(tail), tail)


def _read_title(text: str, meta: DocumentMeta) -> None:
    for start, line in _lines(text[:3000]):
        stripped = line.strip(" |")
        if len(stripped) > 40 and fold(stripped).startswith(("thuc hien", "ve ", "trien khai")):
            meta.title = stripped
            return
    first = text.strip().split("\n", 1)[0]
    meta.title = first[:300]


def _apply_hints(source: SourceText, meta: DocumentMeta) -> None:
    filled = []
    if not meta.kind and source.hint_kind:
        code = _KIND_BY_WORD.get(fold(source.hint_kind))
        if code:
            meta.kind, meta.kind_label = code, KIND_LABELS[code]
            filled.append("kind")
    if not meta.jurisdiction and source.hint_jurisdiction:
        _set_place(meta, source.hint_jurisdiction, None)
        filled.append("jurisdiction")
    meta.from_hints = tuple(filled)


def _read_issuer(meta: DocumentMeta, source: SourceText) -> None:
    place = meta.jurisdiction_name
    if meta.issuer_code in ("cp", "ttg"):
        meta.issuer = normalize_agency(_ISSUER_BY_CODE[meta.issuer_code], NATIONAL)
    elif meta.issuer_code in ("ubnd", "tu", "hdnd") and place:
        city = fold(place) in _CITIES
        template = _ISSUER_BY_CODE["tu-city" if meta.issuer_code == "tu" and city else meta.issuer_code]
        name = template.format(unit="thành phố" if city else "tỉnh", place=place)
        meta.issuer = normalize_agency(name, meta.jurisdiction)
    elif source.hint_issuer:
        meta.issuer = normalize_agency(source.hint_issuer, meta.jurisdiction or "vn")
        meta.from_hints = (*meta.from_hints, "issuer")
    if meta.issuer and not meta.issuer_code:  # no readable number: the code follows from the issuer
        folded = fold(meta.issuer.name)
        meta.issuer_code = next((code for prefix, code in _CODE_BY_ISSUER if folded.startswith(prefix)), "")
