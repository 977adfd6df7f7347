"""The endpoint under hostile or malformed requests, and the dataset it serves: stopped queries free
their core, memory is capped, bad bytes and sizes are refused in the endpoint's own error format,
the union default graph holds each triple once, FROM is honoured, numbers are served as built."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kg.store.query import MAX_NESTING
from kg.serve import create_app
from kg.serve.isolation import available

CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
needs_workers = pytest.mark.skipif(not available(), reason="query workers need fork and /proc (Linux)")


@pytest.fixture(scope="module")
def client(built_store: ox.Store) -> TestClient:
    return TestClient(create_app(built_store, timeout_s=20))


def _error(response, status: int) -> str:
    """The endpoint's JSON error body; also checks it is one (not the framework's {"detail": …})."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status
    return body["error"]


def _count(client: TestClient, query: str) -> int:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


# --- hostile queries ---------------------------------------------------------------------------

@needs_workers
def test_a_timed_out_query_no_longer_holds_a_core(built_store: ox.Store) -> None:
    client = TestClient(create_app(built_store, timeout_s=1))
    began = time.monotonic()
    assert "time limit of 1" in _error(client.get("/sparql", params={"query": CROSS_COUNT}), 503)
    assert time.monotonic() - began < 3
    workers = multiprocessing.active_children()
    before = {p.pid: _cpu_ticks(p.pid) for p in workers}
    time.sleep(0.5)
    busy = {pid: _cpu_ticks(pid) - ticks for pid, ticks in before.items() if Path(f"/proc/{pid}").exists()}
    assert all(spent <= 5 for spent in busy.values()), busy  # no process still computing
    light = client.get("/sparql", params={"query": "ASK { ?s a kg:Task }"})
    assert light.status_code == 200 and light.json()["boolean"] is True


@needs_workers
def test_a_query_over_its_memory_is_stopped_not_the_server(built_store: ox.Store) -> None:
    client = TestClient(create_app(built_store, timeout_s=60, max_memory_mb=256))
    began = time.monotonic()
    assert "memory limit of 256 MB" in _error(client.get("/sparql", params={"query": CROSS_SORT}), 503)
    assert time.monotonic() - began < 60
    assert client.get("/sparql", params={"query": "ASK { ?s a kg:Task }"}).json()["boolean"] is True


def test_deeply_nested_query_is_refused_before_parsing(client: TestClient) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    message = _error(client.post("/sparql", data={"query": deep}), 400)
    assert f"more than {MAX_NESTING} deep" in message
    shallow = "SELECT * WHERE " + "{" * 20 + " ?s a kg:Task " + "}" * 20 + " LIMIT 1"
    assert client.get("/sparql", params={"query": shallow}).status_code == 200


def test_brackets_inside_strings_iris_and_comments_do_not_count(client: TestClient) -> None:
    quoted = "{" * 500
    query = (f'# {quoted}\nSELECT * WHERE {{ ?s ?p ?o FILTER(?o != "{quoted}" && ?s != <http://x/(((>) }} LIMIT 1')
    assert client.get("/sparql", params={"query": query}).status_code == 200


# --- malformed requests in the endpoint's format ----------------------------------------------

def test_oversized_form_post_is_413(client: TestClient) -> None:
    body = "query=" + "A" * (1024 * 1024)
    response = client.post("/sparql", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "512 KiB" in _error(response, 413)


def test_non_utf8_query_string_is_400(client: TestClient) -> None:
    assert "not valid UTF-8" in _error(client.get("/sparql?query=ASK%20%7B%7D%FF"), 400)
    form = client.post("/sparql", content=b"query=ASK%20%7B%7D%E9",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "form body is not valid UTF-8" in _error(form, 400)


def test_direct_post_in_another_charset_is_400(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}".encode("utf-16"),
                           headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert "charset=utf-16" in _error(response, 400)


def test_other_methods_are_405_in_the_endpoint_format(client: TestClient) -> None:
    response = client.put("/sparql", content=b"ASK {}")
    assert "read-only" in _error(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_head_on_the_endpoint(client: TestClient) -> None:
    response = client.head("/sparql", params={"query": "ASK { ?s a kg:Task }"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == "application/sparql-results+json"


# --- the dataset served ------------------------------------------------------------------------

def test_from_and_from_named_choose_the_dataset(client: TestClient, built) -> None:
    _, report = built
    graph, size = max(report.graphs.items(), key=lambda item: item[1])
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}") == size
    named = client.get("/sparql", params={"query": f"SELECT DISTINCT ?g FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{}} }}"})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [graph]
    everything = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert size < everything


def test_construct_with_relative_iris_resolves_against_the_endpoint(client: TestClient) -> None:
    response = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.text.strip() == '<http://testserver/s> <http://testserver/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'


def test_numbers_are_served_as_the_build_wrote_them(client: TestClient, built) -> None:
    out, _ = built
    written = {str(q.object) for q in ox.parse(path=out / "graph.nq", format=ox.RdfFormat.N_QUADS)
               if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith(("#decimal", "#double"))}
    assert len(written) > 50
    response = client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    served = {str(t.object) for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
              if isinstance(t.object, ox.Literal) and t.object.datatype.value.endswith(("#decimal", "#double"))}
    assert served == written
