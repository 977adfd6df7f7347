"""The SPARQL endpoint: protocol forms, negotiation, errors, CORS, graph store, dereferenceable IRIs, VoID,
and real clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import uvicorn
from fastapi.testclient import TestClient
from rdflib.namespace import DCTERMS, SKOS, VOID
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg.store.query import PREFIXES, load_store
from kg.serve import create_app
from kg.serve.negotiation import negotiate

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
G = "https://w3id.org/nq57kg/graph/"
TASKS = "SELECT ?task ?text WHERE { ?task a kg:Task ; kg:text ?text } ORDER BY ?task"
CONSTRUCT = "CONSTRUCT WHERE { ?task a kg:Task ; kg:leadAgency ?agency }"
JSON_RESULTS = "application/sparql-results+json"
ORIGIN = {"Origin": "https://yasgui.example"}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_store([FIXTURE])


@pytest.fixture(scope="module")
def client(store: ox.Store) -> TestClient:
    return TestClient(create_app(store, max_rows=3, timeout_s=30))


def bindings(response) -> list[dict]:
    return response.json()["results"]["bindings"]


# --- the three protocol forms -------------------------------------------------------------

def test_get_query(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?d WHERE { ?d eli:id_local \"57-NQ/TW\" }"})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON_RESULTS
    assert bindings(response)[0]["d"]["value"] == "https://w3id.org/nq57kg/eli/vn/tw/nq/2024/57"


def test_post_form(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": "ASK { ?t kg:implements ?c }"}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_post_direct_query_with_dataset_in_url(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        params={"default-graph-uri": G + "doc/vn-can-tho/ubnd/kh/2025/37"},
        content=TASKS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "Triển khai đào tạo kỹ năng số" in response.text
    assert response.headers["x-sparql-truncated"] == "false"


def test_protocol_dataset_wins_over_from(client: TestClient) -> None:
    query = "SELECT ?t WHERE { ?t a kg:Task }".replace("WHERE", f"FROM <{G}doc/vn-can-tho/ubnd/kh/2025/37> WHERE")
    response = client.get("/sparql", params={"query": query, "default-graph-uri": G + "doc/vn/tw/nq/2024/57"})
    assert response.status_code == 200 and bindings(response) == []


def test_named_graph_uri_limits_graph_patterns(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": G + "reference"})
    assert [b["g"]["value"] for b in bindings(response)] == [G + "reference"]


def test_row_limit_is_explicit(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": TASKS})
    assert len(bindings(response)) == 3
    assert response.headers["x-sparql-truncated"] == "true"
    assert response.headers["x-sparql-max-rows"] == "3"


def test_construct_in_turtle_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))) == 3  # capped at max_rows


# --- content negotiation --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("form", "accept", "expected"),
    [
        ("select", None, "json"),
        ("select", "*/*", "json"),
        ("select", "application/sparql-results+json,application/json,text/javascript,application/javascript", "json"),
        ("select", "application/sparql-results+xml", "xml"),
        ("select", "text/xml", "xml"),
        ("select", "application/json", "json"),
        ("select", "text/csv;q=0.5, text/tab-separated-values", "tsv"),
        ("select", "text/csv;charset=utf-8", "csv"),
        ("select", "application/x-sparqlstar-results+json, application/sparql-results+xml;q=0.9", "xml"),
        ("select", "text/*", "csv"),
        ("select", "application/sparql-results+json;q=0, */*;q=0.1", "xml"),
        ("select", "application/sparql-results+json,*/*;q=0.9", "json"),  # YASGUI
        ("ask", "text/csv", None),
        ("select", "image/png", None),
        ("graph", None, "turtle"),
        ("graph", "application/turtle,text/turtle", "turtle"),
        ("graph", "application/ld+json,application/x-json+ld", "jsonld"),
        ("graph", "application/json", "jsonld"),
        ("graph", "application/xml", "rdfxml"),
        ("graph", "application/n-triples; q=0.9, text/turtle; q=0.8", "ntriples"),
        ("graph", "text/turtle,*/*;q=0.9", "turtle"),  # YASGUI for graph queries
        ("graph", "application/sparql-results+json", None),
    ],
)
def test_accept_table(form: str, accept: str | None, expected: str | None) -> None:
    chosen = negotiate(form, accept)
    assert (chosen.name if chosen else None) == expected


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": TASKS, "format": "xml", "output": "xml", "results": "xml"},
                          headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "application/sparql-results+xml"


def test_unknown_format_parameter_is_tolerated(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": TASKS, "output": "html-table"})
    assert response.status_code == 200 and response.headers["content-type"] == JSON_RESULTS


def test_406_lists_supported_types(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": TASKS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.json()["error"]


# --- errors and CORS ------------------------------------------------------------------------

def test_syntax_error_is_400_with_message_and_cors(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELEC ?x WHERE {}"}, headers=ORIGIN)
    assert response.status_code == 400
    assert "error at 1:" in response.json()["error"]
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "INSERT DATA { <a:s> <a:p> <a:o> }"}},
        {"method": "POST", "content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
    ],
)
def test_update_is_forbidden(client: TestClient, request_kwargs: dict) -> None:
    kwargs = dict(request_kwargs)
    kwargs["headers"] = {**kwargs.get("headers", {}), **ORIGIN}
    response = client.request(url="/sparql", **kwargs)
    assert response.status_code == 403 and "read-only" in response.json()["error"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_two_queries_rejected(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_unsupported_post_body_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_timeout_is_503_naming_the_setting(store: ox.Store) -> None:
    response = TestClient(create_app(store, timeout_s=0)).get("/sparql", params={"query": TASKS}, headers=ORIGIN)
    assert response.status_code == 503
    assert "timeout_s" in response.json()["error"]
    assert response.headers["access-control-allow-origin"] == "*"


def test_unexpected_error_is_500_with_cors(store: ox.Store) -> None:
    app = create_app(store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    response = TestClient(app, raise_server_exceptions=False).get("/boom", headers=ORIGIN)
    assert response.status_code == 500
    assert response.headers["access-control-allow-origin"] == "*"


def test_preflight_for_direct_post(client: TestClient) -> None:
    response = client.options("/sparql", headers={
        **ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "content-type" in response.headers["access-control-allow-headers"].lower()


def test_truncation_header_is_exposed_to_browsers(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": TASKS}, headers=ORIGIN)
    assert "X-SPARQL-Truncated" in response.headers["access-control-expose-headers"]


# --- service description, graph store, health -------------------------------------------------

def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    objects = {(t.predicate.value, t.object.value) for t in triples}
    assert (sd + "endpoint", "http://testserver/sparql") in objects
    assert (sd + "feature", sd + "UnionDefaultGraph") in objects
    assert (sd + "resultFormat", "http://www.w3.org/ns/formats/SPARQL_Results_JSON") in objects
    assert (sd + "name", G + "reference") in objects
    assert (sd + "supportedLanguage", sd + "SPARQL11Query") in objects


def test_service_description_as_html_for_browsers(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/html")
    assert "<form" in response.text and "10000" not in response.text and "3 rows" in response.text


def test_graph_store_returns_one_graph(client: TestClient) -> None:
    response = client.get("/graph-store", params={"graph": G + "reference"}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/n-triples"
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert any(t.object == ox.Literal("Bộ Khoa học và Công nghệ", language="vi") for t in triples)
    assert not any(t.predicate.value.endswith("#text") for t in triples)  # task text lives in document graphs


def test_graph_store_default_is_the_union(client: TestClient, store: ox.Store) -> None:
    response = client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    distinct = {(q.subject, q.predicate, q.object) for q in store}
    assert len(response.text.strip().splitlines()) == len(distinct)


def test_graph_store_errors(client: TestClient) -> None:
    assert client.get("/graph-store", params={"graph": G + "nowhere"}).status_code == 404
    assert client.get("/graph-store").status_code == 400
    assert client.head("/graph-store", params={"graph": G + "reference"}).status_code == 200
    put = client.put("/graph-store", params={"graph": G + "reference"}, content=b"", headers=ORIGIN)
    assert put.status_code == 405 and "GET" in put.headers["allow"]
    assert put.headers["access-control-allow-origin"] == "*"


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "graphs": 5, "triples": 107, "max_rows": 3, "timeout_s": 30}


# --- SPARQLWrapper against a real server --------------------------------------------------------

@pytest.fixture(scope="module")
def server_url(store: ox.Store) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # bounded wait for startup (up to 10 s)
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/sparql"
    server.should_exit = True
    thread.join(timeout=10)


def test_sparqlwrapper_select_json(server_url: str) -> None:
    client = SPARQLWrapper(server_url)
    client.setQuery(TASKS)
    client.setReturnFormat(JSON)
    results = client.queryAndConvert()
    texts = [b["text"]["value"] for b in results["results"]["bindings"]]
    assert len(texts) == 4 and "Hoàn thiện hạ tầng số, bảo đảm phủ sóng 5G toàn quốc" in texts


def test_sparqlwrapper_construct_turtle(server_url: str) -> None:
    client = SPARQLWrapper(server_url)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    body = client.queryAndConvert()
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 8  # four tasks: type + lead agency
    assert ox.NamedNode("https://w3id.org/nq57kg/org/vn-can-tho/so-noi-vu") in {t.object for t in triples}


# --- dereferenceable IRIs and VoID on the built graph --------------------------------------------

BASE = "https://w3id.org/nq57kg/"
ELI = PREFIXES["eli"]
PLAN = BASE + "eli/vn-can-tho/ubnd/kh/2025/37"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def built_client(built_store: ox.Store) -> TestClient:
    return TestClient(create_app(built_store))


def _value(store: ox.Store, subject: str, predicate: str) -> str:
    return next(store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)).object.value


def test_iri_path_is_303_to_its_description(built_client: TestClient) -> None:
    response = built_client.get("/eli/vn-can-tho/ubnd/kh/2025/37", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "http://testserver/data/eli/vn-can-tho/ubnd/kh/2025/37"
    assert built_client.head("/eli/vn-can-tho/ubnd/kh/2025/37", follow_redirects=False).status_code == 303


def test_description_in_turtle_parses_and_holds_each_subject_triple_once(built_client: TestClient,
                                                                         built_store: ox.Store) -> None:
    response = built_client.get("/eli/vn-can-tho/ubnd/kh/2025/37")
    assert response.status_code == 200 and response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["content-location"].endswith("?format=turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    plan = rdflib.URIRef(PLAN)
    assert (plan, rdflib.URIRef(ELI + "id_local"), rdflib.Literal("37/KH-UBND")) in graph
    stored = {(q.predicate, q.object) for q in built_store.quads_for_pattern(ox.NamedNode(PLAN), None, None)}
    assert len(list(graph.triples((plan, None, None)))) == len(stored)
    agency = _value(built_store, PLAN, ELI + "passed_by")  # a neighbour's label comes along
    assert (rdflib.URIRef(agency), SKOS.prefLabel, None) in graph
    inbound = {q.subject for q in built_store.quads_for_pattern(None, None, ox.NamedNode(PLAN))}
    assert len(set(graph.subjects(None, plan))) == len(inbound) and response.headers["x-inbound-truncated"] == "false"


def test_description_as_jsonld_and_by_format_parameter(built_client: TestClient) -> None:
    response = built_client.get("/data/eli/vn-can-tho/ubnd/kh/2025/37", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == "application/ld+json"
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    assert (rdflib.URIRef(PLAN), rdflib.URIRef(ELI + "id_local"), rdflib.Literal("37/KH-UBND")) in graph
    assert 'type="application/n-triples"' in response.headers["link"]
    by_name = built_client.get("/data/eli/vn-can-tho/ubnd/kh/2025/37?format=ntriples", headers=BROWSER)
    assert by_name.headers["content-type"] == "application/n-triples"
    assert len(rdflib.Graph().parse(data=by_name.text, format="nt")) == len(graph)


def test_description_as_html_for_browsers(built_client: TestClient, built_store: ox.Store) -> None:
    response = built_client.get("/eli/vn-can-tho/ubnd/kh/2025/37", headers=BROWSER)
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    title = _value(built_store, PLAN, DCTERMS + "title")
    assert f'<span lang="vi">{escape(title)}</span>' in response.text
    agency = _value(built_store, PLAN, ELI + "passed_by")
    assert f'href="/{agency.removeprefix(BASE)}"' in response.text
    assert built_client.get(f"/{agency.removeprefix(BASE)}", headers=BROWSER).status_code == 200


def test_html_escapes_what_the_data_says() -> None:
    store = ox.Store()
    node, label = ox.NamedNode(BASE + "org/vn/x"), '<script>alert("Sở & Ban")</script>'
    store.add(ox.Quad(node, ox.NamedNode(SKOS.prefLabel), ox.Literal(label, language="vi"), ox.NamedNode(G + "t")))
    page = TestClient(create_app(store)).get("/org/vn/x", headers=BROWSER).text
    assert "<script>" not in page and escape(label) in page


def test_inbound_triples_are_capped_with_a_note(built_store: ox.Store) -> None:
    place = BASE + "place/vn-can-tho"
    total = len({(q.subject, q.predicate) for q in built_store.quads_for_pattern(None, None, ox.NamedNode(place))})
    assert total > 5
    response = TestClient(create_app(built_store, inbound_limit=5)).get("/place/vn-can-tho")
    assert response.headers["x-inbound-truncated"] == "true"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(list(graph.subject_predicates(rdflib.URIRef(place)))) == 5
    assert f"cut at 5 of {total}" in str(graph.value(rdflib.URIRef(str(response.url)), rdflib.RDFS.comment))


def test_unknown_iri_is_404_naming_it(built_client: TestClient) -> None:
    response = built_client.get("/eli/vn-can-tho/ubnd/kh/2025/999")
    assert response.status_code == 404 and f"<{BASE}eli/vn-can-tho/ubnd/kh/2025/999>" in response.json()["error"]
    page = built_client.get("/data/org/vn/no-such-agency", headers=BROWSER)
    assert page.status_code == 404 and "org/vn/no-such-agency" in page.text and 'href="/sparql"' in page.text
    invalid = built_client.get("/eli/a%20b")
    assert invalid.status_code == 400 and "not a valid IRI" in invalid.json()["error"]


def test_void_counts_match_the_build(built, built_client: TestClient) -> None:
    _, report = built
    response = built_client.get("/.well-known/void")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    dataset = rdflib.URIRef("http://testserver/.well-known/void#dataset")
    out, _ = built
    distinct = len(set(rdflib.Graph().parse(out / "graph.ttl", format="turtle")))
    # The dataset counts each triple once (a triple in several named graphs is one triple of the
    # union); its subsets count per graph, as the build reports them.
    assert graph.value(dataset, VOID.triples).toPython() == distinct < report.total_triples
    subsets = {str(g): graph.value(g, VOID.triples).toPython() for g in graph.objects(dataset, VOID.subset)}
    assert subsets == report.graphs and sum(subsets.values()) == report.total_triples
    count = built_client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) == distinct
    assert built_client.get("/health").json()["triples"] == distinct
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("http://testserver/sparql")
    assert str(graph.value(dataset, VOID.uriSpace)) == BASE
    assert rdflib.URIRef(ELI) in set(graph.objects(dataset, VOID.vocabulary))
    as_jsonld = built_client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(rdflib.Graph().parse(data=as_jsonld.text, format="json-ld")) == len(graph)


def test_rdflib_dereferences_an_iri_over_http(server_url: str) -> None:
    """A linked-data client follows the 303 from the IRI's path to the description."""
    graph = rdflib.Graph().parse(server_url.removesuffix("sparql") + "eli/vn-can-tho/ubnd/kh/2025/37")
    assert (rdflib.URIRef(PLAN), rdflib.URIRef(ELI + "id_local"), rdflib.Literal("37/KH-UBND")) in graph


def test_ontology_terms_link_to_their_own_description(built_client: TestClient, built_store: ox.Store) -> None:
    plan_page = built_client.get("/data/eli/vn-can-tho/ubnd/kh/2025/37", headers=BROWSER).text
    assert 'href="/data/ont%23implements"' in plan_page  # /ont#implements would lose its fragment
    term = built_client.get("/data/ont%23implements", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=term.text, format="turtle")
    label = _value(built_store, BASE + "ont#implements", str(rdflib.RDFS.label))
    assert label in {str(o) for o in graph.objects(rdflib.URIRef(BASE + "ont#implements"), rdflib.RDFS.label)}


def test_ontology_document_serves_its_hash_terms(built_client: TestClient, built_store: ox.Store) -> None:
    """A client dereferencing kg:implements requests /ont (the fragment stays with the client)."""
    graph = rdflib.Graph().parse(data=built_client.get("/ont").text, format="turtle")
    terms = {q.subject.value for q in built_store.quads_for_pattern(None, None, None, ox.NamedNode(G + "ontology"))
             if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE + "ont#")}
    assert terms and terms <= {str(s) for s in graph.subjects()}
    assert (rdflib.URIRef(BASE + "ont#implements"), rdflib.RDF.type, rdflib.OWL.ObjectProperty) in graph


def test_root_sends_a_browser_to_the_explorer_and_a_client_to_the_endpoint(built_client: TestClient) -> None:
    response = built_client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/sparql")
    page = built_client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and str(page.url).endswith("/explore") and 'id="yasgui"' in page.text


def test_a_plan_page_lists_each_link_once(built_client: TestClient, built_store: ox.Store) -> None:
    """The store's default graph holds the union of the named graphs: a page reading both would
    list each link once per graph a triple of it is in (2^9 times for a link of nine triples)."""
    import re

    page = built_client.get("/data/eli/vn-can-tho/ubnd/kh/2025/37", headers=BROWSER).text
    links = set(re.findall(r'href="/link/([0-9a-f]+)"', page))
    assert links and all(page.count(f'href="/link/{link}"') == 1 for link in links)
