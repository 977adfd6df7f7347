"""Evaluation of the pipeline stages against hand labels."""

from __future__ import annotations


def ratio(hits: int, total: int) -> float | None:
    """hits / total to three decimals; None when nothing was counted."""
    return round(hits / total, 3) if total else None


class Tally:
    """Counters of one document that add up across documents (field by field, lists concatenate)."""

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)
