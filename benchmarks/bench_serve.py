"""Benchmark of dereferencing and VoID on the synthetic graph of bench_queries.py (same shape, same sizes).

Loads the graph into the app in-process (FastAPI TestClient, no network) and prints the time of:
create_app (graph sizes), a document's description twice (the first request also finds the hash IRIs'
documents, later ones reuse them), the three most-referenced resources (their inbound triples are cut
at 100 but all are counted and sorted) in Turtle and HTML, an unknown IRI's 404, and
/.well-known/void (the first request computes the vocabulary list, later ones reuse it).
Each description is the 303 and the document together.

    python3 benchmarks/bench_serve.py --triples 1000000
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import pyoxigraph as ox
from bench_queries import graph_arguments, synthetic_graph
from fastapi.testclient import TestClient

from kg.graph.ids import BASE
from kg.store.query import PREFIXES, load_store
from kg.serve import create_app

TURTLE, HTML = {"Accept": "text/turtle"}, {"Accept": "text/html"}


def timed(client: TestClient, path: str, headers: dict[str, str]) -> tuple[float, int]:
    began = time.perf_counter()
    response = client.get(path, headers=headers)
    return time.perf_counter() - began, response.status_code


def most_referenced(store: ox.Store, n: int) -> list[tuple[str, int]]:
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    counts = Counter(q.object.value for q in store
                     if isinstance(q.object, ox.NamedNode) and q.predicate != rdf_type and q.object.value.startswith(BASE))
    return counts.most_common(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    graph_arguments(parser, 100_000)
    store = load_store([synthetic_graph(parser.parse_args())])
    began = time.perf_counter()
    client = TestClient(create_app(store))
    print(f"graph: {len(store):,} quads; create_app {time.perf_counter() - began:.2f} s\n")
    print("| request | inbound | status | seconds |\n|---|---|---|---|")
    document = next(store.quads_for_pattern(None, ox.NamedNode(PREFIXES["eli"] + "id_local"), None)).subject.value
    rows = [(f"/{document.removeprefix(BASE)}", "-", TURTLE)] * 2
    rows += [(f"/{iri.removeprefix(BASE)}", f"{n:,}", h) for iri, n in most_referenced(store, 3) for h in (TURTLE, HTML)]
    rows += [("/eli/none", "-", TURTLE), ("/.well-known/void", "-", TURTLE), ("/.well-known/void", "-", TURTLE)]
    for path, inbound, headers in rows:
        seconds, status = timed(client, path, headers)
        print(f"| GET {path} ({headers['Accept']}) | {inbound} | {status} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
