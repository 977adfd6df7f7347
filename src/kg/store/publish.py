"""Publishing: PUT every named graph to a SPARQL 1.1 Graph Store Protocol endpoint.

One request per graph (`?graph=IRI`, N-Triples body) replaces that graph on the server, so
publishing again after a rebuild leaves no stale triples of a republished document. The union is
also PUT as the default graph (`?default`): the library queries read the default graph as the RDF
merge of the documents, and a server's own union view (Oxigraph's --union-default-graph, Fuseki's
unionDefaultGraph) repeats a triple once per graph stating it, which changes COUNT results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from kg.store.query import distinct_triples

N_TRIPLES = "application/n-triples"


class PublishError(RuntimeError):
    """The server refused or could not be reached; the message names the graph and the status."""


@dataclass(frozen=True)
class Auth:
    user: str | None = None
    password: str | None = None
    token: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def basic(self) -> httpx.BasicAuth | None:
        return httpx.BasicAuth(self.user, self.password or "") if self.user else None


def publish(store: ox.Store, endpoint: str, auth: Auth = Auth(), *, default_graph: bool = True,
            timeout_s: float = 300, progress: Callable[[str, int], None] | None = None) -> int:
    """PUT each named graph of `store` (and the union as the default graph); the number of requests."""
    puts = 0
    with httpx.Client(auth=auth.basic(), headers=auth.headers(), timeout=timeout_s) as client:
        for graph in sorted(store.named_graphs(), key=lambda g: g.value):
            triples = distinct_triples(store.quads_for_pattern(None, None, None, graph))
            _put(client, endpoint, {"graph": graph.value}, f"graph <{graph.value}>", triples, progress)
            puts += 1
        if default_graph:
            triples = distinct_triples(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            _put(client, endpoint, {"default": ""}, "the default graph", triples, progress)
            puts += 1
    return puts


def _put(client: httpx.Client, endpoint: str, params: dict[str, str], name: str, triples: Iterable[ox.Triple],
         progress: Callable[[str, int], None] | None) -> None:
    kept = sorted(triples, key=str)  # a stable body: the same build sends the same bytes
    body = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
    try:
        response = client.put(endpoint, params=params, content=body, headers={"Content-Type": N_TRIPLES})
    except httpx.HTTPError as err:
        raise PublishError(f"{name}: cannot reach {endpoint}: {err}") from err
    if response.status_code not in (200, 201, 204):
        detail = response.text.strip()[:300]
        raise PublishError(f"{name}: {endpoint} answered HTTP {response.status_code} "
                           f"{response.reason_phrase}{': ' + detail if detail else ''}")
    if progress is not None:
        progress(name, len(kept))
