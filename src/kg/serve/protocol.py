"""Read a SPARQL 1.1 Protocol query request (GET, form POST, direct POST) into one shape.

Parameters are decoded here, strictly: a query string or form body that is not UTF-8 is a 400, not a
query with replacement characters; a body over MAX_BODY_BYTES is a 413 before it is read whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.datastructures import MultiDict
from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
# SPARQLWrapper repeats the wanted format under all three names unless onlyConneg is set.
FORMAT_PARAMS = ("format", "output", "results")
MAX_BODY_BYTES = 512 * 1024


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
    params = _decode(request.scope.get("query_string", b""), "query string")
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
    media_type, _, parameters = request.headers.get("content-type", "").partition(";")
    content_type = media_type.strip().lower()
    url_params = _decode(request.scope.get("query_string", b""), "query string")
    if content_type == FORM:
        form = _decode(await _body(request), "form body")
        return MultiDict(list(url_params.multi_items()) + list(form.multi_items()))
    if content_type == DIRECT_UPDATE:
        raise ServiceError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if content_type == DIRECT_QUERY:
        if "query" in url_params:
            raise ServiceError(400, "With application/sparql-query the query is the body; do not also pass 'query'.")
        charset = _charset(parameters)
        if charset not in ("utf-8", "utf8"):
            raise ServiceError(400, f"The query body must be UTF-8 (SPARQL 1.1 Protocol), not charset={charset}.")
        try:
            body = (await _body(request)).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ServiceError(400, f"The query body is not valid UTF-8: {err}") from err
        return MultiDict(list(url_params.multi_items()) + [("query", body)])
    raise ServiceError(
        415,
        f"Unsupported request Content-Type {content_type or '(none)'!r}: POST {FORM} or {DIRECT_QUERY}.",
    )


def _decode(raw: bytes, where: str) -> MultiDict:
    """application/x-www-form-urlencoded pairs whose percent-escapes must decode as UTF-8."""
    try:
        text = raw.decode("utf-8")
        return MultiDict(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError as err:
        raise ServiceError(400, f"The {where} is not valid UTF-8 after percent-decoding ({err.reason} at byte "
                                f"{err.start}); encode the query as UTF-8.") from err


async def _body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> ServiceError:
    return ServiceError(413, f"The request body is over {MAX_BODY_BYTES // 1024} KiB; no query needs that much. "
                             "Send a shorter query.")


def _charset(parameters: str) -> str:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return "utf-8"


def _dataset(params: MultiDict) -> dict[str, list[str] | None]:
    """Protocol dataset parameters. Given either, they define the whole dataset (and beat FROM)."""
    default = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    if not default and not named:
        return {"default_graphs": None, "named_graphs": None}
    return {"default_graphs": default, "named_graphs": named}
