"""What /.well-known/void returns: a VoID description of the dataset this server publishes."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox

from kg.export import curie
from kg.graph.ids import BASE
from kg.store.query import PREFIXES
from kg.serve.description import RDF_TYPE, VOID, XSD_INTEGER

DCTERMS = PREFIXES["dcterms"]
VOID_PREFIXES = {"void": VOID, "dcterms": DCTERMS}


def _void(term: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + term)


def vocabularies(store: ox.Store) -> list[str]:
    """Namespaces (of the predeclared prefixes) that a predicate or a class of the data comes from."""
    terms = store.query("SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } }")
    namespaces = set()
    for row in terms:
        term = row["t"]
        if isinstance(term, ox.NamedNode) and curie(term.value) != term.value:
            namespaces.add(PREFIXES[curie(term.value).partition(":")[0]])
    return sorted(namespaces)


def void_description(root: str, sizes: dict[str, int], union_size: int, vocabulary: list[str]) -> list[ox.Triple]:
    """The dataset (IRI `{root}/.well-known/void#dataset`) with one void:subset per named graph.

    void:triples of the dataset counts its distinct triples (the union default graph), as /health
    does; a triple stated in several named graphs is counted in each subset but once here."""
    dataset = ox.NamedNode(f"{root}/.well-known/void#dataset")
    triples = [
        ox.Triple(dataset, RDF_TYPE, _void("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "title"), ox.Literal("nq57-kg", language="en")),
        ox.Triple(dataset, ox.NamedNode(DCTERMS + "description"), ox.Literal(
            "Resolution 57-NQ/TW traced through the Government programme 03/NQ-CP to provincial plans.",
            language="en")),
        ox.Triple(dataset, _void("sparqlEndpoint"), ox.NamedNode(f"{root}/sparql")),
        ox.Triple(dataset, _void("uriSpace"), ox.Literal(BASE)),
        ox.Triple(dataset, _void("dataDump"), ox.NamedNode(f"{root}/graph-store?default")),
        ox.Triple(dataset, _void("triples"), _count(union_size)),
    ]
    triples += [ox.Triple(dataset, _void("vocabulary"), ox.NamedNode(ns)) for ns in vocabulary]
    triples += [ox.Triple(dataset, _void("subset"), ox.NamedNode(name)) for name in sizes]
    for name, size in sizes.items():
        graph = ox.NamedNode(name)
        triples += [
            ox.Triple(graph, RDF_TYPE, _void("Dataset")),
            ox.Triple(graph, _void("triples"), _count(size)),
            ox.Triple(graph, _void("dataDump"), ox.NamedNode(f"{root}/graph-store?graph={quote(name, safe='')}")),
        ]
    return triples


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)
