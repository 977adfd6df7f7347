"""Robustness on the real seeds: the same plan, written differently, gives the same graph facts.

The variants are made in memory from data/sources (kg.evaluation.robustness); the thresholds
are what the pipeline reaches now (docs/extraction.md, Robustness), so a regression fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import config
from kg.evaluation import robustness
from kg.extract import extract_document
from kg.extract.agencies import normalize_agency
from kg.parse.normalize import fold, strip_marks
from kg.sources import source_from_bytes

LABELS = Path(__file__).resolve().parents[1] / "eval" / "labels" / "extraction"
EXTRACTION = ("tasks", "task-groups", "agencies", "deadlines", "targets", "metadata", "citations")
LINKS = ("group-link", "task-link", "accepted-links")
# variant -> minimum agreement with the clean run, per field (the clean seed, extraction and links)
CLEAN_SEED_MINIMUM = {
    "no-diacritics": dict.fromkeys(EXTRACTION, 1.0) | {"group-link": 1.0, "task-link": 0.9, "accepted-links": 0.9},
    "crlf-nbsp-tabs": dict.fromkeys(EXTRACTION + LINKS, 1.0),
    "bom": dict.fromkeys(EXTRACTION + LINKS, 1.0),
    "arabic-headings": dict.fromkeys(EXTRACTION + LINKS, 1.0),
    "slash-labels": dict.fromkeys(EXTRACTION + LINKS, 1.0),
    "repeated-paragraph": dict.fromkeys(EXTRACTION + LINKS, 1.0),
    "hard-wrapped": dict.fromkeys(EXTRACTION, 1.0) | {"tasks": 0.94, "group-link": 0.95, "task-link": 0.9,
                                                       "accepted-links": 0.85},
}


@pytest.fixture(scope="module")
def clean_seed_results() -> dict[str, robustness.Result]:
    from kg.central import load_reference

    from kg.link.examples import load_examples

    layer = load_reference(config.DATA_DIR / "reference")
    examples = load_examples(config.DATA_DIR / "reference")  # as a build links: other provinces' examples
    results = robustness.evaluate(config.DATA_DIR, LABELS, layer, ("clean",), examples=examples)
    assert {r.source_id for r in results}, "no seed with text_state 'clean' in the manifest"
    return {r.variant: r for r in results}


@pytest.mark.parametrize("variant", list(CLEAN_SEED_MINIMUM))
def test_clean_seed_variant_agrees_with_the_clean_run(clean_seed_results, variant):
    result = clean_seed_results[variant]
    assert result.changed, f"{variant} left the text unchanged"
    low = {name: result.agreement[name] for name, minimum in CLEAN_SEED_MINIMUM[variant].items()
           if result.agreement[name] is None or result.agreement[name] < minimum}
    assert not low, f"{variant}: agreement below the minimum: {low}"


@pytest.mark.parametrize("variant", ["no-diacritics", "crlf-nbsp-tabs", "bom", "slash-labels", "repeated-paragraph"])
def test_clean_seed_variant_keeps_label_recall(clean_seed_results, variant):
    clean, result = clean_seed_results["clean"], clean_seed_results[variant]
    for name, score in result.labels.items():
        assert score.recall >= clean.labels[name].recall, f"{variant} {name}: {score.recall:.3f}"
    assert result.links["labels found"] == 1.0
    assert result.links["group@1"] >= clean.links["group@1"] - 0.01


def test_other_seeds_extraction_survives_lost_diacritics_and_layout():
    """Every seed with intact diacritics, extraction only: stripping the marks, Windows line
    ends and slash labels change no task, agency key, deadline, target or metadata field."""
    states = ("web-transcription", "news-page", "news-summary")
    variants = tuple(v for v in robustness.VARIANTS if v.name in ("no-diacritics", "crlf-nbsp-tabs", "slash-labels",
                                                                  "repeated-paragraph"))
    results = robustness.evaluate(config.DATA_DIR, LABELS, None, states, variants)
    assert len({r.source_id for r in results}) == 3
    for r in results:
        if r.changed:
            low = {n: v for n, v in r.agreement.items() if n in EXTRACTION and v is not None and v < 1.0}
            assert not low, f"{r.source_id} {r.variant}: {low}"


def test_hard_wrapped_paragraphs_stay_apart():
    """A news summary (one paragraph per line, no blank lines) wrapped at 80 columns: most
    paragraphs come back as separate tasks (they ran into one before)."""
    variants = tuple(v for v in robustness.VARIANTS if v.name == "hard-wrapped")
    results = robustness.evaluate(config.DATA_DIR, LABELS, None, ("news-summary",), variants)
    wrapped = next(r for r in results if r.variant == "hard-wrapped")
    assert wrapped.agreement["tasks"] >= 0.7


@pytest.mark.parametrize("name", ["Sở Văn hóa, Thể thao và Du lịch", "các Sở, ban ngành thành phố", "HĐND tỉnh",
                                  "Đài Phát thanh và Truyền hình thành phố", "Sở KH&ĐT", "UBND các quận, huyện"])
def test_agency_key_is_the_same_without_diacritics(name):
    """One agency node whether the text has its diacritics or not (OCR, ASCII keyboards)."""
    assert normalize_agency(strip_marks(name), "vn-x").key == normalize_agency(name, "vn-x").key


def test_strip_marks_keeps_case_and_offsets():
    text = "Ủy ban nhân dân tỉnh Đắk Lắk, ngày 25 tháng 6"
    assert strip_marks(text) == "Uy ban nhan dan tinh Dak Lak, ngay 25 thang 6"
    assert fold(strip_marks(text)) == fold(text)


def test_bom_crlf_and_nbsp_do_not_break_the_first_heading_or_the_date():
    body = ("ỦY BAN NHÂN DÂN\r\nTHÀNH PHỐ CẦN THƠ\r\nSố: 12/KH-UBND\r\nCần Thơ, ngày\u00a020 tháng\u00a002 năm\u00a02025\r\n"
            "KẾ HOẠCH\r\nI.\tMỤC TIÊU\r\nTổ chức thực hiện đầy đủ các nhiệm vụ.\r\n")
    document = extract_document(source_from_bytes(("\ufeff" + body).encode("utf-8"), "t", "t.txt"))
    assert document.meta.date == "2025-02-20"
    assert document.meta.symbol == "12/KH-UBND"
    assert [p.label for p in document.parts if p.kind == "section"] == ["I."]
