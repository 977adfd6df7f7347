"""The 2025 reorganisation: the changes as data (one test per kind), the province map derived from
the chosen package, agencies reconciled per province, the three queries on the seeds, and the
shape that reports a name used after its last day.

The seed plans name no Sở Thông tin và Truyền thông or Sở Kế hoạch và Đầu tư (their plans were
written with the Sở Khoa học và Công nghệ already leading), so the department chain is also shown
on short plans written here in the seeds' layout and built by the real pipeline."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import config
from kg.central import load_reference
from kg.central.provinces import FILE_NAME, derive_provinces, dumps, load_provinces, resolution_pairs
from kg.central.reorganisation import (
    ABOLITION,
    BASES,
    DEPARTMENT_CHANGES,
    KINDS,
    MERGER,
    MINISTRY_CHANGES,
    RENAMING,
    RESOLUTION_202,
    SPLIT,
)
from kg.central.succession import local_events
from kg.cli import main
from kg.extract.agencies import normalize_agency
from kg.graph.ids import BASE, ONT
from kg.model import Agency
from kg.pipeline import build
from kg.store.query import QueryResult, load_store, run_query
from kg.validate import load_shapes, run_sparql, validate_dataset

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "data" / "reference"


def run(store: ox.Store, name: str, **values: str) -> list[dict[str, str]]:
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    for var, terms in values.items():
        text, count = re.subn(rf"VALUES \?{var} \{{[^}}]*\}}", f"VALUES ?{var} {{ {terms} }}", text)
        assert count == 1
    result: QueryResult = run_query(store, text, max_rows=100_000)
    return [{v: (t.value if t is not None else "") for v, t in zip(result.variables, row)} for row in result.rows]


def objects(store: ox.Store, subject: str, prop: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(prop), None)}


@pytest.fixture(scope="module")
def provinces():
    return load_provinces(REFERENCE)


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    out, _ = built
    return load_store([out / "graph.trig"])


# --- the changes as data, one test per kind ---------------------------------------------------

def test_every_change_names_a_basis_that_was_read_or_says_it_was_not():
    for change in MINISTRY_CHANGES + DEPARTMENT_CHANGES:
        assert change.kind in KINDS and change.basis in BASES
    for basis in BASES.values():
        assert basis.ref.symbol and basis.ref.date and basis.in_force
        assert basis.read_at.startswith("http") and basis.note  # where it was read, and what was not confirmed


def test_ministry_mergers_of_nq176():
    layer = load_reference(REFERENCE)
    mergers = {(c.original.key, c.resulting.key) for c in layer.changes if c.kind == MERGER}
    assert mergers == {("bo-thong-tin-va-truyen-thong", "bo-khoa-hoc-va-cong-nghe"),
                       ("bo-ke-hoach-va-dau-tu", "bo-tai-chinh"), ("bo-giao-thong-van-tai", "bo-xay-dung"),
                       ("bo-tai-nguyen-va-moi-truong", "bo-nong-nghiep-va-moi-truong"),
                       ("bo-nong-nghiep-va-phat-trien-nong-thon", "bo-nong-nghiep-va-moi-truong"),
                       ("bo-lao-dong-thuong-binh-va-xa-hoi", "bo-noi-vu")}
    assert {c.date for c in layer.changes} == {"2025-03-01"}


def test_split_of_functions_moves_functions_not_the_body(store):
    layer = load_reference(REFERENCE)
    splits = {(c.original.key, c.resulting.key): c.functions for c in layer.changes if c.kind == SPLIT}
    assert splits[("bo-thong-tin-va-truyen-thong", "bo-van-hoa-the-thao-va-du-lich")] == "báo chí, xuất bản"
    assert ("bo-lao-dong-thuong-binh-va-xa-hoi", "bo-y-te") in splits
    # a split is no succession: the Ministry of Home Affairs goes on after giving religion away
    assert not objects(store, BASE + "org/vn/bo-noi-vu", ONT + "succeededBy")
    assert objects(store, BASE + "org/vn/bo-thong-tin-va-truyen-thong", ONT + "succeededBy") == {
        BASE + "org/vn/bo-khoa-hoc-va-cong-nghe"}


def test_renaming_founds_a_new_body(store):
    layer = load_reference(REFERENCE)
    (renaming,) = [c for c in layer.changes if c.kind == RENAMING]
    assert (renaming.original.name, renaming.resulting.name) == ("Ủy ban Dân tộc", "Bộ Dân tộc và Tôn giáo")
    assert objects(store, BASE + "org/vn/bo-dan-toc-va-ton-giao", ONT + "validFrom") == {"2025-03-01"}
    assert objects(store, BASE + "org/vn/uy-ban-dan-toc", ONT + "validUntil") == {"2025-02-28"}


def test_abolition_of_the_district_level_passes_tasks_to_the_communes_of_today(provinces):
    district = normalize_agency("UBND huyện Núi Thành", "vn-quang-nam")
    (event,) = [e for e in local_events([district], provinces) if e.original == district]
    assert event.kind == ABOLITION and event.date == "2025-07-01" and event.basis_key == "nq203"
    assert (event.resulting.name, event.resulting.jurisdiction, event.resulting.collective) == (
        "Ủy ban nhân dân cấp xã", "vn-da-nang", True)


def test_department_merger_then_province_merger_is_one_chain(provinces):
    old = normalize_agency("Sở TT&TT", "vn-quang-nam")
    events = {(e.original.jurisdiction, e.original.key, e.resulting.jurisdiction, e.resulting.key, e.kind, e.date)
              for e in local_events([old], provinces)}
    assert events == {
        ("vn-quang-nam", "so-thong-tin-va-truyen-thong", "vn-quang-nam", "so-khoa-hoc-va-cong-nghe", MERGER, "2025-03-01"),
        ("vn-quang-nam", "so-thong-tin-va-truyen-thong", "vn-quang-nam", "so-van-hoa-the-thao-va-du-lich", SPLIT,
         "2025-03-01"),
        ("vn-quang-nam", "so-khoa-hoc-va-cong-nghe", "vn-da-nang", "so-khoa-hoc-va-cong-nghe", MERGER, "2025-07-01"),
        ("vn-quang-nam", "so-van-hoa-the-thao-va-du-lich", "vn-da-nang", "so-van-hoa-the-thao-va-du-lich", MERGER,
         "2025-07-01")}
    # a body of a province left unchanged by Nghị quyết 202 has no province event
    assert not local_events([Agency("so-y-te", "Sở Y tế", "vn-nghe-an")], provinces)


def test_a_province_party_body_becomes_the_city_one(provinces):
    (event,) = local_events([normalize_agency("Ban Thường vụ Tỉnh ủy Quảng Nam", "vn-quang-nam")], provinces)
    assert (event.resulting.key, event.resulting.jurisdiction) == (
        normalize_agency("Ban Thường vụ Thành ủy Đà Nẵng", "vn-da-nang").key, "vn-da-nang")


# --- the provinces: resolution, package, derived file ------------------------------------------

def test_province_map_agrees_with_resolution_202(provinces):
    assert provinces is not None and provinces.package == "vietnamadminunits"
    assert len(provinces.units_2024) == 63 and len(provinces.units_2025) == 34 and len(provinces.absorbed()) == 29
    assert {(u.slug, u.today) for u in provinces.units_2024} == resolution_pairs()
    assert sum(len(olds) for olds in RESOLUTION_202.values()) == 63
    for units in (provinces.units_2024, provinces.units_2025):
        assert len({u.code for u in units}) == len(units) and all(re.fullmatch(r"\d\d", u.code) for u in units)
    assert provinces.today("vn-quang-nam") == "vn-da-nang" and provinces.today("vn-phu-yen") == "vn-dak-lak"
    assert provinces.today("vn-soc-trang") == provinces.today("vn-hau-giang") == "vn-can-tho"


def test_derived_province_file_is_reproduced_by_the_command(tmp_path):
    pytest.importorskip("vietnamadminunits")
    assert dumps(derive_provinces()) == (REFERENCE / FILE_NAME).read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["reorg", "provinces", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / FILE_NAME).read_bytes() == (REFERENCE / FILE_NAME).read_bytes()


def test_package_comparison_in_the_docs_is_the_commands_output():
    pytest.importorskip("vietnamadminunits")
    pytest.importorskip("vietnam_provinces")
    result = CliRunner().invoke(main, ["reorg", "compare"])
    assert result.exit_code == 0, result.output
    assert result.output in (ROOT / "docs" / "reorganisation.md").read_text(encoding="utf-8")
    chosen = result.output.splitlines()[2]
    assert chosen.startswith("| vietnamadminunits |") and "| 63 | 34 | 0 | 63 |" in chosen


# --- agencies reconciled per province -----------------------------------------------------------

@pytest.mark.parametrize("written", ["Sở TT&TT", "Sở Thông tin và Truyền thông", "So Thong tin va Truyen thong",
                                     "Sở TTTT thành phố", "Sở Thông tin và Truyền thông thành phố Cần Thơ"])
def test_one_department_whatever_the_spelling(written):
    assert normalize_agency(written, "vn-can-tho").key == "so-thong-tin-va-truyen-thong"


def test_the_place_only_scopes_a_body_name():
    assert normalize_agency("Ủy ban nhân dân thành phố Cần Thơ", "vn-can-tho").key == \
        normalize_agency("UBND thành phố", "vn-can-tho").key == "uy-ban-nhan-dan"
    assert normalize_agency("Báo Cần Thơ", "vn-can-tho").key == "bao-can-tho"  # the paper's own name
    assert normalize_agency("Sở KH&ĐT tỉnh Quảng Nam", "vn-quang-nam").key == "so-ke-hoach-va-dau-tu"


# --- the queries on the seeds --------------------------------------------------------------------

def test_quang_nam_counts_under_da_nang_today(store):
    rows = {r["province"]: r for r in run(store, "coverage-now")}
    quang_nam, da_nang = rows["vn-quang-nam"], rows["vn-da-nang"]
    assert quang_nam["provinceNow"] == da_nang["provinceNow"] == "vn-da-nang"
    assert quang_nam["provinceNowName"] == "Đà Nẵng"
    # today's figures are those of the two 2024 units together
    assert int(quang_nam["documentsNow"]) == int(quang_nam["documents"]) + int(da_nang["documents"]) == 3
    assert int(da_nang["targetsNow"]) == int(quang_nam["targets"]) + int(da_nang["targets"])
    assert int(da_nang["tasks03Now"]) >= max(int(quang_nam["tasks03"]), int(da_nang["tasks03"]))
    # a province left unchanged counts the same on both maps
    can_tho = rows["vn-can-tho"]
    assert [can_tho[k] for k in ("documents", "tasks03", "targets")] == [
        can_tho[k] for k in ("documentsNow", "tasks03Now", "targetsNow")]


def test_district_committee_tasks_now_with_the_communes(store):
    district = BASE + "group/vn-can-tho/uy-ban-nhan-dan-quan-huyen"
    rows = [r for r in run(store, "responsible-now", task="UNDEF") if r["leadAgency"] == district]
    led = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(ONT + "leadAgency"),
                                                             ox.NamedNode(district))}
    assert led and {r["task"] for r in rows} == led
    assert {(r["responsibleNow"], r["changeKind"], r["changeDate"]) for r in rows} == {
        (BASE + "group/vn-can-tho/uy-ban-nhan-dan-cap-xa", ABOLITION, "2025-07-01")}


def test_bodies_gone_lists_every_task_of_an_ended_lead(store):
    rows = run(store, "bodies-gone")
    ended = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(ONT + "validUntil"), None)}
    leads = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(
        None, ox.NamedNode(ONT + "leadAgency"), None) if q.object.value in ended}
    assert {(r["task"], r["leadAgency"]) for r in rows} == leads
    by_lead = {r["leadAgency"]: r for r in rows}
    assert by_lead[BASE + "org/vn/bo-ke-hoach-va-dau-tu"]["responsibleNow"] == BASE + "org/vn/bo-tai-chinh"
    assert "báo chí, xuất bản → Bộ Văn hóa, Thể thao và Du lịch" in \
        by_lead[BASE + "org/vn/bo-thong-tin-va-truyen-thong"]["splitFunctions"]
    quang_nam = [r for r in rows if "/org/vn-quang-nam/" in r["leadAgency"]]
    assert quang_nam and all(r["placeNow"] == BASE + "place/vn-da-nang" for r in quang_nam)
    assert all(not objects(store, r["responsibleNow"], ONT + "validUntil") for r in rows)


def test_old_iris_stay_and_events_carry_kind_date_and_basis(store):
    # the task of 03 still names the body of its day; the event IRIs of the first two mergers are kept
    assert objects(store, BASE + "eli/vn/cp/nq/2025/03/ctr/pl2/97", ONT + "leadAgency") == {
        BASE + "org/vn/bo-thong-tin-va-truyen-thong"}
    events = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/ns/org#ChangeEvent"))}
    assert {BASE + "event/merger-1", BASE + "event/merger-2"} <= events
    kinds = set()
    for event in events:
        (kind,) = objects(store, event, ONT + "changeKind")
        kinds.add(kind.rsplit("/", 1)[1])
        (basis,) = objects(store, event, ONT + "legalBasis")
        assert objects(store, basis, "http://data.europa.eu/eli/ontology#id_local")
        assert objects(store, event, "http://purl.org/dc/terms/date")
    assert kinds == set(KINDS)
    # the 29 absorbed provinces end on 30/06/2025 and point to today's unit
    assert objects(store, BASE + "place/vn-quang-nam", ONT + "succeededBy") == {BASE + "place/vn-da-nang"}
    assert objects(store, BASE + "place/vn-quang-nam", ONT + "validUntil") == {"2025-06-30"}


# --- plans naming the merged departments, built by the pipeline --------------------------------

PLANS = {
    # (file, text): a Cần Thơ plan of February 2025, a Sóc Trăng one, and a Cần Thơ one of August 2025
    "can-tho_ubnd_kh-5.txt": """Số: 5/KH-UBND
Cần Thơ, ngày 10 tháng 02 năm 2025
KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị
II. NHIỆM VỤ CỤ THỂ
1. Sở TT&TT chủ trì, phối hợp với Sở KH&ĐT xây dựng nền tảng dữ liệu số dùng chung của thành phố, hoàn thành trong năm 2025.
2. Sở Thông tin và Truyền thông chủ trì phát triển hạ tầng viễn thông, Internet băng rộng trên địa bàn thành phố, hoàn thành trong năm 2026.
3. So Thong tin va Truyen thong chu tri trien khai chuong trinh chuyen doi so trong co quan nha nuoc, hoàn thành trong năm 2025.
""",
    "soc-trang_ubnd_kh-9.txt": """Số: 9/KH-UBND
Sóc Trăng, ngày 12 tháng 02 năm 2025
KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị
II. NHIỆM VỤ CỤ THỂ
1. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính bố trí vốn đầu tư công cho khoa học, công nghệ và đổi mới sáng tạo, hoàn thành trong năm 2025.
""",
    "can-tho_ubnd_kh-90.txt": """Số: 90/KH-UBND
Cần Thơ, ngày 15 tháng 8 năm 2025
KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị
II. NHIỆM VỤ CỤ THỂ
1. Sở Thông tin và Truyền thông chủ trì phát triển các nền tảng số dùng chung của thành phố, hoàn thành trong năm 2025.
""",
}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    data = tmp_path_factory.mktemp("reorg-data")
    (data / "sources").mkdir()
    for name, text in PLANS.items():
        (data / "sources" / name).write_text(text, encoding="utf-8")
    out = data / "build"
    build(data, out, config.ONTOLOGY_DIR, reference_dir=REFERENCE)
    return load_store([out / "graph.trig"]), out


def test_one_node_for_the_three_spellings_the_short_one_as_written_the_unaccented_one_restored(plans):
    store, _ = plans
    department = BASE + "org/vn-can-tho/so-thong-tin-va-truyen-thong"
    plan = BASE + "eli/vn-can-tho/ubnd/kh/2025/5"
    leads = {objects(store, f"{plan}/ii/{n}", ONT + "leadAgency").pop() for n in (1, 2, 3)}
    assert leads == {department}
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert "Sở TT&TT" in objects(store, department, skos + "altLabel")
    labels = objects(store, department, skos + "altLabel") | objects(store, department, skos + "prefLabel")
    assert "Sở Thông tin và Truyền thông" in labels and not any(label.startswith("So ") for label in labels)


def test_can_tho_department_task_now_with_the_science_department(plans):
    store, _ = plans
    rows = run(store, "responsible-now", task=f"<{BASE}eli/vn-can-tho/ubnd/kh/2025/5/ii/1>")
    assert {(r["leadName"], r["responsibleNow"], r["changeKind"], r["changeDate"]) for r in rows} == {
        ("Sở Thông tin và Truyền thông", BASE + "org/vn-can-tho/so-khoa-hoc-va-cong-nghe", MERGER, "2025-03-01")}


def test_soc_trang_planning_department_now_with_can_tho_finance(plans):
    store, _ = plans
    rows = run(store, "bodies-gone", placeNow=f"<{BASE}place/vn-can-tho>")
    soc_trang = [r for r in rows if r["leadAgency"] == BASE + "org/vn-soc-trang/so-ke-hoach-va-dau-tu"]
    assert [(r["responsibleNow"], r["changes"]) for r in soc_trang] == [(BASE + "org/vn-can-tho/so-tai-chinh", "2")]


def test_a_name_used_after_its_last_day_is_reported_by_both_engines(plans):
    store, out = plans
    shapes = load_shapes(config.SHAPES_DIR)
    from kg.validate import load_dataset
    from kg.pipeline import ontology_graph

    ontology = ontology_graph(config.ONTOLOGY_DIR)
    message = "the document names a body or place after its last day (2025 reorganisation)"

    def flagged(reports) -> dict[str, int]:
        return {r.graph: f.count for r in reports for f in r.findings if f.message == message}

    sparql = flagged(run_sparql(store, shapes, ontology).reports())
    assert sparql == {BASE + "graph/doc/can-tho_ubnd_kh-90": 1}  # August 2025, not the February plans
    assert flagged(validate_dataset(load_dataset(out / "graph.trig"), shapes, ontology)) == sparql

