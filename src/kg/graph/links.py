"""Implementation links as RDF: a reified kg:ImplementationLink per link (confidence, method,
review status, evidence, run), and for accepted links also the direct triple, so that simple
SPARQL works without knowing the reification. Task links start at a task (a document part),
target links ('measures', 'echoes') at a target statement."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.central.layer import CentralLayer
from kg.graph import ids
from kg.graph.build import RELATION_PROPERTY, add_evidence, cited_ref, document_iri_of, number
from kg.graph.quads import TripleSet
from kg.graph.reference import INDICATOR_SCHEME, document_node, group_iri
from kg.graph.vocab import KG
from kg.model import Document, Link, Relation

LINK_PROPERTY = {"implements": KG.implements, "serves-group": KG.servesGroup, "measures": KG.forIndicator,
                 "echoes": KG.echoes}
TARGET_LINK_TYPES = ("measures", "echoes")
_DOCUMENT_RELATIONS = (Relation.IMPLEMENTS, Relation.BASED_ON, Relation.REPLACES, Relation.AMENDS)
# The direct property each link type stands for, by the link-type concept's notation.
LINK_TYPE_PROPERTY = {**{r.value: RELATION_PROPERTY[r] for r in _DOCUMENT_RELATIONS}, **LINK_PROPERTY}


def directive_index(layer: CentralLayer) -> dict[str, URIRef]:
    """Link target names -> IRIs: 'group:4', and directives by local id; the Government
    programme first, then 57-NQ/TW, secondary sources last (their numbering is their own)."""
    index: dict[str, URIRef] = {f"group:{g.number}": group_iri(g.number) for g in layer.groups}
    ordered = sorted(layer.directives, key=lambda d: (d.secondary, d.doc.kind != "ctr"))
    for directive in ordered:
        doc = document_node(layer, layer.document_of(directive.doc))
        index.setdefault(directive.local_id, URIRef(ids.part_iri(str(doc), directive.local_id)))
    return index


def target_index(layer: CentralLayer) -> dict[str, URIRef]:
    """Target link names -> IRIs: 'indicator:<key>' concepts and national targets by local id."""
    index = {f"indicator:{i.key}": URIRef(ids.concept_iri(INDICATOR_SCHEME, i.key)) for i in layer.indicators}
    for national in layer.targets:
        doc = document_node(layer, layer.document(national.doc))
        index.setdefault(national.target.local_id, URIRef(ids.target_iri(str(doc), national.target.local_id)))
    return index


def add_link(graph: Graph, accepted: Graph, source: URIRef, target: URIRef, link: Link, doc: URIRef,
             run: URIRef) -> URIRef:
    node = URIRef(ids.link_iri(str(source), link.link_type, str(target)))
    graph.add((node, RDF.type, KG.ImplementationLink))
    graph.add((node, KG.linkSource, source))
    graph.add((node, KG.linkTarget, target))
    graph.add((node, KG.linkType, URIRef(ids.concept_iri("link-type", link.link_type))))
    graph.add((node, KG.confidence, number(link.confidence, XSD.decimal, places=4)))
    graph.add((node, KG.method, URIRef(ids.concept_iri("link-method", link.method))))
    graph.add((node, KG.reviewStatus, URIRef(ids.concept_iri("review-status", link.status))))
    graph.add((node, KG.rank, Literal(link.rank)))
    graph.add((node, PROV.wasGeneratedBy, run))
    add_evidence(graph, node, doc, link.evidence.text, link.evidence.start, link.evidence.end, link.evidence.repaired)
    if link.status == "accepted" and link.link_type in LINK_PROPERTY:
        accepted.add((source, LINK_PROPERTY[link.link_type], target))
    return node


def implementation_links_graph(graph: Graph, accepted: Graph, document: Document, links: list[Link],
                               directives: dict[str, URIRef], targets: dict[str, URIRef], run: URIRef) -> int:
    """Add the document's task links (to central directives) and target links (to indicators and
    national targets); returns how many link targets were unknown (and skipped)."""
    doc = document_iri_of(document)
    unknown = 0
    for link in links:
        from_target = link.link_type in TARGET_LINK_TYPES
        target = (targets if from_target else directives).get(link.target)
        if target is None:
            unknown += 1
            continue
        source_iri = ids.target_iri if from_target else ids.part_iri
        add_link(graph, accepted, URIRef(source_iri(str(doc), link.source_local_id)), target, link, doc, run)
    return unknown


def add_citation_links(graph: Graph, document: Document, run: URIRef) -> list[tuple[URIRef, URIRef]]:
    """Explicit citations ('Thực hiện Nghị quyết số 57-NQ/TW …') as accepted links with their quote;
    returns the (document, cited document) pairs of the kg:implements triples it states."""
    doc = document_iri_of(document)
    seen, stated = set(), []
    for citation in document.citations:
        if citation.relation not in _DOCUMENT_RELATIONS:
            continue
        target = URIRef(ids.document_iri(cited_ref(citation.target, document)))
        key = (target, citation.relation)
        if target == doc or key in seen:
            continue
        seen.add(key)
        link = Link(document.source.source_id, "", "", citation.relation.value, 1.0, "explicit-citation",
                    citation.evidence, "accepted")
        add_link(graph, TripleSet(), doc, target, link, doc, run)
        graph.add((doc, RELATION_PROPERTY[citation.relation], target))
        if citation.relation == Relation.IMPLEMENTS:
            stated.append((doc, target))
    return stated


def cited_title_links(document: Document, run: URIRef) -> list[tuple[URIRef, URIRef, TripleSet]]:
    """What a cited local document implements, as its title is cited ('Chương trình số 61-CTr/TU …
    về thực hiện Nghị quyết số 57-NQ/TW'): the link of a chain this text states, with its quote, as
    (cited document, what it implements, the link's triples), in the order of the citations.
    Central documents' links come from their own texts (the reference layer), not from citations.
    The same implements triple may already be stated (by this document's own citations or an
    earlier document's): the assembly keeps the first statement only (kg.graph.assembly.cited_title_lines)."""
    doc = document_iri_of(document)
    found = []
    for citation in document.citations:
        parent = citation.implemented_by and cited_ref(citation.implemented_by, document)
        if parent is None or parent.scope == "vn":
            continue
        source = URIRef(ids.document_iri(parent))
        target = URIRef(ids.document_iri(cited_ref(citation.target, document)))
        if source != target:
            link = Link(document.source.source_id, "", "", "implements", 1.0, "explicit-citation", citation.evidence,
                        "accepted")
            graph = TripleSet()
            add_link(graph, TripleSet(), source, target, link, doc, run)
            graph.add((source, KG.implements, target))
            found.append((source, target, graph))
    return found
