"""The central layer as RDF: documents, the seven 57 groups, directives, national targets,
indicator concepts and the 2025 ministry changes (kg.graph.reorganisation). No blank nodes; same layer, same bytes."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.central.layer import CentralDocument, CentralLayer, NationalTarget
from kg.central.store import write_layer
from kg.files import write_atomic
from kg.graph import ids
from kg.graph.build import RELATION_PROPERTY, add_agency, add_deadline, add_place, add_target, vi
from kg.graph.io import turtle_of
from kg.graph.reorganisation import add_change
from kg.graph.vocab import DCT, ELI, KG
from kg.model import CentralDirective

GROUP_SCHEME = "nq57-group"
INDICATOR_SCHEME = "indicator"
_TASK_KINDS = {"task", "point", "organisation"}


def scheme_iri(scheme: str) -> URIRef:
    return URIRef(f"{ids.BASE}concept/{scheme}")


def group_iri(number: int) -> URIRef:
    return URIRef(ids.concept_iri(GROUP_SCHEME, str(number)))


def document_node(layer: CentralLayer, document: CentralDocument) -> URIRef:
    """A resolution's ELI IRI; an annexed programme is a part of its resolution; a report without
    a number gets a provisional IRI keyed by its source file."""
    if document.part_of:
        return URIRef(ids.part_iri(str(document_node(layer, layer.document(document.part_of))), document.ref.kind))
    return URIRef(ids.document_iri(document.ref, provisional_key=document.source_file))


def add_document(graph: Graph, layer: CentralLayer, document: CentralDocument) -> None:
    node = document_node(layer, document)
    graph.add((node, RDF.type, KG.PolicyDocument))
    graph.add((node, RDFS.label, vi(document.ref.symbol)))
    graph.add((node, ELI.id_local, Literal(document.ref.symbol)))
    graph.add((node, ELI.jurisdiction, add_place(graph, document.ref.jurisdiction)))
    graph.add((node, DCT.title, vi(document.title)))
    if document.ref.number:
        graph.add((node, ELI.number, Literal(document.ref.number)))
    if document.ref.date:
        graph.add((node, ELI.date_document, Literal(document.ref.date, datatype=XSD.date)))
    if document.issuer:
        graph.add((node, ELI.passed_by, add_agency(graph, document.issuer)))
    if document.part_of:
        graph.add((node, ELI.is_part_of, document_node(layer, layer.document(document.part_of))))
    if document.secondary:
        graph.add((node, KG.secondarySource, Literal(True)))


def add_concepts(graph: Graph, layer: CentralLayer) -> None:
    for scheme, label in ((GROUP_SCHEME, "Nhóm nhiệm vụ, giải pháp của Nghị quyết 57-NQ/TW"),
                          (INDICATOR_SCHEME, "Chỉ tiêu")):
        graph.add((scheme_iri(scheme), RDF.type, SKOS.ConceptScheme))
        graph.add((scheme_iri(scheme), SKOS.prefLabel, vi(label)))
    for group in layer.groups:
        node = group_iri(group.number)
        graph.add((node, RDF.type, KG.TaskGroup))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, vi(group.title)))
        graph.add((node, SKOS.notation, Literal(str(group.number))))
        graph.add((node, SKOS.inScheme, scheme_iri(GROUP_SCHEME)))
    for indicator in layer.indicators:
        node = URIRef(ids.concept_iri(INDICATOR_SCHEME, indicator.key))
        graph.add((node, RDF.type, KG.Indicator))
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.prefLabel, vi(indicator.label_vi)))
        graph.add((node, SKOS.prefLabel, Literal(indicator.label_en, lang="en")))
        graph.add((node, SKOS.notation, Literal(indicator.key)))
        graph.add((node, SKOS.inScheme, scheme_iri(INDICATOR_SCHEME)))


def add_directive(graph: Graph, doc: URIRef, directive: CentralDirective) -> None:
    node = URIRef(ids.part_iri(str(doc), directive.local_id))
    parent = URIRef(ids.part_iri(str(doc), directive.parent)) if directive.parent else doc
    graph.add((node, RDF.type, KG.Task if directive.kind in _TASK_KINDS else KG.DocumentPart))
    graph.add((node, ELI.is_part_of, parent))
    graph.add((node, KG.localId, Literal(directive.local_id)))
    graph.add((node, KG.text, vi(directive.text)))
    if directive.kind in _TASK_KINDS:
        graph.add((node, KG.section, Literal("organisation" if directive.kind == "organisation" else "tasks")))
    if directive.group:
        graph.add((node, KG.taskGroup, group_iri(directive.group)))
    for prop, agencies in ((KG.leadAgency, directive.lead), (KG.cooperatingAgency, directive.cooperating)):
        for agency in agencies:
            graph.add((node, prop, add_agency(graph, agency)))
    if directive.expected_output:
        graph.add((node, KG.expectedOutput, vi(directive.expected_output)))
    if directive.deadline:
        add_deadline(graph, node, directive.deadline)
    if directive.secondary:
        graph.add((node, KG.secondarySource, Literal(True)))


def add_national_target(graph: Graph, layer: CentralLayer, national: NationalTarget) -> None:
    doc = document_node(layer, layer.document(national.doc))
    if national.target.part_path:
        part = URIRef(ids.part_iri(str(doc), national.target.part_path))
        graph.add((part, ELI.is_part_of, doc))
    node = add_target(graph, doc, national.target, "vn")
    if national.objective and national.doc != "nq57":
        objective = URIRef(ids.part_iri(str(document_node(layer, layer.document("nq57"))), national.objective))
        graph.add((node, KG.implements, objective))


def reference_graph(layer: CentralLayer) -> Graph:
    graph = Graph()
    for document in layer.documents:
        add_document(graph, layer, document)
    for relation in layer.relations:
        graph.add((document_node(layer, layer.document(relation.source)), RELATION_PROPERTY[relation.relation],
                   document_node(layer, layer.document(relation.target))))
    add_concepts(graph, layer)
    for directive in layer.directives:
        add_directive(graph, document_node(layer, layer.document_of(directive.doc)), directive)
    for national in layer.targets:
        add_national_target(graph, layer, national)
    for change in layer.changes:
        add_change(graph, change)
    return graph


def serialize_sorted(graph: Graph) -> str:
    """Turtle with subjects and predicates in order (the project's deterministic writer)."""
    return turtle_of(graph).decode("utf-8")


def write_reference(layer: CentralLayer, out_dir: Path) -> tuple[Path, Path]:
    """Write central.json and its RDF, central.ttl, into `out_dir`; the same layer gives the same bytes."""
    ttl_path = Path(out_dir) / "central.ttl"
    json_path = write_layer(layer, out_dir)
    write_atomic(ttl_path, serialize_sorted(reference_graph(layer)).encode("utf-8"))
    return json_path, ttl_path
