"""Document symbols (57-NQ/TW, 03/NQ-CP, 136/2024/QH15) and the relation the citing sentence expresses."""

from __future__ import annotations

import re

from kg.extract.agencies import starts_with_agency
from kg.extract.deadlines import parse_deadline
from kg.model import Citation, DocumentRef, Relation, Span
from kg.parse.normalize import fold

_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,7}"
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9]{0,9}"
# Party form 57-NQ/TW; state form 03/NQ-CP; normative form 136/2024/QH15 (the type comes from the words)
_PARTY = re.compile(rf"(?<![\w/])(\d{{1,4}})\s*-\s*({_CODE})\s*/\s*({_ISSUER})(?![\w])")
_STATE = re.compile(rf"(?<![\w/])(\d{{1,4}})\s*/\s*({_CODE})\s*-\s*({_ISSUER}(?:[-/]{_ISSUER})?)(?![\w])")
_NORMATIVE = re.compile(rf"(?<![\w/])(\d{{1,4}})/(20\d\d|19\d\d)/(?:({_CODE})-)?({_ISSUER})(?![\w])")
_KIND_WORDS = {
    "nghi quyet": "nq", "chuong trinh": "ctr", "ke hoach": "kh", "quyet dinh": "qd", "chi thi": "ct",
    "ket luan": "kl", "nghi dinh": "nd", "thong tu": "tt", "luat": "luat", "cong van": "cv", "de an": "da",
    "van ban": "vb", "to trinh": "ttr", "bao cao": "bc", "huong dan": "hd", "thong bao": "tb",
}
# 'ngày 22/12/2024' or, after a comma, the bare date ('52-NQ/TW, 27/9/2019')
# The type code as written in symbols, for the codes _KIND_WORDS gives
_CODE_LABELS = {"nq": "NQ", "ctr": "CTr", "kh": "KH", "qd": "QĐ", "ct": "CT", "kl": "KL", "nd": "NĐ", "tt": "TT",
                "cv": "CV", "da": "ĐA", "ttr": "TTr", "bc": "BC", "hd": "HD", "tb": "TB"}
_DATE_AFTER = re.compile(r"^\s*(?:,?\s*(?:ngay|ngày)\s+|,\s*(?=\d{1,2}\s*[/.-]))(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})", re.I)
_RELATION_CUES = (
    (Relation.REPLACES, re.compile(r"\bthay the\b|\bbai bo\b")),  # replaces, repeals
    (Relation.AMENDS, re.compile(r"\bsua doi, bo sung\b|\bsua doi\b")),
    (Relation.BASED_ON, re.compile(r"\bcan cu\b")),
    # not 'trong quá trình (tổ chức) triển khai': a time phrase, whose verb has no document object
    (Relation.IMPLEMENTS, re.compile(r"(?<!qua trinh )(?<!qua trinh to chuc )\b(thuc hien|trien khai|cu the hoa|quan triet)\b")),
)
_IMPLEMENTS_CUE = _RELATION_CUES[-1][1]
# ', Nghị quyết số', 'và Kế hoạch hành động số', '; Kế hoạch … ban hành kèm theo Quyết định số'
_LIST_ITEM = re.compile(
    r"(?:[,;]|\bva\b)\s*(?:(?:" + "|".join(_KIND_WORDS) + r")(?:\s+hanh dong)?\s+ban hanh kem theo\s+)?"
    r"(?:" + "|".join(_KIND_WORDS) + r")(?:\s+hanh dong)?(?:\s+so)?\s*$"
)
_CLAUSE_BREAK = re.compile(r"[.;:\n]|\bve\b")
_KIND_ALT = "|".join(_KIND_WORDS)
# '; Chương trình hành động (của …) thực hiện X': the verb is in the title of a document without
# a number, which implements X; not after 'ban hành' (a decision promulgating it carries X out)
_UNNUMBERED_TITLE = re.compile(rf"(?<!ban hanh\s)\b(?:{_KIND_ALT})(?:\s+hanh dong)?\s*$")
# 'X (ngày …) thực hiện Nghị quyết (số) Y': Y is in the title of X, which is what implements it
_TITLE_VERB = re.compile(rf"^ *(?:,? *ngay [\d/ ]+\s*|nam \d{{4}}\s*)?(?:thuc hien|trien khai|cu the hoa)\s+"
                         rf"(?:{_KIND_ALT})(?:\s+hanh dong)?(?:\s+so)?\s*$")
# A number written without its symbol: 'Nghị quyết số 57 của Bộ Chính trị', 'Nghị quyết 57'
_BARE = re.compile(rf"\b({_KIND_ALT})(?:\s+hanh dong)?\s+(?:so\s+)?(\d{{1,4}})(?![\w/-]|\s*[-/]\s*[a-z])")
_BARE_ISSUER = re.compile(r"(?:\s*,?\s*ngay [\d/ ]+)?\s*,?\s*cua\s+(bo chinh tri|ban chap hanh trung uong|ban bi thu"
                          r"|chinh phu|thu tuong chinh phu|ban thuong vu (?:tinh|thanh) uy|(?:tinh|thanh) uy"
                          r"|ban chap hanh dang bo (?:tinh|thanh pho)|uy ban nhan dan|ubnd)\b")
# The symbol suffix of an issuing body, and whether it writes Party-form symbols (57-NQ/TW)
_BODY_CODES = (("bo chinh tri", "TW", True), ("ban chap hanh trung uong", "TW", True), ("ban bi thu", "TW", True),
               ("thu tuong", "TTg", False), ("chinh phu", "CP", False), ("uy ban nhan dan", "UBND", False),
               ("ubnd", "UBND", False), ("ban thuong vu", "TU", True), ("tinh uy", "TU", True),
               ("thanh uy", "TU", True), ("ban chap hanh dang bo", "TU", True))


def symbol_key(symbol: str) -> str:
    """A number series compared without case and spacing: '10-CTR/TU' = '10-CTr/TU', '305 -KH/TU' =
    '305-KH/TU', '57 - NQ/TW' = '57-NQ/TW'."""
    return re.sub(r"\s+", "", fold(symbol)).upper()


def body_symbol(kind: str, number: str, body: str) -> DocumentRef | None:
    """The reference a body's document of this kind and number has ('Chương trình số 40' of the
    Tỉnh ủy -> 40-CTr/TU), from the folded name of the body; None for a body not known here."""
    folded = fold(body).strip()
    for prefix, code, party in _BODY_CODES:
        if folded.startswith(prefix) and kind in _CODE_LABELS:
            label = _CODE_LABELS[kind]
            symbol = f"{number}-{label}/{code}" if party else f"{number}/{label}-{code}"
            return DocumentRef(kind, number, fold(code), symbol=symbol)
    return None


def _kind_before(folded: str, start: int) -> str:
    window = folded[max(0, start - 40) : start]
    best, best_pos = "", -1
    for words, code in _KIND_WORDS.items():
        pos = window.rfind(words)
        if pos > best_pos:
            best, best_pos = code, pos
    return best


def _repair_code(code: str, folded: str, start: int) -> str:
    """An OCR-damaged type code ('204-QB/TW' after 'Quyết định số') is replaced by the code of the
    words before when it is unknown and differs from that code in one letter."""
    written = fold(code)
    if written in _CODE_LABELS:  # one spelling per series: '10-CTR/TU' is '10-CTr/TU'
        return _CODE_LABELS[written] if fold(_CODE_LABELS[written]) == written else code
    expected = _kind_before(folded, start)
    if expected in _CODE_LABELS and len(expected) == len(written) \
            and sum(a != b for a, b in zip(expected, written)) == 1:
        return _CODE_LABELS[expected]
    return code


def _new_subject(text: str, start: int, end: int) -> bool:
    """A comma followed by an agency ('…, Ủy ban nhân dân tỉnh ban hành …') starts a new clause."""
    between = text[start:end]
    return any(starts_with_agency(between[m.end() :]) for m in re.finditer(r",\s*", between))


def _relation(text: str, folded: str, start: int, previous_end: int, outer: Relation,
              after_own: bool = False) -> tuple[Relation, bool]:
    """The relation of a citation and whether it sits inside the title of the one before.

    Within one sentence after the previous citation: a list item (', Nghị quyết số …', '; Chương
    trình số …', 'và Kế hoạch số …') takes the relation of the list (`outer`); text naming the
    previous document's issuer or subject ('… của Chính phủ ban hành/về … thực hiện Nghị quyết số
    57-NQ/TW') makes it part of that title, which only mentions, unless a comma and an agency
    start a new clause between them. Otherwise the relation verb
    nearest before the citation in the same clause."""
    window_start = max(0, start - 300)
    between = folded[previous_end:start] if previous_end > window_start else "\n"
    if not after_own and _TITLE_VERB.match(between):
        return Relation.MENTIONS, True
    if not re.search(r"[.\n]", between):
        if _LIST_ITEM.search(between):
            return outer, False
        if not re.search(r"[;:]", between) and re.search(r"\b(ve|cua)\b", between) \
                and not _new_subject(text, previous_end, start):
            return Relation.MENTIONS, True
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(folded, window_start, start)]
    clause_start = breaks[-1] if breaks else window_start
    clause = folded[clause_start:start]
    best, best_pos = Relation.MENTIONS, -1
    for relation, cue in _RELATION_CUES:
        for m in cue.finditer(clause):
            if m.start() > best_pos:
                best, best_pos = relation, m.start()
    if best is Relation.IMPLEMENTS and _UNNUMBERED_TITLE.search(folded, clause_start, clause_start + best_pos):
        return Relation.MENTIONS, True
    return best, False


def find_citations(text: str, own: str = "", folded: str | None = None) -> list[Citation]:
    """Every cited document symbol with its relation, in order of appearance. `own` is the
    symbol key of the citing document: what follows its number describes the document itself;
    `folded` the text folded, where the caller has it."""
    folded = fold(text) if folded is None else folded
    found: list[tuple[int, int, DocumentRef]] = []
    for m in _NORMATIVE.finditer(text):
        kind = (m.group(3) or _kind_before(folded, m.start()) or "vb").lower()
        found.append((m.start(), m.end(), DocumentRef(fold(kind), m.group(1), fold(m.group(4)), int(m.group(2)),
                                                      symbol=m.group(0))))
    taken = [(s, e) for s, e, _ in found]
    for pattern, party in ((_PARTY, True), (_STATE, False)):
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            number, kind, issuer = m.group(1), _repair_code(m.group(2), folded, m.start()), m.group(3)
            symbol = f"{number}-{kind}/{issuer}" if party else f"{number}/{kind}-{issuer}"
            found.append((m.start(), m.end(), DocumentRef(fold(kind), number, fold(issuer), symbol=symbol)))
            taken.append((m.start(), m.end()))
    found += _bare_numbers(folded, found, taken)
    found.sort(key=lambda item: item[0])
    citations: list[Citation] = []
    previous_end, outer, after_own = -1, Relation.MENTIONS, False
    for start, end, ref in found:
        date = _date_after(text[end : end + 40])
        if date:
            ref = DocumentRef(ref.kind, ref.number, ref.issuer_code, int(date[:4]), date, ref.symbol)
        if citations and symbol_key(citations[-1].target.symbol) == symbol_key(ref.symbol) \
                and not re.search(r"[.;\n]", folded[previous_end:start]):
            relation, nested = citations[-1].relation, True  # '57-NQ/TW … (Nghị quyết 57)': the same again
        else:
            relation, nested = _relation(text, folded, start, previous_end, outer, after_own)
        outer = outer if nested else relation
        sentence_end = _end_of_clause(text, end)
        parent = citations[-1].target if nested and citations and _IMPLEMENTS_CUE.search(folded, previous_end, start) \
            and symbol_key(citations[-1].target.symbol) != symbol_key(ref.symbol) else None
        citations.append(Citation(ref, relation, Span(start, end, text[start:end]), text[end:sentence_end].strip(" ,"),
                                  parent))
        previous_end, after_own = end, bool(own) and symbol_key(ref.symbol) == own
    return citations


def _bare_numbers(folded: str, found: list[tuple[int, int, DocumentRef]], taken: list[tuple[int, int]]):
    """Numbers cited without a symbol, resolved by the issuing body named after one of them
    ('Nghị quyết số 57 của Bộ Chính trị') or by the one symbol of that kind and number in the text."""
    by_number: dict[tuple[str, str], set[DocumentRef]] = {}
    for _, _, ref in found:
        by_number.setdefault((ref.kind, ref.number.lstrip("0")), set()).add(ref)
    bare = [m for m in _BARE.finditer(folded) if not any(s <= m.start(2) < e for s, e in taken)]
    for m in bare:
        issuer = _BARE_ISSUER.match(folded, m.end())
        ref = body_symbol(_KIND_WORDS[m.group(1)], m.group(2), issuer.group(1)) if issuer else None
        if ref:
            by_number.setdefault((ref.kind, ref.number.lstrip("0")), set()).add(ref)
    out = []
    for m in bare:
        refs = by_number.get((_KIND_WORDS[m.group(1)], m.group(2).lstrip("0")), set())
        if len({symbol_key(r.symbol) for r in refs}) == 1:
            out.append((m.start(2), m.end(2), next(iter(refs))))
    return out


def _date_after(tail: str) -> str | None:
    m = _DATE_AFTER.match(tail)
    if not m:
        return None
    deadline = parse_deadline(m.group(1))
    return deadline.start if deadline and deadline.precision and deadline.precision.value == "day" else None


def _end_of_clause(text: str, start: int) -> int:
    m = re.compile(r"[.;\n]").search(text, start)
    return m.start() if m else len(text)
