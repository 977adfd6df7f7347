"""The 57 group of each local task: votes from its content, its siblings and its heading, then
the plan's order (plans follow the seven groups in order) lifting the group each heading's run
most likely belongs to. Used by the combined ranker (kg.link.rank) as a prior over 03 tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kg.model import Task

if TYPE_CHECKING:  # the ranker's types; rank imports this module
    from kg.link.rank import CentralIndex, Weights


def softmax(scores: np.ndarray, sharpness: float) -> np.ndarray:
    e = np.exp(sharpness * (scores - scores.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


def group_scores(tasks: list[Task], index: CentralIndex, lexical: np.ndarray, weights: Weights) -> np.ndarray:
    """Votes for each 57 group (tasks x groups): the task's own content (its best match in each
    group), the content of its siblings under the same heading (plans list a group's tasks
    together even where the heading itself is lost), and the heading text against the titles."""
    numbers = [g.number for g in index.layer.groups]
    members = [np.array([d.group == n for d in index.directives]) for n in numbers]
    content = np.stack([lexical[:, m].max(axis=1) for m in members], axis=1)
    pooled = np.zeros_like(content)
    for path in {t.group_path for t in tasks}:
        rows = [i for i, t in enumerate(tasks) if t.group_path == path]
        pooled[rows] = content[rows].mean(axis=0)
    headings = [t.group_heading for t in tasks]
    heading = index.similarity("chars", "titles", headings)
    heading[[not h.strip() for h in headings]] = 0.0
    return content + weights.siblings * pooled + weights.heading * heading


def order_lift(tasks: list[Task], scores: np.ndarray, weights: Weights) -> np.ndarray:
    """Lift of the group that the plan's order gives each heading: plans follow the seven 57
    groups in order, so a heading whose own vote is split or wrong (lost headings, Đắk Lắk; a
    news summary's paragraphs) takes the group its neighbours leave for it."""
    lift = np.zeros_like(scores)
    if not weights.order or not len(tasks):
        return lift
    runs = heading_runs(tasks)
    votes = np.stack([softmax(scores[rows], weights.sharpness).mean(axis=0) for rows in runs])
    for rows, column in zip(runs, monotone_groups(np.log(votes), weights.backward)):
        lift[rows, column] = weights.order
    return lift


def heading_runs(tasks: list[Task]) -> list[list[int]]:
    """Task positions grouped into runs of consecutive tasks under the same heading path."""
    runs: list[list[int]] = []
    for i, task in enumerate(tasks):
        if runs and tasks[runs[-1][-1]].group_path == task.group_path:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def monotone_groups(log_votes: np.ndarray, backward: float) -> list[int]:
    """The group column of each run (rows, in document order) that best fits the votes when
    plans follow the order of the seven 57 groups: staying or moving on is free, going back to
    an earlier group costs `backward` (a plan may restart, e.g. in an appendix). Viterbi."""
    k = log_votes.shape[1]
    step = np.where(np.arange(k)[None, :] < np.arange(k)[:, None], -backward, 0.0)  # [from, to]
    best, pointers = log_votes[0].copy(), []
    for votes in log_votes[1:]:
        candidates = best[:, None] + step
        pointers.append(candidates.argmax(axis=0))
        best = candidates.max(axis=0) + votes
    path = [int(best.argmax())]
    for pointer in reversed(pointers):
        path.append(int(pointer[path[-1]]))
    return path[::-1]
