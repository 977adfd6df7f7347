"""Measure the target linker against eval/labels/targets.json.

A label is found again by its quote: the target whose evidence holds the start of the quote.
When extraction fused several labelled sentences into one target, the target is scored against
the first label and the others' indicators and rows count as acceptable alternatives (the label
file's convention for a sentence naming two indicators); how many labels were fused so is shown.

Scores per document: indicator@1 (the 'measures' link, or none where the label has no indicator),
echoes03@1 (the 03/NQ-CP Phụ lục I echo, or none), and precision/recall of accepted target links
(an accepted 57-NQ/TW echo is right when that national target measures a labelled indicator).
`leave_one_out` chooses the thresholds on the other documents and scores the held-out one; the
thresholds shipped in kg.link.targets are the ones the same rule chooses on all labels."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.central.layer import CentralLayer
from kg.evaluation import Tally, ratio
from kg.evaluation.links import find_holding
from kg.link.targets import TargetLinker, Thresholds, link_targets
from kg.model import Document, Link, Target

LABELS = Path(__file__).resolve().parents[3] / "eval" / "labels" / "targets.json"
# Grid searched by leave_one_out: the fuzzy-indicator and the acceptance thresholds.
FUZZY_GRID = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)
ACCEPT_GRID = (0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90)


@dataclass(frozen=True)
class TargetLabel:
    source_id: str
    quote: str
    indicator: str  # '' when no indicator fits
    indicator_weak: tuple[str, ...]
    echoes03: str  # 'PL1.10'; '' when no row fits
    echoes03_weak: tuple[str, ...]
    provenance: str


def load_labels(path: Path = LABELS) -> list[TargetLabel]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [TargetLabel(x["source_id"], " ".join(x["quote"].split()), x["indicator"] or "",
                        tuple(x["indicator_weak"]), x["echoes03"] or "", tuple(x["echoes03_weak"]), x["provenance"])
            for x in data["labels"]]


def find_target(document: Document, quote: str) -> Target | None:
    """The target whose evidence holds the start of the quote; the shortest when several do."""
    return find_holding(document, document.targets, quote, lambda t: t.evidence)


def merge_fused(labels: list[TargetLabel]) -> TargetLabel:
    """One label for a target holding several labelled quotes: the first, the others as alternatives."""
    first, rest = labels[0], labels[1:]
    return replace(first,
                   indicator_weak=first.indicator_weak + tuple(x for l in rest for x in (l.indicator, *l.indicator_weak) if x),
                   echoes03_weak=first.echoes03_weak + tuple(x for l in rest for x in (l.echoes03, *l.echoes03_weak) if x))


@dataclass
class Counts(Tally):
    labels: int = 0
    unmatched: int = 0  # quotes no extracted target holds
    fused: int = 0  # labels sharing a target with an earlier label
    indicator_total: int = 0
    indicator_at1: int = 0
    echo_total: int = 0
    echo_at1: int = 0
    accepted: int = 0
    accepted_right: int = 0
    pairs: int = 0  # labelled (target, indicator) and (target, 03 row) pairs
    pairs_found: int = 0  # … recovered by an accepted link
    errors: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float | None]:
        return {"indicator@1": ratio(self.indicator_at1, self.indicator_total),
                "echoes03@1": ratio(self.echo_at1, self.echo_total),
                "accepted precision": ratio(self.accepted_right, self.accepted),
                "accepted recall": ratio(self.pairs_found, self.pairs)}

    def f1(self) -> float:
        rates = self.rates()
        p, r = rates["accepted precision"] or 0.0, rates["accepted recall"] or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _right(link: Link, label: TargetLabel, national_keys: dict[str, str]) -> bool:
    indicators = {label.indicator, *label.indicator_weak} - {""}
    if link.link_type == "measures":
        return link.target.removeprefix("indicator:") in indicators
    if link.target.startswith("PL1."):
        return link.target in {label.echoes03, *label.echoes03_weak} - {""}
    return national_keys.get(link.target, "") in indicators


def score_document(document: Document, linker: TargetLinker, labels: list[TargetLabel],
                   national_keys: dict[str, str]) -> Counts:
    counts = Counts(labels=len(labels))
    by_target: dict[str, list[TargetLabel]] = {}
    for label in labels:
        target = find_target(document, label.quote)
        if target is None:
            counts.unmatched += 1
        else:
            by_target.setdefault(target.local_id, []).append(label)
    links: dict[str, list[Link]] = {}
    for link in link_targets(document, linker):
        links.setdefault(link.source_local_id, []).append(link)
    for local_id, found in by_target.items():
        counts.fused += len(found) - 1
        label = merge_fused(found)
        own = links.get(local_id, [])
        measures = next((l.target.removeprefix("indicator:") for l in own if l.link_type == "measures"), "")
        echo03 = next((l.target for l in own if l.link_type == "echoes" and l.target.startswith("PL1.")), "")
        counts.indicator_total += 1
        indicator_ok = measures in {label.indicator, *label.indicator_weak}  # '' (no link) right when unlabelled
        counts.indicator_at1 += indicator_ok
        counts.echo_total += 1
        echo_ok = echo03 in {label.echoes03, *label.echoes03_weak}
        counts.echo_at1 += echo_ok
        if not (indicator_ok and echo_ok):
            counts.errors.append(f"{local_id}: measures {measures or '-'} (label {label.indicator or '-'}), "
                                 f"echoes {echo03 or '-'} (label {label.echoes03 or '-'}): {label.quote[:60]}")
        accepted = [l for l in own if l.status == "accepted"]
        counts.accepted += len(accepted)
        counts.accepted_right += sum(_right(l, label, national_keys) for l in accepted)
        counts.pairs += bool(label.indicator) + bool(label.echoes03)
        counts.pairs_found += sum(l.status == "accepted" and l.target in {f"indicator:{label.indicator}", label.echoes03}
                                  for l in own)
    return counts


def evaluate(documents: list[Document], layer: CentralLayer, labels: list[TargetLabel],
             thresholds: Thresholds = Thresholds()) -> dict[str, Counts]:
    """{source_id or 'overall': Counts} at the given thresholds."""
    linker = TargetLinker(layer, thresholds)
    national_keys = {t.target.local_id: t.target.indicator_key for t in linker.targets}
    result, overall = {}, Counts()
    for document in documents:
        mine = [l for l in labels if l.source_id == document.source.source_id]
        if mine:
            result[document.source.source_id] = score_document(document, linker, mine, national_keys)
            overall.add(result[document.source.source_id])
    result["overall"] = overall
    return result


def grid_results(documents: list[Document], layer: CentralLayer, labels: list[TargetLabel]
                 ) -> dict[Thresholds, dict[str, Counts]]:
    return {t: evaluate(documents, layer, labels, t)
            for t in (Thresholds(fuzzy_indicator=f, accept=a) for f, a in itertools.product(FUZZY_GRID, ACCEPT_GRID))}


def choose_thresholds(grid: dict[Thresholds, dict[str, Counts]], held_out: str = "") -> Thresholds:
    """The thresholds with the best F1 of accepted links on every document but `held_out`; ties
    go to the higher acceptance threshold, then the higher fuzzy threshold (fewer, surer links)."""
    def f1(t: Thresholds) -> float:
        train = Counts()
        for name, counts in grid[t].items():
            if name not in (held_out, "overall"):
                train.add(counts)
        return round(train.f1(), 6)

    return max(grid, key=lambda t: (f1(t), t.accept, t.fuzzy_indicator))


def leave_one_out(grid: dict[Thresholds, dict[str, Counts]]) -> dict[str, tuple[Thresholds, Counts]]:
    """Per labelled document: the thresholds chosen on the other documents and the held-out
    document's counts at them; 'overall' sums the held-out counts."""
    held_out: dict[str, tuple[Thresholds, Counts]] = {}
    overall = Counts()
    for doc in [d for d in next(iter(grid.values())) if d != "overall"]:
        best = choose_thresholds(grid, doc)
        held_out[doc] = (best, grid[best][doc])
        overall.add(grid[best][doc])
    held_out["overall"] = (choose_thresholds(grid), overall)
    return held_out


def format_table(result: dict[str, Counts], title: str = "target links") -> str:
    lines = [title]
    for doc, counts in result.items():
        rates = counts.rates()
        lines.append(f"{doc}  (labels: {counts.labels}, no target holds the quote: {counts.unmatched}, "
                     f"fused into an earlier label's target: {counts.fused})")
        for metric, value in rates.items():
            lines.append(f"  {metric:26}{'-' if value is None else f'{value:.3f}':>10}")
    return "\n".join(lines)


def format_leave_one_out(held_out: dict[str, tuple[Thresholds, Counts]]) -> str:
    lines = ["target links, leave-one-document-out (thresholds chosen on the other documents)"]
    for doc, (thresholds, counts) in held_out.items():
        chosen = f"  [fuzzy {thresholds.fuzzy_indicator:.2f}, accept {thresholds.accept:.2f}" + (
            " chosen on all labels]" if doc == "overall" else "]")
        rates = counts.rates()
        lines.append(f"  {doc:32}" + "  ".join(f"{m} {'-' if v is None else f'{v:.3f}'}" for m, v in rates.items())
                     + chosen)
    return "\n".join(lines)


def main(sources_dir: Path | None = None, reference_dir: Path | None = None, errors: bool = False) -> str:
    """The target-link tables for the seed documents, from the committed reference layer."""
    from kg.central import load_reference
    from kg.config import DATA_DIR
    from kg.pipeline import extract_all

    layer = load_reference(reference_dir or DATA_DIR / "reference")
    documents, _ = extract_all(sources_dir or DATA_DIR / "sources")
    labels = load_labels()
    result = evaluate(documents, layer, labels)
    text = format_table(result, "target links (thresholds as shipped)")
    if errors:
        text += "\n" + "\n".join(f"  {doc}: {e}" for doc, c in result.items() if doc != "overall" for e in c.errors)
    return text + "\n" + format_leave_one_out(leave_one_out(grid_results(documents, layer, labels)))


if __name__ == "__main__":
    print(main(errors=True))
