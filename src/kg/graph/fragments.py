"""One document's part of the graph, made on its own: its named graph, its links, and the few
document-level facts the cross-document graphs need, as packed N-Quads lines (kg.graph.quads).

Nothing in a fragment depends on the other documents of the build, so a fragment can be cached by
what went into it (kg.build_cache). What does depend on them is left to the assembly
(kg.graph.assembly): the build run's IRI (a placeholder here, `RUN_PLACEHOLDER`), the last day of
the bodies the document names (the reorganisation graph is made from every document's bodies) and
the links to a cited document's parent that another document may already state (`CitedTitle`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from kg.graph import ids
from kg.graph.build import document_graph
from kg.graph.links import add_citation_links, cited_title_links, implementation_links_graph
from kg.graph.quads import LineWriter, TripleSet, Triple, pack
from kg.graph.vocab import ELI, KG
from kg.model import Document, Link

# As long as a real run IRI (kg.pipeline.run_iri), so that swapping it keeps sorted lines sorted.
RUN_PLACEHOLDER = URIRef(f"{ids.BASE}prov/run/{'0' * 16}")
_FACT_PREDICATES = {RDF.type: "type", KG.sourceFile: "file", ELI.is_part_of: "part",
                    **{step: "step" for step in (KG.implements, KG.replaces, KG.amends)}}
# What may end in the reorganisation: bodies (org/, group/) and places (place/), as
# kg.graph.reorganisation and the reference layer state them. rdflib terms override
# str.startswith (one prefix only), so it is tested on str(term).
_NAMED = tuple(f"{ids.BASE}{kind}/" for kind in ("org", "group", "place"))


@dataclass
class DocumentFacts:
    """What the build graph needs of a document's triples (kg:loaded, implementation chains)."""

    documents: set[URIRef] = field(default_factory=set)  # typed kg:PolicyDocument
    with_text: set[URIRef] = field(default_factory=set)  # with a kg:sourceFile
    steps: set[Triple] = field(default_factory=set)  # implements, replaces, amends, is_part_of


@dataclass
class CitedTitle:
    """A link to what a cited document implements, as its cited title says: left out when an
    earlier document of the build already stated the same implements triple (kg.graph.assembly)."""

    source: URIRef
    target: URIRef
    lines: list[str]


@dataclass
class Fragment:
    source_id: str
    graph: URIRef  # the document's named graph
    document: URIRef  # its work IRI
    triples: int  # in its named graph, before the assembly's additions
    own: bytes  # packed lines of its named graph
    links: bytes  # packed lines of the links graph
    accepted: bytes  # packed lines of the accepted-links graph
    stated: list[tuple[URIRef, URIRef]]  # (document, implemented) its citation links state
    cited_titles: list[CitedTitle]
    named: list[URIRef]  # bodies and places it names, sorted (those that ended get a last day)
    facts: DocumentFacts


def document_fragment(document: Document, links: list[Link], directives: dict[str, URIRef],
                      targets: dict[str, URIRef], writer: LineWriter) -> Fragment:
    """The document's graph and links as lines, the build run still a placeholder."""
    name = URIRef(ids.graph_iri("doc", document.source.source_id))
    own, link_graph, accepted = TripleSet(), TripleSet(), TripleSet()
    doc = document_graph(document, own)
    own.add((name, PROV.wasGeneratedBy, RUN_PLACEHOLDER))
    own.add((name, KG.sha256, Literal(document.source.sha256)))
    implementation_links_graph(link_graph, accepted, document, links, directives, targets, RUN_PLACEHOLDER)
    stated = add_citation_links(link_graph, document, RUN_PLACEHOLDER)
    links_name = URIRef(ids.graph_iri("links"))
    titles = [CitedTitle(source, target, writer.lines(triples, links_name))
              for source, target, triples in cited_title_links(document, RUN_PLACEHOLDER)]
    facts = facts_of([own, link_graph, accepted])
    facts.steps |= {(t.source, KG.implements, t.target) for t in titles}
    named = sorted({o for o in own.objects() if isinstance(o, URIRef) and str(o).startswith(_NAMED)})
    return Fragment(document.source.source_id, name, doc, len(own), pack(writer.lines(own, name)),
                    pack(writer.lines(link_graph, links_name)),
                    pack(writer.lines(accepted, URIRef(ids.graph_iri("links", "accepted")))),
                    stated, titles, named, facts)


def facts_of(graphs: Iterable[Iterable[Triple]]) -> DocumentFacts:
    """The document-level triples of `graphs`. A part steps a chain only when it is itself a
    document (an annexed programme of the reference layer): a local document's parts and targets
    have IRIs under their document's and are never typed kg:PolicyDocument elsewhere."""
    facts, parts = DocumentFacts(), []
    for graph in graphs:
        for s, p, o in graph:
            kind = _FACT_PREDICATES.get(p)  # one hash a triple: rdflib's term equality is slow Python
            if kind is None:
                continue
            if kind == "type":
                if o == KG.PolicyDocument:
                    facts.documents.add(s)
            elif kind == "file":
                facts.with_text.add(s)
            elif kind == "step":
                facts.steps.add((s, p, o))
            else:
                parts.append((s, p, o))
    facts.steps |= {t for t in parts if t[0] in facts.documents}
    return facts
