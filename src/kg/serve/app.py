"""The FastAPI app: SPARQL 1.1 Protocol query operation, read-only Graph Store Protocol, health,
dereferenceable IRIs and VoID.

Handlers stay thin (read request -> run in a worker thread -> serialise); the protocol details live in
protocol.py, negotiation in negotiation.py, the service description in description.py, resource
descriptions and their HTML in resource.py, VoID in void.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import anyio
import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.query import (
    PREFIXES,
    Format,
    QueryError,
    QueryForm,
    QueryResult,
    QueryTimeout,
    distinct_triples,
    formats_for,
    load_store,
    run_query,
    serialize,
)
from kg.serve.description import (
    SD_PREFIXES,
    graph_sizes,
    html_page,
    service_description,
)
from kg.serve import explorer
from kg.serve.document import readable
from kg.serve.negotiation import negotiate, prefers_html, supported
from kg.serve.protocol import ServiceError, read_request
from kg.serve.resource import (
    DESCRIPTION_PREFIXES,
    INBOUND_LIMIT,
    Description,
    describe,
    error_page,
    hash_members,
    is_known,
    public_iri,
    resource_page,
)
from kg.serve.void import VOID_PREFIXES, vocabularies, void_description

T = TypeVar("T")
TRUNCATED = "X-SPARQL-Truncated"
MAX_ROWS = "X-SPARQL-Max-Rows"
INBOUND_TRUNCATED = "X-Inbound-Truncated"


@dataclass
class Service:
    store: ox.Store
    max_rows: int
    timeout_s: float
    max_concurrent: int
    inbound_limit: int
    sizes: dict[str, int] = field(init=False)
    _limiter: anyio.CapacityLimiter | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sizes = graph_sizes(self.store)

    @cached_property
    def vocabulary(self) -> list[str]:
        """Computed on the first VoID request (a scan of the predicates), then kept: the store is read-only."""
        return vocabularies(self.store)

    @cached_property
    def hash_members(self) -> dict[str, list[str]]:
        """Computed on the first description (a scan of the subjects), then kept."""
        return hash_members(self.store)

    async def run(self, work: Callable[[float], T]) -> T:
        """`work(deadline)` in a worker thread, answered with 503 once timeout_s has passed."""
        if self._limiter is None:  # created lazily: anyio needs a running event loop
            self._limiter = anyio.CapacityLimiter(self.max_concurrent)
        deadline = time.monotonic() + self.timeout_s
        try:
            with anyio.fail_after(self.timeout_s):
                return await anyio.to_thread.run_sync(work, deadline, abandon_on_cancel=True, limiter=self._limiter)
        except (TimeoutError, QueryTimeout) as err:
            raise ServiceError(
                503,
                f"Query stopped after the server time limit of {self.timeout_s} s "
                "(setting timeout_s; `kg serve --timeout`). Narrow the query or add LIMIT.",
            ) from err


class SparqlApp(FastAPI):
    """FastAPI whose CORS layer wraps everything, so even unhandled 500s carry CORS headers
    (Starlette's ServerErrorMiddleware otherwise sits outside user middleware)."""

    def build_middleware_stack(self) -> ASGIApp:
        return CORSMiddleware(
            super().build_middleware_stack(),
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=[TRUNCATED, MAX_ROWS, INBOUND_TRUNCATED, "Link", "Content-Location"],
            max_age=3600,
        )


def create_app(
    store_or_paths: ox.Store | Iterable[str | Path],
    *,
    max_rows: int = 10000,
    timeout_s: float = 30,
    max_concurrent: int = 4,
    inbound_limit: int = INBOUND_LIMIT,
) -> SparqlApp:
    store = store_or_paths if isinstance(store_or_paths, ox.Store) else load_store(store_or_paths)
    app = SparqlApp(title="nq57-kg SPARQL endpoint", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = Service(store, max_rows, timeout_s, max_concurrent, inbound_limit)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_api_route("/", home, methods=["GET", "HEAD"])
    app.add_api_route("/sparql", sparql, methods=["GET", "POST"])
    app.add_api_route("/graph-store", graph_store, methods=["GET", "HEAD"])
    app.add_api_route("/health", health, methods=["GET"])
    app.add_api_route("/.well-known/void", void, methods=["GET", "HEAD"])
    app.add_api_route("/data/{path:path}", data, methods=["GET", "HEAD"])
    explorer.register(app)
    # Not a catch-all route, which would shadow routes added later: the router's fallback instead.
    app.router.default = _dereference(app.router.default)
    return app


async def home(request: Request) -> Response:
    """The server's root names no resource of ours: browsers go to the explorer, other clients to /sparql."""
    target = "explore-" if prefers_html(request.headers.get("accept")) else "sparql"
    return RedirectResponse(str(request.url_for(target)), status_code=303)


async def sparql(request: Request) -> Response:
    service: Service = request.app.state.service
    req = await read_request(request)
    accept = request.headers.get("accept")
    if req.query is None:
        return _describe(request, service, accept)

    def work(deadline: float) -> tuple[QueryResult, Format, bytes]:
        try:
            result = run_query(service.store, req.query, max_rows=service.max_rows, deadline=deadline,
                               default_graphs=req.default_graphs, named_graphs=req.named_graphs)
        except QueryError as err:
            raise ServiceError(400, f"SPARQL syntax error: {err}") from err
        fmt = _choose(result.kind, accept, req.format_override)
        return result, fmt, serialize(result, fmt)

    result, fmt, body = await service.run(work)
    headers = {TRUNCATED: str(result.truncated).lower(), MAX_ROWS: str(service.max_rows), "Vary": "Accept"}
    return Response(body, media_type=_content_type(fmt), headers=headers)


async def graph_store(request: Request, graph: str | None = None) -> Response:
    """Read-only Graph Store Protocol, indirect identification: ?graph=IRI or ?default (the union)."""
    service: Service = request.app.state.service
    wants_default = "default" in request.query_params
    if (graph is None) == (not wants_default):
        raise ServiceError(400, "Give exactly one of ?graph=IRI or ?default.")
    if graph is not None and graph not in service.sizes:
        raise ServiceError(404, f"No graph named <{graph}>. Named graphs are listed in the service description.")
    fmt = _choose("graph", request.headers.get("accept"), None)

    def work(deadline: float) -> bytes:
        name = None if graph is None else ox.NamedNode(graph)
        triples = distinct_triples(service.store.quads_for_pattern(None, None, None, name))
        return ox.serialize(sorted(triples, key=str), format=fmt.oxigraph, prefixes=PREFIXES)

    return Response(await service.run(work), media_type=_content_type(fmt), headers={"Vary": "Accept"})


async def health(request: Request) -> dict[str, object]:
    service: Service = request.app.state.service
    return {"status": "ok", "graphs": len(service.sizes), "triples": sum(service.sizes.values()),
            "max_rows": service.max_rows, "timeout_s": service.timeout_s}


async def void(request: Request) -> Response:
    """VoID of the dataset, in any RDF format by negotiation (Turtle by default)."""
    service: Service = request.app.state.service
    vocabulary = await service.run(lambda deadline: service.vocabulary)
    root = str(request.base_url).rstrip("/")
    return _rdf(void_description(root, service.sizes, vocabulary), _choose("graph", request.headers.get("accept"), None),
                VOID_PREFIXES)


def _dereference(fallback: ASGIApp) -> ASGIApp:
    """What the router calls when no route matches: a GET/HEAD path may be a graph IRI's (303, else 404)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await fallback(scope, receive, send)
        path = scope["path"].removeprefix(scope.get("root_path", "")).lstrip("/")
        response = await resource(Request(scope, receive), path)
        await response(scope, receive, send)

    return app


async def resource(request: Request, path: str) -> Response:
    """The path of a graph IRI ({BASE}eli/…, org/…): 303 See Other to its description under /data/."""
    service: Service = request.app.state.service
    try:
        await service.run(lambda deadline: _known_iri(service.store, path))
    except ServiceError as err:
        return _html_error_or_raise(request, err)
    return Response(status_code=303, headers={"Location": str(request.base_url) + "data/" + quote(path)})


async def data(request: Request, path: str) -> Response:
    """The description document of one resource: HTML for browsers, else RDF by negotiation."""
    service: Service = request.app.state.service
    accept, override = request.headers.get("accept"), request.query_params.get("format")

    def work(deadline: float) -> Description:
        iri = _known_iri(service.store, path)
        return describe(service.store, iri, service.inbound_limit, service.hash_members.get(iri))

    try:
        found = await service.run(work)
    except ServiceError as err:
        return _html_error_or_raise(request, err)
    document = str(request.url.replace(query=""))
    # Every variant also has its own URL (?format=NAME), announced in Link and named in Content-Location.
    variants = {f.name: f"{document}?format={f.name}" for f in formats_for("graph")} | {"html": f"{document}?format=html"}
    headers = {"Vary": "Accept", INBOUND_TRUNCATED: str(found.truncated).lower(),
               "Link": ", ".join(f'<{url}>; rel="alternate"; type="{_media_type(name)}"' for name, url in variants.items())}
    if (override or "").lower() == "html" or (not override and prefers_html(accept)):
        page = _resource_html(request, service, found, variants)
        return HTMLResponse(page, headers=headers | {"Content-Location": variants["html"]})
    fmt = _choose("graph", accept, override)
    return _rdf(found.triples(document), fmt, DESCRIPTION_PREFIXES, headers | {"Content-Location": variants[fmt.name]})


def _resource_html(request: Request, service: Service, found: Description, variants: dict[str, str]) -> str:
    graph_dump = f"{request.base_url}graph-store?graph={quote(found.iri, safe='')}" if found.iri in service.sizes else None
    return resource_page(found, root=request.scope.get("root_path", ""), alternates=variants, graph_dump=graph_dump,
                         readable=readable(service.store, found.iri))


def _known_iri(store: ox.Store, path: str) -> str:
    """The IRI a local path stands for, if the graph holds it: else 400 (not an IRI) or 404 (not ours)."""
    iri = public_iri(path)
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise ServiceError(400, f"/{path} cannot be an IRI of this dataset: <{iri}> is not a valid IRI ({err}).") from err
    if not is_known(store, node):
        raise ServiceError(404, f"No resource <{iri}> in this dataset. Query /sparql to find resources.")
    return iri


def _html_error_or_raise(request: Request, err: ServiceError) -> Response:
    """A failed lookup: an HTML page for browsers (linking to /sparql); others get the JSON error."""
    if not prefers_html(request.headers.get("accept")):
        raise err
    return HTMLResponse(error_page(err.status, err.message, request.scope.get("root_path", "")), err.status)


def _describe(request: Request, service: Service, accept: str | None) -> Response:
    endpoint = str(request.url.replace(query=""))
    if prefers_html(accept):
        return HTMLResponse(html_page(endpoint, service.max_rows, service.timeout_s), headers={"Vary": "Accept"})
    return _rdf(service_description(endpoint, service.sizes), _choose("graph", accept, None), SD_PREFIXES)


def _rdf(triples: list[ox.Triple], fmt: Format, prefixes: dict[str, str], headers: dict[str, str] | None = None
         ) -> Response:
    body = ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
    return Response(body, media_type=_content_type(fmt), headers={"Vary": "Accept", **(headers or {})})


def _media_type(name: str) -> str:
    return "text/html" if name == "html" else next(f.media_type for f in formats_for("graph") if f.name == name)


def _choose(form: QueryForm, accept: str | None, override: str | None) -> Format:
    fmt = negotiate(form, accept, override)
    if fmt is None:
        raise ServiceError(406, f"No acceptable format for {form.upper()} results. Supported: {', '.join(supported(form))}.")
    return fmt


def _content_type(fmt: Format) -> str:
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return JSONResponse({"ok": False, "status": exc.status, "error": exc.message}, exc.status, exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"ok": False, "status": 500, "error": f"{type(exc).__name__}: {exc}"}, 500)
