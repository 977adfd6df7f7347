"""Running a query against any SPARQL 1.1 endpoint, answered in the local engine's result type.

The endpoint's answer (SPARQL JSON results, or N-Triples for CONSTRUCT/DESCRIBE) is parsed back
into a kg.store.query.QueryResult, so `kg query --endpoint` writes every format `kg query` writes and a
test can compare a server's rows with the local engine's.
"""

from __future__ import annotations

import re

import httpx
import pyoxigraph as ox

from kg.store.query import PREFIXES, QueryResult, _take
from kg.store.publish import Auth

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class RemoteError(RuntimeError):
    """The endpoint refused the query or answered something unreadable; the message says which."""


def with_prefixes(text: str) -> str:
    """The query with PREFIX declarations for the project prefixes it uses but does not declare
    (the local engine and `kg serve` know them; another server does not)."""
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w.-]*):", text)}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items()
               if name.lower() not in declared and re.search(rf"(?<![\w<]){re.escape(name)}:", text)]
    return "\n".join([*missing, text]) if missing else text


def remote_query(endpoint: str, text: str, *, max_rows: int, auth: Auth = Auth(),
                 timeout_s: float = 300) -> QueryResult:
    """POST the query (SPARQL 1.1 Protocol, form-encoded) and read the answer into a QueryResult."""
    try:
        response = httpx.post(endpoint, data={"query": with_prefixes(text)}, auth=auth.basic(),
                              headers={"Accept": ACCEPT, **auth.headers()}, timeout=timeout_s)
    except httpx.HTTPError as err:
        raise RemoteError(f"cannot reach {endpoint}: {err}") from err
    if response.status_code != 200:
        raise RemoteError(f"{endpoint} answered HTTP {response.status_code} {response.reason_phrase}: "
                          f"{response.text.strip()[:300]}")
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        return _result(media, response.content, max_rows)
    except SyntaxError as err:
        raise RemoteError(f"{endpoint}: unreadable {media} answer: {err}") from err


def _result(media: str, body: bytes, max_rows: int) -> QueryResult:
    if media in ("application/sparql-results+json", "application/json"):
        answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        rows, truncated = _take(((sol[v] for v in variables) for sol in answer), max_rows, None)
        return QueryResult("select", variables=variables, rows=rows, truncated=truncated)
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise RemoteError(f"the endpoint answered {media or 'no content type'}, not SPARQL results or RDF")
    rows, truncated = _take(((t.triple,) for t in ox.parse(body, format=fmt)), max_rows, None)
    return QueryResult("graph", rows=rows, truncated=truncated)
