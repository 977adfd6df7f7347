"""Robustness: how extraction and linking change when a clean text arrives in another form.

Each clean seed (manifest `text_state`) is perturbed in memory the way real copies of a plan
differ — diacritics lost, Windows line ends with non-breaking spaces and tabs, a BOM, another
heading numbering, a paragraph pasted twice, lines hard-wrapped at 80 columns — and goes
through the same decode/normalise/extract/link path as a file. Each variant is compared with
the clean run field by field (agreement), and with the hand labels (eval/labels) where the
labels can be found again in the variant (quotes are perturbed like the text).
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.evaluation.extraction import Score, _norm, evaluate_document, load_labels
from kg.evaluation.links import Counts, Label, score_document
from kg.evaluation.links import load_labels as load_link_labels
from kg.link.examples import Example
from kg.link.links import link_document, linkable_tasks, ranker_for
from kg.link.rank import CentralIndex, Layer, Ranking
from kg.model import Document, Link, Task
from kg.parse.normalize import strip_marks
from kg.parse.structure import ROMAN, label_of
from kg.sources import load_manifest, source_from_bytes

WRAP_WIDTH = 80
AGREEMENT_FIELDS = ("tasks", "task-groups", "agencies", "deadlines", "targets", "metadata", "citations",
                    "group-link", "task-link", "accepted-links")
LABEL_FIELDS = ("tasks", "agencies", "deadlines", "targets", "metadata")
LINK_RATES = ("labels found", "group@1", "task@1", "accepted precision", "accepted recall")


def windows_whitespace(text: str) -> str:
    """CRLF line ends, a non-breaking space after every number and label, tab indents."""
    text = re.sub(r"(?<=\d) ", "\u00a0", text)
    text = re.sub(r"(?m)^(\S{1,6}[.)]) ", "\t\\1\t", text)
    return text.replace("\n", "\r\n")


def with_bom(text: str) -> str:
    return "\ufeff" + text


def arabic_headings(text: str) -> str:
    """Roman section numbers as decimals ('II. NHIỆM VỤ' -> '2. NHIỆM VỤ'), the decimal items
    under them one level deeper ('1. …' -> '2.1. …'). Only where safe: when no item under a
    roman section is already multi-level; otherwise the text is returned unchanged."""
    lines, out, section = text.split("\n"), [], None
    for line in lines:
        labelled = label_of(line.strip())
        if labelled and labelled[0] == "roman":
            section = ROMAN.index(labelled[1]) + 1
            out.append(re.sub(r"^(\s*)[IVX]+\s*[.\-–:)]", rf"\g<1>{section}.", line, count=1))
            continue
        if labelled and labelled[0] == "appendix":
            section = None
        elif labelled and labelled[0].startswith("decimal") and section is not None:
            if labelled[0] != "decimal1":
                return text
            line = re.sub(r"^(\s*)(\d+)\s*[.)]", rf"\g<1>{section}.\2.", line, count=1)
        out.append(line)
    return "\n".join(out)


def slash_labels(text: str) -> str:
    """'I/', '1/', 'a/' instead of 'I.', '1.', 'a)': the slash style of many provincial texts."""
    return re.sub(r"(?m)^(\s*)([IVX]+|\d{1,2}|[a-zđ])[.)] ", r"\1\2/ ", text)


def repeated_paragraph(text: str) -> str:
    """The longest paragraph pasted a second time right after itself."""
    lines = text.split("\n")
    at = max(range(len(lines)), key=lambda i: (len(lines[i]), -i))
    return "\n".join(lines[: at + 1] + [lines[at]] + lines[at + 1 :])


def hard_wrapped(text: str) -> str:
    """Every line longer than 80 columns broken at spaces, as a PDF-to-text copy gives it."""
    out = []
    for line in text.split("\n"):
        out += textwrap.wrap(line, WRAP_WIDTH, break_long_words=False, break_on_hyphens=False) or [line]
    return "\n".join(out)


@dataclass(frozen=True)
class Variant:
    name: str
    perturb: Callable[[str], str]
    quote: Callable[[str], str] = lambda q: q  # the same change applied to a label's quote


VARIANTS = (
    Variant("no-diacritics", strip_marks, strip_marks),
    Variant("crlf-nbsp-tabs", windows_whitespace),
    Variant("bom", with_bom),
    Variant("arabic-headings", arabic_headings),
    Variant("slash-labels", slash_labels, slash_labels),
    Variant("repeated-paragraph", repeated_paragraph),
    Variant("hard-wrapped", hard_wrapped),
)


@dataclass
class Run:
    """One text (clean or a variant) through extraction and the task linker."""

    document: Document
    rankings: list[Ranking]  # of the linkable tasks, in order (reused when scoring the link labels)
    links: dict[str, list[Link]]  # task local id -> its links, best first

    def ranker(self, tasks: list[Task], layer: Layer) -> list[Ranking]:
        return self.rankings


def run_text(text: str, source_id: str, entry: dict, layer: Layer | None, examples: Sequence[Example] = (),
             index: CentralIndex | None = None) -> Run:
    """`examples`: confirmed examples, used as in a build (never the plan's own)."""
    from kg.extract import extract_document

    source = source_from_bytes(text.encode("utf-8"), source_id, entry.get("file", source_id), entry)
    document = extract_document(source)
    index = index if index is not None or layer is None else CentralIndex(layer)
    rankings = ranker_for(document, index, examples)(linkable_tasks(document), layer) if layer is not None else []
    run = Run(document, rankings, {})
    for link in link_document(document, layer, run.ranker) if layer is not None else []:
        run.links.setdefault(link.source_local_id, []).append(link)
    return run


def _ratio(same: int, total: int) -> float | None:
    return same / total if total else None


def _multiset_agreement(a: list, b: list) -> float | None:
    """Shared items over the larger side: 1.0 only when both runs give the same multiset."""
    return _ratio(sum((Counter(a) & Counter(b)).values()), max(len(a), len(b)))


def pair_tasks(clean: list[Task], variant: list[Task]) -> list[tuple[Task, Task]]:
    """Clean and variant tasks with the same folded text, one to one in document order."""
    pool: dict[str, list[Task]] = {}
    for task in variant:
        pool.setdefault(_norm(task.text), []).append(task)
    return [(task, pool[_norm(task.text)].pop(0)) for task in clean if pool.get(_norm(task.text))]


def _agencies(task: Task) -> frozenset:
    return frozenset((m.agency.key, m.role.value) for m in task.agencies)


def _deadline(task: Task) -> tuple | None:
    d = task.deadline
    return (d.kind.value, d.start, d.end) if d else None


def _targets(document: Document) -> list[tuple]:
    return [(v.low, v.high, v.comparator, v.unit, v.base, t.year) for t in document.targets for v in t.values]


def _metadata(document: Document) -> list[tuple[str, str]]:
    meta = document.meta
    fields = {"kind": meta.kind, "symbol": meta.symbol, "date": meta.date or "",
              "issuer": meta.issuer.key if meta.issuer else "", "jurisdiction": meta.jurisdiction,
              "signer": _norm(meta.signer or ""), "signer_capacity": _norm(meta.signer_capacity or "")}
    return list(fields.items())


def _citations(document: Document) -> list[tuple]:
    return sorted({(_norm(c.target.symbol), c.relation.value) for c in document.citations})


def _top(links: list[Link], link_type: str) -> str:
    return next((l.target for l in links if l.link_type == link_type), "")


def _accepted(links: list[Link]) -> frozenset:
    return frozenset((l.link_type, l.target) for l in links if l.status == "accepted")


def agreement(clean: Run, variant: Run) -> dict[str, float | None]:
    """Per field, the share of the clean run's facts that the variant gives identically."""
    pairs = pair_tasks(clean.document.tasks, variant.document.tasks)
    linked = [(a, b) for a, b in pairs if a.local_id in clean.links]

    def same(key: Callable[[Task], object], among=pairs) -> float | None:
        return _ratio(sum(key(a) == key(b) for a, b in among), len(among))

    def same_link(key: Callable[[list[Link]], object]) -> float | None:
        return _ratio(sum(key(clean.links[a.local_id]) == key(variant.links.get(b.local_id, []))
                          for a, b in linked), len(linked))

    return {
        "tasks": _ratio(len(pairs), max(len(clean.document.tasks), len(variant.document.tasks))),
        "task-groups": same(lambda t: _norm(t.group_heading)),
        "agencies": same(_agencies),
        "deadlines": same(_deadline),
        "targets": _multiset_agreement(_targets(clean.document), _targets(variant.document)),
        "metadata": _multiset_agreement(_metadata(clean.document), _metadata(variant.document)),
        "citations": _multiset_agreement(_citations(clean.document), _citations(variant.document)),
        "group-link": same_link(lambda links: _top(links, "serves-group")),
        "task-link": same_link(lambda links: _top(links, "implements")),
        "accepted-links": same_link(_accepted),
    }


def _perturbed_labels(labels: dict, quote: Callable[[str], str]) -> dict:
    def walk(value):
        if isinstance(value, dict):
            return {k: quote(v) if k == "quote" and isinstance(v, str) else walk(v) for k, v in value.items()}
        return [walk(v) for v in value] if isinstance(value, list) else value
    return walk(labels)


@dataclass
class Result:
    source_id: str
    variant: str
    changed: bool  # False when the variant does not apply (the text came back unchanged)
    agreement: dict[str, float | None]
    labels: dict[str, Score]
    links: dict[str, float | None]


def _label_scores(run: Run, extraction_labels: dict | None, link_labels: list[Label], layer: Layer | None,
                  quote: Callable[[str], str]) -> tuple[dict[str, Score], dict[str, float | None]]:
    scores = evaluate_document(run.document, _perturbed_labels(extraction_labels, quote)) if extraction_labels else {}
    rates: dict[str, float | None] = {}
    if layer is not None and link_labels:
        labels = [Label(l.source_id, " ".join(quote(l.quote).split()), l.group57, l.tasks03, l.weak03, l.provenance)
                  for l in link_labels]
        counts: Counts = score_document(run.document, layer, labels, run.ranker)
        rates = {"labels found": 1 - len(counts.unmatched) / len(labels)} | counts.rates()
    return {name: scores[name] for name in LABEL_FIELDS if name in scores}, rates


def evaluate(data_dir: Path, labels_dir: Path, layer: Layer | None, states: tuple[str, ...] = ("clean",),
             variants: tuple[Variant, ...] = VARIANTS, examples: Sequence[Example] = ()) -> list[Result]:
    """Every variant of every seed whose manifest text_state is in `states` (linking too when a
    layer is given, with the confirmed `examples` as a build uses them), compared with the clean
    run and the labels."""
    sources_dir = data_dir / "sources"
    index = CentralIndex(layer) if layer is not None else None
    extraction_labels = load_labels(labels_dir) if labels_dir.is_dir() else {}
    link_labels = load_link_labels() if layer is not None else []
    results = []
    for name, entry in sorted(load_manifest(sources_dir).items()):
        if entry.get("text_state", "clean") not in states:
            continue
        source_id = Path(name).stem
        raw = (sources_dir / name).read_bytes().decode("utf-8-sig")
        clean = run_text(raw, source_id, entry, layer, examples, index)
        mine = [l for l in link_labels if l.source_id == source_id]
        for variant in (Variant("clean", lambda t: t), *variants):
            text = variant.perturb(raw)
            run = clean if variant.name == "clean" else run_text(text, source_id, entry, layer, examples, index)
            labels, rates = _label_scores(run, extraction_labels.get(source_id), mine, layer, variant.quote)
            results.append(Result(source_id, variant.name, variant.name == "clean" or text != raw,
                                  agreement(clean, run), labels, rates))
    return results


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def format_results(results: list[Result]) -> str:
    """Two tables per seed: agreement with the clean run, and label precision / recall."""
    lines = []
    for source_id in sorted({r.source_id for r in results}):
        mine = [r for r in results if r.source_id == source_id]
        lines.append(f"{source_id}: agreement with the clean run")
        lines.append(f"  {'variant':20}" + "".join(f"{n[:14]:>15}" for n in AGREEMENT_FIELDS))
        for r in mine:
            if r.variant != "clean":
                cells = "".join(f"{_cell(r.agreement[n]) if r.changed else 'n/a':>15}" for n in AGREEMENT_FIELDS)
                lines.append(f"  {r.variant:20}" + cells)
        lines.append(f"{source_id}: against the labels (extraction precision / recall; linking rates)")
        lines.append(f"  {'variant':20}" + "".join(f"{n[:15]:>16}" for n in LABEL_FIELDS + LINK_RATES))
        for r in mine:
            cells = "".join(f"{(_cell(r.labels[n].precision) + '/' + _cell(r.labels[n].recall)) if n in r.labels else '-':>16}"
                            for n in LABEL_FIELDS)
            cells += "".join(f"{_cell(r.links.get(n)):>16}" for n in LINK_RATES)
            lines.append(f"  {r.variant:20}" + (cells if r.changed else f"{'n/a (variant does not apply)':>32}"))
    return "\n".join(lines)
