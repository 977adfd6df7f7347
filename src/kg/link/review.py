"""The review loop: suggested links out to a CSV a researcher edits, decisions back in.

Decisions are keyed by (source document, quote, target) rather than local id, so they survive
changes to extraction; the build applies them with `apply_decisions`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

from kg.csvinput import TableError, read_table
from kg.files import write_atomic
from kg.link.examples import Example
from kg.link.links import linkable_tasks
from kg.model import Document, Link

COLUMNS = ["source_doc", "local_id", "quote", "target", "target_text", "confidence", "method", "decision"]
DECISIONS = {"accept": "accepted", "reject": "rejected"}
QUOTE_CHARS = 80


class ReviewError(ValueError):
    """A malformed review CSV: says which row and which column."""


@dataclass(frozen=True)
class Decision:
    source_doc: str
    quote: str
    target: str
    status: str  # accepted | rejected


def quote_of(link: Link) -> str:
    return quote_text(link.evidence.text)


def quote_text(text: str) -> str:
    """The key a decision keeps of the quoted evidence: whitespace-collapsed, cut short."""
    return " ".join(text.split())[:QUOTE_CHARS]


def export_review(links: list[Link], target_texts: dict[str, str], path: Path) -> int:
    """Write the suggested links, one row per link, with an empty decision column."""
    rows = [l for l in links if l.status == "suggested"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for l in rows:
            writer.writerow([l.source_doc, l.source_local_id, quote_of(l), l.target, target_texts.get(l.target, ""),
                             f"{l.confidence:.4f}", l.method, ""])
    return len(rows)


def read_review(path: Path) -> list[Decision]:
    """The decided rows of an edited review CSV (as a spreadsheet saved it: kg.csvinput); raises
    ReviewError naming file, line and column on malformed input."""
    try:
        table = read_table(path)
    except TableError as err:
        raise ReviewError(str(err)) from err
    header = table.header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ReviewError(f"{path}: line 1 (header): missing column(s) {', '.join(missing)} (found "
                          f"{', '.join(header)}; {table.note()})")
    decisions = []
    for line, row in table.rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ReviewError(f"{path}: line {line}: {len(row)} cells, the header has {len(header)}")
        cells = dict(zip(header, (c.strip() for c in row)))
        for column in ("source_doc", "quote", "target"):
            if not cells[column]:
                raise ReviewError(f"{path}: line {line}, column '{column}': empty")
        decision = cells["decision"].lower()
        if decision and decision not in DECISIONS:
            raise ReviewError(f"{path}: line {line}, column 'decision': {cells['decision']!r}, expected accept, "
                              "reject or empty")
        if decision:
            decisions.append(Decision(cells["source_doc"], cells["quote"], cells["target"], DECISIONS[decision]))
    return decisions


def load_decisions(path: Path) -> list[Decision]:
    return read_review(path) if path.exists() else []


def import_review(review: Path, decisions_file: Path) -> int:
    """Merge the decisions of an edited review CSV into the decisions file (a later decision on
    the same link replaces an earlier one). Returns how many decisions the review held."""
    new = read_review(review)
    merged = {(d.source_doc, d.quote, d.target): d for d in load_decisions(decisions_file) + new}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for key in sorted(merged):
        d = merged[key]
        writer.writerow([d.source_doc, "", d.quote, d.target, "", "", "manual",
                         "accept" if d.status == "accepted" else "reject"])
    write_atomic(decisions_file, out.getvalue().encode("utf-8"))
    return len(new)


def apply_decisions(links: list[Link], decisions: list[Decision]) -> list[Link]:
    """Reviewed links take the researcher's status and method 'manual'; others are unchanged."""
    status = {(d.source_doc, d.quote, d.target): d.status for d in decisions}
    return [
        replace(l, status=status[key], method="manual") if (key := (l.source_doc, quote_of(l), l.target)) in status else l
        for l in links
    ]


def decisions_path(data_dir: Path) -> Path:
    return data_dir / "reviews" / "links.csv"


def reviewed_examples(documents: list[Document], decisions: list[Decision]) -> list[Example]:
    """The accepted 03 task links of the review, as confirmed examples for other provinces'
    plans: a researcher's decision on one plan helps rank the next plan that copies its wording."""
    accepted: dict[tuple[str, str], list[str]] = {}
    for d in decisions:
        if d.status == "accepted" and d.target.startswith("PL2."):
            accepted.setdefault((d.source_doc, d.quote), []).append(d.target)
    examples = []
    for document in documents:
        for task in linkable_tasks(document):
            targets = accepted.get((document.source.source_id, quote_text(task.span.text)))
            if targets:
                examples.append(Example(task.text, tuple(sorted(targets)), document.meta.jurisdiction,
                                        document.source.source_id))
    return examples
