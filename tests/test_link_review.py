"""Review CSV round trip and malformed input."""

import csv

import pytest

from kg.link.review import (COLUMNS, ReviewError, apply_decisions, export_review, import_review, load_decisions,
                            read_review)
from kg.model import Link, Span

LINKS = [
    Link("doc", "1.a", "PL2.3", "implements", 0.6, "combined", Span(0, 30, "Xây dựng phong trào học tập số"), "suggested", 1),
    Link("doc", "1.a", "PL2.13", "implements", 0.3, "combined", Span(0, 30, "Xây dựng phong trào học tập số"), "suggested", 2),
]


def _decide(path, decisions):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row, decision in zip(rows[1:], decisions):
        row[-1] = decision
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_round_trip(tmp_path):
    review, decisions = tmp_path / "review.csv", tmp_path / "reviews" / "links.csv"
    assert export_review(LINKS, {"PL2.3": "học tập số"}, review) == 2
    _decide(review, ["accept", "Reject"])
    assert import_review(review, decisions) == 2
    applied = apply_decisions(LINKS, load_decisions(decisions))
    assert [(l.status, l.method) for l in applied] == [("accepted", "manual"), ("rejected", "manual")]
    # a rebuild gives the same suggested links; the decisions still apply
    assert apply_decisions(list(LINKS), load_decisions(decisions)) == applied


def test_later_decision_wins(tmp_path):
    review, decisions = tmp_path / "review.csv", tmp_path / "links.csv"
    export_review(LINKS, {}, review)
    _decide(review, ["accept", ""])
    import_review(review, decisions)
    _decide(review, ["reject", ""])
    import_review(review, decisions)
    assert [d.status for d in load_decisions(decisions)] == ["rejected"]


def test_bad_decision_names_row_and_column(tmp_path):
    review = tmp_path / "review.csv"
    export_review(LINKS, {}, review)
    _decide(review, ["accept", "maybe"])
    with pytest.raises(ReviewError, match=r"row 3, column 'decision'"):
        read_review(review)


def test_missing_column_and_short_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source_doc,local_id,quote\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="missing column"):
        read_review(bad)
    bad.write_text(",".join(COLUMNS) + "\ndoc,1.a,quote\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="row 2: 3 cells"):
        read_review(bad)
    bad.write_text(",".join(COLUMNS) + "\ndoc,1.a,,PL2.3,,0.5,combined,accept\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="row 2, column 'quote'"):
        read_review(bad)
