"""Local documents -> RDF: one named graph per source document.

No blank nodes anywhere: deadlines, values and evidence get IRIs minted under their owner, so
the same inputs serialise to the same bytes.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, TIME, XSD

from kg.extract.agencies import preferred_name
from kg.extract.places import place_name
from kg.graph import ids
from kg.graph.vocab import DCT, ELI, KG, OA, ORG, QUDT, SDO, UNIT
from kg.model import (
    Agency,
    AgencyMention,
    Citation,
    Deadline,
    Document,
    DocumentRef,
    Part,
    Precision,
    Relation,
    Target,
    TargetValue,
    Task,
)

RELATION_PROPERTY = {
    Relation.IMPLEMENTS: KG.implements,
    Relation.BASED_ON: KG.hasBasis,
    Relation.REPLACES: KG.replaces,
    Relation.AMENDS: KG.amends,
    Relation.MENTIONS: KG.mentions,
}
ROLE_PROPERTY = {
    "lead": KG.leadAgency,
    "cooperating": KG.cooperatingAgency,
    "standing": KG.standingAgency,
    "monitoring": KG.monitoringAgency,
}
UNIT_IRI = {"percent": UNIT.PERCENT}
_TIME_PROPERTY = {Precision.DAY: (TIME.inXSDDate, XSD.date), Precision.MONTH: (TIME.inXSDgYearMonth, XSD.gYearMonth),
                  Precision.YEAR: (TIME.inXSDgYear, XSD.gYear)}


def number(value: float, datatype: URIRef = XSD.double, places: int | None = None) -> Literal:
    """A numeric literal in the shortest lexical form of its value ("0.95", "15"): SPARQL stores keep
    values, not lexical forms, so "0.9500" or "15.0" would be served as something other than the
    build files say. `places` rounds first (confidences are kept to four places)."""
    exact = Decimal(repr(float(value)))
    exact = exact if places is None else round(exact, places)
    return Literal(format(exact.normalize(), "f"), datatype=datatype, normalize=False)


def vi(text: str) -> Literal:
    return Literal(text, lang="vi")


def document_iri_of(document: Document) -> URIRef:
    """The document's work IRI; provisional (hash of the source) when the text gives no number."""
    return URIRef(ids.document_iri(document.ref, provisional_key=document.source.sha256))


def cited_ref(ref: DocumentRef, citing: Document) -> DocumentRef:
    """A cited local document (43-CTr/TU) belongs to the citing document's province."""
    return DocumentRef(ref.kind, ref.number, ref.issuer_code, ref.year, ref.date, ref.symbol,
                       citing.meta.jurisdiction or "vn")


def add_place(graph: Graph, slug: str) -> URIRef:
    """A province, city or the country, with its written name where it is one we know."""
    node = URIRef(ids.place_iri(slug))
    graph.add((node, RDF.type, KG.Place))
    name = place_name(slug)
    if name:
        graph.add((node, SKOS.prefLabel, vi(name)))
    return node


def add_agency(graph: Graph, agency: Agency) -> URIRef:
    node = URIRef(ids.agency_iri(agency))
    graph.add((node, RDF.type, KG.CollectiveAgent if agency.collective else ORG.Organization))
    graph.add((node, SKOS.prefLabel, vi(agency.name)))
    graph.add((node, ELI.jurisdiction, add_place(graph, agency.jurisdiction)))
    return node


def add_agencies(graph: Graph, subject: URIRef, mentions: list[AgencyMention]) -> None:
    """Role links; a name written otherwise than the canonical one ('Sở TT&TT') is kept as an
    alternative label of the agency in the document's graph."""
    for mention in mentions:
        node = add_agency(graph, mention.agency)
        graph.add((subject, ROLE_PROPERTY[mention.role.value], node))
        if mention.written and mention.written != mention.agency.name:
            graph.add((node, SKOS.altLabel, vi(mention.written)))


def add_deadline(graph: Graph, subject: URIRef, deadline: Deadline) -> None:
    node = URIRef(f"{subject}/deadline")
    graph.add((subject, KG.deadline, node))
    graph.add((subject, KG.deadlineText, vi(deadline.text)))
    graph.add((subject, KG.deadlineKind, URIRef(ids.concept_iri("deadline-kind", deadline.kind.value))))
    graph.add((node, RDF.type, KG.Deadline))
    if deadline.precision is None:
        return
    prop, datatype = _TIME_PROPERTY[deadline.precision]
    if deadline.start and deadline.end and deadline.start != deadline.end:
        graph.add((node, RDF.type, TIME.Interval))
        for edge, value in ((TIME.hasBeginning, deadline.start), (TIME.hasEnd, deadline.end)):
            instant = URIRef(f"{node}/{'begin' if edge == TIME.hasBeginning else 'end'}")
            graph.add((node, edge, instant))
            graph.add((instant, RDF.type, TIME.Instant))
            graph.add((instant, prop, Literal(value, datatype=datatype)))
        return
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, prop, Literal(deadline.end or deadline.start, datatype=datatype)))


def add_part(graph: Graph, doc: URIRef, part: Part) -> URIRef:
    node = URIRef(ids.part_iri(str(doc), part.path))
    parent = URIRef(ids.part_iri(str(doc), part.parent)) if part.parent else doc
    graph.add((node, RDF.type, KG.DocumentPart))
    graph.add((node, ELI.is_part_of, parent))
    graph.add((node, KG.localId, Literal(part.path)))
    # where the part starts in the normalised text: the only reliable document order (local ids
    # such as 'p12', '3~2' or 'II.1.đ' do not sort)
    graph.add((node, KG.position, Literal(part.span.start)))
    if part.heading:
        graph.add((node, KG.text, vi(part.heading)))
        graph.add((node, RDFS.label, vi(short_label(f"{part.label} {part.heading}".strip()))))
    if part.implicit:
        graph.add((node, KG.implicitHeading, Literal(True)))
    return node


def short_label(text: str, limit: int = 120) -> str:
    """A label of at most `limit` characters, cut at a word with an ellipsis rather than mid-word."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def add_task(graph: Graph, doc: URIRef, task: Task) -> URIRef:
    node = URIRef(ids.part_iri(str(doc), task.part_path))
    graph.add((node, RDF.type, KG.Task))
    graph.add((node, KG.text, vi(task.text)))
    graph.add((node, KG.section, Literal(task.section)))
    graph.add((node, KG.localId, Literal(task.local_id)))
    if task.group_path and task.group_path != task.part_path:
        graph.add((node, KG.taskGroup, URIRef(ids.part_iri(str(doc), task.group_path))))
    add_agencies(graph, node, task.agencies)
    if task.deadline:
        add_deadline(graph, node, task.deadline)
    if task.expected_output:
        graph.add((node, KG.expectedOutput, vi(task.expected_output)))
    return node


def add_value(graph: Graph, node: URIRef, value: TargetValue) -> None:
    graph.add((node, RDF.type, SDO.QuantitativeValue))
    if value.low is not None and value.low == value.high:
        graph.add((node, SDO.value, number(value.low)))
    else:
        if value.low is not None:
            graph.add((node, SDO.minValue, number(value.low)))
        if value.high is not None:
            graph.add((node, SDO.maxValue, number(value.high)))
    graph.add((node, KG.comparator, URIRef(ids.concept_iri("comparator", _COMPARATOR_NAMES[value.comparator]))))
    if value.unit:
        graph.add((node, QUDT.hasUnit, UNIT_IRI.get(value.unit, URIRef(ids.concept_iri("unit", value.unit)))))
    if value.base:
        graph.add((node, KG.base, URIRef(ids.concept_iri("base", value.base))))
    if value.scope:
        graph.add((node, KG.rankingScope, URIRef(ids.concept_iri("ranking-scope", value.scope))))
    if value.text:
        graph.add((node, KG.valueText, vi(value.text)))


_COMPARATOR_NAMES = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "=": "eq", "range": "range",
                     "qualitative": "qualitative"}


def add_target(graph: Graph, doc: URIRef, target: Target, jurisdiction: str) -> URIRef:
    node = URIRef(ids.target_iri(str(doc), target.local_id))
    graph.add((node, RDF.type, KG.TargetStatement))
    graph.add((node, ELI.is_part_of, URIRef(ids.part_iri(str(doc), target.part_path)) if target.part_path else doc))
    graph.add((node, KG.localId, Literal(target.local_id)))
    graph.add((node, KG.indicatorText, vi(target.indicator_text)))
    if target.year:
        graph.add((node, KG.targetYear, Literal(str(target.year), datatype=XSD.gYear)))
    graph.add((node, KG.refArea, add_place(graph, jurisdiction)))
    if target.indicator_key:
        graph.add((node, KG.forIndicator, URIRef(ids.concept_iri("indicator", target.indicator_key))))
    for i, value in enumerate(target.values, start=1):
        value_node = URIRef(f"{node}/value-{i}")
        graph.add((node, KG.targetValue, value_node))
        add_value(graph, value_node, value)
    add_agencies(graph, node, target.monitoring)
    return node


def add_citation(graph: Graph, doc: URIRef, document: Document, citation: Citation) -> URIRef:
    ref = cited_ref(citation.target, document)
    cited = URIRef(ids.document_iri(ref))
    if cited == doc:
        return cited
    graph.add((doc, RELATION_PROPERTY[citation.relation], cited))
    graph.add((cited, RDF.type, KG.PolicyDocument))
    graph.add((cited, ELI.id_local, Literal(ref.symbol)))
    if ref.date:
        graph.add((cited, ELI.date_document, Literal(ref.date, datatype=XSD.date)))
    return cited


def add_evidence(graph: Graph, link: URIRef, doc: URIRef, quote: str, start: int, end: int,
                 repaired: str = "") -> None:
    """A Web Annotation text selector: the quoted words and where they stand in the source text;
    for OCR-damaged text also the restored reading of the same stretch (kg.parse.repair)."""
    evidence = URIRef(f"{link}/evidence")
    selector = URIRef(f"{link}/evidence/selector")
    graph.add((link, KG.evidence, evidence))
    graph.add((evidence, RDF.type, OA.SpecificResource))
    graph.add((evidence, OA.hasSource, URIRef(f"{doc}/vie/txt")))
    graph.add((evidence, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.TextQuoteSelector))
    graph.add((selector, OA.exact, vi(quote)))
    graph.add((selector, RDF.type, OA.TextPositionSelector))
    graph.add((selector, OA.start, Literal(start)))
    graph.add((selector, OA.end, Literal(end)))
    if repaired:
        graph.add((selector, KG.repairedText, vi(repaired)))


def add_metadata(graph: Graph, doc: URIRef, document: Document) -> None:
    meta, source = document.meta, document.source
    graph.add((doc, RDF.type, KG.PolicyDocument))
    graph.add((doc, KG.sourceFile, Literal(source.path)))
    graph.add((doc, KG.textState, Literal(source.text_state)))
    if meta.symbol:
        graph.add((doc, ELI.id_local, Literal(meta.symbol)))
        graph.add((doc, ELI.number, Literal(meta.number)))
    else:
        graph.add((doc, KG.provisional, Literal(True)))
    if meta.kind:
        graph.add((doc, ELI.type_document, URIRef(ids.concept_iri("doc-type", meta.kind))))
    if meta.date:
        graph.add((doc, ELI.date_document, Literal(meta.date, datatype=XSD.date)))
    if meta.title:
        graph.add((doc, DCT.title, vi(meta.title)))
    if meta.jurisdiction:
        graph.add((doc, ELI.jurisdiction, add_place(graph, meta.jurisdiction)))
    if meta.issuer:
        graph.add((doc, ELI.passed_by, add_agency(graph, meta.issuer)))
    if meta.signer:
        graph.add((doc, KG.signedBy, vi(meta.signer)))
    if meta.signer_capacity:
        graph.add((doc, KG.signingCapacity, vi(meta.signer_capacity)))
    if meta.signing_mode:
        graph.add((doc, KG.signingMode, Literal(meta.signing_mode)))
    for field in meta.from_hints:
        graph.add((doc, KG.fromManifest, Literal(field)))
    label = meta.symbol or meta.title[:80]
    graph.add((doc, RDFS.label, vi(f"{meta.kind_label} {label}".strip())))


def document_graph(document: Document, graph: Graph) -> URIRef:
    """Add one local document (metadata, parts, tasks, targets, citations) to `graph` (an rdflib
    Graph or, as a build does, a kg.graph.quads.TripleSet)."""
    doc = document_iri_of(document)
    add_metadata(graph, doc, document)
    for part in document.parts:
        add_part(graph, doc, part)
    for task in document.tasks:
        add_task(graph, doc, task)
    for target in document.targets:
        add_target(graph, doc, target, document.meta.jurisdiction or "vn")
    for citation in document.citations:
        add_citation(graph, doc, document, citation)
    add_manifestation(graph, doc, document)
    one_label_per_agency(graph)
    return doc


def one_label_per_agency(graph: Graph) -> None:
    """A body written several ways in one document ('Sở Thông tin và Truyền thông', 'So Thong tin va
    Truyen thong') keeps its best spelling as skos:prefLabel and the others as skos:altLabel."""
    labels: dict = {}
    bodies: dict = {ORG.Organization: set(), KG.CollectiveAgent: set()}
    wanted = {SKOS.prefLabel: labels, RDF.type: bodies}
    for s, p, o in graph:  # one pass, one hash a triple (rdflib's term equality is slow Python)
        found = wanted.get(p)
        if found is labels:
            labels.setdefault(s, []).append(o)
        elif found is bodies and o in bodies:
            bodies[o].add(s)
    for kind in (ORG.Organization, KG.CollectiveAgent):
        for node in sorted(bodies[kind]):
            node_labels = sorted(labels.get(node, ()))
            if len(node_labels) > 1:
                keep = preferred_name(str(label) for label in node_labels)
                for label in node_labels:
                    if str(label) != keep:
                        graph.remove((node, SKOS.prefLabel, label))
                        graph.add((node, SKOS.altLabel, label))


def add_manifestation(graph: Graph, doc: URIRef, document: Document) -> None:
    """Work -> Vietnamese expression -> the text file it was read from (what evidence quotes)."""
    expression, text_file = URIRef(f"{doc}/vie"), URIRef(f"{doc}/vie/txt")
    graph.add((doc, ELI.is_realized_by, expression))
    graph.add((expression, ELI.is_embodied_by, text_file))
    graph.add((text_file, RDF.type, ELI.Format))
    graph.add((text_file, KG.sha256, Literal(document.source.sha256)))
