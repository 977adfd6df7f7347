"""The explorer as a researcher uses it: a real `kg serve` over the graph built from data/, driven by
Debian's chromium through Playwright. Every page is checked for console errors and for requests that
leave loopback; what a page shows is compared with the query library run on the same graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from browser import LAPTOP, PHONE, Watch, launch, missing, running_server

from kg.graph.ids import BASE
from kg.store.query import load_store, run_query
from kg.serve.library import load_library

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(missing() is not None, reason=str(missing()))]

TASK_1 = BASE + "eli/vn/cp/nq/2025/03/ctr/pl2/1"
CAN_THO_PLAN = BASE + "eli/vn-can-tho/ubnd/kh/2025/37"


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    out, _ = built
    return load_store([out / "graph.trig"])


@pytest.fixture(scope="module")
def server(built) -> Iterator[str]:
    out, _ = built
    with running_server(out / "graph.trig") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    page.watch = Watch.on(page)
    yield page
    context.close()


def clean(page) -> None:
    """No console error, no uncaught exception, no request leaving loopback."""
    assert page.watch.outside() == [], "requests left loopback"
    assert page.watch.errors == [], "console errors"


def library_rows(store: ox.Store, name: str, **values: list[str]) -> list[dict[str, str]]:
    result = run_query(store, load_library()[name].bind(values), max_rows=100_000)
    return [{v: t.value for v, t in zip(result.variables, row) if t is not None} for row in result.rows]


# --- workbench ------------------------------------------------------------------------------------

def run_library_query(page, server: str, name: str) -> None:
    page.goto(f"{server}/explore")
    page.click(f"button.run-library[data-query={name}]")
    page.wait_for_selector(".yasr table.dataTable tbody tr td")


def test_a_library_query_run_from_the_workbench_shows_a_sortable_table(page, server, store) -> None:
    run_library_query(page, server, "coverage-by-province")
    expected = sorted(r["provinceName"] for r in library_rows(store, "coverage-by-province"))
    table = page.locator(".yasr table.dataTable")
    assert table.locator("tbody tr").count() == len(expected) >= 4
    body = table.locator("tbody").inner_text()
    assert all(name in body for name in expected)
    names = lambda: [next(name for name in expected if name in row) for row in table.locator("tbody tr").all_inner_texts()]
    header = table.locator("thead th", has_text="provinceName")
    handle = header.element_handle()
    changed = "([th, before]) => (th.getAttribute('aria-sort') || '') !== before"
    header.click()
    page.wait_for_function(changed, arg=[handle, ""])
    once = names()
    header.click()
    page.wait_for_function(changed, arg=[handle, header.get_attribute("aria-sort")])
    twice = names()
    assert twice == list(reversed(once)) != once and sorted(once) == sorted(expected)
    clean(page)


def test_downloads_csv_with_a_bom_tsv_and_json(page, server, store) -> None:
    run_library_query(page, server, "coverage-by-province")
    files = {}
    for fmt in ("csv", "tsv", "json"):
        with page.expect_download() as download:
            page.click(f"#download-{fmt}")
        files[fmt] = download.value.path().read_bytes()
    assert files["csv"].startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    csv_text = files["csv"].decode("utf-8-sig")
    names = {r["provinceName"] for r in library_rows(store, "coverage-by-province")}
    assert csv_text.splitlines()[0].startswith("province,provinceName") and all(n in csv_text for n in names)
    assert "Cần Thơ" in files["tsv"].decode("utf-8") and not files["tsv"].startswith(b"\xef\xbb\xbf")
    bindings = json.loads(files["json"])["results"]["bindings"]
    assert {b["provinceName"]["value"] for b in bindings} == names
    clean(page)


def test_the_permalink_holds_the_query(page, server) -> None:
    run_library_query(page, server, "agency-load")
    query = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    permalink = page.input_value("#permalink")
    page.goto(permalink)
    page.wait_for_selector(".yasr table.dataTable tbody tr td")
    assert page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()") == query
    clean(page)


# --- trace ----------------------------------------------------------------------------------------

def test_the_trace_from_03_task_1_reaches_provincial_tasks_with_their_evidence(page, server, store) -> None:
    page.goto(f"{server}/explore/trace?directive={TASK_1}")
    page.wait_for_selector("article.task")
    expected = library_rows(store, "trace", directive=[TASK_1], status=["accepted", "suggested"])
    provinces = {r["province"] for r in expected}
    shown = set(page.locator("section.province").evaluate_all("nodes => nodes.map(n => n.dataset.province)"))
    assert shown == provinces and all(p.startswith("vn-") for p in provinces)
    cards = page.locator("article.task")
    assert cards.count() == len({(r["task"], r["status"]) for r in expected})
    first = cards.first
    assert first.get_attribute("data-task").startswith(BASE + "eli/vn-")
    assert first.locator("mark").count() >= 1, "the evidence is marked in the task's text"
    assert "confidence" in first.inner_text() and first.locator(".badge").inner_text() in ("accepted", "suggested")
    clean(page)


def test_the_trace_filters_by_province_and_accepted_links(page, server, store) -> None:
    page.goto(f"{server}/explore/trace?directive={TASK_1}&province=vn-can-tho&accepted=1")
    page.wait_for_selector("article.task")
    shown = page.locator("section.province").evaluate_all("nodes => nodes.map(n => n.dataset.province)")
    assert shown == ["vn-can-tho"]
    badges = page.locator("article.task .badge").all_inner_texts()
    expected = [r for r in library_rows(store, "trace", directive=[TASK_1], status=["accepted"]) if r["province"] == "vn-can-tho"]
    assert badges == ["accepted"] * len(expected) and expected
    clean(page)


def test_the_trace_from_a_plan_lists_what_it_implements(page, server, store) -> None:
    page.goto(f"{server}/explore/trace?direction=up&document={CAN_THO_PLAN}&accepted=1")
    page.wait_for_selector("article.task li")
    expected = library_rows(store, "plan-links", document=[CAN_THO_PLAN], status=["accepted"])
    assert page.locator("article.task").count() == len({r["task"] for r in expected})
    assert page.locator("article.task li").count() == len(expected)
    clean(page)


# --- coverage, targets ----------------------------------------------------------------------------

def test_the_heatmap_has_a_cell_per_province_and_group_linking_to_the_trace(page, server, store) -> None:
    page.goto(f"{server}/explore/coverage")
    page.wait_for_selector("table.heatmap tbody tr")
    provinces = library_rows(store, "coverage-by-province")
    groups = library_rows(store, "directives", kind=["57-group"])
    rows = page.locator("table.heatmap tbody tr")
    assert rows.count() == len(provinces) >= 4 and len(groups) == 7
    assert page.locator("table.heatmap tbody td").count() == len(provinces) * len(groups)
    counts = {(r["province"], r["directive"]): int(r["tasks"]) for r in library_rows(store, "coverage-matrix", kind=["57-group"])}
    for cell in page.locator("table.heatmap tbody td").all():
        key = (cell.evaluate("td => td.parentElement.dataset.province"), cell.get_attribute("data-directive"))
        assert int(cell.get_attribute("data-count")) == counts.get(key, 0)
    page.locator("table.heatmap tbody td a").first.click()
    page.wait_for_selector("article.task, #result p")
    assert "/explore/trace?directive=" in page.url and "province=" in page.url
    clean(page)


def test_the_03_task_heatmap_on_demand(page, server, store) -> None:
    page.goto(f"{server}/explore/coverage?kind=03-task")
    page.wait_for_selector("table.heatmap tbody tr")
    tasks = library_rows(store, "directives", kind=["03-task"])
    assert page.locator("table.heatmap thead th").count() == len(tasks) + 1 >= 140
    assert page.locator("table.heatmap td.gap").count() > 0, "a province leaves some 03 tasks uncovered"
    clean(page)


def test_targets_are_charted_with_the_national_target_as_reference(page, server, store) -> None:
    page.goto(f"{server}/explore/targets")
    page.wait_for_selector("section.indicator svg rect.bar")
    local = {r["indicator"] for r in library_rows(store, "targets-compared") if "indicator" in r}
    assert page.locator("section.indicator").count() == len(local)
    national = {r["indicator"] for r in library_rows(store, "national-targets") if "value" in r}
    with_line = set(page.locator("section.indicator:has(line.ref)").evaluate_all("s => s.map(n => n.dataset.indicator)"))
    assert with_line == local & national and with_line
    clean(page)


# --- document pages, ontology, layout -------------------------------------------------------------

def test_a_document_page_lists_parts_in_document_order_with_links_in_words(page, server, store) -> None:
    page.goto(f"{server}/{CAN_THO_PLAN.removeprefix(BASE)}")
    page.wait_for_selector("#neighbourhood[data-ready]")
    assert "37/KH-UBND" in page.locator("dl.meta").inner_text()
    shown = page.locator(".document-parts [data-part]").evaluate_all("ns => ns.map(n => n.dataset.part)")
    position = ox.NamedNode(BASE + "ont#position")
    starts = {q.subject.value: int(q.object.value) for q in store.quads_for_pattern(None, position, None)}
    in_order = [starts[iri] for iri in shown if iri in starts]
    assert len(in_order) == len(shown) > 100 and in_order == sorted(in_order)
    links = page.locator("li.link").all_inner_texts()
    assert links and any("implements 03/NQ-CP task" in text for text in links)
    assert not any(BASE in text for text in links), "links are labelled in words, not IRIs"
    assert int(page.get_attribute("#neighbourhood", "data-ready")) > 5
    clean(page)


def test_the_ontology_page_is_served_at_its_namespace(page, server) -> None:
    page.goto(f"{server}/ont")
    assert page.locator("#Task").count() == 1 and "vị trí" in page.content()
    clean(page)


@pytest.mark.parametrize("path", ["/explore", "/explore/trace", "/explore/coverage", "/explore/targets",
                                  "/" + CAN_THO_PLAN.removeprefix(BASE)])
def test_pages_fit_a_phone_screen(browser, server, path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.watch = Watch.on(page)
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    clean(page)
    context.close()
