"""Implementation chains: kg:implementsTransitively materialised by the build and the library query
queries/implements-57.rq, checked on the seed graph against its kg:implements triples walked here."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.ids import BASE, ONT
from kg.store.query import load_store, run_query

ROOT = Path(__file__).resolve().parents[1]
DOC = BASE + "eli/"
R57 = DOC + "vn/tw/nq/2024/57"
PLAN_146 = DOC + "vn-dak-lak/ubnd/kh/2025/146"
BUILD_GRAPH = ox.NamedNode(BASE + "graph/build")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IS_PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    out, _ = built
    return load_store([out / "graph.trig"])


def rows(store: ox.Store, target: str = R57) -> list[dict[str, str]]:
    text = (ROOT / "queries" / "implements-57.rq").read_text(encoding="utf-8")
    text = re.sub(r"VALUES \?target \{[^}]*\}", f"VALUES ?target {{ <{target}> }}", text)
    result = run_query(store, text, max_rows=100_000)
    return [{v: (t.value if t is not None else "") for v, t in zip(result.variables, row)} for row in result.rows]


def pairs(store: ox.Store, prop: str) -> set[tuple[str, str]]:
    """(subject, object) of a property between documents, over all graphs."""
    documents = {q.subject.value for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(ONT + "PolicyDocument"))}
    return {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(prop), None)
            if q.subject.value in documents and q.object.value in documents}


def test_the_plan_implements_57_through_the_party_programmes_its_text_cites(store):
    found = [r for r in rows(store) if r["document"] == PLAN_146]
    edges = {(r["fromLabel"], r["relation"], r["toLabel"]) for r in found}
    assert {("146/KH-UBND", "implements", "61-CTr/TU"), ("61-CTr/TU", "implements", "57-NQ/TW"),
            ("146/KH-UBND", "implements", "283-KH/TU"), ("283-KH/TU", "implements", "57-NQ/TW"),
            ("146/KH-UBND", "implements", "71/NQ-CP"), ("71/NQ-CP", "replaces", "Chương trình hành động (03/NQ-CP)"),
            ("Chương trình hành động (03/NQ-CP)", "implements", "57-NQ/TW")} <= edges
    assert {r["direct"] for r in found} == {"false"}  # its own text only mentions 57-NQ/TW
    assert {(r["province"], r["provinceName"], r["loaded"]) for r in found} == {("vn-dak-lak", "Đắk Lắk", "true")}


def test_direct_and_transitive_stay_apart(store):
    direct = {s for s, o in pairs(store, ONT + "implements") if o == R57}
    result = rows(store)
    assert {r["document"] for r in result if r["direct"] == "true"} == direct
    transitive = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(
        None, ox.NamedNode(ONT + "implementsTransitively"), None, BUILD_GRAPH)}
    assert {r["document"] for r in result} == {s for s, o in transitive if o == R57}
    assert direct < {r["document"] for r in result}  # chains reach further than the texts say


def test_the_closure_is_what_the_stated_links_reach(store):
    """Walked here from kg:implements / replaces / amends and eli:is_part_of, independently of the build."""
    steps: dict[str, set[str]] = {}
    for prop in ("implements", "replaces", "amends"):
        for s, o in pairs(store, ONT + prop):
            steps.setdefault(s, set()).add(o)
    for part, whole in pairs(store, IS_PART_OF):
        steps.setdefault(whole, set()).add(part)
    implementers = {s for s, o in pairs(store, ONT + "implements") if o == R57}

    def reaches(start: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            node = todo.pop()
            if node in implementers:
                return True
            for nxt in steps.get(node, set()) - seen:
                seen.add(nxt)
                todo.append(nxt)
        return False

    # a document that reaches an implementer has a first step (an implementer has its own)
    assert {r["document"] for r in rows(store)} == {d for d in steps if d != R57 and reaches(d)}


def test_every_edge_of_a_chain_is_a_triple_that_leads_to_the_target(store):
    result = rows(store)
    reaching = {r["document"] for r in result} | {R57}
    for r in result:
        if r["relation"] == "has part":
            assert (r["to"], r["from"]) in pairs(store, IS_PART_OF)
        else:
            assert (r["from"], r["to"]) in pairs(store, ONT + r["relation"])
        assert r["to"] in reaching
