"""The query engine on the hand-written fixture: loading, union default graph, limits, serialisers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.query import (
    FORMATS,
    QueryError,
    QueryTimeout,
    format_named,
    formats_for,
    load_store,
    run_query,
    serialize,
)

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
G = "https://w3id.org/nq57kg/graph/"
TASKS = "SELECT ?task ?text WHERE { ?task a kg:Task ; kg:text ?text } ORDER BY ?task"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_store([FIXTURE])


def test_load_keeps_one_named_graph_per_document(store: ox.Store) -> None:
    names = {g.value for g in store.named_graphs()}
    assert G + "doc/vn/tw/nq/2024/57" in names
    assert G + "doc/vn-can-tho/ubnd/kh/2025/37" in names
    assert G + "reference" in names


def test_load_names_the_bad_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.ttl"):
        load_store([broken])
    with pytest.raises(ValueError, match=r"notes\.txt.*extension"):
        load_store([tmp_path / "notes.txt"])


def test_default_graph_is_the_union_of_named_graphs(store: ox.Store) -> None:
    result = run_query(store, TASKS, max_rows=100)
    assert result.kind == "select" and result.variables == ["task", "text"]
    assert len(result.rows) == 4 and not result.truncated
    assert "Xây dựng Luật Chuyển đổi số" in {row[1].value for row in result.rows}


def test_protocol_dataset_replaces_the_union(store: ox.Store) -> None:
    only_57 = run_query(store, TASKS, max_rows=100, default_graphs=[G + "doc/vn/tw/nq/2024/57"], named_graphs=[])
    assert only_57.rows == []
    local = run_query(store, TASKS, max_rows=100, default_graphs=[G + "doc/vn-can-tho/ubnd/kh/2025/37"], named_graphs=[])
    assert len(local.rows) == 2


def test_row_limit_is_marked(store: ox.Store) -> None:
    result = run_query(store, TASKS, max_rows=3)
    assert len(result.rows) == 3 and result.truncated
    exact = run_query(store, TASKS, max_rows=4)
    assert len(exact.rows) == 4 and not exact.truncated


def test_syntax_error_carries_the_parser_message(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="error at 1:"):
        run_query(store, "SELEC ?x WHERE {}", max_rows=10)


def test_deadline_stops_row_collection(store: ox.Store) -> None:
    with pytest.raises(QueryTimeout):
        run_query(store, TASKS, max_rows=10, deadline=0.0)


def test_ask_and_construct(store: ox.Store) -> None:
    ask = run_query(store, "ASK { ?local kg:implements ?central }", max_rows=10)
    assert ask.kind == "ask" and ask.boolean is True
    graph = run_query(store, "CONSTRUCT WHERE { ?t a kg:Task ; kg:leadAgency ?a }", max_rows=10)
    assert graph.kind == "graph" and len(graph.rows) == 8


@pytest.mark.parametrize("fmt", formats_for("select"), ids=lambda f: f.name)
def test_select_serialisers_keep_vietnamese_and_unbound(store: ox.Store, fmt) -> None:
    query = "SELECT ?task ?deadline WHERE { ?task a kg:Task OPTIONAL { ?task kg:deadlineText ?deadline } } ORDER BY ?task"
    body = serialize(run_query(store, query, max_rows=10), fmt).decode("utf-8")
    assert "Quý III/2025" in body and "Thường xuyên" in body
    if fmt.name == "json":
        bindings = json.loads(body)["results"]["bindings"]
        assert len(bindings) == 4 and sum("deadline" not in b for b in bindings) == 1
        assert {"type": "literal", "value": "Năm 2025", "xml:lang": "vi"} in [b.get("deadline") for b in bindings]
    if fmt.name == "csv":
        assert list(csv.reader(io.StringIO(body)))[0] == ["task", "deadline"]
    if fmt.name == "tsv":
        assert body.splitlines()[0] == "?task\t?deadline" and '"Năm 2025"@vi' in body


def test_serialiser_escapes_survive_the_row_roundtrip() -> None:
    tricky = ox.Literal('tab\there "quoted" \\ newline\nend', language="vi")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/nq57kg/x"), ox.NamedNode("https://w3id.org/nq57kg/p"), tricky))
    body = serialize(run_query(store, "SELECT ?o WHERE { ?s ?p ?o }", max_rows=5), format_named("json", "select"))
    assert json.loads(body)["results"]["bindings"][0]["o"]["value"] == tricky.value


@pytest.mark.parametrize("name", ["json", "xml"])
def test_ask_serialisers(store: ox.Store, name: str) -> None:
    body = serialize(run_query(store, "ASK { ?s a kg:ImplementationLink }", max_rows=1), format_named(name, "ask"))
    assert b"true" in body


@pytest.mark.parametrize("fmt", formats_for("graph"), ids=lambda f: f.name)
def test_graph_serialisers_parse_back(store: ox.Store, fmt) -> None:
    result = run_query(store, "CONSTRUCT WHERE { ?t a kg:Task ; kg:text ?x }", max_rows=100)
    triples = list(ox.parse(serialize(result, fmt), format=fmt.oxigraph))
    assert len(triples) == 8
    assert any(getattr(t.object, "value", "") == "Xây dựng Luật Chuyển đổi số" for t in triples)


def test_format_registry_lookup() -> None:
    assert format_named("application/json", "select").name == "json"
    assert format_named("application/json", "graph").name == "jsonld"
    assert format_named("rdf+xml", "graph").name == "rdfxml"
    assert format_named("csv", "ask") is None
    assert len({f.name for f in FORMATS}) == len(FORMATS)
    assert all(f.iri.startswith("http://www.w3.org/ns/formats/") for f in FORMATS)


def test_serialize_refuses_a_format_of_another_form(store: ox.Store) -> None:
    with pytest.raises(ValueError, match="does not apply"):
        serialize(run_query(store, "ASK {}", max_rows=1), format_named("turtle", "graph"))


def test_docs_list_every_format() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "endpoint.md").read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"`{fmt.name}`" in docs
        assert all(f"`{media_type}`" in docs for media_type in fmt.media_types)
