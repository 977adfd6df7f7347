"""Measure the linker against eval/labels/links.json: baseline and method side by side.

A label is found again by its quote (whitespace-collapsed substring of a task's text), so the
labels survive changes to extraction and local ids. A first-ranked 03 task counts as right
when it is one of the label's clear tasks (`tasks03`); a link accepted to a clear *or* weak task
is not wrong (weak tasks are acceptable topical overlaps)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kg.evaluation import Tally, ratio
from kg.link.examples import Example
from kg.link.calibrate import LinkModel, load_model
from kg.link.links import Ranker, link_document, linkable_tasks, ranker_for
from kg.link.rank import CentralIndex, Layer, rank_plain_tfidf
from kg.link.semantic import Embedder
from kg.model import Document, Link, Span, Task

LABELS = Path(__file__).resolve().parents[3] / "eval" / "labels" / "links.json"


@dataclass(frozen=True)
class Label:
    source_id: str
    quote: str
    group57: int | None
    tasks03: tuple[str, ...]  # central ids, 'PL2.14'
    weak03: tuple[str, ...]
    provenance: str


def load_labels(path: Path = LABELS) -> list[Label]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Label(x["source_id"], " ".join(x["quote"].split()), x.get("group57"),
              tuple(f"PL2.{n}" for n in x["tasks03"]), tuple(f"PL2.{n}" for n in x["tasks03_weak"]), x["provenance"])
        for x in data["labels"]
    ]


_LABEL_SLACK = 8  # a quote may start with the item label ('a) ') that the span leaves out
T = TypeVar("T")


def quote_start(text: str, quote: str) -> int | None:
    """Where the quote (whitespace-insensitive) first occurs in the text."""
    found = re.search(r"\s+".join(map(re.escape, quote.split())), text)
    return found.start() if found else None


def find_holding(document: Document, items: Sequence[T], quote: str, span_of: Callable[[T], Span]) -> T | None:
    """The item whose span holds the start of the quote in the source text; the shortest one
    when items nest."""
    at = quote_start(document.source.text, quote)
    if at is None:
        return None
    hits = [i for i in items if span_of(i).start - _LABEL_SLACK <= at < span_of(i).end]
    return min(hits, key=lambda i: span_of(i).end - span_of(i).start) if hits else None


def find_task(document: Document, tasks: list[Task], quote: str) -> Task | None:
    return find_holding(document, tasks, quote, lambda t: t.span)


@dataclass
class Counts(Tally):
    group_total: int = 0
    group_at1: int = 0
    group_at3: int = 0
    task_total: int = 0
    task_at1: int = 0
    task_at3: int = 0
    accepted: int = 0  # accepted task links on labelled tasks
    accepted_right: int = 0  # … to a clear or weak task
    clear_pairs: int = 0
    clear_found: int = 0  # clear pairs recovered by an accepted link
    group_accepted: int = 0
    group_accepted_right: int = 0
    unmatched: list[str] = field(default_factory=list)  # quotes no task holds

    def rates(self) -> dict[str, float | None]:
        return {
            "group@1": ratio(self.group_at1, self.group_total),
            "group@3": ratio(self.group_at3, self.group_total),
            "task@1": ratio(self.task_at1, self.task_total),
            "task@3": ratio(self.task_at3, self.task_total),
            "accepted precision": ratio(self.accepted_right, self.accepted),
            "accepted recall": ratio(self.clear_found, self.clear_pairs),
            "group accepted precision": ratio(self.group_accepted_right, self.group_accepted),
        }


def score_document(document: Document, layer: Layer, labels: Iterable[Label], ranker: Ranker) -> Counts:
    return score_links(document, link_document(document, layer, ranker), labels)


def score_links(document: Document, document_links: Iterable[Link], labels: Iterable[Label]) -> Counts:
    """The document's links scored against its labels."""
    tasks = linkable_tasks(document)
    by_task: dict[str, list[Link]] = {}
    for link in document_links:
        by_task.setdefault(link.source_local_id, []).append(link)
    counts = Counts()
    for label in labels:
        task = find_task(document, tasks, label.quote)
        if task is None:
            counts.unmatched.append(label.quote)
            continue
        links = sorted(by_task.get(task.local_id, []), key=lambda l: l.rank)
        groups = [l for l in links if l.link_type == "serves-group"]
        targets = [l for l in links if l.link_type == "implements"]
        if label.group57:
            counts.group_total += 1
            counts.group_at1 += groups[0].target == f"group:{label.group57}"
            counts.group_at3 += f"group:{label.group57}" in {l.target for l in groups[:3]}
            accepted_groups = [l for l in groups if l.status == "accepted"]
            counts.group_accepted += len(accepted_groups)
            counts.group_accepted_right += sum(l.target == f"group:{label.group57}" for l in accepted_groups)
        if label.tasks03:
            counts.task_total += 1
            counts.task_at1 += targets[0].target in label.tasks03
            counts.task_at3 += bool(set(label.tasks03) & {l.target for l in targets[:3]})
        accepted = [l for l in targets if l.status == "accepted"]
        counts.accepted += len(accepted)
        counts.accepted_right += sum(l.target in label.tasks03 + label.weak03 for l in accepted)
        counts.clear_pairs += len(label.tasks03)
        counts.clear_found += sum(l.target in label.tasks03 for l in accepted)
    return counts


def label_examples(documents: list[Document], labels: list[Label]) -> list[Example]:
    """The labelled tasks with a clear 03 task, as confirmed examples for the ranker."""
    examples = {}
    for document in documents:
        tasks = linkable_tasks(document)
        for label in labels:
            task = find_task(document, tasks, label.quote) if label.source_id == document.source.source_id else None
            if task is not None and label.tasks03:
                key = (document.source.source_id, task.local_id)
                targets = examples[key].targets + label.tasks03 if key in examples else label.tasks03
                examples[key] = Example(task.text, tuple(dict.fromkeys(targets)), document.meta.jurisdiction,
                                        document.source.source_id)
    return [examples[key] for key in sorted(examples)]


def rankers(layer: Layer, examples: list[Example]) -> dict[str, Callable[[Document], Ranker]]:
    """The rankers compared, each made for one document: the plain TF-IDF baseline, the method
    without confirmed examples, and the method with the examples of the other provinces only
    (a build also lets a plan learn from its own province's other plans)."""
    index = CentralIndex(layer)
    return {
        "baseline": lambda document: rank_plain_tfidf,
        "no-examples": lambda document: ranker_for(document, index, ()),
        "method": lambda document: ranker_for(document, index, examples, hold_out_place=True),
    }


def evaluate(documents: list[Document], layer: Layer, labels: list[Label]) -> dict[str, dict[str, Counts]]:
    """{ranker: {source_id or 'overall': Counts}}. The examples come from the same labels, but
    a document is never ranked with its own province's (kg.link.examples.usable_for)."""
    result: dict[str, dict[str, Counts]] = {}
    for name, ranker_of in rankers(layer, label_examples(documents, labels)).items():
        per_doc = {}
        overall = Counts()
        for document in documents:
            mine = [l for l in labels if l.source_id == document.source.source_id]
            if mine:
                per_doc[document.source.source_id] = score_document(document, layer, mine, ranker_of(document))
                overall.add(per_doc[document.source.source_id])
        per_doc["overall"] = overall
        result[name] = per_doc
    return result


def format_table(result: dict[str, dict[str, Counts]]) -> str:
    names = list(result)
    metrics = list(Counts().rates())
    lines = []
    for doc in result[names[0]]:
        counts = result[names[0]][doc]
        lines.append(f"{doc}  (labels: {counts.group_total} with a group, {counts.task_total} with a clear 03 task)")
        lines.append(f"  {'metric':26}" + "".join(f"{n:>13}" for n in names))
        for metric in metrics:
            cells = [result[n][doc].rates()[metric] for n in names]
            lines.append(f"  {metric:26}" + "".join(f"{'-' if c is None else f'{c:.3f}':>13}" for c in cells))
        if counts.unmatched:
            lines.append(f"  labels whose quote no task holds: {len(counts.unmatched)}")
    return "\n".join(lines)


def build_mode(documents: list[Document], layer: Layer, labels: list[Label], index: CentralIndex,
               model: LinkModel | None) -> dict[str, dict[str, Counts]]:
    """As `kg build` links: the shipped model (chosen on every label, so it flatters) and the
    examples of every other plan, the plan's own province included."""
    examples = label_examples(documents, labels)
    result: dict[str, dict[str, Counts]] = {}
    for name, link in {
        "baseline": lambda d: link_document(d, layer, rank_plain_tfidf),
        "previous": lambda d: link_document(d, layer, ranker_for(d, index, examples)),
        "calibrated": lambda d: link_document(d, layer, ranker_for(d, index, examples, model=model), model),
    }.items():
        per_doc, overall = {}, Counts()
        for document in documents:
            mine = [l for l in labels if l.source_id == document.source.source_id]
            if mine:
                per_doc[document.source.source_id] = score_links(document, link(document), mine)
                overall.add(per_doc[document.source.source_id])
        per_doc["overall"] = overall
        result[name] = per_doc
    return result


def run(sources_dir: Path, layer: Layer, labels_path: Path = LABELS) -> dict[str, dict[str, Counts]]:
    """The previous three-ranker comparison (kept for its tests): province held out for examples."""
    documents, labels = read(sources_dir, labels_path)
    return evaluate(documents, layer, labels)


def read(sources_dir: Path, labels_path: Path = LABELS) -> tuple[list[Document], list[Label]]:
    from kg.extract import extract_document
    from kg.sources import load_sources

    sources, _ = load_sources(sources_dir)
    return [extract_document(s) for s in sources], load_labels(labels_path)


def main(sources_dir: Path | None = None, reference_dir: Path | None = None, cache_dir: Path | None = None) -> str:
    """The unseen-province table first, then the build-mode table, from the committed reference layer."""
    from kg.central import load_reference
    from kg.config import DATA_DIR
    from kg.evaluation.unseen import (Protocol, evaluate_unseen, format_coverage, format_models,
                                       format_reliability, plans_of)

    reference_dir = reference_dir or DATA_DIR / "reference"
    layer = load_reference(reference_dir)
    documents, labels = read(sources_dir or DATA_DIR / "sources")
    index = CentralIndex(layer, Embedder(cache_dir))
    unseen = evaluate_unseen(Protocol(plans_of(documents, labels), index, label_examples(documents, labels)),
                             rank_plain_tfidf, label_examples(documents, labels))
    return "\n".join([
        "Unseen province (leave one province out: examples, weights, calibration and cut chosen on the others)",
        format_table(unseen.counts),
        "province x 03-task cells of labelled tasks (accepted links against the labels):",
        format_coverage(unseen.coverage),
        "chosen per fold:",
        format_models(unseen.models),
        "reliability of the calibrated probabilities (first three candidates of labelled tasks, held out):",
        format_reliability(unseen.predictions),
        "",
        "Build mode (shipped model, examples of every other plan: flatters)",
        format_table(build_mode(documents, layer, labels, index, load_model(reference_dir))),
    ])
