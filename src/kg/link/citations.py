"""Document-level links: complete what a citation leaves out from the documents the graph knows.

'Nghị quyết số 03/NQ-CP' cited without its date still names the 03/NQ-CP of 2025 when the graph
knows exactly one document with that type, number, issuer and jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.model import Citation, Document, DocumentRef

Key = tuple[str, str, str, str]


def _key(ref: DocumentRef, citing_jurisdiction: str) -> Key:
    scoped = replace(ref, jurisdiction=ref.jurisdiction or citing_jurisdiction)
    return ref.kind, ref.number.lstrip("0"), ref.issuer_code, scoped.scope


def known_dates(documents: list[Document], central_refs: Iterable[DocumentRef]) -> dict[Key, set[tuple[int, str | None]]]:
    """(kind, number, issuer, jurisdiction) -> the (year, date) pairs the graph knows for it."""
    known: dict[Key, set[tuple[int, str | None]]] = {}
    refs = [(ref, ref.jurisdiction) for ref in central_refs]
    refs += [(d.ref, d.meta.jurisdiction) for d in documents]
    refs += [(c.target, d.meta.jurisdiction) for d in documents for c in d.citations]
    for ref, jurisdiction in refs:
        if ref.number and ref.year:
            known.setdefault(_key(ref, jurisdiction), set()).add((ref.year, ref.date))
    return known


def complete_citation(citation: Citation, jurisdiction: str, known: dict[Key, set[tuple[int, str | None]]]) -> Citation:
    ref = citation.target
    if ref.year or not ref.number:
        return citation
    years = {year for year, _ in known.get(_key(ref, jurisdiction), set())}
    if len(years) != 1:
        return citation
    (year,) = years
    dates = {date for y, date in known[_key(ref, jurisdiction)] if date}
    date = next(iter(dates)) if len(dates) == 1 else None
    return replace(citation, target=replace(ref, year=year, date=date))


def complete_citations(documents: list[Document], central_refs: Iterable[DocumentRef]) -> None:
    """Fill the year (and date) of citations that omit it, where the graph knows only one candidate."""
    known = known_dates(documents, central_refs)
    for document in documents:
        document.citations = [complete_citation(c, document.meta.jurisdiction, known) for c in document.citations]
