"""Document metadata: kind, number, date, issuer, jurisdiction, signer.

Read from the text first, in a trust order: the document's own title block (the issuer lines,
the 'Số:' line, the place-and-date line, the title) and signature block, then an aggregator's
metadata table ('Số hiệu', 'Ngày ban hành', 'Người ký'), then a portal's or newspaper's sentence
reporting the document (`kg.extract.portal`). The curator's manifest fills only what the text
does not say, and the fields so filled are listed in `DocumentMeta.from_hints`.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from kg.extract.agencies import normalize_agency
from kg.extract.citations import find_citations, symbol_key
from kg.extract.deadlines import parse_deadline
from kg.extract.places import NATIONAL, bare_places, find_places, place_slug
from kg.extract.portal import Report, acting_body, reported_document, signer_in, table_date, table_signer
from kg.model import DocumentMeta, SourceText, Span, is_central_issuer
from kg.parse.normalize import LOWER, UPPER, fold
from kg.parse.view import DocumentView

KIND_LABELS = {
    "ctr": "Chương trình", "kh": "Kế hoạch", "nq": "Nghị quyết", "qd": "Quyết định", "ct": "Chỉ thị",
    "kl": "Kết luận", "nd": "Nghị định", "tt": "Thông tư", "cv": "Công văn", "da": "Đề án", "bc": "Báo cáo",
    "tb": "Thông báo",
}
_KIND_BY_WORD = {fold(label): code for code, label in KIND_LABELS.items()}
_NUMBER_LINE = re.compile(r"^\s*(?:\|\s*)?(?:so|so hieu)\s*[:|]\s*", re.I)
_PLACE_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(20\d\d)")
_SIGNING_MODE = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*(.+?)\s*\|?$")
_NAME_WORD = f"[{UPPER}][{LOWER}]+"
_PERSON = re.compile(rf"^({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})\s*\|?$")
_FULL_NAME = re.compile(rf"^({_NAME_WORD}(?:\s+{_NAME_WORD}){{2,3}})$")
_SIGNED_MARK = re.compile(r"^[(\[]?\s*(da ky|ky)\s*[)\]]?$")  # '(Đã ký)', '[đã ký]'

_ISSUER_BY_CODE = {"ubnd": "Ủy ban nhân dân {unit} {place}", "tu": "Ban Thường vụ Tỉnh ủy {place}",
                   "tu-city": "Ban Thường vụ Thành ủy {place}", "hdnd": "Hội đồng nhân dân {unit} {place}",
                   "cp": "Chính phủ", "ttg": "Thủ tướng Chính phủ"}
# The symbol suffix of an issuer, for a document whose number is unreadable (folded name prefixes)
_CODE_BY_ISSUER = (("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("ban thuong vu tinh uy", "tu"),
                   ("ban thuong vu thanh uy", "tu"), ("tinh uy", "tu"), ("thanh uy", "tu"))
_MOTTO = re.compile(r"^(cong hoa xa hoi chu nghia|dang cong san viet nam)")
_CENTRAL_HEADS = ("ban chi dao cua chinh phu", "ban chi dao trung uong", "bo ", "van phong chinh phu", "chinh phu",
                  "thu tuong", "bo chinh tri", "ban bi thu", "ban chap hanh trung uong", "quoc hoi")
_PROPER_NAMES = ("Chính phủ", "Thủ tướng", "Đề án", "Trung ương", "Chính trị", "Quốc hội", "Việt Nam", "Ban Chỉ đạo")
_HEAD_CHARS = 3000  # the title block, an aggregator's table and a page's lead are in the opening
_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def extract_metadata(source: SourceText, view: DocumentView | None = None) -> DocumentMeta:
    view = view or DocumentView.read(source.text)
    meta = DocumentMeta()
    head = view.head(_HEAD_CHARS)
    report = reported_document(head.text, head.folded)
    _read_symbol(head, meta, report)
    if report and symbol_key(report.ref.symbol) != symbol_key(meta.symbol):
        report = None  # the page reports another document than the one its title block gives
    for i, span in enumerate([report.span, *report.others] if report else []):
        meta.evidence[f"report.{i}"] = span
    _read_kind(head, meta)
    _read_date(head, meta, report)
    central = _central_issuer(head)
    if not central and report and fold(report.issuer).startswith(_CENTRAL_HEADS):
        central = report.issuer
    _read_jurisdiction(view.text, head, meta, central, report)
    _read_signer(view, meta, report)
    _read_title(view, meta)
    _apply_hints(source, meta)
    _read_issuer(meta, source, central, report)
    return meta


def _read_symbol(head: DocumentView, meta: DocumentMeta, report: Report | None) -> None:
    """The document's own number: a 'Số:' line or 'Số hiệu' table cell, else the number of the
    document a page reports ('… ký ban hành Chương trình số …')."""
    ref = None
    for line in head.lines:
        if _NUMBER_LINE.match(line.folded):
            own = find_citations(line.text, folded=line.folded)
            if own:
                ref, span = own[0].target, own[0].evidence
                meta.evidence["number"] = Span(line.start + span.start, line.start + span.end, span.text)
                break
    if ref is None and report:
        ref = report.ref
        meta.evidence["number"] = report.evidence
    if ref:
        meta.symbol, meta.number, meta.issuer_code, meta.kind = ref.symbol, ref.number, ref.issuer_code, ref.kind


def _read_kind(head: DocumentView, meta: DocumentMeta) -> None:
    if meta.kind:
        meta.kind_label = KIND_LABELS.get(meta.kind, meta.kind.upper())
        return
    for line in head.lines:
        words = line.folded.strip(" |").split()
        for n in (2, 1):
            code = _KIND_BY_WORD.get(" ".join(words[:n]))
            if code and (line.text.isupper() or line.start == 0 or len(words) <= 6):
                meta.kind, meta.kind_label = code, KIND_LABELS[code]
                meta.evidence["kind"] = Span(line.start, line.start + len(line.text), line.text)
                return
    for line in head.lines:  # OCR: 'CHUONG TRINH HANH DPQONG'
        for word, code in _KIND_BY_WORD.items():
            if line.folded.strip().startswith(word) and line.text.upper() == line.text:
                meta.kind, meta.kind_label = code, KIND_LABELS[code]
                meta.evidence["kind"] = Span(line.start, line.start + len(line.text), line.text)
                return


def _read_date(head: DocumentView, meta: DocumentMeta, report: Report | None) -> None:
    """An aggregator's 'Ngày ban hành', else the place-and-date line, else the reported date."""
    found = table_date(head.text, head.folded)
    if not found:
        m = _PLACE_DATE.search(head.folded)
        deadline = parse_deadline(head.text[m.start() : m.end()]) if m else None
        if deadline and deadline.precision and deadline.precision.value == "day":
            found = deadline.start, Span(m.start(), m.end(), head.text[m.start() : m.end()])
    if not found and report and report.date:
        found = report.date, report.span
    if found:
        meta.date, meta.evidence["date"] = found
        meta.year = int(meta.date[:4])


def _read_jurisdiction(text: str, head: DocumentView, meta: DocumentMeta, central: str, report: Report | None) -> None:
    """The country for a central issuer (the Government signs 'Hà Nội, ngày …'), else the place
    of the place-and-date line, else the place in the name of the body a page says issued the
    document, else the province named most often."""
    if central or is_central_issuer(meta.issuer_code):
        meta.jurisdiction_name, meta.jurisdiction = "Việt Nam", NATIONAL
        return
    for line in head.lines:
        if _PLACE_DATE.search(line.folded):
            places = bare_places(line.text)
            if places:
                _set_place(meta, places[0][0], Span(line.start, line.start + len(line.text), line.text))
                return
    places = bare_places(report.issuer) if report else []
    if places:
        _set_place(meta, places[0][0], report.span)
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


def _read_signer(view: DocumentView, meta: DocumentMeta, report: Report | None) -> None:
    """The signature block: mode lines ('TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'), the signer's
    capacity ('PHÓ CHỦ TỊCH'), the name. Under 'KT.'/'TL.'/'TUQ.' the signer stands in for the
    office on the mode line, so without a capacity line the capacity is unknown; under 'Q.'
    (acting) it is the mode line. A '(Đã ký)' line between capacity and name is skipped.
    Without a signature block: an aggregator's 'Người ký', else the signer a page reports."""
    lines = [(line.start, line.text.strip(" |"), line.folded.strip(" |")) for line in view.lines]
    lines = [line for line in lines if line[1]]
    for i, (start, line, _) in enumerate(lines):
        modes, j = [], i
        while j < len(lines) and (m := _SIGNING_MODE.match(lines[j][1])):
            modes.append(m)
            j += 1
        if not modes:
            continue
        last = modes[-1]
        meta.signing_mode = last.group(1) + "."
        rest = [ln for _, ln, folded in lines[j : j + 3] if not _SIGNED_MARK.match(folded)]
        if rest and rest[0].isupper() and not _PERSON.match(rest[0]):
            meta.signer_capacity = rest.pop(0)
        elif last.group(1) == "Q":
            meta.signer_capacity = last.group(0)
        if rest and _PERSON.match(rest[0]):
            meta.signer = rest[0]
            meta.evidence["signer"] = Span(start, start + len(line), line)
        break
    if not meta.signer:
        _read_merged_signer(view, meta)
    if not meta.signer:
        found = table_signer(view.text[:_HEAD_CHARS])
        if found:
            meta.signer, meta.evidence["signer"] = found.text, found
        elif report and report.signer:
            meta.signer, meta.evidence["signer"] = report.signer, report.span
            meta.signer_capacity = meta.signer_capacity or report.capacity
        elif not report and (who := signer_in(view.text[:_HEAD_CHARS])):  # a lead that does not name the document
            meta.signer, meta.signer_capacity = who[0], meta.signer_capacity or who[1]


def _read_merged_signer(view: DocumentView, meta: DocumentMeta) -> None:
    """A scan read column by column merges the signature beside the 'Nơi nhận' list into its
    lines ('- Các đồng chí Thành ủy viên, Nguyễn Văn Quang'): the last full name (three or four
    capitalised words) ending a line of the closing list, after a comma or alone."""
    closing = False
    for line in view.lines:
        closing = closing or line.folded.startswith("noi nhan")
        tail = line.text.rsplit(",", 1)[-1].strip(" -|")
        if closing and (m := _FULL_NAME.match(tail)):
            at = line.start + line.text.rindex(tail)
            meta.signer = m.group(1)
            meta.evidence["signer"] = Span(at, at + len(tail), tail)


def _read_title(view: DocumentView, meta: DocumentMeta) -> None:
    for line in view.head(_HEAD_CHARS).lines:
        stripped = line.text.strip(" |")
        if len(stripped) > 40 and line.folded.strip(" |").startswith(("thuc hien", "ve ", "trien khai")):
            meta.title = stripped
            return
    first = view.text.strip().split("\n", 1)[0]
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


def _read_issuer(meta: DocumentMeta, source: SourceText, central: str, report: Report | None) -> None:
    """A central body of the title block, else the body a page names as issuing the document
    (unless the name reads as a damaged spelling of the symbol's body or the manifest's), else the
    body the symbol's suffix stands for in the jurisdiction, else the manifest's."""
    by_code = _issuer_by_code(meta)
    known = [name for name in (by_code, source.hint_issuer) if name]
    if central:
        meta.issuer = normalize_agency(central, NATIONAL)
    elif report and report.issuer and not any(_misread(report.issuer, name) for name in known):
        meta.issuer = normalize_agency(report.issuer, meta.jurisdiction or NATIONAL)
    elif by_code:
        meta.issuer = normalize_agency(by_code, meta.jurisdiction or NATIONAL)
    elif source.hint_issuer:
        meta.issuer = normalize_agency(source.hint_issuer, meta.jurisdiction or "vn")
        meta.from_hints = (*meta.from_hints, "issuer")
    elif body := acting_body(source.text[:3000]):
        meta.issuer = normalize_agency(body.text, meta.jurisdiction or NATIONAL)
        meta.evidence["issuer"] = body
    if meta.issuer and not meta.issuer_code:  # no readable number: the code follows from the issuer
        folded = fold(meta.issuer.name)
        meta.issuer_code = next((code for prefix, code in _CODE_BY_ISSUER if folded.startswith(prefix)), "")


def _issuer_by_code(meta: DocumentMeta) -> str:
    """The body the symbol's suffix stands for ('CTr/TU' in a city: its Party Committee's standing board)."""
    place = meta.jurisdiction_name
    if meta.issuer_code in ("cp", "ttg"):
        return _ISSUER_BY_CODE[meta.issuer_code]
    if meta.issuer_code in ("ubnd", "tu", "hdnd") and place:
        city = fold(place) in _CITIES
        template = _ISSUER_BY_CODE["tu-city" if meta.issuer_code == "tu" and city else meta.issuer_code]
        return template.format(unit="thành phố" if city else "tỉnh", place=place)
    return ""


def _misread(written: str, body: str) -> bool:
    """`written` is `body` (or its start) with a few letters misread: at most one edit in eight."""
    written, body = fold(written), fold(body)
    start = body[: len(written)]
    return written != start and len(written) >= 8 and Levenshtein.distance(written, start) <= len(written) // 8


def _central_issuer(head: DocumentView) -> str:
    """The issuer lines of the title block (capitals before 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'
    or 'ĐẢNG CỘNG SẢN VIỆT NAM') when they name a central body, in sentence case; else ''."""
    lines = [line.text.strip(" |") for line in head.lines]
    motto = next((i for i, line in enumerate(head.lines) if _MOTTO.match(line.folded.strip(" |"))), None)
    if motto is None:
        return ""
    block: list[str] = []
    for line in reversed(lines[:motto]):
        if not line or set(line) <= set("-*_="):
            if block:
                break
            continue
        if not line.isupper():
            break
        block.insert(0, line)
    name = " ".join(block)
    return _sentence_case(name) if fold(name).startswith(_CENTRAL_HEADS) else ""


def _sentence_case(upper: str) -> str:
    """'BỘ KHOA HỌC VÀ CÔNG NGHỆ' -> 'Bộ Khoa học và Công nghệ'; 'BAN CHỈ ĐẠO CỦA CHÍNH PHỦ VỀ …'
    -> 'Ban Chỉ đạo của Chính phủ về …' (the first word of a ministry's name and of each of its
    conjuncts is capitalised, as are the proper names of central bodies)."""
    text = upper.lower()
    text = text[:1].upper() + text[1:]
    if fold(text).startswith("bo "):
        text = re.sub(r"(^bộ |, | và )(\w)", lambda m: m.group(1) + m.group(2).upper(), text, flags=re.I)
    for proper in _PROPER_NAMES:
        text = re.sub(re.escape(proper.lower()), proper, text)
    return text
