"""The 2025 reorganisation as RDF: change events (org:ChangeEvent with kind, date and legal basis),
validity of bodies and provinces (kg:validFrom / kg:validUntil, last day), and kg:succeededBy from
a body or province that ended to the one that carries its tasks on. Old IRIs never change; the
successor is a link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.central.layer import ChangeEvent
from kg.central.provinces import ProvinceMap
from kg.central.reorganisation import BASES, LOCAL_GOVERNMENT_DATE, MERGER, PROVINCE_BASIS, SPLIT, basis_text
from kg.central.succession import local_events
from kg.graph import ids
from kg.graph.build import add_agency, add_place, vi
from kg.graph.vocab import DCT, ELI, KG, ORG
from kg.model import Agency


def event_iri(key: str) -> URIRef:
    return URIRef(f"{ids.BASE}event/{key}")


def day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def add_basis(graph: Graph, key: str) -> URIRef:
    """The legal text a change rests on, as a (not loaded) policy document with where it was read."""
    basis = BASES[key]
    node = URIRef(ids.document_iri(basis.ref))
    graph.add((node, RDF.type, KG.PolicyDocument))
    graph.add((node, ELI.id_local, Literal(basis.ref.symbol)))
    graph.add((node, ELI.date_document, Literal(basis.ref.date, datatype=XSD.date)))
    graph.add((node, DCT.title, vi(basis.title)))
    if basis.read_at:
        graph.add((node, RDFS.seeAlso, URIRef(basis.read_at)))
    if basis.note:
        graph.add((node, SKOS.note, Literal(basis.note, lang="en")))
    return node


def _describe_event(graph: Graph, node: URIRef, kind: str, day: str | None, basis_key: str, text: str) -> None:
    graph.add((node, RDF.type, ORG.ChangeEvent))
    graph.add((node, KG.changeKind, URIRef(ids.concept_iri("change-kind", kind))))
    graph.add((node, RDFS.comment, vi(text)))
    if day:
        graph.add((node, DCT.date, Literal(day, datatype=XSD.date)))
    if basis_key:
        graph.add((node, KG.legalBasis, add_basis(graph, basis_key)))


def add_change(graph: Graph, change: ChangeEvent) -> URIRef:
    node = event_iri(change.key)
    original, resulting = add_agency(graph, change.original), add_agency(graph, change.resulting)
    _describe_event(graph, node, change.kind, change.date, change.basis_key, change.basis)
    graph.add((node, ORG.originalOrganization, original))
    graph.add((node, ORG.resultingOrganization, resulting))
    graph.add((original, ORG.changedBy, node))
    graph.add((resulting, ORG.resultedFrom, node))
    if change.functions:
        graph.add((node, KG.functions, vi(change.functions)))
    if change.kind != SPLIT:
        graph.add((original, KG.succeededBy, resulting))
        if change.date:
            graph.add((original, KG.validUntil, Literal(day_before(change.date), datatype=XSD.date)))
    if change.new_body and change.date:
        graph.add((resulting, KG.validFrom, Literal(change.date, datatype=XSD.date)))
    return node


def add_provinces(graph: Graph, provinces: ProvinceMap) -> None:
    """The 63 units of 2024 and the 34 of today with their codes; each absorbed unit ends on
    30/06/2025 by a merger event into today's unit."""
    for unit in provinces.units_2024 + provinces.units_2025:
        node = add_place(graph, unit.slug)
        graph.add((node, SKOS.prefLabel, vi(unit.name)))
        graph.add((node, SKOS.notation, Literal(unit.code)))
    for unit in provinces.absorbed():
        node, successor = URIRef(ids.place_iri(unit.slug)), URIRef(ids.place_iri(unit.today))
        event = event_iri(f"{MERGER}/{unit.slug}")
        _describe_event(graph, event, MERGER, LOCAL_GOVERNMENT_DATE, PROVINCE_BASIS, basis_text(PROVINCE_BASIS))
        graph.add((event, KG.originalPlace, node))
        graph.add((event, KG.resultingPlace, successor))
        graph.add((node, KG.succeededBy, successor))
        graph.add((node, KG.validUntil, Literal(day_before(LOCAL_GOVERNMENT_DATE), datatype=XSD.date)))


def reorganisation_graph(agencies: Iterable[Agency], provinces: ProvinceMap | None) -> Graph:
    """Provinces (when the reference folder has provinces.json) and the chains of the local bodies
    named in the documents."""
    graph = Graph()
    if provinces:
        add_provinces(graph, provinces)
    for change in local_events(agencies, provinces):
        add_change(graph, change)
    return graph


def ended_bodies(*graphs: Graph) -> dict[URIRef, Literal]:
    """Every body or place with a last day, from the graphs that state the changes."""
    return {s: o for graph in graphs for s, o in graph.subject_objects(KG.validUntil) if isinstance(s, URIRef)}
