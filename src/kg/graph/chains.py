"""Implementation chains, materialised: a plan that implements a provincial programme that
implements 57-NQ/TW implements 57-NQ/TW through the chain.

kg:implements keeps what a text states; kg:implementsTransitively (its super-property in the
ontology) holds every document a document implements directly or through any chain, so that a
query needs no reasoner and no property path. A chain steps through what a document implements,
replaces or amends and through the parts of a document (the 03/NQ-CP resolution has the programme
as a part), and ends with an implements: 71/NQ-CP, which replaces the 03 programme, implements
what that programme implements; a plan implementing 71/NQ-CP does not implement the programme
71/NQ-CP replaced.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg.graph.vocab import ELI, KG

_STEPS = (KG.implements, KG.replaces, KG.amends)


def _edges(dataset: Dataset, documents: set[URIRef]) -> tuple[dict[URIRef, set[URIRef]], dict[URIRef, set[URIRef]]]:
    """(document -> the documents one step of a chain reaches, document -> what it implements)."""
    steps: dict[URIRef, set[URIRef]] = {}
    implements: dict[URIRef, set[URIRef]] = {}
    for prop in _STEPS:
        for s, o in dataset.subject_objects(prop):
            if s in documents and o in documents:
                steps.setdefault(s, set()).add(o)
                if prop == KG.implements:
                    implements.setdefault(s, set()).add(o)
    for part, whole in dataset.subject_objects(ELI.is_part_of):
        if part in documents and whole in documents:
            steps.setdefault(whole, set()).add(part)
    return steps, implements


def implements_through_chains(dataset: Dataset) -> list[tuple[URIRef, URIRef]]:
    """Every (document, document it implements directly or through a chain), sorted."""
    documents = set(dataset.subjects(RDF.type, KG.PolicyDocument))
    steps, implements = _edges(dataset, documents)
    pairs = set()
    for start in documents:
        reached, todo = {start}, [start]
        while todo:
            for nxt in steps.get(todo.pop(), ()):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        pairs |= {(start, target) for node in reached for target in implements.get(node, ()) if target != start}
    return sorted(pairs)


def materialise_chains(dataset: Dataset, into: Graph) -> int:
    """kg:implementsTransitively triples into the build graph; returns how many."""
    pairs = implements_through_chains(dataset)
    for document, target in pairs:
        into.add((document, KG.implementsTransitively, target))
    return len(pairs)
