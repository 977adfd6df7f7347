"""Extraction evaluation: compare `extract_document` output with hand labels.

Labels (eval/labels/extraction/<source_id>.json) are keyed by quotes, not offsets, so they
survive parser changes. Text is compared accent-folded; OCR text also fuzzily (rapidfuzz),
because a quote copied from the OCR text may be cut differently by the parser.

Items are matched one to one in document order: a predicted task that swallows two labelled
tasks matches only one (the other counts as lost), a task predicted twice counts once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from kg.model import Document, Span, Task
from kg.parse.normalize import fold

FIELDS = ("metadata", "citations", "tasks", "task-groups", "agencies", "deadlines",
          "targets", "target-comparator", "target-unit", "target-year")
_META_FIELDS = ("kind", "symbol", "date", "issuer", "jurisdiction", "signer", "signer_capacity")
_RELATION_RANK = {"implements": 4, "amends": 3, "replaces": 3, "based-on": 2, "mentions": 1}
_FUZZY_MIN = 88


@dataclass
class Score:
    tp: int = 0
    predicted: int = 0
    expected: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.expected += other.expected
        self.errors += other.errors


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w%]+", " ", fold(text))).strip()


def contains(haystack: str, quote: str) -> bool:
    """The quote occurs in the text, folded; for OCR-like text, nearly (partial ratio)."""
    h, q = _norm(haystack), _norm(quote)
    if not q:
        return False
    if q in h:
        return True
    return len(q) >= 15 and fuzz.partial_ratio(q, h) >= _FUZZY_MIN


def _agency_key(name: str) -> str:
    """Compare agencies on their folded name without 'các', scope words or punctuation."""
    key = _norm(name)
    key = re.sub(r"^(cac|moi|nhung) ", "", key)
    key = re.sub(r" (thanh pho|tinh|tp)$", "", key)
    return key


def _same_agency(a: str, b: str) -> bool:
    ka, kb = _agency_key(a), _agency_key(b)
    return ka == kb or fuzz.ratio(ka, kb) >= _FUZZY_MIN


def _symbol_key(symbol: str) -> str:
    return re.sub(r"\s+", "", fold(symbol)).upper()


def score_metadata(doc: Document, labels: dict) -> Score:
    meta, expected = doc.meta, labels["metadata"]
    predicted = {
        "kind": meta.kind, "symbol": meta.symbol, "date": meta.date or "",
        "issuer": meta.issuer.name if meta.issuer else "", "jurisdiction": meta.jurisdiction,
        "signer": meta.signer, "signer_capacity": meta.signer_capacity,
    }
    score = Score()
    for name in _META_FIELDS:
        want, got = expected.get(name) or "", predicted[name] or ""
        score.predicted += bool(got)
        score.expected += bool(want)
        if want and got and _norm(want) == _norm(got):
            score.tp += 1
        elif want or got:
            score.errors.append(f"metadata {name}: expected {want!r}, got {got!r}")
    return score


def document_citations(doc: Document) -> dict[str, tuple[str, str | None]]:
    """Symbol -> (strongest relation over its occurrences, a date where one is given)."""
    out: dict[str, tuple[str, str | None]] = {}
    for citation in doc.citations:
        key = _symbol_key(citation.target.symbol)
        relation, date = out.get(key, ("mentions", None))
        if _RELATION_RANK[citation.relation.value] > _RELATION_RANK[relation]:
            relation = citation.relation.value
        out[key] = (relation, date or citation.target.date)
    return out


def score_citations(doc: Document, labels: dict) -> Score:
    predicted = document_citations(doc)
    expected = {_symbol_key(c["symbol"]): c for c in labels["citations"]}
    score = Score(predicted=len(predicted), expected=len(expected))
    for key, label in expected.items():
        got = predicted.get(key)
        if got is None:
            score.errors.append(f"citation lost: {label['symbol']}")
        elif got[0] != label["relation"] or (label.get("date") and got[1] != label["date"]):
            score.errors.append(f"citation {label['symbol']}: expected {label['relation']} {label.get('date')}, got {got}")
        else:
            score.tp += 1
    score.errors += [f"citation extra: {key}" for key in predicted if key not in expected]
    return score


def _holds(text: str, span: Span, quote: str) -> bool:
    """The extracted text holds the label's quote, or (for OCR-repaired text, whose labels quote
    the source as it is) the source stretch it was read from does."""
    return contains(text, quote) or bool(span.repaired) and contains(span.text, quote)


def match_tasks(tasks: list[Task], labels: list[dict]) -> list[tuple[dict, Task | None]]:
    """Each label gets the first unused predicted task (in document order) holding its quote."""
    used: set[int] = set()
    pairs = []
    for label in labels:
        hit = next((i for i, task in enumerate(tasks) if i not in used and _holds(task.text, task.span, label["quote"])),
                   None)
        if hit is not None:
            used.add(hit)
        pairs.append((label, tasks[hit] if hit is not None else None))
    return pairs


def _agency_pairs(mentions) -> list[tuple[str, str]]:
    return [(m.agency.name, m.role.value) for m in mentions]


def _score_agencies(expected: list[tuple[str, str]], predicted: list[tuple[str, str]], where: str) -> Score:
    score = Score(predicted=len(predicted), expected=len(expected))
    left = list(predicted)
    for name, role in expected:
        hit = next((p for p in left if p[1] == role and _same_agency(p[0], name)), None)
        if hit:
            left.remove(hit)
            score.tp += 1
        else:
            score.errors.append(f"agency lost in {where}: {role} {name}")
    score.errors += [f"agency extra in {where}: {role} {name}" for name, role in left]
    return score


def _deadline_matches(label: dict, deadline) -> bool:
    return (deadline is not None and deadline.kind.value == label["kind"]
            and (deadline.start or None) == label.get("start") and (deadline.end or None) == label.get("end"))


def score_tasks(doc: Document, labels: dict) -> dict[str, Score]:
    pairs = match_tasks(doc.tasks, labels["tasks"])
    parts = {part.path: part for part in doc.parts}
    matched_ids = {id(task) for _, task in pairs if task is not None}
    tasks = Score(predicted=len(doc.tasks), expected=len(pairs))
    groups, agencies, deadlines = Score(), Score(), Score()
    for label, task in pairs:
        quote = label["quote"][:50]
        if task is None:
            tasks.errors.append(f"task lost: {quote}")
            agencies.expected += len(label.get("agencies", []))
            deadlines.expected += "deadline" in label
            continue
        tasks.tp += 1
        if label.get("group"):
            groups.expected += 1
            groups.predicted += 1
            group = parts.get(task.group_path)
            if _holds(task.group_heading, group.span if group else Span(0, 0, ""), label["group"]):
                groups.tp += 1
            else:
                groups.errors.append(f"group of {quote!r}: expected {label['group']!r}, got {task.group_heading[:50]!r}")
        expected_agencies = [(a["name"], a["role"]) for a in label.get("agencies", [])]
        agencies.add(_score_agencies(expected_agencies, _agency_pairs(task.agencies), repr(quote)))
        deadlines.predicted += task.deadline is not None
        deadlines.expected += "deadline" in label
        if "deadline" in label and _deadline_matches(label["deadline"], task.deadline):
            deadlines.tp += 1
        elif "deadline" in label or task.deadline is not None:
            deadlines.errors.append(f"deadline of {quote!r}: expected {label.get('deadline')}, got {task.deadline and (task.deadline.kind.value, task.deadline.start, task.deadline.end)}")
    for task in doc.tasks:
        if id(task) not in matched_ids:
            tasks.errors.append(f"task extra ({task.local_id}): {task.text[:60]}")
            agencies.predicted += len(task.agencies)
            deadlines.predicted += task.deadline is not None
    return {"tasks": tasks, "task-groups": groups, "agencies": agencies, "deadlines": deadlines}


def _value_matches(label: dict, value) -> bool:
    if label["comparator"] == "qualitative":
        return value.comparator == "qualitative"
    return value.low == label["low"] and value.high == label["high"]


def score_targets(doc: Document, labels: dict) -> dict[str, Score]:
    """Target values are matched by quote and number; then comparator, unit (with base) and year."""
    values = [(target, value) for target in doc.targets for value in target.values]
    used: set[int] = set()
    found = Score(predicted=len(values), expected=len(labels["targets"]))
    fields = {name: Score(predicted=len(values), expected=len(labels["targets"]))
              for name in ("target-comparator", "target-unit", "target-year")}
    monitoring = Score()
    for label in labels["targets"]:
        hit = next((i for i, (target, value) in enumerate(values) if i not in used
                    and contains(target.evidence.text, label["quote"]) and _value_matches(label, value)), None)
        monitoring.expected += bool(label.get("monitoring"))
        if hit is None:
            found.errors.append(f"target lost: {label['quote'][:50]} {label['low']}")
            continue
        used.add(hit)
        found.tp += 1
        target, value = values[hit]
        checks = {
            "target-comparator": value.comparator == label["comparator"],
            "target-unit": label["comparator"] == "qualitative"
            or (value.unit == label["unit"] and value.base == label.get("base", "")),
            "target-year": target.year == label.get("year"),
        }
        for name, ok in checks.items():
            if ok:
                fields[name].tp += 1
            else:
                got = {"target-comparator": value.comparator, "target-unit": (value.unit, value.base),
                       "target-year": target.year}[name]
                fields[name].errors.append(f"{name} of {label['quote'][:40]!r}: got {got}")
        if label.get("monitoring"):
            predicted = _agency_pairs(target.monitoring)
            monitoring.predicted += len(predicted)
            if any(role == "monitoring" and _same_agency(name, label["monitoring"]) for name, role in predicted):
                monitoring.tp += 1
            else:
                monitoring.errors.append(f"monitoring agency of {label['quote'][:40]!r}: got {predicted}")
    found.errors += [f"target extra: {values[i][1].text!r} in {values[i][0].indicator_text[:50]!r}"
                     for i in range(len(values)) if i not in used]
    return {"targets": found, "target-monitoring": monitoring, **fields}


def evaluate_document(doc: Document, labels: dict) -> dict[str, Score]:
    metadata = score_metadata(doc, labels)
    metadata.add(score_citations(doc, labels))
    scores = {"metadata": metadata, **score_tasks(doc, labels)}
    target_scores = score_targets(doc, labels)
    scores["agencies"].add(target_scores.pop("target-monitoring"))
    scores.update(target_scores)
    return scores


def load_labels(folder: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def evaluate(labels_dir: Path, sources_dir: Path) -> dict[str, dict[str, Score]]:
    """Scores per document and field, plus 'all' summed over the documents."""
    from kg.extract import extract_document
    from kg.sources import load_sources

    sources = {s.source_id: s for s in load_sources(sources_dir)[0]}
    results: dict[str, dict[str, Score]] = {}
    total = {name: Score() for name in ("metadata", "tasks", "task-groups", "agencies", "deadlines",
                                        "targets", "target-comparator", "target-unit", "target-year")}
    for source_id, labels in load_labels(labels_dir).items():
        if source_id not in sources:
            raise ValueError(f"{labels_dir / (source_id + '.json')}: no source text {source_id}.txt in {sources_dir}")
        scores = evaluate_document(extract_document(sources[source_id]), labels)
        results[source_id] = scores
        for name, score in scores.items():
            total[name].add(score)
    results["all"] = total
    return results


def format_results(results: dict[str, dict[str, Score]], show_errors: bool = False) -> str:
    names = list(results["all"])
    lines = ["document".ljust(34) + "".join(n[:17].rjust(18) for n in names)]
    for doc, scores in results.items():
        cells = "".join(f"{scores[n].precision:6.1%} / {scores[n].recall:6.1%}".rjust(18) for n in names)
        lines.append(doc[:33].ljust(34) + cells)
    lines.append("(each cell: precision / recall)")
    if show_errors:
        for doc, scores in results.items():
            if doc == "all":
                continue
            for name, score in scores.items():
                lines += [f"{doc} {name}: {error}" for error in score.errors]
    return "\n".join(lines)
