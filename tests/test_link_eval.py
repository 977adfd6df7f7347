"""The linker's measured figures on the labelled seeds, held a little below what it reaches."""


from dataclasses import replace

import numpy as np
import pytest

from kg.central import load_reference
from kg.config import DATA_DIR
from kg.evaluation.links import run
from kg.extract import extract_document
from kg.link import link_document
from kg.link.links import linkable_tasks
from kg.link.groups import monotone_groups
from kg.link.rank import looks_ocr
from kg.link.text import clauses, vocabulary
from kg.sources import load_sources


@pytest.fixture(scope="module")
def layer():
    return load_reference(DATA_DIR / "reference")


@pytest.fixture(scope="module")
def result(layer):
    return run(DATA_DIR / "sources", layer)


def test_method_overall(result):
    rates = result["method"]["overall"].rates()
    assert rates["group@1"] >= 0.95
    assert rates["group@3"] >= 0.97
    assert rates["task@1"] >= 0.86
    assert rates["task@3"] >= 0.94
    assert rates["accepted precision"] >= 0.95
    assert rates["accepted recall"] >= 0.33
    assert rates["group accepted precision"] >= 0.97


def test_method_beats_baseline(result):
    method, baseline = result["method"]["overall"].rates(), result["baseline"]["overall"].rates()
    assert method["task@1"] > baseline["task@1"]
    assert method["group@1"] > baseline["group@1"]


def test_other_provinces_examples_help(result):
    # each plan is ranked with the examples of the other provinces only (kg.link.examples)
    method, lexical = result["method"]["overall"].rates(), result["no-examples"]["overall"].rates()
    assert method["task@1"] >= lexical["task@1"] + 0.03
    assert method["task@3"] >= lexical["task@3"] + 0.03


def test_clean_plans(result):
    for doc in ("can-tho_ubnd_kh-37", "dak-lak_ubnd_kh-146"):
        rates = result["method"][doc].rates()
        assert rates["task@1"] >= 0.90 and rates["task@3"] >= 0.95, doc


def test_paraphrasing_plan_close_to_baseline(result):
    # Quảng Nam paraphrases 57 rather than 03: words as written keep the method near the baseline there
    doc = "quang-nam_tu_ctr-60"
    assert result["method"][doc].rates()["task@1"] >= result["baseline"][doc].rates()["task@1"] - 0.05


def test_group_from_plan_order_where_headings_are_lost(result):
    # Đắk Lắk lost most group headings, the news summary has none: the plan's order decides
    for doc in ("dak-lak_ubnd_kh-146", "da-nang_ubnd_kh-57_news-summary"):
        assert result["method"][doc].rates()["group@1"] >= 0.9, doc


def test_monotone_groups_overrides_a_stray_vote_but_keeps_a_restart():
    likely, unlikely = np.log(0.9), np.log(0.1 / 6)
    def votes(group: int) -> list[float]:
        return [likely if g == group else unlikely for g in range(7)]
    # runs vote 1, 2, 5 (a weak stray), 2, 3, then a firm run of restarts at 1 (an appendix)
    weak = [np.log({1: 0.25, 4: 0.35}.get(g, 0.08)) for g in range(7)]
    log_votes = np.array([votes(0), votes(1), weak, votes(1), votes(2), votes(0), votes(0), votes(0)])
    assert monotone_groups(log_votes, backward=4.0) == [0, 1, 1, 1, 2, 0, 0, 0]


def test_ocr_within_reach(result):
    # The target is OCR within 10 points of clean; measured: not reached (docs/linking.md).
    rates = result["method"]["da-nang_tu_ctr-57_ocr"].rates()
    assert rates["group@1"] >= 0.85
    assert rates["task@1"] >= 0.57
    assert rates["task@3"] >= 0.72


def test_ocr_text_told_from_clean(layer):
    known = vocabulary([d.text for d in layer.directives] + [g.title for g in layer.groups])
    sources, _ = load_sources(DATA_DIR / "sources")
    for source in sources:
        raw = [t.text for t in linkable_tasks(extract_document(replace(source, reading="")))]
        # the curator's text_state says which seed is OCR output; the gate reads only the text
        assert looks_ocr(raw, known) == (source.text_state == "ocr-damaged"), source.source_id
        # the repaired reading the linker reads is clean enough for the words as written
        # (docs/linking.md: treating it as OCR costs four first candidates)
        assert not looks_ocr([t.text for t in linkable_tasks(extract_document(source))], known), source.source_id


def test_clauses_split_long_directive(layer):
    directive = next(d for d in layer.directives if d.local_id == "PL2.14")
    pieces = clauses(directive.text)
    assert len(pieces) >= 3 and all(len(p.split()) >= 4 for p in pieces)
    assert clauses("Xây dựng Đề án") == ["Xây dựng Đề án"]


def test_every_label_found(result):
    assert not result["method"]["overall"].unmatched


def test_links_deterministic_and_well_formed(layer):
    sources, _ = load_sources(DATA_DIR / "sources")
    document = extract_document(next(s for s in sources if s.source_id == "dak-lak_ubnd_kh-146"))
    first, second = link_document(document, layer), link_document(document, layer)
    assert first == second
    assert all(0.0 <= l.confidence <= 1.0 for l in first)
    assert all(l.evidence.text == document.source.text[l.evidence.start : l.evidence.end] for l in first)
    assert {l.status for l in first} <= {"accepted", "suggested"}
    assert all(l.rank == 1 for l in first if l.status == "accepted")
    by_task: dict[tuple[str, str], list] = {}
    for link in first:
        by_task.setdefault((link.source_local_id, link.link_type), []).append(link)
    for ranked in by_task.values():  # a lower rank never carries a higher confidence
        confidences = [l.confidence for l in sorted(ranked, key=lambda l: l.rank)]
        assert confidences == sorted(confidences, reverse=True), ranked[0].source_local_id
