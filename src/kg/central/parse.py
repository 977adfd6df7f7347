"""Read the central corpus (57-NQ/TW, 03/NQ-CP with its programme and appendices, 71/NQ-CP and a
May 2025 progress report) into a `CentralLayer`.

The texts are unofficial transcriptions: cells cut at page breaks, typos. Rows are never dropped:
a continuation row (empty TT) is merged into the row above, cell by cell, unless its text is
already there (a page-break echo).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from kg.central.indicators import INDICATORS, indicator_key
from kg.central.layer import CentralDocument, CentralLayer, DocumentRelation, NationalTarget
from kg.central.succession import ministry_events
from kg.extract.agencies import normalize_agency, split_agency_list
from kg.extract.deadlines import parse_deadline
from kg.extract.targets import targets_from_table, targets_in_text
from kg.model import Agency, CentralDirective, CentralGroup, DocumentRef, Part, Relation, Span, Target
from kg.parse.normalize import fold, normalize_text
from kg.parse.structure import ROMAN, label_of
from kg.parse.tables import TableRow

FILES = {
    "nq57": "57-NQ-TW.txt",
    "nq03": "03-NQ-CP.txt",
    "pl1": "03-NQ-CP_PL1_chi-tieu.tsv",
    "pl2": "03-NQ-CP_PL2_nhiem-vu.tsv",
    "nq71": "71-NQ-CP.txt",
    "report": "71-NQ-CP_PL-trich-37-nhiem-vu.txt",
}
NATIONAL = "vn"
_YEAR = re.compile(r"\b(20\d\d)\b")
_PUNCT = re.compile(r"[^\w]+")


class CorpusMissing(FileNotFoundError):
    pass


def read_corpus_file(corpus_dir: Path, key: str) -> str:
    path = Path(corpus_dir) / "central" / FILES[key]
    if not path.is_file():
        raise CorpusMissing(f"central corpus file missing: {path} (expected in <corpus>/central/)")
    return path.read_text(encoding="utf-8")


def clean(text: str) -> str:
    """One cell or line: NFC, single spaces, no line breaks."""
    return normalize_text(text)[0].strip().replace("\n", " ")


def national(name: str) -> Agency:
    return normalize_agency(name, NATIONAL)


def agencies(cell: str) -> list[Agency]:
    return [national(name) for name in split_agency_list(cell)]


def date_in(text: str) -> str | None:
    """ISO date of the first 'ngày … tháng … năm …' phrase."""
    deadline = parse_deadline(text)
    return deadline.end if deadline else None


# --- outlines (57-NQ/TW body, the 03 programme body) ------------------------------------------------


def _section_kind(heading: str) -> str:
    folded = fold(heading)
    for words, kind in (("quan diem", "viewpoint"), ("muc tieu", "objective"), ("nhiem vu", "tasks"),
                        ("to chuc thuc hien", "organisation")):
        if words in folded:
            return kind
    return ""


def outline(lines: list[str], doc: DocumentRef) -> tuple[list[CentralDirective], dict[str, str]]:
    """Directives of a body numbered I./1./a)/-: unlabelled paragraphs continue the last one.
    In the tasks section an item is a group (its number is the group) and what is below is a point.
    Also returns each item's heading line (before continuation paragraphs) by local id."""
    out: list[CentralDirective] = []
    headings: dict[str, str] = {}
    section = kind = ""
    item: CentralDirective | None = None
    letter: CentralDirective | None = None
    bullets: dict[str, int] = {}
    for line in lines:
        label = label_of(line)
        style = label[0] if label else ""
        if style == "roman":
            section, kind, item, letter = label[1], _section_kind(label[2]), None, None
            continue
        if not section or not kind:
            continue
        if style == "decimal1":
            path = f"{section}.{label[1]}"
            group = int(label[1]) if kind == "tasks" else None
            item = CentralDirective(doc, path, label[2], group, "group" if kind == "tasks" else kind)
            letter = None
            headings[path] = label[2]
            out.append(item)
        elif style in ("letter", "bullet") and item is not None:
            parent = letter if style == "bullet" and letter is not None else item
            if style == "letter":
                path = f"{item.local_id}.{label[1]}"
            else:
                bullets[parent.local_id] = bullets.get(parent.local_id, 0) + 1
                path = f"{parent.local_id}.b{bullets[parent.local_id]}"
            directive = CentralDirective(doc, path, label[2], item.group, "point" if kind == "tasks" else kind,
                                         parent=parent.local_id)
            letter = directive if style == "letter" else letter
            out.append(directive)
        elif not label and out and item is not None:
            out[-1].text = f"{out[-1].text} {line}"
    return out, headings


def _body_lines(text: str, start: str, stop: str | None) -> list[str]:
    """Non-empty lines from the first line starting with `start` up to one starting with `stop`."""
    lines = [line for line in text.split("\n") if line and not line.startswith("#")]
    first = next(i for i, line in enumerate(lines) if fold(line).startswith(fold(start)))
    last = next((i for i, line in enumerate(lines) if i > first and stop and fold(line).startswith(fold(stop))),
                len(lines))
    return lines[first:last]


# --- tables ----------------------------------------------------------------------------------------


def tsv_rows(raw: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [[clean(cell) for cell in row] for row in reader if any(cell.strip() for cell in row)]


def pipe_rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split(" | ")] for line in text.split("\n") if " | " in line]


def _contained(piece: str, cells: list[str]) -> bool:
    """True when `piece` (accent-folded, punctuation-free) already stands in one of `cells`:
    a page break repeated it, perhaps with a typo in a diacritic."""
    key = _PUNCT.sub(" ", fold(piece)).strip()
    return any(key in _PUNCT.sub(" ", fold(cell)) for cell in cells)


def merge_continuations(header: list[str], rows: list[list[str]], repairs: list[str], label: str) -> list[list[str]]:
    """Rows with an empty first cell continue the row above; their cells are appended to the
    same column unless the text is already in the row (then it is an echo and dropped)."""
    out: list[list[str]] = []
    for row in rows:
        if row[0] or not out:
            out.append(list(row))
            continue
        above = out[-1]
        for i, cell in enumerate(row[1:], start=1):
            if not cell or i >= len(above) or cell == above[i]:
                continue
            if _contained(cell, above[1:]):
                repairs.append(f"{label} {above[0]}: continuation row's '{header[i]}' cell repeats the row, dropped")
            else:
                above[i] = f"{above[i]} {cell}".strip()
                repairs.append(f"{label} {above[0]}: continuation row's '{header[i]}' cell appended")
    return out


def _roman_group(cell: str) -> int | None:
    m = re.match(r"^([IVX]+)\b", cell.strip())
    return ROMAN.index(m.group(1)) + 1 if m and m.group(1) in ROMAN else None


def _column(header: list[str], *words: str) -> int:
    folded = [fold(h) for h in header]
    return next(i for i, h in enumerate(folded) if any(h.startswith(w) for w in words))


def pl2_tasks(raw: str, programme: DocumentRef, repairs: list[str]) -> list[CentralDirective]:
    header, *rows = tsv_rows(raw)
    rows = merge_continuations(header, rows, repairs, "PL2")
    col = {name: _column(header, *words) for name, words in (
        ("group", ("nhom",)), ("text", ("ten nhiem vu",)), ("lead", ("co quan chu tri",)),
        ("coop", ("co quan phoi hop",)), ("output", ("ket qua",)), ("deadline", ("thoi gian",)))}
    tasks = []
    for row in rows:
        row = row + [""] * (len(header) - len(row))
        group = _roman_group(row[col["group"]])
        deadline = parse_deadline(row[col["deadline"]])
        if row[col["deadline"]] and deadline is None:
            repairs.append(f"PL2 {row[0]}: deadline '{row[col['deadline']]}' not read")
        tasks.append(CentralDirective(
            programme, f"PL2.{row[0]}", row[col["text"]], group, "task",
            lead=agencies(row[col["lead"]]), cooperating=agencies(row[col["coop"]]),
            expected_output=row[col["output"]], deadline=deadline,
            parent=f"II.{group}" if group else ""))
    return tasks


def pl1_targets(raw: str) -> list[Target]:
    """Phụ lục I: one target per row; the 'Mốc' column gives the year; a sub-row (11.3) sits in
    its parent row's part. Rows without a result (a heading such as 11) get no indicator."""
    header, *rows = tsv_rows(raw)
    milestone, indicator, unit, result, agency = (_column(header, w) for w in ("moc", "chi tieu", "don vi", "ket qua",
                                                                              "co quan"))
    table: list[TableRow] = []
    current = None
    for row in rows:
        row = row + [""] * (len(header) - len(row))
        if row[milestone] != current:
            current = row[milestone]
            table.append(TableRow("", [current], header, is_group=True))
        number = row[0]
        parent = number.rpartition(".")[0]
        table.append(TableRow(number, [row[indicator], row[unit], row[result], row[agency]], header,
                              path=f"PL1.{number}", group_path=f"PL1.{parent}" if parent else "PL1"))
    targets = targets_from_table(table, NATIONAL, "")
    for target, row in zip(targets, (r for r in table if not r.is_group)):
        target.part_path = row.group_path
        if target.values:
            target.indicator_key = indicator_key(target.indicator_text) or indicator_key(row.cells[1])
    return targets


def report_tasks(text: str, report: DocumentRef) -> list[CentralDirective]:
    """The progress report's table: roman rows name the group, numbered rows are tasks."""
    rows = pipe_rows(text)
    header = next(r for r in rows if fold(r[0]) == "tt")
    col = {name: _column(header, *words) for name, words in (
        ("text", ("nhiem vu",)), ("output", ("ket qua yeu cau",)), ("deadline", ("thoi gian",)),
        ("agency", ("co quan",)))}
    tasks, group = [], None
    for row in rows:
        row = row + [""] * (len(header) - len(row))
        if _roman_group(row[0]) and not row[0].rstrip(".").isdigit():
            group = _roman_group(row[0])
        elif re.match(r"^\d+\.?$", row[0]):
            tasks.append(CentralDirective(
                report, f"PL1.{row[0].rstrip('.')}", row[col["text"]], group, "task",
                lead=agencies(row[col["agency"]]), expected_output=row[col["output"]],
                deadline=parse_deadline(row[col["deadline"]]), secondary=True))
    return tasks


# --- 57 objectives as targets ------------------------------------------------------------------------


def objective_targets(objectives: list[CentralDirective]) -> list[Target]:
    """Quantified clauses of 57 part II; the year comes from the heading ('Đến năm 2030')."""
    years: dict[str, int] = {}
    targets = []
    for directive in objectives:
        m = _YEAR.search(directive.text)
        if not directive.parent and m:
            years[directive.local_id] = int(m.group(1))
        year = years.get(directive.parent or directive.local_id)
        part = Part(directive.local_id, "", "paragraph", directive.text, Span(0, len(directive.text), directive.text))
        for target in targets_in_text(part, year):
            target.indicator_key = indicator_key(target.indicator_text)
            targets.append(target)
    return targets


def _words(text: str) -> set[str]:
    return set(_PUNCT.sub(" ", fold(text)).split())


def objective_for(target: Target, targets57: list[NationalTarget], objectives: list[CentralDirective]) -> str:
    """The 57 objective a 03 indicator quantifies: one with a target on the same indicator and
    year, else the objective of that year whose text holds the largest share of the indicator's words."""
    for candidate in targets57:
        if target.indicator_key and (candidate.target.indicator_key, candidate.target.year) == (
                target.indicator_key, target.year):
            return candidate.objective
    words = _words(target.indicator_text)
    years = {t.objective: t.target.year for t in targets57}
    scored = sorted((-len(words & _words(o.text)) / max(len(words), 1), o.local_id) for o in objectives
                    if str(target.year) in o.text or years.get(o.local_id) == target.year
                    or str(target.year) in next((p.text for p in objectives if p.local_id == o.parent), ""))
    return scored[0][1] if scored and scored[0][0] < 0 else ""


# --- documents ---------------------------------------------------------------------------------------


def _title_after(lines: list[str], marker: str, stop: str) -> str:
    """The title lines after a 'NGHỊ QUYẾT' line, up to the issuer line."""
    first = next(i for i, line in enumerate(lines) if fold(line).strip() == fold(marker)) + 1
    last = next(i for i in range(first, len(lines)) if fold(lines[i]).strip() == fold(stop))
    return " ".join(lines[first:last])


def documents(nq03: str, nq71: str, report: str) -> list[CentralDocument]:
    lines03 = [line for line in nq03.split("\n") if line]
    lines71 = [line for line in nq71.split("\n") if line]
    programme_line = next(i for i, line in enumerate(lines03) if fold(line).startswith("chuong trinh hanh dong"))
    basis57 = next(line for line in lines03 if "57-NQ/TW ngày" in line)
    title57 = re.search(r"Bộ Chính trị (về .+?)[.;,]?$", basis57)
    date57 = date_in(basis57[basis57.index("57-NQ/TW"):])
    date03 = date_in(next(line for line in lines03 if line.startswith("Hà Nội, ngày")))
    date71 = date_in(next(line for line in lines71 if "Hà Nội, ngày" in line))
    report_head = next(line for line in report.split("\n") if fold(line).startswith("phu luc"))
    government, politburo = national("Chính phủ"), national("Bộ Chính trị")
    ref57 = DocumentRef("nq", "57", "tw", int(date57[:4]), date57, "57-NQ/TW", NATIONAL)
    ref03 = DocumentRef("nq", "03", "cp", int(date03[:4]), date03, "03/NQ-CP", NATIONAL)
    return [
        CentralDocument("nq57", ref57, f"Nghị quyết {title57.group(1) if title57 else ''}".strip(), politburo,
                        source_file=FILES["nq57"]),
        CentralDocument("nq03", ref03, _title_after(lines03, "NGHỊ QUYẾT", "CHÍNH PHỦ"), government,
                        source_file=FILES["nq03"]),
        CentralDocument("nq03-programme", programme_ref(ref03),
                        f"{lines03[programme_line].capitalize()} {lines03[programme_line + 1]}", government,
                        part_of="nq03", source_file=FILES["nq03"]),
        CentralDocument("nq71", DocumentRef("nq", "71", "cp", int(date71[:4]), date71, "71/NQ-CP", NATIONAL),
                        _title_after(lines71, "NGHỊ QUYẾT", "CHÍNH PHỦ").capitalize(), government,
                        source_file=FILES["nq71"]),
        CentralDocument("report-2025-05", report_ref(), report_head, national("Đảng ủy Chính phủ"), secondary=True,
                        source_file=FILES["report"]),
    ]


def programme_ref(ref03: DocumentRef) -> DocumentRef:
    """The programme has no number of its own; it is identified as a part of 03/NQ-CP."""
    return DocumentRef("ctr", "", "cp", ref03.year, ref03.date, f"Chương trình hành động ({ref03.symbol})", NATIONAL)


def report_ref() -> DocumentRef:
    """The report's number and day are blank in the source ('Văn bản số -CV/ĐU ngày tháng 5 năm 2025')."""
    return DocumentRef("cv", "", "du", 2025, None, "-CV/ĐU", NATIONAL)


RELATIONS = (
    ("nq03", Relation.BASED_ON, "nq57"),
    ("nq03-programme", Relation.IMPLEMENTS, "nq57"),
    ("nq71", Relation.BASED_ON, "nq57"),
    ("nq71", Relation.BASED_ON, "nq03"),
    ("nq71", Relation.AMENDS, "nq03-programme"),
    ("nq71", Relation.REPLACES, "nq03-programme"),
    ("report-2025-05", Relation.MENTIONS, "nq71"),
)


def parse_central(corpus_dir: Path) -> CentralLayer:
    """The whole central layer from <corpus_dir>/central; CorpusMissing names a missing file."""
    raw = {key: read_corpus_file(corpus_dir, key) for key in FILES}
    text = {key: normalize_text(value)[0] for key, value in raw.items() if not FILES[key].endswith(".tsv")}
    docs = documents(text["nq03"], text["nq71"], text["report"])
    layer = CentralLayer(documents=docs, indicators=list(INDICATORS))
    layer.relations = [DocumentRelation(*r) for r in RELATIONS]
    ref57, programme = layer.document("nq57").ref, layer.document("nq03-programme").ref

    body57, headings57 = outline(_body_lines(text["nq57"], "I- ", None), ref57)
    body03, _ = outline(_body_lines(text["nq03"], "I. MỤC TIÊU", "PHỤ LỤC I"), programme)
    repairs: list[str] = []
    layer.groups = [CentralGroup(d.group, headings57[d.local_id]) for d in body57 if d.kind == "group"]
    layer.directives = body57 + body03 + pl2_tasks(raw["pl2"], programme, repairs)
    layer.directives += report_tasks(text["report"], layer.document("report-2025-05").ref)

    objectives = [d for d in body57 if d.kind == "objective"]
    layer.targets = [NationalTarget("nq57", t, t.part_path) for t in objective_targets(objectives)]
    national57 = list(layer.targets)
    for target in pl1_targets(raw["pl1"]):
        layer.targets.append(NationalTarget("nq03-programme", target, objective_for(target, national57, objectives)))
    # curated: the corpus shows the reassignment (report tasks of Bộ TT&TT now led by Bộ KH&CN) but
    # not the decisions (kg.central.reorganisation, docs/reorganisation.md)
    layer.changes = ministry_events()
    layer.repairs = repairs
    return layer
