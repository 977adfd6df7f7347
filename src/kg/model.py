"""Data classes passed between the pipeline stages.

sources -> parse -> extract -> link -> graph. Everything before `graph` speaks these classes;
RDF appears only in `kg.graph`. Offsets (`Span.start`/`end`) index the *normalised* text of the
source (`SourceText.text`), so every quoted piece of evidence can be found again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Relation(str, Enum):
    """How a document refers to another (the verb of the citing sentence)."""

    IMPLEMENTS = "implements"  # thực hiện, triển khai, cụ thể hóa
    BASED_ON = "based-on"  # căn cứ
    REPLACES = "replaces"  # thay thế
    AMENDS = "amends"  # sửa đổi, bổ sung
    MENTIONS = "mentions"  # any other citation


class Role(str, Enum):
    """The part an agency plays in a task or target."""

    LEAD = "lead"  # chủ trì
    COOPERATING = "cooperating"  # phối hợp
    STANDING = "standing"  # thường trực
    MONITORING = "monitoring"  # theo dõi, đánh giá, tổng hợp


class DeadlineKind(str, Enum):
    FIXED = "fixed"  # a date, a month or a year
    BEFORE = "before"  # trước ngày …
    INTERVAL = "interval"  # 2025-2030, giai đoạn …
    OPEN_ENDED = "open-ended"  # 2025 và những năm tiếp theo
    ANNUAL = "annual"  # Hằng năm
    CONTINUOUS = "continuous"  # Thường xuyên
    PERIODIC = "periodic"  # định kỳ 6 tháng …


class Precision(str, Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class Span:
    """A stretch of the normalised source text: the evidence for an extracted fact."""

    start: int
    end: int
    text: str  # the words as the source has them: the quote
    # the same stretch of the restored reading, where OCR repair changed it (kept out of the
    # reference JSON when empty: central texts are never repaired)
    repaired: str = field(default="", metadata={"omit_empty": True})


@dataclass(frozen=True)
class SourceText:
    """One local source file, decoded and normalised, with what its curator says about it."""

    source_id: str  # file stem, stable: used in graph names
    path: str  # relative to the data folder
    sha256: str  # of the raw bytes
    text: str  # NFC-normalised, duplicated blocks removed
    original_name: str = ""
    hint_jurisdiction: str = ""
    hint_issuer: str = ""
    hint_kind: str = ""
    text_state: str = "clean"  # clean | news-summary | ocr-damaged | ...
    removed_duplicate_lines: int = 0
    # The restored reading of an OCR-damaged text (kg.parse.repair), as long as `text` so that
    # offsets hold in both; '' when the text is read as it is. Extraction reads this one.
    reading: str = ""


# Issuers whose documents are central whatever the text says about a place.
CENTRAL_ISSUERS = frozenset({"tw", "cp", "ttg", "qh", "bct", "bbt", "vpcp"})


def is_central_issuer(code: str) -> bool:
    """Central bodies: the Party's centre, the Government, the Prime Minister, the National Assembly
    and its committees ('qh15', 'ubtvqh15')."""
    return code in CENTRAL_ISSUERS or code.startswith("qh")


@dataclass(frozen=True)
class DocumentRef:
    """The identity of a document as a citation gives it: '57-NQ/TW', '37/KH-UBND' …"""

    kind: str  # type code, lower case ascii: nq, ctr, kh, qd, nd, ttr, cv …
    number: str  # '57', '03'; '' when unknown
    issuer_code: str  # suffix of the symbol, lower ascii: tw, cp, ubnd, tu; '' when unknown
    year: int | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    symbol: str = ""  # as written, normalised spacing: '57-NQ/TW'
    jurisdiction: str = ""  # slug of the place: 'vn' for central bodies, 'vn-can-tho' …

    @property
    def scope(self) -> str:
        """The jurisdiction the document's IRI is minted in: 'vn' for a central issuer whatever
        place the text names, else the place, else 'vn'."""
        return "vn" if is_central_issuer(self.issuer_code) else self.jurisdiction or "vn"


@dataclass(frozen=True)
class Citation:
    target: DocumentRef
    relation: Relation
    evidence: Span
    title: str = ""  # the cited document's title where the sentence gives it
    # the cited document whose title, as cited, says it implements this one ('Chương trình số
    # 61-CTr/TU … về thực hiện Nghị quyết số 57-NQ/TW'): a link of a chain the text states
    implemented_by: DocumentRef | None = None


@dataclass(frozen=True)
class Agency:
    """A normalised agency (or a collective of agencies) scoped to its jurisdiction."""

    key: str  # slug of the canonical name, e.g. 'so-khoa-hoc-va-cong-nghe'
    name: str  # canonical Vietnamese name
    jurisdiction: str  # place slug ('vn', 'vn-can-tho' …)
    collective: bool = False  # 'các sở, ban, ngành' …
    kind: str = ""  # ministry, department, people's committee, party body, ...


@dataclass(frozen=True)
class AgencyMention:
    agency: Agency
    role: Role
    evidence: Span
    written: str = ""  # the name as the document writes it ('Sở TT&TT'), kept as a label


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: DeadlineKind
    start: str | None = None  # ISO date, yyyy-mm or yyyy (per precision)
    end: str | None = None
    precision: Precision | None = None
    evidence: Span | None = None


@dataclass(frozen=True)
class TargetValue:
    """A number in a target; ranges have low and high, single values low == high."""

    low: float | None
    high: float | None
    comparator: str  # '>=', '>', '<=', '<', '=', 'range', 'qualitative'
    unit: str  # 'percent', 'people-per-10000', 'rank', 'count', 'percent-per-year' …
    base: str = ""  # 'gdp', 'grdp', 'state-budget', 'population', 'exports' …
    scope: str = ""  # ranking scope: 'asean', 'world', 'country' …
    text: str = ""  # the value as written


@dataclass
class Target:
    local_id: str  # 'PL1.6.1', 'II.2.1#3'
    indicator_text: str
    values: list[TargetValue]
    year: int | None
    evidence: Span
    monitoring: list[AgencyMention] = field(default_factory=list)
    indicator_key: str = ""  # the shared indicator concept, when recognised
    part_path: str = ""  # the document part it sits in


@dataclass
class Part:
    """A node of a document's heading hierarchy."""

    path: str  # local identifier, unique in the document: 'II', 'II.3', 'II.3.a', 'PL2.14'
    label: str  # the numbering as written: 'II.', '3.', 'a)', '-', ''
    kind: str  # section | item | point | bullet | paragraph | appendix | row
    heading: str  # the line's own text (without its label)
    span: Span
    parent: str | None = None  # path of the parent part
    implicit: bool = False  # inferred where the text lost a heading


@dataclass
class Task:
    local_id: str  # same as the part path it comes from
    text: str
    part_path: str
    group_path: str  # path of the heading that groups it ('II.3')
    group_heading: str
    section: str  # 'tasks' | 'organisation'
    span: Span
    agencies: list[AgencyMention] = field(default_factory=list)
    deadline: Deadline | None = None
    expected_output: str = ""


@dataclass
class DocumentMeta:
    kind: str = ""  # type code: ctr, kh, nq, qd …; '' unknown
    kind_label: str = ""  # 'Kế hoạch', 'Chương trình' …
    number: str = ""
    symbol: str = ""  # '37/KH-UBND'
    issuer_code: str = ""
    date: str | None = None  # ISO
    year: int | None = None
    issuer: Agency | None = None
    jurisdiction: str = ""  # place slug
    jurisdiction_name: str = ""  # 'Cần Thơ'
    signer: str = ""
    signer_capacity: str = ""  # 'PHÓ CHỦ TỊCH'
    signing_mode: str = ""  # 'KT.', 'TM.'
    title: str = ""
    from_hints: tuple[str, ...] = ()  # fields filled from the manifest, not the text
    evidence: dict[str, Span] = field(default_factory=dict)


@dataclass
class Document:
    source: SourceText
    meta: DocumentMeta
    parts: list[Part]
    tasks: list[Task]
    targets: list[Target]
    citations: list[Citation]
    problems: list[str] = field(default_factory=list)  # what extraction could not read

    @property
    def ref(self) -> DocumentRef:
        m = self.meta
        return DocumentRef(m.kind, m.number, m.issuer_code, m.year, m.date, m.symbol, m.jurisdiction)


# --- the central layer -------------------------------------------------------------------------


@dataclass
class CentralGroup:
    """One of the seven task-and-solution groups (57-NQ/TW part III, 03/NQ-CP part II)."""

    number: int
    title: str


@dataclass
class CentralDirective:
    """A directive of a central document: a 57 sub-point, a 03 body point, a Phụ lục II task."""

    doc: DocumentRef
    local_id: str  # 'III.4.b', 'PL2.14'
    text: str
    group: int | None  # 1..7 where it sits under a group
    kind: str  # 'group' | 'point' | 'task' | 'viewpoint' | 'organisation' | 'objective'
    lead: list[Agency] = field(default_factory=list)
    cooperating: list[Agency] = field(default_factory=list)
    expected_output: str = ""
    deadline: Deadline | None = None
    secondary: bool = False  # from a secondary source (a progress report), not the resolution
    parent: str = ""  # local_id of the enclosing directive, if any


@dataclass
class Indicator:
    """A measured quantity shared by national and local targets (a SKOS concept)."""

    key: str  # 'digital-economy-share'
    label_vi: str
    label_en: str


@dataclass
class Link:
    """A proposed or accepted link from a local task/target to a central directive or indicator."""

    source_doc: str  # source_id of the local document
    source_local_id: str  # task/target local id
    target: str  # 'group:4', 'PL2.14', 'indicator:digital-economy-share', 'PL1.10'
    link_type: str  # 'implements' | 'serves-group' | 'measures' | 'echoes'
    confidence: float
    method: str  # tasks: 'structure' | 'explicit-reference' | 'combined'; targets: 'verbatim' | 'rule' |
    # 'lexical' | 'indicator-year'; reviewed: 'manual'
    evidence: Span
    status: str = "suggested"  # suggested | accepted | rejected
    rank: int = 1
