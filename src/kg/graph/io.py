"""Writing graphs: deterministic serialisation.

The graph stage makes sorted N-Quads lines (kg.graph.quads, kg.graph.assembly); TriG and Turtle
are written by pyoxigraph from them, streamed in the order of graph, subject, predicate and object,
with the prefix lines sorted: the same triples always give the same bytes. pyoxigraph writes 35k
triples of Turtle in a tenth of a second where rdflib's serialiser took eight (its prefix search
dominates). N-Quads line order is that order: a line starts with its subject, predicate and
object, each closed by '>' or '"' before a space, so no term's text is cut short by the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.graph.ids import graph_iri
from kg.graph.quads import LineWriter
from kg.graph.vocab import NAMESPACES

# Prefixes written in files: vocabularies only. Our own data IRIs hold slashes after the
# namespace and would need escaping as prefixed names, so they stay full IRIs.
FILE_PREFIXES = {k: str(v) for k, v in NAMESPACES.items() if k not in ("doc", "agency", "concept")}


def _with_sorted_prefixes(data: bytes) -> bytes:
    lines = data.decode("utf-8").split("\n")
    prefixes = sorted(line for line in lines if line.startswith("@prefix "))
    body = [line for line in lines if not line.startswith("@prefix ")]
    return ("\n".join(prefixes) + "\n" + "\n".join(body)).encode("utf-8")


def turtle_of(graph: Graph) -> bytes:
    """Turtle of a small rdflib graph, ordered and prefixed as the build's files are."""
    lines = sorted(set(LineWriter().lines(graph, URIRef(graph_iri("central")))))
    quads = ox.parse(("\n".join(lines) + "\n").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return _with_sorted_prefixes(ox.serialize(_distinct_triples(quads), format=ox.RdfFormat.TURTLE,
                                              prefixes=FILE_PREFIXES))


def write_nquads(lines: Iterable[str], path: Path) -> None:
    """Sorted N-Quads lines (kg.graph.assembly) to a file, a batch at a time."""
    lines = iter(lines)
    with path.open("wb") as handle:
        while batch := list(islice(lines, 50_000)):
            handle.write(("\n".join(batch) + "\n").encode("utf-8"))
    os.chmod(path, 0o644)


def _quads(graphs: Iterable[Iterable[str]], counts: list[int]) -> Iterator[ox.Quad]:
    """The quads of each graph's sorted lines, parsed a batch at a time; `counts` gets each graph's size."""
    for lines in graphs:
        lines, count = iter(lines), 0
        while batch := list(islice(lines, 20_000)):
            count += len(batch)
            yield from ox.parse("\n".join(batch).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        counts.append(count)


def write_trig(graphs: Iterable[Iterable[str]], path: Path) -> list[int]:
    """TriG of named graphs given in order, each as its sorted lines: the order the whole dataset
    sorted by graph, subject, predicate and object gives. Returns each graph's number of quads."""
    counts: list[int] = []
    ox.serialize(_quads(graphs, counts), str(path), format=ox.RdfFormat.TRIG, prefixes=FILE_PREFIXES)
    _sort_prefix_lines(path)
    return counts


def _distinct_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of quads in N-Quads line order, each once: the copies of a triple in several
    graphs are neighbours, since a line starts with its triple and ends with its graph."""
    previous = None
    for quad in quads:
        triple = quad.triple
        if triple != previous:
            yield triple
        previous = triple


def write_turtle(nquads: Path, path: Path) -> None:
    """Turtle of the union of the graphs of a sorted N-Quads file."""
    quads = ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    ox.serialize(_distinct_triples(quads), str(path), format=ox.RdfFormat.TURTLE, prefixes=FILE_PREFIXES)
    _sort_prefix_lines(path)


def _sort_prefix_lines(path: Path) -> None:
    """pyoxigraph writes the prefix lines first in an order of its own: sorted in place (the same
    lines, so the same length), as `_with_sorted_prefixes` does on bytes."""
    with path.open("r+b") as handle:
        head = handle.read(64 * len(FILE_PREFIXES) + 4096).split(b"\n")[:len(FILE_PREFIXES)]
        if len(head) < len(FILE_PREFIXES) or not all(line.startswith(b"@prefix ") for line in head):
            raise ValueError(f"{path}: expected {len(FILE_PREFIXES)} prefix lines first")
        handle.seek(0)
        handle.write(b"\n".join(sorted(head)))
    os.chmod(path, 0o644)
