"""The researcher's explorer under `kg serve`: the pages (query workbench, trace, coverage, targets),
their static files, and the JSON routes that feed them.

Every page is a static HTML file whose script asks JSON routes for its data; those run the query
library (queries/*.rq, parameters bound by kg.serve.library) on the served store, so a page shows what
`kg query` gives for the same file. Nothing is fetched from outside the server: the front-end
packages are vendored under static/vendor/ (scripts/vendor.sh).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from kg.store.query import QueryError, QueryResult, format_named, run_query, serialize
from kg.serve.library import LibraryQuery, ParameterError, load_library
from kg.serve.negotiation import prefers_html
from kg.serve.ontology_doc import ontology_html
from kg.serve.protocol import ServiceError
from kg.serve.resource import label_triples

STATIC = Path(__file__).parent / "static"
PAGES = {"": "workbench.html", "trace": "trace.html", "coverage": "coverage.html", "targets": "targets.html"}
DOWNLOADS = ("csv", "tsv", "json")
BOM = "\ufeff".encode()  # Excel reads a CSV as UTF-8 only when it starts with the byte order mark
NEIGHBOURS = 40  # per direction: enough to see a document's context, few enough to read


def register(app: FastAPI) -> None:
    """Add the explorer's routes; called once by create_app."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for name, page in PAGES.items():
        app.add_api_route(f"/explore/{name}".rstrip("/"), _page(page), methods=["GET", "HEAD"], name=f"explore-{name}")
    app.add_api_route("/explore/download", download, methods=["GET"])
    app.add_api_route("/api/library", library, methods=["GET"])
    app.add_api_route("/api/library/{name}", library_query, methods=["GET"])
    app.add_api_route("/api/rows/{name}", rows, methods=["GET"])
    app.add_api_route("/api/neighbourhood", neighbourhood, methods=["GET"])
    app.add_api_route("/ont", ontology, methods=["GET", "HEAD"])


def _page(file: str):
    async def page() -> FileResponse:
        return FileResponse(STATIC / file, media_type="text/html; charset=utf-8")
    return page


async def library() -> list[dict[str, object]]:
    return [query.as_json() for query in load_library().values()]


def _library_query(name: str) -> LibraryQuery:
    found = load_library().get(name)
    if found is None:
        raise ServiceError(404, f"No library query {name!r}; the library has {', '.join(load_library())}.")
    return found


def _bound(request: Request, name: str) -> str:
    """The library query with the request's parameters (?place=IRI&status=accepted&status=suggested)."""
    values: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        values.setdefault(key, [])
        if value not in ("", "UNDEF"):
            values[key].append(value)
    try:
        return _library_query(name).bind(values)
    except ParameterError as err:
        raise ServiceError(400, str(err)) from err


async def library_query(request: Request, name: str) -> Response:
    """The query text with its parameters bound: what the workbench puts in the editor."""
    return Response(_bound(request, name), media_type="application/sparql-query; charset=utf-8")


async def rows(request: Request, name: str) -> JSONResponse:
    """A library query's SELECT rows as JSON objects (term values as strings, unbound as null)."""
    service = request.app.state.service
    text = _bound(request, name)
    result = await service.run(lambda deadline: _run(service, text, deadline))
    return JSONResponse({"query": name, "truncated": result.truncated, "variables": result.variables,
                         "rows": [{v: None if t is None else t.value for v, t in zip(result.variables, row)}
                                  for row in result.rows]})


def _run(service, text: str, deadline: float) -> QueryResult:
    try:
        return run_query(service.store, text, max_rows=service.max_rows, deadline=deadline)
    except QueryError as err:
        raise ServiceError(400, f"SPARQL syntax error: {err}") from err


async def download(request: Request, query: str = "", format: str = "csv") -> Response:
    """A SELECT query's results as a file to save: CSV (with a BOM, so Excel keeps Vietnamese), TSV, JSON."""
    service = request.app.state.service
    if format not in DOWNLOADS:
        raise ServiceError(400, f"format={format!r}: downloads are {', '.join(DOWNLOADS)}.")
    if not query.strip():
        raise ServiceError(400, "Give the query to run as ?query=…")
    result = await service.run(lambda deadline: _run(service, query, deadline))
    if result.kind != "select":
        raise ServiceError(400, f"Downloads are for SELECT queries; this is {result.kind.upper()}.")
    fmt = format_named(format, "select")
    body = serialize(result, fmt)
    if format == "csv":
        body = BOM + body
    headers = {"Content-Disposition": f'attachment; filename="results.{fmt.extension if format == "json" else format}"'}
    return Response(body, media_type=f"{fmt.media_type}; charset=utf-8", headers=headers)


async def neighbourhood(request: Request, iri: str) -> dict[str, object]:
    """The resource and the IRIs one step away (both directions), labelled: cytoscape.js elements."""
    service = request.app.state.service
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise ServiceError(400, f"iri={iri!r} is not a valid IRI ({err}).") from err
    return await service.run(lambda deadline: _elements(service.store, node))


def _elements(store: ox.Store, node: ox.NamedNode) -> dict[str, object]:
    edges: dict[tuple[str, str, str], None] = {}
    for quads, outward in ((store.quads_for_pattern(node, None, None), True),
                           (store.quads_for_pattern(None, None, node), False)):
        kept = 0
        for quad in quads:
            other = quad.object if outward else quad.subject
            if not isinstance(other, ox.NamedNode) or quad.predicate.value.endswith("#type") or kept >= NEIGHBOURS:
                continue
            key = (node.value, quad.predicate.value, other.value) if outward else (other.value, quad.predicate.value, node.value)
            if key not in edges:
                edges[key] = None
                kept += 1
    names = {node.value} | {s for s, _, _ in edges} | {o for _, _, o in edges}
    nodes = [{"data": {"id": name, "label": _short_label(store, name), "focus": name == node.value}} for name in sorted(names)]
    links = [{"data": {"id": f"e{i}", "source": s, "target": o, "label": p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]}}
             for i, (s, p, o) in enumerate(sorted(edges))]
    return {"nodes": nodes, "edges": links}


def _short_label(store: ox.Store, iri: str) -> str:
    """A node's caption: its Vietnamese label (else any), cut at a word under 40 characters, else its IRI's tail."""
    labels = sorted(label_triples(store, ox.NamedNode(iri)), key=lambda t: (t.object.language != "vi", t.object.value))
    text = labels[0].object.value if labels else iri.rstrip("/").rsplit("/", 1)[-1]
    return text if len(text) <= 40 else text[:40].rsplit(" ", 1)[0] + "…"


async def ontology(request: Request) -> Response:
    """The ontology's namespace: its HTML documentation for browsers, else 303 to its RDF description."""
    if not prefers_html(request.headers.get("accept")) and request.query_params.get("format") != "html":
        return RedirectResponse(str(request.base_url) + "data/ont", status_code=303)
    service = request.app.state.service
    return HTMLResponse(await service.run(lambda deadline: ontology_html()))
