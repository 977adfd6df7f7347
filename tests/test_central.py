"""The central layer, parsed from the corpus (kg.config.CORPUS_DIR) and read back from data/reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.central import CorpusMissing, load_reference, parse_central
from kg.graph.reference import write_reference
from kg.central.indicators import indicator_key
from kg.config import CORPUS_DIR, PROJECT_ROOT
from kg.model import DeadlineKind, Precision

REFERENCE = PROJECT_ROOT / "data" / "reference"


@pytest.fixture(scope="module")
def layer():
    return parse_central(CORPUS_DIR)


def directive(layer, local_id, secondary=False):
    return next(d for d in layer.directives if d.local_id == local_id and d.secondary == secondary
                and d.kind in ("task", "point", "group"))


def target(layer, local_id):
    return next(t for t in layer.targets if t.target.local_id == local_id)


@pytest.mark.corpus
def test_counts(layer):
    assert [g.number for g in layer.groups] == [1, 2, 3, 4, 5, 6, 7]
    pl2 = [d for d in layer.directives if d.local_id.startswith("PL2.")]
    assert [d.local_id for d in pl2] == [f"PL2.{n}" for n in range(1, 141)]
    assert all(d.group in range(1, 8) and d.lead for d in pl2)
    pl1 = [t.target.local_id for t in layer.targets if t.doc == "nq03-programme"]
    assert len(pl1) == 41 + 12 + 4
    assert {f"PL1.11.{n}" for n in range(1, 13)} | {f"PL1.23.{n}" for n in range(1, 5)} <= set(pl1)
    assert len([d for d in layer.directives if d.secondary]) == 37


@pytest.mark.corpus
def test_task_1(layer):
    task = directive(layer, "PL2.1")
    assert [a.name for a in task.lead] == ["Bộ Thông tin và Truyền thông"]
    assert task.lead[0].jurisdiction == "vn"
    assert task.deadline.kind is DeadlineKind.FIXED
    assert (task.deadline.end, task.deadline.precision) == ("2025-06", Precision.MONTH)
    assert task.group == 1 and task.parent == "II.1"


@pytest.mark.corpus
def test_indicator_10(layer):
    national = target(layer, "PL1.10")
    (value,) = national.target.values
    assert national.target.indicator_text == "Quy mô kinh tế số"
    assert (value.comparator, value.low, value.unit, value.base) == (">=", 30.0, "percent", "gdp")
    assert national.target.year == 2030
    assert [m.agency.name for m in national.target.monitoring] == ["Bộ Thông tin và Truyền thông"]
    assert national.target.indicator_key == "digital-economy-share"
    assert national.objective == "II.1.b2"


@pytest.mark.corpus
def test_range_and_rank_values(layer):
    (value,) = target(layer, "PL1.41").target.values
    assert (value.comparator, value.low, value.high) == ("range", 20.0, 50.0)
    assert [(v.comparator, v.high, v.scope) for v in target(layer, "PL1.4").target.values] == [
        ("<=", 3.0, "asean"), ("<=", 50.0, "world")]


@pytest.mark.corpus
def test_continuation_rows_merged(layer):
    assert directive(layer, "PL2.110").text.endswith("trực tiếp từ phần mềm của cơ sở khám chữa bệnh")
    task108 = directive(layer, "PL2.108")
    assert "(11) Mô hình điểm tại các tỉnh, thành phố có đảo." in task108.text
    assert task108.cooperating == []  # the echo of the cut lead cell is not a cooperating agency
    assert directive(layer, "PL2.128").text.count("công bố kết quả") == 1
    assert len(layer.repairs) == 4


@pytest.mark.corpus
def test_57_structure(layer):
    group2 = directive(layer, "III.2")
    assert group2.kind == "group" and group2.doc.symbol == "57-NQ/TW"
    assert group2.text.split(" Tiếp tục thể chế hoá")[0] == layer.groups[1].title
    assert [d.local_id for d in layer.directives if d.parent == "III.3"] == [f"III.3.b{n}" for n in range(1, 7)]
    assert len([d for d in layer.directives if d.kind == "viewpoint"]) == 5
    rd = next(t for t in layer.targets if t.doc == "nq57" and t.target.indicator_key == "rd-spending-share")
    assert (rd.target.year, rd.target.values[0].low, rd.target.values[0].base) == (2030, 2.0, "gdp")


@pytest.mark.corpus
def test_03_points_and_secondary_tasks(layer):
    point = directive(layer, "II.2.đ")
    assert point.group == 2 and point.parent == "II.2"
    assert [d.local_id for d in layer.directives if d.parent == "II.2.đ"] == ["II.2.đ.b1", "II.2.đ.b2", "II.2.đ.b3"]
    report = directive(layer, "PL1.1", secondary=True)
    assert [a.name for a in report.lead] == ["Bộ Khoa học và Công nghệ"] and report.group == 1
    assert report.deadline.end == "2025-04"


@pytest.mark.corpus
def test_documents_and_mergers(layer):
    refs = {d.key: d.ref for d in layer.documents}
    assert (refs["nq57"].date, refs["nq03"].date, refs["nq71"].date) == ("2024-12-22", "2025-01-09", "2025-04-01")
    assert layer.document("nq03-programme").part_of == "nq03"
    assert layer.document("report-2025-05").secondary
    relations = {(r.source, r.relation.value, r.target) for r in layer.relations}
    assert {("nq71", "replaces", "nq03-programme"), ("nq03-programme", "implements", "nq57")} <= relations
    # the two mergers the corpus shows (report tasks of Bộ TT&TT led by Bộ KH&CN) keep their keys
    assert {c.key: (c.original.key, c.resulting.key) for c in layer.changes if c.key in ("merger-1", "merger-2")} == {
        "merger-1": ("bo-thong-tin-va-truyen-thong", "bo-khoa-hoc-va-cong-nghe"),
        "merger-2": ("bo-ke-hoach-va-dau-tu", "bo-tai-chinh")}


def test_indicator_rules_fit_provincial_wording():
    assert indicator_key("Quy mô kinh tế số đạt 35-40% GRDP") == "digital-economy-share"
    assert indicator_key("Kinh phí chi cho nghiên cứu phát triển (R&D) chiếm 2% GRDP") == "rd-spending-share"
    assert indicator_key("đạt 12 người trên một vạn dân") == "researchers-per-10000"
    assert indicator_key("Tỷ lệ giao dịch không dùng tiền mặt") == "cashless-payment-share"


def test_missing_corpus_is_named(tmp_path: Path):
    with pytest.raises(CorpusMissing, match="57-NQ-TW.txt"):
        parse_central(tmp_path)


@pytest.mark.corpus
def test_reference_is_reproducible_and_committed(layer, tmp_path: Path):
    write_reference(layer, tmp_path / "a")
    write_reference(parse_central(CORPUS_DIR), tmp_path / "b")
    for name in ("central.json", "central.ttl"):
        fresh = (tmp_path / "a" / name).read_bytes()
        assert fresh == (tmp_path / "b" / name).read_bytes()
        assert fresh == (REFERENCE / name).read_bytes()
    assert "_:" not in (tmp_path / "a" / "central.ttl").read_text(encoding="utf-8")


@pytest.mark.corpus
def test_reference_loads_without_corpus(layer):
    loaded = load_reference(REFERENCE)
    assert loaded == layer
