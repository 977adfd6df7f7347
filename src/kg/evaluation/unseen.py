"""Leave one province out: how the linker does on a plan from a province it has never seen.

For each province in the labels, everything the linker learns — the confirmed examples, the
semantic weights, the calibration model and its cut — is chosen on the other provinces only, then
that province's plans are scored. `fit_model` is the same procedure on every province (what
`kg links calibrate` ships); inside it the cut is chosen on probabilities each province gets
from a model fitted without it, so the cut is never chosen on the predictions it judges, and the
precision the cut aims at is chosen by a nested leave one province out (`choose_aim`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kg.evaluation.links import Counts, Label, find_task, score_links
from kg.link.calibrate import AIMS, CANDIDATES, FEATURES, LinkModel, candidate_features, choose_cut, fit
from kg.link.examples import Example
from kg.link.links import link_document, linkable_tasks, links_for_task, model_weights, ranker_for
from kg.link.rank import CentralIndex, Ranking, Signals, Weights, rankings, task_signals
from kg.model import Document, Link, Task

# Weights of the embedding cosine to the 03 task x to the nearest confirmed example (counted
# from its floor up), swept on the training provinces; ties go to the earlier (smaller) entry.
SEMANTIC = (0.0, 0.5, 1.0, 2.0, 3.0)
SEMANTIC_EXAMPLE = ((0.0, 0.0), (0.2, 0.9), (0.2, 0.93))  # (weight, floor)


@dataclass
class Plan:
    document: Document
    tasks: list[Task]
    labels: list[Label]
    rows: list[int | None]  # each label's task position (None: no task holds its quote)

    @property
    def place(self) -> str:
        return self.document.meta.jurisdiction or self.document.source.source_id


def plans_of(documents: Iterable[Document], labels: Sequence[Label]) -> list[Plan]:
    plans = []
    for document in documents:
        mine = [l for l in labels if l.source_id == document.source.source_id]
        if mine:
            tasks = linkable_tasks(document)
            found = [find_task(document, tasks, l.quote) for l in mine]
            plans.append(Plan(document, tasks, mine, [tasks.index(t) if t else None for t in found]))
    return plans


class Protocol:
    """The labelled plans, their signals per set of provinces whose examples are withheld
    (computed once, reused by every weight tried), and the folds."""

    def __init__(self, plans: list[Plan], index: CentralIndex, examples: Sequence[Example]):
        self.plans, self.index, self.examples = plans, index, list(examples)
        self.places = sorted({p.place for p in plans})
        self._signals: dict[tuple[str, frozenset[str]], Signals] = {}

    def signals(self, plan: Plan, withheld: frozenset[str]) -> Signals:
        """The plan's signals learning from no example of its own province nor of `withheld`."""
        key = (plan.document.source.source_id, withheld)
        if key not in self._signals:
            usable = [e for e in self.examples if e.place != plan.place and e.place not in withheld
                      and e.source_id != plan.document.source.source_id]
            self._signals[key] = task_signals(plan.tasks, self.index, Weights(), usable)
        return self._signals[key]

    def rankings(self, plan: Plan, withheld: frozenset[str], weights: Weights) -> list[Ranking]:
        return rankings(self.signals(plan, withheld), self.index, weights)


def with_floor(weights: Weights, semantic: float, example: tuple[float, float]) -> Weights:
    return replace(weights, semantic=semantic, semantic_example=example[0], semantic_floor=example[1])


def choose_weights(protocol: Protocol, training: Sequence[Plan], withheld: frozenset[str],
                   clause_winners: bool = False) -> Weights:
    """The semantic weights with the highest mean reciprocal rank of the first clear task on
    `training`. Right-first counts moved with one or two tasks and the folds chose weights from 0
    to 3; the reciprocal rank also credits a label moving from rank 5 to 2, so the choice is
    steadier (three of four folds agree) and unseen task@1 rose 0.867 -> 0.906 (docs/linking.md)."""
    best, best_value = Weights(clause_winners=clause_winners), -1.0
    for semantic in SEMANTIC:
        for example in SEMANTIC_EXAMPLE:
            weights = with_floor(Weights(clause_winners=clause_winners), semantic, example)
            value = sum(reciprocal_rank(ranking, label)
                        for plan in training
                        for label, ranking in labelled_rankings(plan, protocol.rankings(plan, withheld, weights)))
            if value > best_value + 1e-9:  # ties go to the earlier (smaller) weights
                best, best_value = weights, value
    return best


def labelled_rankings(plan: Plan, ranked: list[Ranking]) -> list[tuple[Label, Ranking]]:
    """(label, ranking of its task) for the plan's labels with a clear 03 task that a task holds."""
    return [(label, ranked[row]) for label, row in zip(plan.labels, plan.rows) if row is not None and label.tasks03]


def reciprocal_rank(ranking: Ranking, label: Label) -> float:
    """1 / the rank of the label's best-placed clear 03 task (0 when none is ranked)."""
    ranks = [rank for rank, (target, _) in enumerate(ranking.tasks, start=1) if target in label.tasks03]
    return 1.0 / ranks[0] if ranks else 0.0


@dataclass
class Candidates:
    """Feature rows of the first candidates of labelled tasks, with what the labels say."""

    rows: list[tuple[float, ...]] = field(default_factory=list)
    clear: list[bool] = field(default_factory=list)  # a clear task of the label: what the model learns
    right: list[bool] = field(default_factory=list)  # clear or weak: what precision counts
    place: list[str] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)


def candidates(protocol: Protocol, training: Sequence[Plan], withheld: frozenset[str], weights: Weights) -> Candidates:
    found = Candidates()
    for plan in training:
        ranked = protocol.rankings(plan, withheld, weights)
        for label, row in zip(plan.labels, plan.rows):
            if row is None:
                continue
            for rank, (target, _) in enumerate(ranked[row].tasks[:CANDIDATES]):
                found.rows.append(candidate_features(ranked[row], rank))
                found.clear.append(target in label.tasks03)
                found.right.append(target in label.tasks03 + label.weak03)
                found.place.append(plan.place)
                found.rank.append(rank)
    return found


def capped(probabilities: Sequence[float], ranks: Sequence[int]) -> list[float]:
    """Each candidate's probability capped by the one ranked above it (as links_for_task does)."""
    out: list[float] = []
    for p, rank in zip(probabilities, ranks):
        out.append(p if rank == 0 else min(p, out[-1]))
    return out


@dataclass
class Fitted:
    """A link model before its cut: the weights, the logistic model, and the training candidates'
    probabilities from models that did not see their province (what a cut is chosen on)."""

    weights: Weights
    coef: tuple[float, ...]
    intercept: float
    held: list[float]
    right: list[bool]
    places: tuple[str, ...]

    def model(self, aim: float) -> LinkModel:
        w = self.weights
        return LinkModel(w.semantic, w.semantic_example, self.coef, self.intercept, choose_cut(self.held, self.right, aim),
                         self.places, w.semantic_floor, aim, w.clause_winners)


def fit_parts(protocol: Protocol, training: Sequence[Plan], withheld: frozenset[str], columns: int | None = None) -> Fitted:
    """Weights and logistic model from the training plans (never from `withheld` provinces).
    The candidates are ranked with each clause's first 03 task right after the item's first
    (`clause_winners`), and the semantic weights are chosen on that ranking. `columns`: fit on
    the first features only (a model's probability reads as many features as it has
    coefficients), on the whole item's ranking: the model as it was before the clauses."""
    weights = choose_weights(protocol, training, withheld, clause_winners=columns is None)
    found = candidates(protocol, training, withheld, weights)
    rows, clear = np.array(found.rows)[:, :columns], np.array(found.clear)
    coef, intercept = fit(rows, clear)
    places = sorted(set(found.place))
    held: list[float] = [0.0] * len(rows)
    for place in places:  # out-of-province probabilities for choosing the cut
        inside = np.array([p != place for p in found.place])
        if clear[inside].all() or not clear[inside].any():
            continue
        inner = LinkModel(0, 0, *fit(rows[inside], clear[inside]), cut=1.0)
        for i in np.flatnonzero(~inside):
            held[i] = inner.probability(rows[i])
    return Fitted(weights, coef, intercept, capped(held, found.rank), found.right, tuple(places))


# The accepted links a new province should get right at least (the bar): the aim of the
# cut is the one whose inner held-out precision reaches it with the most true links accepted.
MIN_PRECISION = 0.95


def choose_aim(protocol: Protocol, training: Sequence[Plan], withheld: frozenset[str], columns: int | None = None) -> float:
    """The precision to aim the cut at, chosen like everything else: each training province in
    turn is scored by a model fitted on the others with each aim of AIMS (nested leave one
    province out); the aim with the most true links accepted at >= MIN_PRECISION pooled over
    them, the strictest when none reaches it."""
    counts = {aim: Counts() for aim in AIMS}
    for place in sorted({p.place for p in training}):
        inner = fit_parts(protocol, [p for p in training if p.place != place], withheld | {place}, columns)
        for aim in AIMS:
            model = inner.model(aim)
            for plan in (p for p in training if p.place == place):
                counts[aim].add(score_links(plan.document, model_links(protocol, plan, model, withheld), plan.labels))
    reached = [aim for aim in AIMS if (counts[aim].rates()["accepted precision"] or 0.0) >= MIN_PRECISION]
    return max(reached, key=lambda aim: (counts[aim].clear_found, aim)) if reached else AIMS[0]


def fit_model(protocol: Protocol, training: Sequence[Plan], withheld: frozenset[str] = frozenset(),
              columns: int | None = None) -> LinkModel:
    """Weights, logistic model, aim and cut from the training plans (never from `withheld` provinces)."""
    return fit_parts(protocol, training, withheld, columns).model(choose_aim(protocol, training, withheld, columns))


def model_links(protocol: Protocol, plan: Plan, model: LinkModel | None, withheld: frozenset[str] = frozenset()) -> list[Link]:
    weights = model_weights(model)
    ranked = protocol.rankings(plan, withheld, weights)
    source = plan.document.source.source_id
    return [link for task, ranking in zip(plan.tasks, ranked) for link in links_for_task(source, task, ranking, model)]


@dataclass
class Unseen:
    """{method: {source_id or 'overall': Counts}}, the fold models, and held-out predictions."""

    counts: dict[str, dict[str, Counts]]
    models: dict[str, LinkModel]
    predictions: list[tuple[float, bool]]  # (probability, clear) of every candidate, held out
    coverage: dict[str, tuple[int, int, int, int]]  # method -> accepted cells, right, clear cells, found


# The acceptance model before it read the clauses of the local item (its first features): the
# column `kg eval links` shows beside the current one.
BEFORE_CLAUSES = FEATURES.index("clause_score")


def evaluate_unseen(protocol: Protocol, baseline, previous_examples: Sequence[Example]) -> Unseen:
    """Each province scored by what the others taught: the baseline, the previous method (fixed
    thresholds, examples of other provinces), + semantic (weights chosen without the province,
    fixed thresholds), calibrated acceptance without the clause features (no-clauses), and the
    new method (calibrated acceptance reading the clauses too)."""
    methods = ("baseline", "previous", "+semantic", "no-clauses", "calibrated")
    counts = {m: {} for m in methods}
    cells = {m: (set(), set()) for m in ("previous", "no-clauses", "calibrated")}  # accepted, labelled clear
    models, predictions = {}, []
    for place in protocol.places:
        withheld = frozenset({place})
        training = [p for p in protocol.plans if p.place != place]
        model = models[place] = fit_model(protocol, training, withheld)
        no_clauses = fit_model(protocol, training, withheld, BEFORE_CLAUSES)
        # rank by the model's semantic weights (whole item's ranking), accept by the old rule
        semantic_only = replace(model, cut=2.0, clause_winners=False)
        for plan in (p for p in protocol.plans if p.place == place):
            source = plan.document.source.source_id
            by_method = {
                "baseline": link_document(plan.document, protocol.index.layer, baseline),
                "previous": link_document(plan.document, protocol.index.layer,
                                          ranker_for(plan.document, protocol.index, previous_examples, True)),
                "+semantic": legacy_links(protocol, plan, semantic_only),
                "no-clauses": model_links(protocol, plan, no_clauses),
                "calibrated": model_links(protocol, plan, model),
            }
            for method, links in by_method.items():
                counts[method][source] = score_links(plan.document, links, plan.labels)
            predictions += held_out_predictions(protocol, plan, model)
            for method in cells:
                add_cells(cells[method], plan, by_method[method])
    for method in methods:
        overall = Counts()
        for value in counts[method].values():
            overall.add(value)
        counts[method]["overall"] = overall
    coverage = {m: cell_figures(*cells[m]) for m in cells}
    return Unseen(counts, models, predictions, coverage)


def legacy_links(protocol: Protocol, plan: Plan, model: LinkModel) -> list[Link]:
    """The model's ranking accepted by the fixed thresholds (to show what the ranking alone gives)."""
    ranked = protocol.rankings(plan, frozenset(), model_weights(model))
    source = plan.document.source.source_id
    return [link for task, ranking in zip(plan.tasks, ranked) for link in links_for_task(source, task, ranking)]


def held_out_predictions(protocol: Protocol, plan: Plan, model: LinkModel) -> list[tuple[float, bool]]:
    ranked = protocol.rankings(plan, frozenset(), model_weights(model))
    out = []
    for label, row in zip(plan.labels, plan.rows):
        if row is None:
            continue
        ceiling = 1.0
        for rank, (target, _) in enumerate(ranked[row].tasks[:CANDIDATES]):
            ceiling = min(ceiling, model.probability(candidate_features(ranked[row], rank)))
            out.append((ceiling, target in label.tasks03))
    return out


def add_cells(cells: tuple[set, set], plan: Plan, links: Iterable[Link]) -> None:
    """Province x 03-task cells: from the accepted links of labelled tasks, and from the labels."""
    accepted, labelled = cells
    by_task: dict[str, set[str]] = {}
    for link in links:
        if link.link_type == "implements" and link.status == "accepted":
            by_task.setdefault(link.source_local_id, set()).add(link.target)
    for label, row in zip(plan.labels, plan.rows):
        if row is not None:
            accepted.update((plan.place, t, label.tasks03 + label.weak03) for t in by_task.get(plan.tasks[row].local_id, ()))
            labelled.update((plan.place, t) for t in label.tasks03)


def cell_figures(accepted: set, labelled: set) -> tuple[int, int, int, int]:
    """(accepted cells, of them right, labelled clear cells, of them accepted). A cell is right
    when a labelled task of the province restates that 03 task (clearly or weakly)."""
    acceptable = {(place, t) for place, _, ok in accepted for t in ok}
    cells = {(place, target) for place, target, _ in accepted}
    return len(cells), len(cells & acceptable), len(labelled), len(cells & labelled)


RELIABILITY_BINS = 10


def reliability(predictions: Sequence[tuple[float, bool]], bins: int = RELIABILITY_BINS) -> list[tuple[float, float, int, float | None, float | None]]:
    """(low, high, candidates, mean predicted, share clear) per probability bin."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(p, ok) for p, ok in predictions if low <= p < high or (b == bins - 1 and p == 1.0)]
        mean = round(sum(p for p, _ in inside) / len(inside), 3) if inside else None
        share = round(sum(ok for _, ok in inside) / len(inside), 3) if inside else None
        table.append((low, high, len(inside), mean, share))
    return table


def format_reliability(predictions: Sequence[tuple[float, bool]]) -> str:
    lines = ["| predicted probability | candidates | mean predicted | observed share with a clear task |", "|---|---|---|---|"]
    for low, high, n, mean, share in reliability(predictions):
        cells = [f"{low:.1f}–{high:.1f}", str(n), "–" if mean is None else f"{mean:.3f}", "–" if share is None else f"{share:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_coverage(coverage: dict[str, tuple[int, int, int, int]]) -> str:
    lines = []
    for method, (cells, right, labelled, found) in coverage.items():
        lines.append(f"  {method:12} {cells:4} accepted cells, {right} right ({right / cells if cells else 0:.3f}); "
                     f"{found} of the labels' {labelled} cells ({found / labelled if labelled else 0:.3f} complete)")
    return "\n".join(lines)


def format_models(models: dict[str, LinkModel]) -> str:
    return "\n".join(f"  without {place}: semantic {m.semantic}, example {m.semantic_example} (floor {m.semantic_floor}), "
                     f"cut {m.cut:.4f} (aimed at {m.aim:.0%} precise)" for place, m in models.items())


def derive_model(sources_dir, reference_dir, cache_dir=None) -> LinkModel:
    """The shipped model: `fit_model` on every labelled plan (`kg links calibrate`)."""
    from kg.central import load_reference
    from kg.evaluation.links import label_examples, read
    from kg.link.semantic import Embedder

    documents, labels = read(sources_dir)
    index = CentralIndex(load_reference(reference_dir), Embedder(cache_dir))
    plans = plans_of(documents, labels)
    return fit_model(Protocol(plans, index, label_examples(documents, labels)), plans)
