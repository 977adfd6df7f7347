"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description manifests, run as HTTP
requests against a live `kg serve` on loopback.

Each request of each manifest test is one test here, named `<manifest>:<test>#<n> <METHOD>`. The
endpoint is read-only by design, so:
- a write (SPARQL Update, Graph Store PUT/POST/DELETE) must be refused with 403/405 and a JSON body
  saying the service is read-only; a write the manifest expects to succeed is then reported skipped;
- the server is started preloaded with the graphs the manifests' writes would have created (each
  graph as it is first read), and a later read that expects the effect of a refused write on it is
  skipped, naming that write.
The manifests are not committed (W3C test suite licence); a clone without them skips this module.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg import config

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWG = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
WRITES = {"PUT", "POST", "DELETE", "PATCH"}
RESULT_TYPES = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                            "text/tab-separated-values"),
                "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples")}
ROOT = config.CONFORMANCE_DIR / "w3c-sparql11"
pytestmark = pytest.mark.conformance


@dataclass
class Step:
    """One HTTP request of a manifest test and what this runner does with it."""
    id: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    response: rdflib.term.Node
    manifest: rdflib.Graph
    action: str = "check"  # check | refuse | skip
    reason: str = ""
    expected_graph: rdflib.Graph | None = None


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    preload: dict[str, rdflib.Graph] = field(default_factory=dict)  # graph IRI -> triples


def _text(g: rdflib.Graph, node, prop) -> str | None:
    value = g.value(node, prop)
    return None if value is None else str(value)


def _steps(g: rdflib.Graph, test, prefix: str, rewrite: tuple[str, str]) -> list[Step]:
    connection = g.value(test, MF.action)
    steps = []
    for n, request in enumerate(Collection(g, g.value(connection, HT.requests)), start=1):
        headers = {}
        header_list = g.value(request, HT.headers)
        for header in Collection(g, header_list) if header_list else []:
            headers[_text(g, header, HT.fieldName).lower()] = _text(g, header, HT.fieldValue)
        body_node = g.value(request, HT.body)
        body = None
        if body_node is not None:
            encoding = _text(g, body_node, CNT.characterEncoding) or "UTF-8"
            body = _text(g, body_node, CNT.chars).encode(encoding)
        method = _text(g, request, HT.methodName)
        path = _text(g, request, HT.absolutePath).replace(*rewrite, 1)
        steps.append(Step(f"{prefix}:{test.split('#')[-1]}#{n} {method}", method, path, headers, body,
                          g.value(request, HT.resp), g))
    return steps


def _is_update(step: Step) -> bool:
    body = (step.body or b"").decode("utf-8", "replace")
    return ("sparql-update" in step.headers.get("content-type", "") or body.startswith("update=")
            or "update=" in step.path or "using-graph-uri" in step.path or "using-named-graph-uri" in step.path)


def _expected_statuses(step: Step) -> list[str]:
    return [str(s).split("#")[-1] for s in step.manifest.objects(step.response, MF.expectedStatus)]


def _protocol(plan: Plan) -> None:
    folder = ROOT / "protocol"
    g = rdflib.Graph().parse(folder / "manifest.ttl", publicID=(folder / "manifest.ttl").as_uri())
    for test in Collection(g, g.value(next(g.subjects(RDF.type, MF.Manifest)), MF.entries)):
        for data in g.objects(test, UT.graphData):
            name = str(g.value(data, rdflib.RDFS.label))
            plan.preload.setdefault(name, rdflib.Graph().parse(Path(urlsplit(str(g.value(data, UT.graph))).path),
                                                                format="nt"))
        refused = None
        for step in _steps(g, test, "protocol", ("/sparql/", "/sparql")):
            wants_success = any(s.startswith(("StatusCode2", "OK")) for s in _expected_statuses(step))
            if refused:
                step.action, step.reason = "skip", f"depends on {refused}, an update this read-only endpoint refuses"
            elif _is_update(step) and wants_success:
                step.action, step.reason = "refuse", "SPARQL Update is refused by design (asserted: 403, read-only)"
                refused = step.id
            plan.steps.append(step)


def _graph_store(plan: Plan) -> None:
    folder = ROOT / "graph-store-protocol"
    for name in ("manifest-indirect.ttl", "manifest-direct.ttl"):
        g = rdflib.Graph().parse(folder / name, publicID=(folder / name).as_uri())
        for test in Collection(g, g.value(next(g.subjects(RDF.type, MF.Manifest)), MF.entries)):
            direct = (test, MF.requires, MF.DirectGraphIdentification) in g
            state: dict[str | None, rdflib.Graph] = {}
            for step in _steps(g, test, "gsp", ("/gsp", "/graph-store")):
                query = parse_qs(urlsplit(step.path).query, keep_blank_values=True)
                iri = query["graph"][0] if "graph" in query else None
                if direct:
                    step.action, step.reason = "skip", "direct graph identification is not offered (graphs are " \
                                                       "named with ?graph=IRI)"
                elif "$LOCATION$" in step.path:
                    step.action, step.reason = "skip", "reads the graph a POST would have created (refused)"
                elif step.method in WRITES:
                    step.action, step.reason = "refuse", "Graph Store writes are refused by design (asserted: 405)"
                    _simulate(state, step, iri)
                elif iri is None:
                    step.action, step.reason = "skip", "the default graph is the union of the named graphs, " \
                                                       "not a graph of its own that a PUT could fill"
                else:
                    _plan_read(plan, step, iri, state.get(iri))
                plan.steps.append(step)


def _simulate(state: dict[str | None, rdflib.Graph], step: Step, iri: str | None) -> None:
    """What the write would have done, so that later reads know what they expect."""
    body = rdflib.Graph()
    if step.body and "turtle" in step.headers.get("content-type", ""):
        body.parse(data=step.body.decode("utf-8"), format="turtle")
    if step.method == "PUT":
        state[iri] = body
    elif step.method == "POST" and iri is not None:
        state[iri] = (state.get(iri) or rdflib.Graph()) + body
    elif step.method == "DELETE":
        state.pop(iri, None)


def _plan_read(plan: Plan, step: Step, iri: str, expected: rdflib.Graph | None) -> None:
    step.expected_graph = expected
    if expected is None:
        return  # expects 404: the graph is simply not loaded
    if iri not in plan.preload:
        plan.preload[iri] = expected
    elif not isomorphic(plan.preload[iri], expected):
        step.action, step.reason = "skip", f"expects <{iri}> as changed by a refused write"


def _plan() -> Plan:
    plan = Plan()
    if ROOT.is_dir():
        _protocol(plan)
        _graph_store(plan)
    for step in plan.steps:  # a 404 expected after a refused DELETE, of a graph another test loads
        iri = parse_qs(urlsplit(step.path).query).get("graph", [None])[0]
        if step.action == "check" and step.path.startswith("/graph-store") and step.expected_graph is None \
                and iri in plan.preload:
            step.action, step.reason = "skip", f"expects <{iri}> deleted by a refused write"
    return plan


PLAN = _plan()
SERVICE_DESCRIPTION = ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not ROOT.is_dir():
        pytest.skip(f"conformance manifests not found at {ROOT} (set KG_CONFORMANCE)")
    data = tmp_path_factory.mktemp("conformance") / "data.trig"
    dataset = rdflib.Dataset()
    for name, graph in PLAN.preload.items():
        target = dataset.graph(rdflib.URIRef(name))
        for triple in graph:
            target.add(triple)
    data.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(config.PROJECT_ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--graph", str(data), "--timeout", "10"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # bounded wait for startup (up to 30 s)
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            assert process.poll() is None, process.stderr.read().decode()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _send(url: str, step: Step) -> httpx.Response:
    return httpx.request(step.method, url + step.path, headers=step.headers, content=step.body, timeout=30)


def _status_ok(status: int, expected: list[str]) -> bool:
    for name in expected:
        if name.startswith("StatusCode") and str(status).startswith(name[len("StatusCode")]):
            return True
        if STATUS_NAMES.get(name) == status:
            return True
    return False


@pytest.mark.parametrize("step", PLAN.steps or [None], ids=lambda s: s.id if s else "no-manifests")
def test_manifest_request(server: str, step: Step) -> None:
    if step.action == "skip":
        pytest.skip(step.reason)
    response = _send(server, step)
    if step.action == "refuse":
        assert response.status_code in (403, 405), response.text
        assert "read-only" in response.json()["error"]
        pytest.skip(step.reason)
    assert _status_ok(response.status_code, _expected_statuses(step)), (response.status_code, response.text)
    _check_result(step, response)


def _check_result(step: Step, response: httpx.Response) -> None:
    g, resp = step.manifest, step.response
    media_type = response.headers.get("content-type", "").split(";")[0]
    fmt = _text(g, resp, MF.expectedFormat)
    if fmt:
        assert media_type in RESULT_TYPES[fmt]
    boolean = g.value(resp, MF.expectedBoolean)
    if boolean is not None:
        assert media_type == "application/sparql-results+json" and response.json()["boolean"] is boolean.toPython()
    if step.expected_graph is not None and step.method == "GET":
        assert media_type == "text/turtle"
        assert isomorphic(rdflib.Graph().parse(data=response.text, format="turtle"), step.expected_graph)
    if step.method == "HEAD":
        assert response.content == b""


@pytest.mark.parametrize("name", SERVICE_DESCRIPTION)
def test_service_description(server: str, name: str) -> None:
    """The three Service Description tests, whose manifest gives only their names."""
    entries = rdflib.Graph().parse(ROOT / "service-description" / "manifest.ttl")
    assert any(str(s).endswith("#" + name) for s in entries.subjects(MF.name, None))
    response = httpx.get(server + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    description = rdflib.Graph().parse(data=response.text, format="turtle")
    service = description.value(predicate=RDF.type, object=sd.Service)
    if name == "has-endpoint-triple":
        assert (service, sd.endpoint, rdflib.URIRef(server + "/sparql")) in description
    if name == "conforms-to-schema":
        assert (service, sd.supportedLanguage, sd.SPARQL11Query) in description
        assert all((d, RDF.type, sd.Dataset) in description for d in description.objects(service, sd.defaultDataset))
        assert all(isinstance(f, rdflib.URIRef) for f in description.objects(service, sd.resultFormat))


def test_http_rdf_update_is_deprecated() -> None:
    """The older HTTP RDF Update manifest: every test is deprecated by the W3C in favour of the Graph
    Store Protocol manifests run above, so none of them is run."""
    if not ROOT.is_dir():
        pytest.skip(f"conformance manifests not found at {ROOT}")
    g = rdflib.Graph().parse(ROOT / "http-rdf-update" / "manifest.ttl")
    tests = set(g.subjects(RDF.type, MF.GraphStoreProtocolTest))
    assert tests and all((t, DAWG.approval, DAWG.Deprecated) in g for t in tests)
    pytest.skip(f"{len(tests)} HTTP RDF Update tests, all deprecated in favour of graph-store-protocol/")
