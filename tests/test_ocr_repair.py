"""OCR repair (kg.parse.repair) on the project's own texts: clean ones untouched, damaged ones
detected and restored, evidence still quoting the source, the restored reading in the graph."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import config
from kg.cli import main
from kg.evaluation.ocr import NOISES, corpus_texts, damage, word_accuracy
from kg.graph.vocab import KG, OA
from kg.parse.normalize import fold
from kg.parse.repair import DAMAGE_THRESHOLD, SyllableModel, reference_file, reference_texts, restore
from kg.pipeline import extract_all
from kg.sources import load_sources, read_source

OCR_SEED = "da-nang_tu_ctr-57_ocr"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def reference() -> list[str]:
    return reference_texts(reference_file(config.DATA_DIR))


@pytest.fixture(scope="module")
def sources():
    return {s.source_id: s for s in load_sources(config.DATA_DIR / "sources")[0]}


@pytest.fixture(scope="module")
def ocr_document():
    documents, _ = extract_all(config.DATA_DIR / "sources")
    return next(d for d in documents if d.source.source_id == OCR_SEED)


def test_clean_sources_are_left_as_they_are(sources):
    for source in sources.values():
        if source.source_id != OCR_SEED:
            assert source.reading == "", source.source_id
            assert source.text == read_source(config.DATA_DIR / "sources" / source.path.split("/")[-1]).text


def test_the_ocr_seed_is_restored_in_place(sources):
    source = sources[OCR_SEED]
    assert len(source.reading) == len(source.text)
    reading = source.reading
    for scan, restored in [("Chuong trinh hanh dong thuc hién Nghi quyét s6 57-NQ/TW",
                            "Chương trình hành động thực hiện Nghị quyết số 57-NQ/TW"),
                           ("Ha tang cong nghé 5O", "Hạ tầng công nghệ 5G"),
                           ("I11. TO CHUC THUC HIEN", "III. TỔ CHỨC THỰC HIỆN")]:
        at = source.text.index(scan)
        assert reading[at : at + len(scan)] == restored


def test_damage_is_told_by_the_texts_own_signs(sources, reference):
    judge = SyllableModel(reference)
    for source in sources.values():
        damaged = source.source_id == OCR_SEED
        assert judge.is_damaged(source.text) is damaged, (source.source_id, judge.damage(source.text))
        if not damaged:
            for noise in NOISES:
                assert judge.damage(damage(source.text, noise)).score > DAMAGE_THRESHOLD, (source.source_id, noise)


@pytest.mark.corpus
def test_real_clean_texts_of_the_corpus_are_not_flagged(reference):
    if not config.CORPUS_DIR.is_dir():
        pytest.skip("no corpus folder")
    judge = SyllableModel(reference)
    texts = corpus_texts(config.CORPUS_DIR)
    assert texts
    for name, text in texts.items():
        assert not judge.is_damaged(text), (name, judge.damage(text))


@pytest.mark.parametrize("source_id", ["dak-lak_ubnd_kh-146", "quang-nam_tu_ctr-60"])
def test_stripped_marks_come_back_from_a_model_of_other_provinces(sources, reference, source_id):
    held_out = sources[source_id]
    others = [s.text for s in sources.values() if s.hint_jurisdiction != held_out.hint_jurisdiction and not s.reading]
    damaged = damage(held_out.text, NOISES[0])
    restored = restore(damaged, SyllableModel([*reference, *others]))
    assert word_accuracy(damaged, held_out.text) < 0.2
    assert word_accuracy(restored, held_out.text) > 0.95


def test_evidence_quotes_the_source_and_keeps_the_restored_words_beside(ocr_document):
    source = ocr_document.source
    repaired = [t.span for t in ocr_document.tasks if t.span.repaired]
    assert len(repaired) > 0.9 * len(ocr_document.tasks)
    for span in repaired:  # extraction joins wrapped lines: compared with whitespace squeezed
        assert _squeeze(span.text) == _squeeze(source.text[span.start : span.end])
        assert _squeeze(span.repaired) == _squeeze(source.reading[span.start : span.end])
    # extraction read the restored words: the task texts carry diacritics
    marked = [t for t in ocr_document.tasks if any(fold(c) != c.lower() for c in t.text if c.isalpha())]
    assert len(marked) == len(ocr_document.tasks)


def test_the_signer_of_the_ocr_programme(ocr_document):
    meta = ocr_document.meta
    assert fold(meta.signer) == "nguyen van quang"
    assert meta.signer.startswith("Nguyễn Văn")
    assert meta.evidence["signer"].text == "Nguyén Vin Quang"


def test_the_graph_records_the_restored_reading_beside_the_quote(built, sources):
    out, _ = built
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    pairs = list(graph.subject_objects(KG.repairedText))
    assert len(pairs) > 20
    text = sources[OCR_SEED].text
    for selector, reading in pairs:
        quote, start, end = (graph.value(selector, OA[name]) for name in ("exact", "start", "end"))
        # only the OCR programme's evidence has one (extraction joins its wrapped lines)
        assert _squeeze(str(quote)) == _squeeze(text[int(start) : int(end)])
        assert len(str(reading)) == len(str(quote)) and str(reading) != str(quote)


def test_kg_ocr_check_names_a_bad_file_and_reports_damage(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    runner = CliRunner()
    result = runner.invoke(main, ["ocr", "check", str(config.DATA_DIR / "sources" / f"{OCR_SEED}.txt"),
                                  str(config.DATA_DIR / "sources" / "can-tho_ubnd_kh-37.txt"), str(bad)])
    assert result.exit_code == 1
    assert f"{OCR_SEED}.txt: damage" in result.output and "repaired" in result.output
    assert "can-tho_ubnd_kh-37.txt: damage" in result.output and "clean, read as it is" in result.output
    assert "bad.txt" in result.output


def test_several_damaged_texts_read_the_same_on_one_core_or_several(sources, reference, monkeypatch):
    """Damaged texts are restored in worker processes when there are several: each reading must be
    the one a single process gives (and the model still leaves out each text's own province)."""
    from dataclasses import replace

    from kg.parse import repair

    stripped = replace(sources["dak-lak_ubnd_kh-146"], text=damage(sources["dak-lak_ubnd_kh-146"].text, NOISES[0]))
    batch = [replace(s, reading="") for s in sources.values()] + [stripped]
    readings = {}
    for cpus in (1, 2):
        monkeypatch.setattr(repair.os, "cpu_count", lambda cpus=cpus: cpus)
        readings[cpus] = [s.reading for s in repair.repair_sources(batch, reference)]
    assert readings[1] == readings[2]
    assert sum(bool(r) for r in readings[1]) == 2  # the OCR seed and the stripped copy
    assert readings[1][-1] != sources["dak-lak_ubnd_kh-146"].text  # its own clean text is not in its model
    assert word_accuracy(readings[1][-1], sources["dak-lak_ubnd_kh-146"].text) > 0.95
