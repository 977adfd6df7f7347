"""The whole graph from the documents' fragments (kg.graph.fragments) and the cross-document graphs,
as streams of sorted N-Quads lines: never held as one dataset.

What the fragments could not say on their own is added here: the build run's IRI, the last day of
the bodies and places a document names (from the reorganisation graph, made from every document's
bodies), the cited-title links no earlier document stated, and the build graph (kg:loaded and the
implementation chains, from the documents' facts rather than from the whole graph).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from kg.graph import ids
from kg.graph.chains import chain_triples
from kg.graph.fragments import RUN_PLACEHOLDER, DocumentFacts, Fragment, facts_of
from kg.graph.quads import LineWriter, Triple, unpack
from kg.graph.reorganisation import ended_bodies
from kg.graph.vocab import ELI, KG

LINKS, ACCEPTED = URIRef(ids.graph_iri("links")), URIRef(ids.graph_iri("links", "accepted"))


@dataclass
class Assembly:
    """Everything the output files are written from."""

    run: URIRef
    fragments: list[Fragment]
    marks: dict[URIRef, list[str]]  # a document's graph -> its sorted lines added here
    shared: dict[URIRef, list[str]]  # cross-document graph -> its sorted lines (links: cited titles only)

    @property
    def swap(self) -> tuple[str, str]:
        """The fragments' run placeholder and the run's IRI, as `unpack` replaces them."""
        return str(RUN_PLACEHOLDER), str(self.run)

    @cached_property
    def own(self) -> dict[URIRef, bytes]:
        """Each document graph's packed lines, by graph name."""
        return {f.graph: f.own for f in self.fragments}

    def graph_lines(self, graph: URIRef) -> Iterator[str]:
        """The sorted distinct lines of one named graph."""
        if graph in self.marks:
            return heapq.merge(unpack(self.own[graph], self.swap), self.marks[graph])
        sources = [self.shared.get(graph, [])]
        if graph in (LINKS, ACCEPTED):
            sources += [unpack(f.links if graph == LINKS else f.accepted, self.swap) for f in self.fragments]
        return distinct(heapq.merge(*sources))

    def graphs(self) -> list[URIRef]:
        """Every named graph, in the order of their N-Quads form (as TriG lists them)."""
        names = {*self.marks, *self.shared, LINKS, ACCEPTED}
        return sorted(names, key=lambda name: f"<{name}>")

    def lines(self) -> Iterator[str]:
        """Every line of the dataset, sorted and distinct: the N-Quads file."""
        sources: list[Iterable[str]] = [*self.shared.values(), *self.marks.values()]
        for fragment in self.fragments:
            sources += [unpack(packed, self.swap) for packed in (fragment.own, fragment.links, fragment.accepted)]
        return distinct(heapq.merge(*sources))


def distinct(lines: Iterable[str]) -> Iterator[str]:
    """Sorted lines without repeats (the same link stated by two documents is one quad)."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
        previous = line


def assemble(fragments: list[Fragment], graphs: dict[URIRef, Graph], run: URIRef, software: URIRef,
             writer: LineWriter) -> Assembly:
    """`graphs`: the cross-document graphs made whole (reference, reorganisation, ontology)."""
    # a document's graph states the last day of the bodies and places it names, so that a shape
    # checking one document graph at a time sees a name used after it (shapes/reorganisation.shapes.ttl)
    ended = ended_bodies(*(graphs[URIRef(ids.graph_iri(kind))] for kind in ("reference", "reorganisation")))
    marks = {f.graph: sorted(writer.lines([(n, KG.validUntil, ended[n]) for n in f.named if n in ended], f.graph))
             for f in fragments}
    shared = {name: sorted(set(writer.lines(graph, name))) for name, graph in graphs.items()}
    swap = (str(RUN_PLACEHOLDER), str(run))
    shared[LINKS] = sorted({line.replace(*swap) for line in cited_title_lines(fragments)})
    facts = [f.facts for f in fragments] + [facts_of(graphs.values())]
    reference = graphs[URIRef(ids.graph_iri("reference"))]
    build = build_graph(run, software, facts, set(reference.subjects(ELI.id_local, None)))
    shared[URIRef(ids.graph_iri("build"))] = sorted(set(writer.lines(build, URIRef(ids.graph_iri("build")))))
    return Assembly(run, fragments, marks, shared)


def cited_title_lines(fragments: list[Fragment]) -> list[str]:
    """The cited-title links of each document unless the links graph already holds the same
    implements triple from a document before it (or its own citations): the first statement is kept."""
    stated: set[tuple[URIRef, URIRef]] = set()
    lines: list[str] = []
    for fragment in fragments:
        stated.update(fragment.stated)
        for title in fragment.cited_titles:
            if (title.source, title.target) not in stated:
                lines += title.lines
                stated.add((title.source, title.target))
    return lines


def build_graph(run: URIRef, software: URIRef, facts: list[DocumentFacts], described: set[URIRef]) -> list[Triple]:
    """The build run; kg:loaded true for documents whose text (or reference data, `described`) is
    in the graph, false for those known only because something cites them; the chains."""
    documents = set().union(*(f.documents for f in facts))
    with_text = set().union(described, *(f.with_text for f in facts))
    triples: list[Triple] = [(run, RDF.type, PROV.Activity), (run, PROV.wasAssociatedWith, software)]
    triples += [(doc, KG.loaded, Literal(doc in with_text)) for doc in documents]
    triples += chain_triples(documents, (t for f in facts for t in f.steps))
    return triples
