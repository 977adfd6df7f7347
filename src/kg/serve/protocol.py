"""Read a SPARQL 1.1 Protocol query request (GET, form POST, direct POST) into one shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import MultiDict
from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
# SPARQLWrapper repeats the wanted format under all three names unless onlyConneg is set.
FORMAT_PARAMS = ("format", "output", "results")


class ServiceError(Exception):
    """An error answered with `status` and a JSON body naming the problem."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: list[str] | None  # None: the union default graph (no protocol dataset)
    named_graphs: list[str] | None
    format_override: str | None


async def read_request(request: Request) -> ProtocolRequest:
    params = request.query_params
    if request.method == "POST":
        params = await _post_params(request)
    if "update" in params:
        raise ServiceError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    queries = params.getlist("query")
    if len(queries) > 1:
        raise ServiceError(400, "Exactly one 'query' parameter is allowed.")
    return ProtocolRequest(
        query=queries[0] if queries else None,
        **_dataset(params),
        format_override=next((params[p] for p in FORMAT_PARAMS if params.get(p)), None),
    )


async def _post_params(request: Request) -> MultiDict:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_params = list(request.query_params.multi_items())
    if content_type == FORM:
        form = await request.form()
        return MultiDict(url_params + [(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    if content_type == DIRECT_UPDATE:
        raise ServiceError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if content_type == DIRECT_QUERY:
        if "query" in request.query_params:
            raise ServiceError(400, "With application/sparql-query the query is the body; do not also pass 'query'.")
        try:
            body = (await request.body()).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ServiceError(400, f"The query body is not valid UTF-8: {err}") from err
        return MultiDict(url_params + [("query", body)])
    raise ServiceError(
        415,
        f"Unsupported request Content-Type {content_type or '(none)'!r}: POST {FORM} or {DIRECT_QUERY}.",
    )


def _dataset(params: MultiDict) -> dict[str, list[str] | None]:
    """Protocol dataset parameters. Given either, they define the whole dataset (and beat FROM)."""
    default = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    if not default and not named:
        return {"default_graphs": None, "named_graphs": None}
    return {"default_graphs": default, "named_graphs": named}
