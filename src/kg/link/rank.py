"""Rank the central Phụ lục II tasks and the seven 57 groups for every local task.

Two rankers share one interface: `plain_tfidf` (the baseline) and `combined` (syllable and
character n-grams on folded text, words as written where the text is clean, the best clause of
long directives, a group prior from the local heading structure, explicit references). Scores are similarities in [0, 1]-ish; `confidence` turns them into [0, 1]."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.metrics.pairwise import cosine_similarity

from kg.link.examples import Example
from kg.link.semantic import CENTRAL_PREFIX, LOCAL_PREFIX, Embedder, cosine
from kg.link.text import (
    char_vectorizer,
    clauses,
    folded_words,
    marked_share,
    plain_vectorizer,
    syllable_vectorizer,
    unknown_share,
    vocabulary,
)
from kg.link.groups import group_scores, order_lift, softmax
from kg.model import CentralDirective, CentralGroup, Task


class Layer(Protocol):
    directives: list[CentralDirective]
    groups: list[CentralGroup]


@dataclass(frozen=True)
class Weights:
    """Weights of the combined ranker, chosen by measurement (docs/linking.md)."""

    char: float = 0.3  # share of character n-grams in the lexical similarity (rest: syllables)
    written: float = 0.5  # weight of words as written (diacritics kept) beside the folded mix, clean text only
    clause: float = 0.5  # weight of the directive's best-matching clause beside its whole text
    group_prior: float = 0.2  # how much the task's group probability lifts directives of that group
    heading: float = 1.0  # weight of the heading-to-group-title similarity in the group vote
    siblings: float = 0.5  # weight of the pooled vote of tasks under the same heading
    sharpness: float = 8.0  # softmax temperature turning group scores into probabilities
    order: float = 0.4  # lift of the group the plan's order assigns to a heading's tasks
    backward: float = 4.0  # cost (log-probability) of a heading going back to an earlier group
    examples: float = 0.3  # weight of the nearest confirmed example's similarity (other plans' tasks)
    example_floor: float = 0.3  # an example less similar than this says nothing
    semantic: float = 0.0  # weight of the embedding cosine to the 03 task (kg.link.semantic)
    semantic_example: float = 0.0  # weight of the embedding cosine to the nearest confirmed example
    semantic_floor: float = 0.0  # an example's cosine below this says nothing (e5 cosines sit at 0.7-1)
    # move the first 03 task of each clause of the item right after the item's first candidate
    # (what the link model ranks with: `clause_winners_next`)
    clause_winners: bool = False


@dataclass
class Ranking:
    """For one local task: central task ids and groups, best first, with their scores."""

    tasks: list[tuple[str, float]]
    groups: list[tuple[int, float]]  # group number, probability
    signals: dict[str, str] = field(default_factory=dict)  # per target: which signals decided
    target_groups: dict[str, int] = field(default_factory=dict)  # central task id -> its 57 group
    # for the first candidates: (embedding cosine, nearest example's similarity, own clause, lexical
    # similarity, clause score, clause margin), what calibration reads
    evidence: dict[str, tuple[float, ...]] = field(default_factory=dict)
    clauses: int = 1  # how many clauses the local text has (kg.link.text.clauses)


def central_tasks(layer: Layer) -> list[CentralDirective]:
    return [d for d in layer.directives if d.kind == "task" and d.local_id.startswith("PL2.")]


_VECTORIZERS = {"syllables": syllable_vectorizer, "chars": char_vectorizer, "plain": plain_vectorizer}


class CentralIndex:
    """The central side of the task linker, prepared once per layer and reused for every document
    of a build: the 03 tasks, their clauses, the 57 group titles, the vocabulary of the central
    texts, and each vectorizer fitted on them (fitted on first use). Fitting on the central side
    only keeps the scores independent of which local documents are linked together."""

    def __init__(self, layer: Layer, embedder: Embedder | None = None):
        self.layer = layer
        self.embedder = embedder
        self.directives = central_tasks(layer)
        self.ids = [d.local_id for d in self.directives]
        self.pieces = [clauses(d.text) for d in self.directives]
        self.corpora = {
            "whole": [d.text for d in self.directives],
            "clauses": [p for parts in self.pieces for p in parts],
            "titles": [g.title for g in layer.groups],
        }
        self._fitted: dict[tuple[str, str], tuple] = {}
        self._example_rows: dict[str, dict[str, sparse.csr_matrix]] = {}

    @cached_property
    def central_vectors(self) -> np.ndarray:
        """The embeddings of the 03 tasks (needs an embedder)."""
        return self.embedder.embed([d.text for d in self.directives], CENTRAL_PREFIX)

    @cached_property
    def known(self) -> frozenset[str]:
        """The folded syllables of all central directives and group titles."""
        return vocabulary([d.text for d in self.layer.directives] + [g.title for g in self.layer.groups])

    def similarity(self, features: str, corpus: str, local: list[str]) -> np.ndarray:
        """Cosine similarity (local texts x central texts of `corpus`) in the `features` space."""
        vectorizer, matrix = self._fit(features, corpus)
        return cosine_similarity(vectorizer.transform(local), matrix)

    def pairwise(self, features: str, local: list[str], examples: list[str]) -> np.ndarray:
        """Cosine similarity of local texts to example texts, weighted by the central tasks' IDF.
        Each example is vectorized once per build (every document meets the same examples)."""
        vectorizer, _ = self._fit(features, "whole")
        rows = self._example_rows.setdefault(features, {})
        missing = [text for text in dict.fromkeys(examples) if text not in rows]
        if missing:
            rows.update(zip(missing, vectorizer.transform(missing)))
        return cosine_similarity(vectorizer.transform(local), sparse.vstack([rows[text] for text in examples]))

    def _fit(self, features: str, corpus: str) -> tuple:
        if (features, corpus) not in self._fitted:
            vectorizer = _VECTORIZERS[features]()
            self._fitted[features, corpus] = vectorizer, vectorizer.fit_transform(self.corpora[corpus])
        return self._fitted[features, corpus]


def _order(scores: np.ndarray, ids: list) -> list[tuple]:
    # stable sort on (-score, position): deterministic ties
    return [(ids[i], float(scores[i])) for i in np.lexsort((np.arange(len(scores)), -scores))]


def rank_plain_tfidf(tasks: list[Task], layer: Layer) -> list[Ranking]:
    """Baseline: default TF-IDF on the text as written; the group is that of the best task."""
    index = CentralIndex(layer)
    sims = index.similarity("plain", "whole", [t.text for t in tasks])
    ids = index.ids
    group_of = _groups_of(index.directives)
    rankings = []
    for row in sims:
        ordered = _order(row, ids)
        groups: list[tuple[int, float]] = []
        for target, score in ordered:
            if group_of[target] not in {g for g, _ in groups}:
                groups.append((group_of[target], score))
        rankings.append(Ranking(ordered, groups, target_groups=group_of))
    return rankings


def _groups_of(directives: list[CentralDirective]) -> dict[str, int]:
    return {d.local_id: d.group for d in directives if d.group is not None}


_EXPLICIT = re.compile(r"nhiem vu (?:so )?(\d{1,3})\b[^.;]{0,60}?phu luc ii\b[^.;]{0,60}?03 ?/ ?nq ?- ?cp")


def explicit_references(text: str) -> set[str]:
    """'nhiệm vụ số 14 tại Phụ lục II ... Nghị quyết 03/NQ-CP' -> {'PL2.14'}."""
    return {f"PL2.{n}" for n in _EXPLICIT.findall(fold_text(text))}


def fold_text(text: str) -> str:
    return " ".join(folded_words(text).split())


# Median share of syllables unknown to the central texts above which a document is OCR output:
# the clean seeds have medians <= 0.01, the OCR programme 0.20 (docs/linking.md).
OCR_UNKNOWN = 0.1


# Share of syllables carrying a diacritic below which a text has lost its marks (clean
# Vietnamese: most syllables carry one; an ASCII-only copy none).
MIN_MARKED = 0.1


def looks_ocr(local: list[str], known: frozenset[str]) -> bool:
    """Whether the local texts (one document's tasks) read as OCR output rather than clean text:
    garbled syllables, or no diacritics at all (the words as written then match nothing)."""
    if not local:
        return False
    return float(np.median([unknown_share(t, known) for t in local])) > OCR_UNKNOWN or marked_share(local) < MIN_MARKED


def lexical_similarity(local: list[str], index: CentralIndex, corpus: str, weights: Weights,
                       clean: bool = False) -> np.ndarray:
    """Folded syllables and character n-grams; on clean text also the words as written, whose
    diacritics tell apart syllables that folding merges (OCR text has lost them)."""
    syllables = index.similarity("syllables", corpus, local)
    chars = index.similarity("chars", corpus, local)
    folded = (1 - weights.char) * syllables + weights.char * chars
    if not clean:
        return folded
    return (folded + weights.written * index.similarity("plain", corpus, local)) / (1 + weights.written)


def clause_similarity(local: list[str], index: CentralIndex, weights: Weights, clean: bool = False) -> np.ndarray:
    """Similarity to each directive's best clause: a local task often localises one clause of a
    long 03 task, which the whole-text cosine dilutes."""
    sims = lexical_similarity(local, index, "clauses", weights, clean)
    ends = np.cumsum([len(parts) for parts in index.pieces])
    return np.stack([sims[:, end - len(parts) : end].max(axis=1) for parts, end in zip(index.pieces, ends)], axis=1)


def example_similarity(local: list[str], examples: Sequence[Example], index: CentralIndex,
                       weights: Weights) -> np.ndarray:
    """(local tasks x 03 tasks): the similarity of each local text to its nearest confirmed
    example of each 03 task (folded syllables and character n-grams), 0 below the floor."""
    votes = np.zeros((len(local), len(index.ids)))
    if not examples:
        return votes
    texts = [e.text for e in examples]
    sims = ((1 - weights.char) * index.pairwise("syllables", local, texts)
            + weights.char * index.pairwise("chars", local, texts))
    sims[sims < weights.example_floor] = 0.0
    column = {target: j for j, target in enumerate(index.ids)}
    for k, example in enumerate(examples):
        for target in example.targets:
            if target in column:
                votes[:, column[target]] = np.maximum(votes[:, column[target]], sims[:, k])
    return votes


@dataclass
class Signals:
    """What the combined ranker knows about one document's tasks (rows) and the 03 tasks
    (columns), before the weights that combine them: the eval sweeps those weights cheaply."""

    lexical: np.ndarray
    prior: np.ndarray  # P(group of the directive | task), before the order lift
    by_example: np.ndarray  # nearest confirmed example's lexical similarity (0 below the floor)
    semantic: np.ndarray  # embedding cosine of the task to the 03 task (zeros without an embedder)
    semantic_example: np.ndarray  # embedding cosine to the nearest confirmed example of the 03 task
    own_clause: np.ndarray  # best, over the task's own clauses, of the 03 task's score relative to that clause's best
    group_probs: np.ndarray  # tasks x groups, with the order lift
    explicit: list[set[str]]
    # the same signals for every clause of every task, read as a task of its own (kg.link.text.clauses),
    # and the task each clause row belongs to: an item fusing several sentences restates several 03
    # tasks, each the best match of one sentence (what calibration reads as the clause score)
    clause_signals: Signals | None = None
    clause_owner: list[int] = field(default_factory=list)


def task_signals(tasks: list[Task], index: CentralIndex, weights: Weights = Weights(),
                 examples: Sequence[Example] = (), with_clauses: bool = True) -> Signals:
    """`with_clauses`: also the signals of each task's clauses read as tasks of their own."""
    directives, layer = index.directives, index.layer
    local = [t.text for t in tasks]
    clean = not looks_ocr(local, index.known)
    whole = lexical_similarity(local, index, "whole", weights, clean)
    lexical = (whole + weights.clause * clause_similarity(local, index, weights, clean)) / (1 + weights.clause)
    votes = group_scores(tasks, index, lexical, weights)
    probs = softmax(votes + order_lift(tasks, votes, weights), weights.sharpness)
    # The order tells which 57 group a heading serves, but a task under it may localise a 03
    # task filed under another group (03 files cadre training under group I): the task prior
    # uses the votes before the lift (with it task@1 0.804, without 0.810; docs/linking.md).
    column = {g.number: j for j, g in enumerate(layer.groups)}
    prior = softmax(votes, weights.sharpness)[:, [column[d.group] for d in directives]]
    by_example = example_similarity(local, examples, index, weights)
    semantic, semantic_example = semantic_similarity(local, examples, index)
    explicit = [explicit_references(t.text) & set(index.ids) for t in tasks]
    signals = Signals(lexical, prior, by_example, semantic, semantic_example, local_clauses(local, index, weights, clean),
                      probs, explicit)
    if with_clauses and tasks:
        pieces = [(i, replace(task, text=piece)) for i, task in enumerate(tasks) for piece in clauses(task.text)]
        signals.clause_signals = task_signals([p for _, p in pieces], index, weights, examples, with_clauses=False)
        signals.clause_owner = [i for i, _ in pieces]
    return signals


def local_clauses(local: list[str], index: CentralIndex, weights: Weights, clean: bool) -> np.ndarray:
    """(tasks x 03 tasks): for each of the task's clauses, each 03 task's lexical score divided
    by the clause's best; the best over the clauses. An item fusing three sentences restates
    three 03 tasks, each the best match of one sentence, though only one ranks first overall."""
    pieces = [clauses(text) for text in local]
    sims = lexical_similarity([p for parts in pieces for p in parts], index, "whole", weights, clean)
    sims = sims / np.maximum(sims.max(axis=1, keepdims=True), 1e-9)
    ends = np.cumsum([len(parts) for parts in pieces])
    return np.stack([sims[end - len(parts): end].max(axis=0) for parts, end in zip(pieces, ends)])


def semantic_similarity(local: list[str], examples: Sequence[Example], index: CentralIndex) -> tuple[np.ndarray, np.ndarray]:
    """(tasks x 03 tasks) embedding cosines to the 03 task and to its nearest confirmed example;
    zeros when the index has no embedder."""
    shape = (len(local), len(index.ids))
    if index.embedder is None:
        return np.zeros(shape), np.zeros(shape)
    vectors = index.embedder.embed(local, LOCAL_PREFIX)
    to_central = cosine(vectors, index.central_vectors)
    by_example = np.zeros(shape)
    if examples:
        sims = cosine(vectors, index.embedder.embed([e.text for e in examples], LOCAL_PREFIX))
        column = {target: j for j, target in enumerate(index.ids)}
        for k, example in enumerate(examples):
            for target in example.targets:
                if target in column:
                    by_example[:, column[target]] = np.maximum(by_example[:, column[target]], sims[:, k])
    return to_central, by_example


def combined_scores(signals: Signals, weights: Weights) -> np.ndarray:
    """The task score: lexical + group prior + nearest example + the semantic terms; an
    explicit reference puts its target first."""
    near = np.where(signals.semantic_example >= weights.semantic_floor, signals.semantic_example, 0.0)
    return (signals.lexical + weights.group_prior * signals.prior + weights.examples * signals.by_example
            + weights.semantic * signals.semantic + weights.semantic_example * near)


def rank_combined(tasks: list[Task], layer: Layer, weights: Weights = Weights(),
                  index: CentralIndex | None = None, examples: Sequence[Example] = ()) -> list[Ranking]:
    """`index`: the layer's CentralIndex when linking many documents (prepared once per build);
    `examples`: confirmed links of other plans' tasks (kg.link.examples.usable_for)."""
    index = index if index is not None else CentralIndex(layer)
    if not tasks:
        return []
    return rankings(task_signals(tasks, index, weights, examples), index, weights)


EVIDENCE_KEPT = 3  # candidates whose signals a ranking keeps (the links a task gets)


def clause_evidence(scores: np.ndarray, rows: Sequence[int], j: int) -> tuple[float, float]:
    """(clause score, clause margin) of the 03 task in column `j` for a task whose clauses are
    `rows` of the clause scores: in the clause where it ranks best (ties: its higher score), its
    score, and its lead over the clause's next candidate when it is that clause's first (else 0).
    A second 03 task that is the first match of another sentence of the item scores as high as a
    first candidate would; a near-duplicate of the first candidate does not."""
    best: tuple[int, float, float] | None = None
    for row in rows:
        line, s = scores[row], scores[row, j]
        rank = int(np.count_nonzero(line > s) + np.count_nonzero(line[:j] == s))
        if best is None or (rank, -s) < (best[0], -best[1]):
            margin = float(s - np.partition(line, -2)[-2]) if rank == 0 and len(line) > 1 else 0.0
            best = (rank, float(s), margin)
    return (best[1], best[2]) if best is not None else (0.0, 0.0)


def clause_winners_next(ordered: list[tuple[str, float]], clause_scores: np.ndarray, rows: Sequence[int],
                        column: dict[str, int]) -> list[tuple[str, float]]:
    """The item's candidates with the first 03 task of each of its clauses (`rows` of the clause
    scores) moved right after its first candidate, best clause score first: an item restating
    three 03 tasks, one a sentence, shows all three among its first candidates, where the whole
    item's ranking puts a near-duplicate of the first one second. The first candidate stays."""
    if len(rows) < 2 or not ordered:
        return ordered
    first = ordered[0][0]
    winners: dict[int, float] = {}
    for row in rows:
        j = int(np.argmax(clause_scores[row]))
        winners[j] = max(winners.get(j, -np.inf), float(clause_scores[row, j]))
    picked = [j for j in sorted(winners, key=lambda j: (-winners[j], j)) if j != column[first]]
    if not picked:
        return ordered
    place = {j: n for n, j in enumerate(picked)}
    moved = sorted((c for c in ordered[1:] if column[c[0]] in place), key=lambda c: place[column[c[0]]])
    return ordered[:1] + moved + [c for c in ordered[1:] if column[c[0]] not in place]


def rankings(signals: Signals, index: CentralIndex, weights: Weights) -> list[Ranking]:
    ids = index.ids
    scores = combined_scores(signals, weights)
    clause_scores = combined_scores(signals.clause_signals, weights) if signals.clause_signals is not None else None
    clause_rows: dict[int, list[int]] = {}
    for row, owner in enumerate(signals.clause_owner):
        clause_rows.setdefault(owner, []).append(row)
    group_of = _groups_of(index.directives)
    numbers = [g.number for g in index.layer.groups]
    column = {target: j for j, target in enumerate(ids)}
    result = []
    for i in range(len(scores)):
        signal_of = {ids[j]: "combined-with-example" for j in np.flatnonzero(signals.by_example[i])}
        for target in sorted(signals.explicit[i]):
            scores[i, ids.index(target)] = scores[i].max() + 1.0
            signal_of[target] = "explicit-reference"
        ordered = _order(scores[i], ids)
        if weights.clause_winners and clause_scores is not None:
            ordered = clause_winners_next(ordered, clause_scores, clause_rows.get(i, []), column)
        evidence = {target: tuple(float(signal[i, column[target]]) for signal in
                                  (signals.semantic, signals.by_example, signals.own_clause, signals.lexical))
                    + (clause_evidence(clause_scores, clause_rows.get(i, []), column[target]) if clause_scores is not None else (0.0, 0.0))
                    for target, _ in ordered[:EVIDENCE_KEPT]}
        result.append(Ranking(ordered, _order(signals.group_probs[i], numbers), signal_of, group_of, evidence,
                              max(1, len(clause_rows.get(i, [])))))
    return result
