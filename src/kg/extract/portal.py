"""What a web page says about the document it carries, besides the document's own title block.

An aggregator (a legal database) puts a metadata table before the text ('Số hiệu', 'Ngày ban
hành', 'Người ký', 'Cơ quan ban hành'); a portal or newspaper reports the document in a sentence
('… Ban Thường vụ Tỉnh ủy ký ban hành Kế hoạch số 305-KH/TU ngày 20/2/2025 triển khai …'). Both
are read here; `kg.extract.metadata` decides which to trust when the sources disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.extract.citations import body_symbol, find_citations
from kg.model import CENTRAL_ISSUERS, DocumentRef, Span
from kg.parse.normalize import LOWER, UPPER, fold, strip_marks

_NAME_WORD = f"[{UPPER}][{LOWER}]+"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}"
# 'Người ký | Nguyễn Tuấn Hà |' or 'Người ký: Nguyễn Tấn Tuân' (matched without diacritics)
_TABLE_SIGNER = re.compile(rf"\bNguoi ky\s*[:|]\s*({strip_marks(_NAME)})(?=\s*(?:\||$|\n|[A-Z][a-z]+ [a-z]+:))", re.M)
_TABLE_DATE = re.compile(r"\bngay ban hanh\s*[:|]\s*(\d{1,2})/(\d{1,2})/(20\d\d)\b")
# '<Kind> (hành động) (số) <number>' after 'ban hành' or 'ký': the document a sentence reports;
# without a number ('Bộ GD&ĐT ban hành Kế hoạch thực hiện …') when a body is named as issuing it
_ISSUES = re.compile(r"\b(?:ban hanh|ky)\s+(chuong trinh|ke hoach|nghi quyet|quyet dinh|chi thi|ket luan|de an)"
                     r"(?:\s+hanh dong)?\s+(?:so\s+)?(?=(\d)?)")
_DEPLOYS = re.compile(r"\b(?:trien khai|thuc hien)\s+(chuong trinh|ke hoach|nghi quyet|quyet dinh|chi thi|ket luan|de an)"
                      r"(?:\s+hanh dong)?\s+so\s+(?=(\d))")
_ACTS = re.compile(r"^((?:ubnd|uy ban nhan dan|bo|ban chi dao) [^,.;\n]{2,80}?) (?:ban hanh|cong bo)\b", re.M)
_KIND_CODE = {"chuong trinh": "ctr", "ke hoach": "kh", "nghi quyet": "nq", "quyet dinh": "qd", "chi thi": "ct",
              "ket luan": "kl", "de an": "da"}
_BARE_NUMBER = re.compile(r"(\d{1,4})(?![\w/-]|\s*[-/]\s*[a-z])")
_ON_BEHALF = re.compile(r"\bthay mat\s+(.+?)\s+(?:ky\s+)?$")
_CLAUSE_START = re.compile(r",\s*|\d{4}\s+|[–-]\s+")
_BEFORE_VERB = re.compile(r"\s*(?:vua|da|moi)?\s*(?:ky\s+)?$")
_ISSUER_HEADS = ("ban thuong vu", "ban chap hanh", "tinh uy", "thanh uy", "uy ban nhan dan", "ubnd", "hoi dong nhan dan",
                 "hdnd", "bo ", "ban chi dao", "chinh phu", "thu tuong", "van phong")
_DATE = re.compile(r"\bngay\s+(\d{1,2})/(\d{1,2})/(20\d\d)\b")
_OWN_DATE = re.compile(r"\s*[,(]?\s*ngay\s+(\d{1,2})/(\d{1,2})/(20\d\d)\b")
# a date right after a symbol ('57-NQ/TW ngày 22/12/2024') is the cited document's
_CITED_DATE = re.compile(r"\d\s*[-/]\s*[a-z]+(?:[-/][a-z0-9]+)*\s*,?\s*$")
_IMPLEMENTS_NUMBER = r"\b(?:thuc hien|trien khai|cu the hoa|quan triet)\s+(?:\w+\s+){{0,4}}?{kind}(?:\s+hanh dong)?\s+(?:so\s+)?{number}\b"
# 'Đồng chí Hoàng Nghĩa Hiếu – Phó Bí thư …, Chủ tịch … vừa thay mặt'; 'Bí thư Tỉnh ủy Lương Nguyễn Minh Triết thay mặt'
_SIGNER_FIRST = re.compile(rf"(?:Dong chi|Ong|Ba)\s+({strip_marks(_NAME)})\s*[–-]\s*([^.]{{3,120}}?)\s+(?:vua|da)?\s*(?:thay mat|ky)\b")
# 'Thủ tướng Chính phủ Phạm Minh Chính-Trưởng ban Chỉ đạo của Chính phủ … vừa ký': the second
# capacity, when it heads a committee, names the body that issues
_CAPACITY_FIRST = re.compile(rf"((?:Pho\s+|Tong\s+)?(?:Bi thu|Chu tich|Thu tuong|Truong ban)[^,.]{{0,40}}?)\s+"
                             rf"({strip_marks(_NAME)})(?:\s*[–-]\s*([^.]{{3,200}}?))?\s+(?:vua\s+|da\s+)?(?:thay mat|ky|da ky)\b")
_HEADS_BODY = re.compile(r"^Truong (ban\b.*)", re.I)


def _iso(day: str, month: str, year: str) -> str:
    return f"{year}-{int(month):02d}-{int(day):02d}"


def table_signer(text: str) -> Span | None:
    m = _TABLE_SIGNER.search(strip_marks(text))
    return Span(m.start(1), m.end(1), text[m.start(1) : m.end(1)]) if m else None


def table_date(text: str, folded: str | None = None) -> tuple[str, Span] | None:
    m = _TABLE_DATE.search(fold(text) if folded is None else folded)
    return (_iso(*m.groups()), Span(m.start(), m.end(), text[m.start() : m.end()])) if m else None


@dataclass
class Report:
    """A sentence reporting that a body issued a document: what it says of that document."""

    span: Span  # the sentence
    ref: DocumentRef  # number '' when the sentence gives none
    issuer: str = ""  # as written ('Ban Thường vụ Tỉnh ủy Nghệ An')
    date: str | None = None
    signer: str = ""
    capacity: str = ""
    evidence: Span | None = None  # the number
    others: list[Span] = field(default_factory=list)  # further sentences reporting the same document


# a line break inside a sentence: the line ends in a lower-case word or a comma, the next begins
# with a word (hard-wrapped text, a scan read line by line), not a number, a bullet or a blank line
_WRAP = re.compile(rf"(?<=[{LOWER},])\n(?=[{UPPER}{LOWER}])")


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[.!?]+(?=\s|$)|\n+", _WRAP.sub(" ", text)):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _issuer_before(text: str, folded: str, start: int, verb: int) -> str:
    """The body that issues: 'thay mặt X (ký)', else the last body named at the start of a clause
    (the sentence's start, after a comma or a date) before the verb."""
    before = folded[start:verb]
    m = _ON_BEHALF.search(before)
    if m:
        name = text[start + m.start(1) : start + m.end(1)]
        return name if fold(name).startswith(_ISSUER_HEADS) else ""
    cut = start + _BEFORE_VERB.search(before).start()
    starts = [start] + [b.end() for b in _CLAUSE_START.finditer(folded, start, cut)]
    heads = [b for b in starts if folded.startswith(_ISSUER_HEADS, b)]
    return text[heads[-1] : cut].strip(" ,–-") if heads else ""


def _report(text: str, folded: str, start: int, end: int, m: re.Match) -> Report | None:
    kind = _KIND_CODE[m.group(1)]
    issuer = _issuer_before(text, folded, start, m.start())
    symbols = [c for c in find_citations(text[m.end() : end]) if c.evidence.start == 0] if m.group(2) else []
    bare = _BARE_NUMBER.match(folded, m.end())
    if symbols:
        citation = symbols[0]
        ref, evidence = citation.target, Span(m.end(), m.end() + citation.evidence.end, citation.evidence.text)
    elif bare and issuer and (ref := body_symbol(kind, bare.group(1), issuer)):
        ref = replace(ref, symbol="")  # the number is read, the series ('-CTr/TU') is only inferred
        evidence = Span(bare.start(), bare.end(), bare.group(1))
    elif not m.group(2) and issuer:
        ref, evidence = DocumentRef(kind, "", ""), Span(m.start(1), m.end(1), text[m.start(1) : m.end(1)])
    else:
        return None
    report = Report(Span(start, end, text[start:end]), ref, issuer, ref.date, evidence=evidence)
    dates = [d for d in _DATE.finditer(folded, start, m.start()) if not _CITED_DATE.search(folded, start, d.start())]
    if not report.date and dates:
        report.date = _iso(*dates[-1].groups())
    own_date = _OWN_DATE.match(folded, m.end() + evidence.end - evidence.start) if symbols else None
    if not report.date and own_date:  # '… số 57-NQ/TW (ngày 22/12/2024)'
        report.date = _iso(*own_date.groups())
    who = signer_in(text[start : m.end()])
    if who:
        report.signer, report.capacity, second = who
        heads = _HEADS_BODY.match(strip_marks(second))
        if report.signer in report.issuer:  # the sentence opens with the person, not a body
            report.issuer = second[heads.start(1)].upper() + second[heads.start(1) + 1 :] if heads else ""
    return report


def signer_in(text: str) -> tuple[str, str, str] | None:
    """(name, capacity, a second capacity after a dash) of the person a news sentence says signed
    ('Bí thư Tỉnh ủy Lương Nguyễn Minh Triết thay mặt … ký', 'Đồng chí X – Phó Bí thư … vừa thay mặt')."""
    plain = strip_marks(text)
    who = _SIGNER_FIRST.search(plain) or _CAPACITY_FIRST.search(plain)
    if not who:
        return None
    name, capacity = (1, 2) if who.re is _SIGNER_FIRST else (2, 1)
    second = text[who.start(3) : who.end(3)].strip() if who.re is _CAPACITY_FIRST and who.group(3) else ""
    return text[who.start(name) : who.end(name)], text[who.start(capacity) : who.end(capacity)].strip(" ,"), second


def reported_document(text: str, folded: str | None = None) -> Report | None:
    """The document a page reports, from the sentences saying '… ban hành <Kind> số …' (a
    numbered report first). A page may also recall what its document implements ('Tổng Bí thư
    đã ký ban hành Nghị quyết số 57 …'): a reported document that another report's sentence
    implements is not the page's. `folded` is the text folded, where the caller has it."""
    folded = fold(text) if folded is None else folded
    reports = [r for start, end in _sentences(text) for m in _ISSUES.finditer(folded, start, end)
               if (r := _report(text, folded, start, end, m))]
    reports.sort(key=lambda r: not r.ref.number)
    if not reports:  # a page about an event that carries out a local document ('triển khai Kế hoạch số …')
        reports = [r for start, end in _sentences(text) for m in _DEPLOYS.finditer(folded, start, end)
                   if (r := _report(text, folded, start, end, m)) and r.ref.issuer_code not in CENTRAL_ISSUERS][:1]
    for report in reports:
        kind = "|".join(words for words, code in _KIND_CODE.items() if code == report.ref.kind)
        pattern = re.compile(_IMPLEMENTS_NUMBER.format(kind=f"(?:{kind})", number=re.escape(report.ref.number)))
        if not (report.ref.number and any(other is not report and pattern.search(fold(other.span.text))
                                          for other in reports)):
            report.others = [r.span for r in reports if r is not report and r.ref.kind == report.ref.kind
                             and r.ref.number in ("", report.ref.number)]
            return report
    return None


def acting_body(text: str) -> Span | None:
    """A body named as the subject of issuing or announcing ('UBND tỉnh Lạng Sơn công bố …',
    closing a preamble): the issuer of a document whose header lost it."""
    m = _ACTS.search(fold(text))
    return Span(m.start(1), m.end(1), text[m.start(1) : m.end(1)]) if m else None
