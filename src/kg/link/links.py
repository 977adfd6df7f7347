"""Turn rankings into Link objects with a confidence, a method, evidence and a status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from kg.link.calibrate import LinkModel, candidate_features
from kg.link.examples import Example, usable_for
from kg.link.rank import CentralIndex, Layer, Ranking, Weights, rank_combined
from kg.model import Document, Link, Task

Ranker = Callable[[list[Task], Layer], list[Ranking]]

TOP_TASKS = 3  # 03 task candidates kept per local task (recall@3 is what a reviewer sees)
TOP_GROUPS = 2
# Accept a first-ranked link above these confidences: chosen from the measured precision of
# accepted links on the labels (docs/linking.md), aiming at >= 95 % precise accepted links.
ACCEPT_TASK = 0.90
ACCEPT_GROUP = 0.90
# … or above this one when the 03 task sits in the task's accepted 57 group: two signals agree.
ACCEPT_TASK_IN_GROUP = 0.75


def task_confidence(scores: list[float], rank: int) -> float:
    """Confidence of the candidate at `rank` (0-based): its score, discounted when the next
    candidate is nearly as good (an ambiguous choice is less certain than a clear winner)."""
    score = max(0.0, min(1.0, scores[rank]))
    following = scores[rank + 1] if rank + 1 < len(scores) else 0.0
    margin = (scores[rank] - following) / scores[rank] if scores[rank] > 0 else 0.0
    return round(score ** 0.5 * (0.5 + 0.5 * max(0.0, min(1.0, margin * 4))), 4)


def accept_task_link(target: str, confidence: float, ranking: Ranking) -> bool:
    """A first-ranked 03 task link is accepted when confident, or fairly confident and inside
    the 57 group the task's own (accepted) group link names."""
    if confidence >= ACCEPT_TASK:
        return True
    group, prob = ranking.groups[0] if ranking.groups else (None, 0.0)
    return confidence >= ACCEPT_TASK_IN_GROUP and prob >= ACCEPT_GROUP and ranking.target_groups.get(target) == group


def links_for_task(source_id: str, task: Task, ranking: Ranking, model: LinkModel | None = None) -> list[Link]:
    """The task's group and 03 task links. With a calibrated `model`, a 03 task link's confidence
    is the model's probability and every candidate at or above its cut is accepted; without one,
    the first candidate is accepted by the fixed thresholds."""
    links = []
    for rank, (group, prob) in enumerate(ranking.groups[:TOP_GROUPS], start=1):
        confidence = round(prob, 4)
        method = "structure" if task.group_heading else "combined"
        status = "accepted" if rank == 1 and confidence >= ACCEPT_GROUP else "suggested"
        links.append(Link(source_id, task.local_id, f"group:{group}", "serves-group", confidence, method, task.span, status, rank))
    scores = [s for _, s in ranking.tasks]
    ceiling = 1.0  # a lower-ranked candidate is never more certain than the one above it
    for rank, (target, _) in enumerate(ranking.tasks[:TOP_TASKS], start=1):
        method = ranking.signals.get(target, "combined")
        if method == "explicit-reference":
            confidence = 1.0
        elif model is not None:
            confidence = min(ceiling, model.probability(candidate_features(ranking, rank - 1)))
        else:
            confidence = min(ceiling, task_confidence(scores, rank - 1))
        ceiling = confidence
        if model is not None:
            accepted = confidence >= model.cut
        else:
            accepted = rank == 1 and accept_task_link(target, confidence, ranking)
        status = "accepted" if accepted else "suggested"
        links.append(Link(source_id, task.local_id, target, "implements", confidence, method, task.span, status, rank))
    return links


def linkable_tasks(document: Document) -> list[Task]:
    return [t for t in document.tasks if t.section == "tasks"]


def ranker_for(document: Document, index: CentralIndex, examples: Sequence[Example],
               hold_out_place: bool = False, model: LinkModel | None = None) -> Ranker:
    """The combined ranker for one document: the build's central index, the confirmed examples
    the document may learn from (kg.link.examples.usable_for), the model's semantic weights."""
    weights = model_weights(model)
    return partial(rank_combined, weights=weights, index=index, examples=usable_for(examples, document, hold_out_place))


def model_weights(model: LinkModel | None) -> Weights:
    if model is None:
        return Weights()
    return replace(Weights(), semantic=model.semantic, semantic_example=model.semantic_example,
                   semantic_floor=model.semantic_floor, clause_winners=model.clause_winners)


def link_document(document: Document, layer: Layer, ranker: Ranker = rank_combined,
                  model: LinkModel | None = None) -> list[Link]:
    """Links from every task of the document (its 'tasks' section) to the 57 groups and the 03
    Phụ lục II tasks, best first. Deterministic: same document and layer, same links."""
    tasks = linkable_tasks(document)
    links = []
    for task, ranking in zip(tasks, ranker(tasks, layer)):
        links += links_for_task(document.source.source_id, task, ranking, model)
    return links
