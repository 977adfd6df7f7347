"""What a web page says about the document it carries, besides the document's own title block.

An aggregator (a legal database) puts a metadata table before the text ('Số hiệu', 'Ngày ban
hành', 'Người ký', 'Cơ quan ban hành'); a portal or newspaper reports the document in a sentence
('… Ban Thường vụ Tỉnh ủy ký ban hành Kế hoạch số 305-KH/TU ngày 20/2/2025 triển khai …'). Both
are read here; `kg.extract.metadata` decides which to trust when the sources disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.citations import body_symbol, find_citations
from kg.model import DocumentRef, Span
from kg.parse.normalize import LOWER, UPPER, fold, strip_marks

_NAME_WORD = f"[{UPPER}][{LOWER}]+"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}"
# 'Người ký | Nguyễn Tuấn Hà |' or 'Người ký: Nguyễn Tấn Tuân' (matched without diacritics)
_TABLE_SIGNER = re.compile(rf"\bNguoi ky\s*[:|]\s*({strip_marks(_NAME)})(?=\s*(?:\||$|\n|[A-Z][a-z]+ [a-z]+:))", re.M)
_TABLE_DATE = re.compile(r"\bngay ban hanh\s*[:|]\s*(\d{1,2})/(\d{1,2})/(20\d\d)\b")
# '<Kind> (hành động) (số) <number>' after 'ban hành': the document a sentence reports
_ISSUES = re.compile(r"\bban hanh\s+(chuong trinh|ke hoach|nghi quyet|quyet dinh|chi thi|ket luan|de an)"
                     r"(?:\s+hanh dong)?\s+(?:so\s+)?(?=\d)")
_KIND_CODE = {"chuong trinh": "ctr", "ke hoach": "kh", "nghi quyet": "nq", "quyet dinh": "qd", "chi thi": "ct",
              "ket luan": "kl", "de an": "da"}
_BARE_NUMBER = re.compile(r"(\d{1,4})(?![\w/-]|\s*[-/]\s*[a-z])")
_ON_BEHALF = re.compile(r"\bthay mat\s+(.+?)\s+(?:ky\s+)?$")
_BEFORE_VERB = re.compile(r"\s*(?:vua|da|moi)?\s*(?:ky\s+)?$")
_ISSUER_HEADS = ("ban thuong vu", "ban chap hanh", "tinh uy", "thanh uy", "uy ban nhan dan", "ubnd", "hoi dong nhan dan",
                 "hdnd", "bo ", "ban chi dao", "chinh phu", "thu tuong", "van phong")
_LEAD_DATE = re.compile(r"\bngay\s+(\d{1,2})/(\d{1,2})/(20\d\d)\s*,")
_IMPLEMENTS_NUMBER = r"\b(?:thuc hien|trien khai|cu the hoa|quan triet)\s+(?:\w+\s+){{0,4}}?{kind}(?:\s+hanh dong)?\s+(?:so\s+)?{number}\b"
# 'Đồng chí Hoàng Nghĩa Hiếu – Phó Bí thư …, Chủ tịch … vừa thay mặt'; 'Bí thư Tỉnh ủy Lương Nguyễn Minh Triết thay mặt'
_SIGNER_FIRST = re.compile(rf"(?:Dong chi|Ong|Ba)\s+({strip_marks(_NAME)})\s*[–-]\s*([^.]{{3,120}}?)\s+(?:vua|da)?\s*(?:thay mat|ky)\b")
_CAPACITY_FIRST = re.compile(rf"((?:Pho\s+|Tong\s+)?(?:Bi thu|Chu tich|Thu tuong|Truong ban)[^,.]{{0,40}}?)\s+"
                             rf"({strip_marks(_NAME)})\s+(?:vua\s+|da\s+)?(?:thay mat|ky|da ky)")


def _iso(day: str, month: str, year: str) -> str:
    return f"{year}-{int(month):02d}-{int(day):02d}"


def table_signer(text: str) -> Span | None:
    m = _TABLE_SIGNER.search(strip_marks(text))
    return Span(m.start(1), m.end(1), text[m.start(1) : m.end(1)]) if m else None


def table_date(text: str) -> tuple[str, Span] | None:
    m = _TABLE_DATE.search(fold(text))
    return (_iso(*m.groups()), Span(m.start(), m.end(), text[m.start() : m.end()])) if m else None


@dataclass
class Report:
    """A sentence reporting that a body issued a document: what it says of that document."""

    span: Span  # the sentence
    ref: DocumentRef
    issuer: str = ""  # as written ('Ban Thường vụ Tỉnh ủy Nghệ An')
    date: str | None = None
    signer: str = ""
    capacity: str = ""
    evidence: Span | None = None  # the number


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[.!?\n]+(?=\s|$)|\n", text):
        if m.start() > start:
            yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _issuer_before(text: str, folded: str, start: int, verb: int) -> str:
    """The body that issues: 'thay mặt X (ký)', else the words after the last comma before the verb."""
    before = folded[start:verb]
    m = _ON_BEHALF.search(before)
    if m:
        a, b = start + m.start(1), start + m.end(1)
    else:
        cut = _BEFORE_VERB.search(before)
        a, b = start + before.rfind(",", 0, cut.start()) + 1, start + cut.start()
    name = text[a:b].strip(" ,–-")
    return name if fold(name).startswith(_ISSUER_HEADS) else ""


def _report(text: str, folded: str, start: int, end: int, m: re.Match) -> Report | None:
    kind = _KIND_CODE[m.group(1)]
    issuer = _issuer_before(text, folded, start, m.start())
    symbols = [c for c in find_citations(text[m.end() : end]) if c.evidence.start == 0]
    if symbols:
        citation = symbols[0]
        ref, evidence = citation.target, Span(m.end(), m.end() + citation.evidence.end, citation.evidence.text)
    else:
        bare = _BARE_NUMBER.match(folded, m.end())
        ref = body_symbol(kind, bare.group(1), issuer) if bare and issuer else None
        if ref is None:
            return None
        evidence = Span(bare.start(), bare.end(), bare.group(1))
    report = Report(Span(start, end, text[start:end]), ref, issuer, ref.date, evidence=evidence)
    lead = _LEAD_DATE.search(folded, start, m.start())
    if not report.date and lead:
        report.date = _iso(*lead.groups())
    sentence = strip_marks(text[start : m.start()])
    who = _SIGNER_FIRST.search(sentence) or _CAPACITY_FIRST.search(sentence)
    if who:
        name, capacity = (1, 2) if who.re is _SIGNER_FIRST else (2, 1)
        report.signer = text[start + who.start(name) : start + who.end(name)]
        report.capacity = text[start + who.start(capacity) : start + who.end(capacity)].strip(" ,")
    return report


def reported_document(text: str) -> Report | None:
    """The document a page reports, from the sentences saying '… ban hành <Kind> số …'. A page
    may also recall what its document implements ('Tổng Bí thư đã ký ban hành Nghị quyết số
    57 …'): a reported document that another report's sentence implements is not the page's."""
    folded = fold(text)
    reports = [r for start, end in _sentences(text) for m in _ISSUES.finditer(folded, start, end)
               if (r := _report(text, folded, start, end, m))]
    for report in reports:
        kind = next(words for words, code in _KIND_CODE.items() if code == report.ref.kind) if report.ref.kind in _KIND_CODE.values() else ""
        pattern = re.compile(_IMPLEMENTS_NUMBER.format(kind=re.escape(kind), number=re.escape(report.ref.number)))
        if not any(other is not report and pattern.search(fold(other.span.text)) for other in reports):
            return report
    return None
