"""The FastAPI app: SPARQL 1.1 Protocol query operation, read-only Graph Store Protocol, health,
dereferenceable IRIs and VoID.

Handlers stay thin (read request -> run in a worker -> serialise); the query operation is in
sparql.py and its worker processes in isolation.py, the protocol details in protocol.py, negotiation
in negotiation.py, the service description in description.py, resource descriptions and their HTML
in resource.py, VoID in void.py.
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
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.store.query import PREFIXES, QueryTimeout, distinct_triples, formats_for, load_store, union_default_graph
from kg.serve import isolation
from kg.serve.description import default_graph_size, graph_sizes
from kg.serve.negotiation import choose, content_type, prefers_html, rdf_response
from kg.serve.protocol import ServiceError
from kg.serve import explorer
from kg.serve.document import readable
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
from kg.serve.sparql import MAX_ROWS, TRUNCATED, QueryAnswer, QueryJob, answer, sparql
from kg.serve.void import VOID_PREFIXES, vocabularies, void_description

T = TypeVar("T")
INBOUND_TRUNCATED = "X-Inbound-Truncated"


@dataclass
class Service:
    store: ox.Store
    max_rows: int
    timeout_s: float
    max_concurrent: int
    inbound_limit: int
    max_memory_mb: int
    isolate: bool  # queries in killable worker processes (benchmarks compare with threads)
    sizes: dict[str, int] = field(init=False)
    union_size: int = field(init=False)
    _limiter: anyio.CapacityLimiter | None = field(default=None, init=False)
    _pool: isolation.WorkerPool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.sizes = graph_sizes(self.store)
        self.union_size = default_graph_size(self.store)
        if self.isolate:
            self._pool = isolation.WorkerPool(self._answer, self.max_concurrent, self.max_memory_mb)

    def _answer(self, job: QueryJob) -> QueryAnswer:
        return answer(self.store, self.max_rows, job)

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
            raise self._timeout() from err

    async def query(self, job: QueryJob) -> QueryAnswer:
        """One SPARQL query: in a worker process stopped at the deadline, else in a thread."""
        if self._pool is None:
            return await self.run(lambda deadline: self._answer(job))
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.max_concurrent)
        try:
            return await anyio.to_thread.run_sync(self._pool.call, job, job.deadline, limiter=self._limiter)
        except isolation.JobError as err:
            raise ServiceError(err.status, err.message) from err
        except isolation.WorkerFailed as err:
            if err.timed_out:
                raise self._timeout() from err
            raise ServiceError(503, f"Query stopped: {err} (`kg serve --max-memory`). Narrow the query "
                                    "or add LIMIT.") from err

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def _timeout(self) -> ServiceError:
        return ServiceError(503, f"Query stopped after the server time limit of {self.timeout_s} s "
                                 "(setting timeout_s; `kg serve --timeout`). Narrow the query or add LIMIT.")


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
    max_memory_mb: int = 2048,
    isolate: bool = True,
) -> SparqlApp:
    """The app over a store (its default graph must hold the union: load_store does that) or files."""
    if isinstance(store_or_paths, ox.Store):
        store = store_or_paths
        if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None:
            union_default_graph(store)
    else:
        store = load_store(store_or_paths)
    service = Service(store, max_rows, timeout_s, max_concurrent, inbound_limit, max_memory_mb,
                      isolate and isolation.available())
    app = SparqlApp(title="nq57-kg SPARQL endpoint", docs_url=None, redoc_url=None, openapi_url=None,
                    on_shutdown=[service.close])
    app.state.service = service
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_api_route("/", home, methods=["GET", "HEAD"])
    app.add_api_route("/sparql", sparql, methods=["GET", "HEAD", "POST"])
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


async def graph_store(request: Request, graph: str | None = None) -> Response:
    """Read-only Graph Store Protocol, indirect identification: ?graph=IRI or ?default (the union)."""
    service: Service = request.app.state.service
    wants_default = "default" in request.query_params
    if (graph is None) == (not wants_default):
        raise ServiceError(400, "Give exactly one of ?graph=IRI or ?default.")
    if graph is not None and graph not in service.sizes:
        raise ServiceError(404, f"No graph named <{graph}>. Named graphs are listed in the service description.")
    fmt = choose("graph", request.headers.get("accept"), None)

    def work(deadline: float) -> bytes:
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)  # the default graph is the union
        triples = distinct_triples(service.store.quads_for_pattern(None, None, None, name))
        return ox.serialize(sorted(triples, key=str), format=fmt.oxigraph, prefixes=PREFIXES)

    return Response(await service.run(work), media_type=content_type(fmt), headers={"Vary": "Accept"})


async def health(request: Request) -> dict[str, object]:
    service: Service = request.app.state.service
    return {"status": "ok", "graphs": len(service.sizes), "triples": service.union_size,
            "max_rows": service.max_rows, "timeout_s": service.timeout_s}


async def void(request: Request) -> Response:
    """VoID of the dataset, in any RDF format by negotiation (Turtle by default)."""
    service: Service = request.app.state.service
    vocabulary = await service.run(lambda deadline: service.vocabulary)
    root = str(request.base_url).rstrip("/")
    return rdf_response(void_description(root, service.sizes, service.union_size, vocabulary), choose("graph", request.headers.get("accept"), None),
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
    fmt = choose("graph", accept, override)
    return rdf_response(found.triples(document), fmt, DESCRIPTION_PREFIXES, headers | {"Content-Location": variants[fmt.name]})


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






def _media_type(name: str) -> str:
    return "text/html" if name == "html" else next(f.media_type for f in formats_for("graph") if f.name == name)






async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return JSONResponse({"ok": False, "status": exc.status, "error": exc.message}, exc.status, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    """The framework's own refusals (405 method, 404 route) in the endpoint's error format."""
    assert isinstance(exc, HTTPException)
    allowed = f" Allowed: {exc.headers['Allow']}." if exc.headers and "Allow" in exc.headers else ""
    message = (f"This service is read-only: {request.method} is not accepted at {request.url.path}."
               if exc.status_code == 405 else str(exc.detail))
    return JSONResponse({"ok": False, "status": exc.status_code, "error": message + allowed}, exc.status_code,
                        exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"ok": False, "status": 500, "error": f"{type(exc).__name__}: {exc}"}, 500)
