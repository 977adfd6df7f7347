"""The SPARQL 1.1 Protocol query operation: GET/HEAD/POST /sparql.

The query itself runs in a worker process (isolation.py) where the platform allows, so that the
deadline stops it and its memory is capped; the answer is serialised there too, and only bytes come
back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from kg.store.query import QueryError, execute, form_of, serialize_answer
from kg.serve.description import SD_PREFIXES, html_page, service_description
from kg.serve.negotiation import choose, content_type, prefers_html, rdf_response
from kg.serve.protocol import ServiceError, read_request
from kg.serve.isolation import JobError

TRUNCATED = "X-SPARQL-Truncated"
MAX_ROWS = "X-SPARQL-Max-Rows"


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to answer one query (picklable)."""
    query: str
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    base_iri: str
    accept: str | None
    format_override: str | None
    deadline: float  # time.monotonic(), the same clock in every process of the machine


@dataclass(frozen=True)
class QueryAnswer:
    body: bytes
    media_type: str
    truncated: bool


def answer(store: ox.Store, max_rows: int, job: QueryJob) -> QueryAnswer:
    """Run and serialise one query; errors meant for the client are JobErrors (status, message)."""
    try:
        solutions = execute(store, job.query, base_iri=job.base_iri, default_graphs=job.default_graphs,
                            named_graphs=job.named_graphs)
        fmt = choose(form_of(solutions), job.accept, job.format_override)
    except QueryError as err:
        raise JobError(400, f"SPARQL syntax error: {err}") from err
    except ServiceError as err:
        raise JobError(err.status, err.message) from err
    body, truncated = serialize_answer(solutions, fmt, max_rows=max_rows, deadline=job.deadline)
    return QueryAnswer(body, content_type(fmt), truncated)


async def sparql(request: Request) -> Response:
    service = request.app.state.service
    req = await read_request(request)
    accept = request.headers.get("accept")
    if req.query is None:
        return _describe(request, service, accept)
    endpoint = str(request.url.replace(query=""))
    job = QueryJob(req.query, req.default_graphs, req.named_graphs, endpoint, accept, req.format_override,
                   time.monotonic() + service.timeout_s)
    found: QueryAnswer = await service.query(job)
    headers = {TRUNCATED: str(found.truncated).lower(), MAX_ROWS: str(service.max_rows), "Vary": "Accept"}
    return Response(found.body, media_type=found.media_type, headers=headers)


def _describe(request: Request, service, accept: str | None) -> Response:
    endpoint = str(request.url.replace(query=""))
    if prefers_html(accept):
        return HTMLResponse(html_page(endpoint, service.max_rows, service.timeout_s), headers={"Vary": "Accept"})
    return rdf_response(service_description(endpoint, service.sizes, service.union_size),
                        choose("graph", accept, None), SD_PREFIXES)
