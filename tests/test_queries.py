"""The query library (queries/*.rq) on the graph built from data/: every query parses in both
engines, runs through kg.store.query, and answers with facts checked here against the graph's triples
(walked in Python, not by SPARQL), the hand labels and the source texts."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from kg.cli import main
from kg.evaluation.links import load_labels, quote_start
from kg.graph.ids import BASE, ONT
from kg.store.query import QueryResult, load_store, run_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROGRAMME_03 = BASE + "eli/vn/cp/nq/2025/03/ctr"
GROUPS_57 = BASE + "concept/nq57-group"
ACCEPTED = BASE + "concept/review-status/accepted"


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    out, _ = built
    return load_store([out / "graph.trig"])


def run(store: ox.Store, name: str, **values: str) -> list[dict[str, str]]:
    """Rows of queries/NAME.rq as {variable: lexical value}, with VALUES blocks replaced
    (values={'directive': '<iri>'}) as a user edits them."""
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    for var, terms in values.items():
        text, count = re.subn(rf"VALUES \?{var} \{{[^}}]*\}}", f"VALUES ?{var} {{ {terms} }}", text)
        assert count == 1, f"{name}.rq has no VALUES ?{var} block"
    result: QueryResult = run_query(store, text, max_rows=100_000)
    return [{v: (t.value if t is not None else "") for v, t in zip(result.variables, row)} for row in result.rows]


# --- the graph walked in Python -------------------------------------------------------------

def objects(store: ox.Store, subject: str, prop: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(nn(subject), nn(prop), None)}


def subjects(store: ox.Store, prop: str, obj: ox.NamedNode | ox.Literal | None = None) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, nn(prop), obj)}


def local_document(store: ox.Store, part: str) -> str | None:
    """The loaded local document (it has kg:sourceFile) a part belongs to, by walking eli:is_part_of."""
    seen, frontier = set(), {part}
    while frontier:
        node = frontier.pop()
        if objects(store, node, ONT + "sourceFile"):
            return node
        seen.add(node)
        frontier |= objects(store, node, ELI + "is_part_of") - seen
    return None


def province(store: ox.Store, document: str) -> str:
    (place,) = objects(store, document, ELI + "jurisdiction")
    return place.rsplit("/", 1)[-1]


def tasks_03(store: ox.Store) -> set[str]:
    """Rows of Phụ lục II of the 03/NQ-CP programme."""
    def inside(node: str) -> bool:
        parents = objects(store, node, ELI + "is_part_of")
        return PROGRAMME_03 in parents or any(inside(p) for p in parents)
    return {s for s in subjects(store, ONT + "localId") if any(i.startswith("PL2.") for i in objects(store, s, ONT + "localId"))
            and inside(s)}


def covered(store: ox.Store, status: str = ACCEPTED) -> dict[str, set[str]]:
    """Province -> directives linked (with that review status) from its documents' tasks."""
    result: dict[str, set[str]] = defaultdict(set)
    for link in subjects(store, ONT + "reviewStatus", nn(status)):
        (source,) = objects(store, link, ONT + "linkSource")
        document = local_document(store, source)
        if document is not None and source != document:
            result[province(store, document)] |= objects(store, link, ONT + "linkTarget")
    return result


# --- every query ----------------------------------------------------------------------------

def test_the_library_has_the_documented_queries() -> None:
    names = {p.stem for p in QUERIES}
    assert {"trace", "implementation-chain", "coverage-by-province", "coverage-gaps", "agency-load",
            "targets-compared", "deadlines", "responsible-now", "documents"} <= names


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_parses_in_both_engines_and_answers(path: Path, store: ox.Store) -> None:
    text = path.read_text(encoding="utf-8")
    header = text.split("PREFIX", 1)[0]
    assert header.startswith("# ") and "Output:" in header and "VALUES" in text, "header: question, parameters, output"
    prepareQuery(text)  # rdflib, with only the file's own prefixes
    list(ox.Store().query(text))  # pyoxigraph parses it, also without kg.store.query's prefixes
    assert run(store, path.stem), f"{path.name} returns nothing on the seed graph"


# --- one query at a time --------------------------------------------------------------------

def test_trace_finds_the_labelled_can_tho_tasks_of_03_task_13(store: ox.Store) -> None:
    rows = run(store, "trace")
    assert {r["directive"] for r in rows} == {PROGRAMME_03 + "/pl2/13"}
    labelled = [label for label in load_labels() if label.source_id.startswith("can-tho") and "PL2.13" in label.tasks03]
    assert labelled
    can_tho = [r for r in rows if r["province"] == "vn-can-tho"]

    def holds(row: dict[str, str], quote: str) -> bool:
        words = quote.split()
        words = words[1:] if re.fullmatch(r"\w{1,2}\)", words[0]) else words  # the item label 'g)'
        return quote_start(row["taskText"], " ".join(words[:8])) is not None

    assert any(holds(r, label.quote) for r in can_tho for label in labelled)
    for row in rows:
        assert row["status"] in {"accepted", "suggested"} and 0 <= float(row["confidence"]) <= 1
        assert local_document(store, row["task"]) == row["document"]
        link = {q.subject.value for q in store.quads_for_pattern(None, nn(ONT + "linkSource"), nn(row["task"]))}
        assert any(row["directive"] in objects(store, l, ONT + "linkTarget") for l in link)
        if row["status"] == "accepted":  # materialised as a direct triple
            assert row["directive"] in objects(store, row["task"], ONT + "implements")


def test_trace_of_a_57_group_lists_its_serving_tasks(store: ox.Store) -> None:
    group = GROUPS_57 + "/4"
    rows = run(store, "trace", directive=f"<{group}>", status='"accepted"')
    expected = {s for s in subjects(store, ONT + "servesGroup", nn(group)) if local_document(store, s) not in (None, s)}
    assert expected and {r["task"] for r in rows} == expected
    assert all(r["evidence"] for r in rows)


def test_implementation_chain_reaches_57_through_71_and_shows_unloaded_documents(store: ox.Store) -> None:
    rows = run(store, "implementation-chain", place=f"<{BASE}place/vn-dak-lak>")
    edges = {(r["from"].removeprefix(BASE + "eli/"), r["relation"], r["to"].removeprefix(BASE + "eli/")): r for r in rows}
    plan = "vn-dak-lak/ubnd/kh/2025/146"
    party_programme = edges[(plan, "implements", "vn-dak-lak/tu/ctr/2025/61")]
    assert party_programme["toLoaded"] == "false" and party_programme["toLabel"] == "61-CTr/TU"
    assert edges[(plan, "implements", "vn/cp/nq/2025/71")]["toLoaded"] == "true"
    replaced = edges[("vn/cp/nq/2025/71", "replaces", "vn/cp/nq/2025/03/ctr")]
    assert replaced["replacedBy"] == BASE + "eli/vn/cp/nq/2025/71"
    assert ("vn/cp/nq/2025/03/ctr", "implements", "vn/tw/nq/2024/57") in edges
    for (source, relation, target) in edges:  # every edge is a triple of the graph
        assert BASE + "eli/" + target in objects(store, BASE + "eli/" + source, ONT + relation)
    assert {(r["province"], r["provinceName"]) for r in rows} == {("vn-dak-lak", "Đắk Lắk")}


def test_coverage_by_province_matches_the_links(store: ox.Store) -> None:
    rows = {r["province"]: r for r in run(store, "coverage-by-province")}
    groups = subjects(store, SKOS + "inScheme", nn(GROUPS_57))
    programme = tasks_03(store)
    assert len(groups) == 7 and len(programme) == 140
    links = covered(store)
    assert set(rows) == {province(store, d) for d in subjects(store, ONT + "sourceFile")}
    for name, row in rows.items():
        assert int(row["groups57"]) == len(links[name] & groups) and row["groups57Total"] == "7"
        assert int(row["tasks03"]) == len(links[name] & programme) and row["tasks03Total"] == "140"
    with_suggestions = {r["province"]: r for r in run(store, "coverage-by-province", status='"accepted" "suggested"')}
    suggested = covered(store, BASE + "concept/review-status/suggested")
    for name, row in with_suggestions.items():
        assert int(row["tasks03"]) == len((links[name] | suggested[name]) & programme)


def test_coverage_gaps_are_the_directives_no_accepted_link_reaches(store: ox.Store) -> None:
    place = BASE + "place/vn-quang-nam"
    rows = run(store, "coverage-gaps", place=f"<{place}>")
    directives = subjects(store, SKOS + "inScheme", nn(GROUPS_57)) | tasks_03(store)
    assert {r["directive"] for r in rows} == directives - covered(store)["vn-quang-nam"]
    assert {r["kind"] for r in rows} <= {"57-group", "03-task"} and {r["province"] for r in rows} == {"vn-quang-nam"}
    every = run(store, "coverage-gaps")
    counts = {r["province"]: r for r in run(store, "coverage-by-province")}
    for name, row in counts.items():
        assert sum(r["province"] == name for r in every) == 147 - int(row["groups57"]) - int(row["tasks03"])


def test_agency_load_counts_tasks_per_role(store: ox.Store) -> None:
    rows = run(store, "agency-load", place=f"<{BASE}place/vn-can-tho>")
    agency = BASE + "org/vn-can-tho/so-khoa-hoc-va-cong-nghe"
    for role, prop in (("lead", "leadAgency"), ("cooperating", "cooperatingAgency")):
        tasks = {s for s in subjects(store, ONT + prop, nn(agency)) if local_document(store, s)}
        (row,) = [r for r in rows if r["agency"] == agency and r["role"] == role]
        assert int(row["tasks"]) == len(tasks) > 0 and row["agencyName"] == "Sở Khoa học và Công nghệ"
    assert {r["province"] for r in rows} == {"vn-can-tho"}
    counts = [int(r["tasks"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_targets_compared_lists_every_local_target_with_its_value(store: ox.Store) -> None:
    rows = run(store, "targets-compared")
    local = {t for t in subjects(store, ONT + "targetValue") if local_document(store, t) not in (None, t)}
    assert {r["target"] for r in rows} == local
    # Cần Thơ, Phụ lục I row 10: "Kinh phí chi cho nghiên cứu phát triển (R&D) | % GDP | 2", the
    # national target of 03/NQ-CP Phụ lục I row 15 (R&D spending 2% of GDP by 2030)
    rd = [r for r in rows if r["target"].endswith("/vn-can-tho/ubnd/kh/2025/37/pl1/10/target")]
    assert rd and all(float(r["value"]) == 2.0 and r["year"] == "2030" and r["province"] == "vn-can-tho" for r in rd)
    assert all(r["unit"].endswith("unit/PERCENT") and r["base"].endswith("base/gdp") for r in rd)
    national = {r["nationalTarget"]: [float(v) for v in r["nationalValues"].split(" | ")] for r in rd}
    assert national[PROGRAMME_03 + "/pl1/15/target"] == [2.0]
    echoes = BASE + "concept/link-type/echoes"
    for row in rows:  # the indicator is the target's kg:forIndicator where the linker set one
        assert row["indicator"] in objects(store, row["target"], ONT + "forIndicator") | {""}
        if row["nationalTarget"]:  # an echoes link from the target (or its part) to that national target
            sources = {row["target"]} | objects(store, row["target"], ELI + "is_part_of")
            links = {l for s in sources for l in subjects(store, ONT + "linkSource", nn(s))}
            assert any(echoes in objects(store, l, ONT + "linkType")
                       and row["nationalTarget"] in objects(store, l, ONT + "linkTarget") for l in links)
    measured = next(r["indicator"] for r in rd)
    only = run(store, "targets-compared", onlyIndicator=f"<{measured}>")
    assert {r["target"] for r in only} == {t for t in local if measured in objects(store, t, ONT + "forIndicator")}


def test_deadlines_by_year_and_due_date(store: ox.Store) -> None:
    rows = run(store, "deadlines")
    # 03/NQ-CP Phụ lục II row 7 is due "01/2025"
    (row7,) = [r for r in rows if r["task"] == PROGRAMME_03 + "/pl2/7"]
    assert (row7["value"], row7["precision"], row7["deadlineText"]) == ("2025-01", "month", "01/2025")
    dated = [r for r in rows if r["value"]]
    assert [r["value"][:4] for r in dated] == sorted(r["value"][:4] for r in dated)
    assert rows.index(dated[-1]) < min(i for i, r in enumerate(rows) if not r["value"])  # undated last
    in_2026 = run(store, "deadlines", year='"2026"')
    assert in_2026 and all(r["value"].startswith("2026") for r in in_2026)
    assert {r["task"] for r in in_2026} == {r["task"] for r in dated if r["value"].startswith("2026")}
    # a year is due on 31 December, a month on its last day
    last_day = {"year": "-12-31", "month": "-31", "day": ""}
    overdue = run(store, "deadlines", dueBefore='"2025-07-01"^^xsd:date')
    assert overdue
    assert {r["task"] for r in overdue} == {r["task"] for r in dated if r["value"] + last_day[r["precision"]] < "2025-07-01"}


def test_responsible_now_follows_the_2025_mergers(store: ox.Store) -> None:
    (row,) = run(store, "responsible-now")
    assert row["leadName"] == "Bộ Thông tin và Truyền thông"
    assert row["responsibleName"] == "Bộ Khoa học và Công nghệ" and row["changeDate"] == "2025-03-01"
    rows = run(store, "responsible-now", task="UNDEF")
    planning = BASE + "org/vn/bo-ke-hoach-va-dau-tu"
    led_by_planning = subjects(store, ONT + "leadAgency", nn(planning))
    assert led_by_planning
    assert {r["responsibleNow"] for r in rows if r["leadAgency"] == planning} == {BASE + "org/vn/bo-tai-chinh"}
    unchanged = [r for r in rows if r["leadAgency"] == BASE + "org/vn/bo-cong-an"]
    assert unchanged and all(r["responsibleNow"] == r["leadAgency"] and not r["changeDate"] for r in unchanged)


def test_documents_lists_loaded_and_cited_documents(store: ox.Store) -> None:
    rows = {r["document"].removeprefix(BASE + "eli/"): r for r in run(store, "documents")}
    quang_nam = rows["vn-quang-nam/tu/ctr/2025/60"]  # "Ngày 24/2/2025 … ký ban hành Chương trình số 60-CTr/TU"
    assert (quang_nam["number"], quang_nam["date"], quang_nam["type"]) == ("60-CTr/TU", "2025-02-24", "ctr")
    assert quang_nam["loaded"] == "true" and quang_nam["jurisdiction"] == "vn-quang-nam"
    assert quang_nam["issuerName"] == "Ban Thường vụ Tỉnh ủy Quảng Nam"
    assert rows["vn-dak-lak/tu/ctr/2025/61"]["loaded"] == "false"
    assert set(rows) == {d.removeprefix(BASE + "eli/") for d in subjects(store, ONT + "loaded")}
    cited = run(store, "documents", loaded="false")
    assert cited and all(r["loaded"] == "false" for r in cited)


def test_readme_typical_session_query_runs(built, monkeypatch) -> None:
    out, _ = built
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    local = [c for c in re.findall(r"^kg (query queries/\S+\.rq[^#\n]*?)\s*(?:#|$)", readme, flags=re.M)
             if "--endpoint" not in c]  # the typical session's, not the remote server's
    (command,) = local
    args = command.split() + ["--graph", str(out / "graph.trig")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and any(r["province"] == "vn-can-tho" for r in rows)


def test_coverage_gaps_flag_the_03_tasks_that_name_localities(store: ox.Store) -> None:
    rows = run(store, "coverage-gaps", place=f"<{BASE}place/vn-can-tho>")
    tasks = [r for r in rows if r["kind"] == "03-task"]

    def names_localities(task: str, role: str) -> bool:
        agencies = objects(store, task, ONT + role)
        labels = {label for agency in agencies for label in objects(store, agency, SKOS + "prefLabel")}
        return any(re.search("địa phương|tỉnh|thành phố trực thuộc", label, re.IGNORECASE) for label in labels)

    for row in tasks:
        expected = ("lead" if names_localities(row["directive"], "leadAgency")
                    else "cooperating" if names_localities(row["directive"], "cooperatingAgency") else "")
        assert row["localities"] == expected, row["number"]
    # PL2.2 is led by VTV, VOV, TTXVN and the localities; PL2.8 only by ministries
    flags = {r["number"]: r["localities"] for r in tasks}
    assert flags.get("2") == "lead" and flags.get("8") == ""


@pytest.mark.parametrize("name", ["coverage-by-province", "coverage-gaps", "agency-load", "targets-compared", "deadlines",
                                  "implementation-chain"])
def test_provinces_come_with_their_names(store: ox.Store, name: str) -> None:
    names = {"vn": "Việt Nam", "vn-can-tho": "Cần Thơ", "vn-da-nang": "Đà Nẵng", "vn-dak-lak": "Đắk Lắk",
             "vn-quang-nam": "Quảng Nam"}
    rows = [r for r in run(store, name) if r["province"]]
    assert rows and all(r["provinceName"] == names[r["province"]] for r in rows)
