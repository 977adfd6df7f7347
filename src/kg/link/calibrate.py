"""Calibrated acceptance of task links: the probability that a ranked 03 task is one the local
task restates, from features of its place in the ranking, and a cut above which every candidate
(not only the first) is accepted — many local items restate two or three 03 tasks.

A logistic model over rank features (score, margin to the next candidate, gap to the first,
rank, the probability of the candidate's 57 group, its embedding cosine, its nearest confirmed
example, its own clause, its lexical similarity apart from the other terms of the score, and its
clause score and clause margin: the combined score it gets in the clause of the local item where
it ranks best, each clause read as a task of its own, and its lead there when it is that clause's
first; and the log of the number of clauses of the local item, which restates more 03 tasks the
more sentences it fuses). `kg links calibrate` fits it, with the semantic weights and the cut, on the hand labels
and writes `data/reference/link-model.json`; `kg eval links` refits all of it leaving each
province out (kg.evaluation.unseen). Stored numbers are rounded, and predictions use the rounded
numbers, so a build is byte-identical wherever it runs."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kg.files import write_atomic
from kg.link.rank import Ranking
from kg.link.semantic import Embedder

FILE_NAME = "link-model.json"
FEATURES = ("score", "margin_next", "gap_first", "rank", "group_prob", "semantic", "example", "own_clause", "lexical",
            "clause_score", "clause_margin", "log_clauses")
CANDIDATES = 3  # the candidates a task keeps (kg.link.links.TOP_TASKS); each may be accepted
# The precision the cut aims at on the training provinces' held-out probabilities. Aiming there
# at the precision wanted on a new province is optimistic (95 % gave 0.939 unseen), so the aim is
# chosen among these by an inner leave-one-province-out (kg.evaluation.unseen.choose_aim).
AIMS = (0.99, 0.98, 0.97, 0.96, 0.95)
REGULARISATION = 1.0  # inverse strength of the logistic model's L2 penalty (scikit-learn's C)


@dataclass(frozen=True)
class LinkModel:
    """The ranker's semantic weights and the acceptance model, chosen on labelled plans."""

    semantic: float
    semantic_example: float
    coef: tuple[float, ...]
    intercept: float
    cut: float
    trained_on: tuple[str, ...] = ()  # the provinces whose labels chose it
    semantic_floor: float = 0.0
    aim: float = 1.0  # the precision the cut aimed at on the training provinces
    clause_winners: bool = False  # rank each clause's first 03 task right after the item's first (kg.link.rank)

    def probability(self, row: Sequence[float]) -> float:
        z = self.intercept + sum(c * x for c, x in zip(self.coef, row))
        return round(1.0 / (1.0 + math.exp(-z)), 4)


def candidate_features(ranking: Ranking, rank: int) -> tuple[float, ...]:
    """The features of the candidate at `rank` (0-based), in FEATURES order."""
    scores = [s for _, s in ranking.tasks]
    target, score = ranking.tasks[rank]
    following = scores[rank + 1] if rank + 1 < len(scores) else 0.0
    group_prob = dict(ranking.groups).get(ranking.target_groups.get(target), 0.0)
    semantic, example, own_clause, lexical, clause_score, clause_margin = ranking.evidence.get(target, (0.0,) * 6)
    return (score, score - following, scores[0] - score, float(rank), group_prob, semantic, example, own_clause, lexical,
            clause_score, clause_margin, round(math.log(ranking.clauses), 6))


def fit(rows: np.ndarray, truth: np.ndarray) -> tuple[tuple[float, ...], float]:
    """Logistic coefficients (rounded to 1e-4) for feature rows and 0/1 truth."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(rows, truth)
    return tuple(round(float(c), 4) for c in model.coef_[0]), round(float(model.intercept_[0]), 4)


def choose_cut(probabilities: Sequence[float], right: Sequence[bool], target: float) -> float:
    """The lowest cut whose accepted candidates (p >= cut) are at least `target` precise: the
    most links accepted at that precision. 1.0 (nothing but certainties) when none is."""
    order = sorted(zip(probabilities, right), key=lambda pr: -pr[0])
    best, hits = 1.0, 0
    for n, (p, ok) in enumerate(order, start=1):
        hits += ok
        last = n == len(order) or order[n][0] < p  # cut only between distinct probabilities
        if last and hits / n >= target:
            best = p
    return best


def embedder_for(model: LinkModel | None) -> Embedder | None:
    """An embedder (default cache, kg.link.semantic) when the model weighs the semantic signal."""
    return Embedder() if model is not None and (model.semantic or model.semantic_example) else None


def save_model(model: LinkModel, folder: Path) -> Path:
    path = folder / FILE_NAME
    data = asdict(model)
    data["features"] = list(FEATURES)
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def load_model(folder: Path) -> LinkModel | None:
    """The model beside a central layer; None when the folder has none (fixed thresholds apply)."""
    path = folder / FILE_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["features"] != list(FEATURES):
            raise ValueError(f"features {data['features']} are not {list(FEATURES)}: rerun `kg links calibrate`")
        return LinkModel(float(data["semantic"]), float(data["semantic_example"]), tuple(map(float, data["coef"])),
                         float(data["intercept"]), float(data["cut"]), tuple(data["trained_on"]), float(data["semantic_floor"]),
                         float(data["aim"]), bool(data.get("clause_winners", False)))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a link model ({type(error).__name__}: {error})") from error
