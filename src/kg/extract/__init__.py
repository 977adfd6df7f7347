"""Extract stage: a normalised source text -> a Document with metadata, parts, tasks, targets, citations."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby

from kg.extract.citations import find_citations, symbol_key
from kg.extract.metadata import extract_metadata
from kg.extract.targets import targets_from_table, targets_in_text
from kg.extract.tasks import is_task_table, section_kind, tasks_from_parts, tasks_from_rows
from kg.model import Citation, Document, Part, Relation, SourceText
from kg.parse import parse_structure
from kg.parse.normalize import fold
from kg.parse.repair import quote_original
from kg.parse.view import DocumentView

__all__ = ["extract_document"]

_HEADING_YEAR = re.compile(r"\b(20[2-5]\d)\b")
_MAX_YEAR_HEADING = 90  # a longer 'heading' is a sentence, whose years are not the section's
_HEAD_CHARS = 5000  # the title and preamble of a document start within its first characters
_KIND_LINES = ("ke hoach", "quyet dinh", "chuong trinh", "nghi quyet", "chi thi", "ket luan", "de an")
_PREAMBLE_CUES = ("thuc hien", "trien khai", "can cu", "quan triet")


def extract_document(source: SourceText) -> Document:
    """The document read from the source's restored reading where OCR repair made one (the
    evidence still quotes the source as it is, with the restored words beside), else its text."""
    if not source.reading:
        return _extract(source)
    document = quote_original(_extract(replace(source, text=source.reading)), source.text, source.reading)
    document.source = source
    return document


def _extract(source: SourceText) -> Document:
    view = DocumentView.read(source.text)  # one reading, shared by the readers of the whole text
    meta = extract_metadata(source, view)
    parts, rows = parse_structure(source.text)
    jurisdiction = meta.jurisdiction or "vn"
    tasks = tasks_from_parts(parts, jurisdiction)
    targets = []
    for _, table_rows in groupby(rows, key=lambda r: id(r.header)):
        table_rows = list(table_rows)
        if is_task_table(table_rows):
            tasks += tasks_from_rows(table_rows, jurisdiction, source.text)
        else:
            targets += targets_from_table(table_rows, jurisdiction, source.text)
    by_path = {p.path: p for p in parts}
    targets += [t for part in parts if _is_objective(part, parts) for t in targets_in_text(part, _heading_year(part, by_path))]
    problems = []
    if not meta.symbol:
        problems.append("no document number found")
    if not meta.date:
        problems.append("no date found")
    return Document(source, meta, parts, tasks, targets, _document_citations(view, meta, parts), problems)


def _document_citations(view: DocumentView, meta, parts: list[Part]) -> list[Citation]:
    """Citations without the document's own number. 'thực hiện X' in the body describes what a
    task does, not what the document implements: only the head (title, preamble, before the
    first numbered section; else the first paragraph, the title and the preamble after the
    kind line) or the page's sentence reporting the document can say the document implements X."""
    own = symbol_key(meta.symbol) if meta.symbol else ""
    numbered = [p.span.start for p in parts if p.label and p.kind in ("section", "item")]
    head = [(0, numbered[0] if numbered else view.text.find("\n", 1)), *_title_and_preamble(view)]
    head += [(span.start, span.end) for key, span in meta.evidence.items() if key.startswith("report.")]
    out = []
    for citation in find_citations(view.text, own, view.folded):
        if symbol_key(citation.target.symbol) == own:
            continue
        start = citation.evidence.start
        if citation.relation is Relation.IMPLEMENTS and not any(a <= start < b for a, b in head):
            citation = replace(citation, relation=Relation.MENTIONS)
        out.append(citation)
    return out


def _title_and_preamble(view: DocumentView) -> list[tuple[int, int]]:
    """The title (capital lines after the first line naming the document's kind: 'KẾ HOẠCH',
    'QUYẾT ĐỊNH') and the preamble paragraphs that follow it ('Thực hiện …', 'Căn cứ …')."""
    spans, state = [], "kind"
    for line in view.head(_HEAD_CHARS).lines:
        stripped, folded, start = line.text.strip(" |"), line.folded.strip(" |"), line.start
        end = start + len(line.text) + 1
        if state == "kind":
            state = "title" if stripped.isupper() and folded.startswith(_KIND_LINES) and len(folded.split()) <= 4 else state
            continue
        if not stripped:
            continue
        if state == "title" and stripped.isupper() or folded.startswith(_PREAMBLE_CUES):
            state = "preamble" if not stripped.isupper() else state
            spans.append((start, end))
        elif state != "kind":
            break
    return spans


def _heading_year(part: Part, by_path: dict[str, Part]) -> int | None:
    """The year of the nearest enclosing heading ('2.1. Đến năm 2030', OCR 'Muc tiéu dén nim 2030')."""
    current = by_path.get(part.parent or "")
    while current is not None:
        m = _HEADING_YEAR.search(fold(current.heading)) if len(current.heading) < _MAX_YEAR_HEADING else None
        if m:
            return int(m.group(1))
        current = by_path.get(current.parent or "")
    return None


def _is_objective(part, parts) -> bool:
    """A paragraph or point inside a 'Mục tiêu' section (not inside a table), unless a nearer
    heading opens tasks ('II. MỤC TIÊU … VÀ NHIỆM VỤ' › '3. Nhiệm vụ và giải pháp')."""
    if part.kind in ("row", "section", "appendix"):
        return False
    by_path = {p.path: p for p in parts}
    current = by_path.get(part.parent or "")
    while current is not None:
        if section_kind(current):
            return False
        if fold(current.heading).startswith(("muc tieu", "chi tieu")) or fold(current.heading).startswith("den nam"):
            return True
        current = by_path.get(current.parent or "")
    return False
