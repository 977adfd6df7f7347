"""Review CSV round trip and malformed input."""

import csv
import io
import unicodedata

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
    with pytest.raises(ReviewError, match=r"line 3, column 'decision'"):
        read_review(review)


def test_missing_column_and_short_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source_doc,local_id,quote\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="missing column"):
        read_review(bad)
    bad.write_text(",".join(COLUMNS) + "\ndoc,1.a,quote\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="line 2: 3 cells"):
        read_review(bad)
    bad.write_text(",".join(COLUMNS) + "\ndoc,1.a,,PL2.3,,0.5,combined,accept\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="line 2, column 'quote'"):
        read_review(bad)


def _as_spreadsheet(path, encoding, delimiter, decisions):
    """The exported review re-saved the way a spreadsheet in another locale saves it."""
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row, decision in zip(rows[1:], decisions):
        row[-1] = decision
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(_cp1258(out.getvalue()) if encoding == "cp1258" else out.getvalue().encode(encoding))


def _cp1258(text):
    """Windows-1258 as Windows writes it: letters it has precomposed, other tone marks combining."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        for composed in [char] + [unicodedata.normalize("NFC", base + m) + "".join(marks[:i] + marks[i + 1:])
                                   for i, m in enumerate(marks)] + [base + "".join(marks)]:
            try:
                out += composed.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise AssertionError(f"{char!r} has no Windows-1258 form")
    return out


@pytest.mark.parametrize("encoding,delimiter", [("utf-8-sig", ","), ("utf-8-sig", ";"), ("cp1258", ";"),
                                                ("utf-16", "\t")], ids=["bom", "bom-semicolon", "windows-1258", "utf-16-tab"])
def test_spreadsheet_saved_files_read_as_made(tmp_path, encoding, delimiter):
    review, decisions = tmp_path / "review.csv", tmp_path / "links.csv"
    export_review(LINKS, {"PL2.3": "phong trào “Bình dân học vụ số”"}, review)
    _as_spreadsheet(review, encoding, delimiter, ["accept", "reject"])
    assert import_review(review, decisions) == 2
    read = load_decisions(decisions)
    assert {d.target: d.status for d in read} == {"PL2.3": "accepted", "PL2.13": "rejected"}
    assert {d.quote for d in read} == {"Xây dựng phong trào học tập số"}  # Vietnamese composed as exported


def test_undecodable_bytes_name_file_line_and_byte(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(",".join(COLUMNS).encode() + b"\r\ndoc,1.a,X\x81y d\xe1ng,PL2.3,,0.5,combined,accept\r\n")
    with pytest.raises(ReviewError, match=r"bad.csv: line 2, byte 10: 0x81 is neither UTF-8 nor Windows-1258"):
        read_review(bad)


def test_missing_column_reports_what_was_found(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("source_doc|quote|target\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"line 1 \(header\): missing column.*found source_doc\|quote\|target"):
        read_review(bad)
