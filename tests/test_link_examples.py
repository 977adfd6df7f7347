"""Confirmed examples: derived from the labels, never used on their own province, and what they do."""

import json

import pytest
from click.testing import CliRunner

from kg.central import load_reference
from kg.cli import main
from kg.config import DATA_DIR
from kg.evaluation.links import find_task, label_examples, load_labels
from kg.link.examples import FILE_NAME, Example, load_examples, usable_for
from kg.link.links import linkable_tasks, ranker_for
from kg.link.rank import CentralIndex
from kg.link.review import Decision, quote_text, reviewed_examples
from kg.pipeline import extract_all

# The same sentence stands in Cần Thơ 37/KH-UBND and Quảng Nam 60-CTr/TU (both copy 57-NQ/TW).
TELECOM = "Phát triển hạ tầng viễn thông, Internet đáp ứng yêu cầu dự phòng, kết nối, an toàn, bền vững"


@pytest.fixture(scope="module")
def documents():
    return extract_all(DATA_DIR / "sources")[0]


@pytest.fixture(scope="module")
def index():
    return CentralIndex(load_reference(DATA_DIR / "reference"))


def _document(documents, source_id):
    return next(d for d in documents if d.source.source_id == source_id)


def _task(document, words):
    return next(t for t in linkable_tasks(document) if " ".join(t.text.split()).startswith(words))


def test_committed_examples_are_derived_from_the_labels(tmp_path):
    # `kg links examples` regenerates the committed file byte for byte: no stale examples
    result = CliRunner().invoke(main, ["links", "examples", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / FILE_NAME).read_bytes() == (DATA_DIR / "reference" / FILE_NAME).read_bytes()


def test_examples_hold_the_clear_labels(documents):
    examples = {(e.source_id, e.text): e for e in label_examples(documents, load_labels())}
    clear = [l for l in load_labels() if l.tasks03]
    # every clear label lands on its task's example (several labels may share a task)
    for label in clear:
        document = _document(documents, label.source_id)
        task = find_task(document, linkable_tasks(document), label.quote)
        example = examples[label.source_id, task.text]
        assert set(label.tasks03) <= set(example.targets) and example.place == document.meta.jurisdiction
    assert len(examples) < len(clear)


def test_a_plan_never_learns_from_its_own_labels(documents):
    examples = load_examples(DATA_DIR / "reference")
    news = _document(documents, "da-nang_ubnd_kh-57_news-summary")
    others = {e.source_id for e in examples} - {"da-nang_ubnd_kh-57_news-summary"}
    # a build: every other plan's examples, the OCR programme of the same city among them
    assert {e.source_id for e in usable_for(examples, news)} == others
    # the evaluation holds out the whole province (the two Đà Nẵng plans restate each other)
    held_out = usable_for(examples, news, hold_out_place=True)
    assert {e.source_id for e in held_out} == others - {"da-nang_tu_ctr-57_ocr"}
    assert {e.place for e in held_out}.isdisjoint({"vn-da-nang"})


def test_an_example_from_another_province_decides(documents, index):
    can_tho = _document(documents, "can-tho_ubnd_kh-37")
    task = _task(can_tho, TELECOM)
    layer = index.layer
    example = Example(_task(_document(documents, "quang-nam_tu_ctr-60"), TELECOM).text, ("PL2.62",),
                      "vn-quang-nam", "quang-nam_tu_ctr-60")
    with_example = ranker_for(can_tho, index, [example])([task], layer)[0]
    without = ranker_for(can_tho, index, [])([task], layer)[0]
    assert with_example.tasks[0][0] == "PL2.62"
    assert with_example.signals["PL2.62"] == "combined-with-example"
    assert dict(with_example.tasks)["PL2.62"] > dict(without.tasks)["PL2.62"]
    # an example of the plan itself is never used; one of its province only outside the evaluation
    own = Example(example.text, example.targets, "vn-can-tho", "can-tho_ubnd_kh-37")
    assert ranker_for(can_tho, index, [own])([task], layer)[0] == without
    same_place = Example(example.text, example.targets, "vn-can-tho", "can-tho_other-plan")
    assert ranker_for(can_tho, index, [same_place])([task], layer)[0] == with_example
    assert ranker_for(can_tho, index, [same_place], hold_out_place=True)([task], layer)[0] == without


def test_accepted_review_decisions_become_examples(documents):
    quang_nam = _document(documents, "quang-nam_tu_ctr-60")
    task = _task(quang_nam, TELECOM)
    decisions = [Decision(quang_nam.source.source_id, quote_text(task.span.text), "PL2.62", "accepted"),
                 Decision(quang_nam.source.source_id, quote_text(task.span.text), "PL2.66", "rejected"),
                 Decision(quang_nam.source.source_id, quote_text(task.span.text), "group:3", "accepted")]
    assert reviewed_examples(documents, decisions) == [
        Example(task.text, ("PL2.62",), "vn-quang-nam", "quang-nam_tu_ctr-60")]


def test_a_malformed_examples_file_is_named(tmp_path):
    assert load_examples(tmp_path) == []
    (tmp_path / FILE_NAME).write_text(json.dumps({"examples": [{"text": "x"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=FILE_NAME):
        load_examples(tmp_path)


def test_a_build_without_examples_says_so(tmp_path):
    import shutil

    shutil.copytree(DATA_DIR / "sources", tmp_path / "data" / "sources")
    reference = tmp_path / "reference"
    reference.mkdir()
    shutil.copy(DATA_DIR / "reference" / "central.json", reference)
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "data"), "--reference", str(reference),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"no {FILE_NAME} in {reference}" in result.output
    assert "combined-with-example" not in (tmp_path / "out" / "graph.nq").read_text(encoding="utf-8")
