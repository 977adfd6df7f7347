"""Writing graphs: deterministic serialisation (kg.files.write_atomic writes the files).

rdflib builds the graphs; the files are written by pyoxigraph from quads sorted by graph, subject,
predicate and object, with the prefix lines sorted: the same triples always give the same bytes.
pyoxigraph writes 35k triples of Turtle in a tenth of a second where rdflib's serialiser took
eight (its prefix search dominates).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.graph.vocab import NAMESPACES

# Prefixes written in files: vocabularies only. Our own data IRIs hold slashes after the
# namespace and would need escaping as prefixed names, so they stay full IRIs.
FILE_PREFIXES = {k: str(v) for k, v in NAMESPACES.items() if k not in ("doc", "agency", "concept")}


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def sorted_quads(nquads: bytes) -> list[ox.Quad]:
    """The quads of N-Quads, sorted by graph, subject, predicate and object."""
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def sorted_nquads(dataset: Dataset) -> bytes:
    """N-Quads with lines sorted: byte-identical for the same triples whatever the insertion order."""
    text = dataset.serialize(format="nquads")
    lines = {line for line in text.split("\n") if line.strip()}
    del text  # at a million quads each copy of the text is hundreds of megabytes
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def _with_sorted_prefixes(data: bytes) -> bytes:
    lines = data.decode("utf-8").split("\n")
    prefixes = sorted(line for line in lines if line.startswith("@prefix "))
    body = [line for line in lines if not line.startswith("@prefix ")]
    return ("\n".join(prefixes) + "\n" + "\n".join(body)).encode("utf-8")


def serialize_sorted(quads: list[ox.Quad], fmt: str) -> bytes:
    """TriG (named graphs) or Turtle (their union, duplicates merged) of quads from `sorted_quads`:
    a build parses and sorts its quads once for both formats."""
    if fmt == "trig":
        return _with_sorted_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=FILE_PREFIXES))
    triples = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return _with_sorted_prefixes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=FILE_PREFIXES))


def serialize_quads(nquads: bytes, fmt: str) -> bytes:
    """TriG (named graphs) or Turtle (their union, duplicates merged) of sorted N-Quads."""
    return serialize_sorted(sorted_quads(nquads), fmt)


def serialize_dataset(dataset: Dataset, fmt: str) -> bytes:
    """TriG or Turtle of an rdflib dataset, deterministic."""
    return serialize_quads(sorted_nquads(dataset), fmt)
