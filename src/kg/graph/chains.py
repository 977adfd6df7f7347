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

from collections.abc import Iterable
from typing import TypeVar

from rdflib import URIRef

from kg.graph.quads import Triple
from kg.graph.vocab import ELI, KG

T = TypeVar("T")

_STEPS = (KG.implements, KG.replaces, KG.amends)


def _edges(documents: set[URIRef], triples: Iterable[Triple]
           ) -> tuple[dict[URIRef, set[URIRef]], dict[URIRef, set[URIRef]]]:
    """(document -> the documents one step of a chain reaches, document -> what it implements)."""
    steps: dict[URIRef, set[URIRef]] = {}
    implements: dict[URIRef, set[URIRef]] = {}
    for s, p, o in triples:
        if s not in documents or o not in documents:
            continue
        if p in _STEPS:
            steps.setdefault(s, set()).add(o)
            if p == KG.implements:
                implements.setdefault(s, set()).add(o)
        elif p == ELI.is_part_of:
            steps.setdefault(o, set()).add(s)
    return steps, implements


def implements_through_chains(documents: set[URIRef], triples: Iterable[Triple]) -> list[tuple[URIRef, URIRef]]:
    """Every (document, document it implements directly or through a chain), sorted. `documents`:
    every node typed kg:PolicyDocument anywhere in the graph; `triples`: the graph's implements,
    replaces, amends and is_part_of triples (others are ignored)."""
    steps, implements = _edges(documents, triples)
    return chain_pairs(documents, steps, implements)


def chain_pairs(starts: Iterable[T], steps: dict[T, set[T]], implements: dict[T, set[T]]) -> list[tuple[T, T]]:
    """The rule itself, on any nodes: (start, what a node reachable from it by steps implements)."""
    pairs = set()
    for start in starts:
        reached, todo = {start}, [start]
        while todo:
            for nxt in steps.get(todo.pop(), ()):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        pairs |= {(start, target) for node in reached for target in implements.get(node, ()) if target != start}
    return sorted(pairs)


def chain_triples(documents: set[URIRef], triples: Iterable[Triple]) -> list[Triple]:
    """kg:implementsTransitively triples for the build graph."""
    return [(document, KG.implementsTransitively, target)
            for document, target in implements_through_chains(documents, triples)]
