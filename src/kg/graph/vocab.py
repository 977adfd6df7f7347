"""Namespaces and the terms of the project ontology (ontology/nq57.ttl) used by the graph stage."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

from kg.graph.ids import BASE, ONT

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
SDO = Namespace("https://schema.org/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


class KG(DefinedNamespace):
    """Terms of the nq57-kg ontology. Every term here is declared in ontology/nq57.ttl (a test checks)."""

    _NS = Namespace(ONT)
    _fail = True

    # classes
    PolicyDocument: object
    DocumentPart: object
    Task: object
    TargetStatement: object
    Indicator: object
    TaskGroup: object
    CollectiveAgent: object
    ImplementationLink: object
    Deadline: object
    Place: object
    # document links
    implements: object
    implementsTransitively: object
    implementedBy: object
    hasBasis: object
    replaces: object
    amends: object
    mentions: object
    citesDocument: object
    servesGroup: object
    echoes: object
    # roles
    assignedAgency: object
    leadAgency: object
    cooperatingAgency: object
    standingAgency: object
    monitoringAgency: object
    # task properties
    text: object
    localId: object
    taskGroup: object
    section: object
    deadline: object
    deadlineText: object
    deadlineKind: object
    expectedOutput: object
    # target properties
    forIndicator: object
    targetValue: object
    comparator: object
    base: object
    rankingScope: object
    targetYear: object
    refArea: object
    valueText: object
    indicatorText: object
    # link reification
    linkSource: object
    linkTarget: object
    linkType: object
    confidence: object
    method: object
    reviewStatus: object
    rank: object
    evidence: object
    repairedText: object
    # document metadata
    provisional: object
    loaded: object
    textState: object
    signedBy: object
    signingCapacity: object
    signingMode: object
    fromManifest: object
    implicitHeading: object
    position: object
    sourceFile: object
    sha256: object
    secondarySource: object
    # the 2025 reorganisation
    changeKind: object
    legalBasis: object
    functions: object
    succeededBy: object
    validFrom: object
    validUntil: object
    originalPlace: object
    resultingPlace: object


NAMESPACES = {
    "kg": Namespace(ONT),
    "eli": ELI,
    "org": ORG,
    "prov": PROV,
    "time": TIME,
    "skos": SKOS,
    "schema": SDO,
    "qudt": QUDT,
    "unit": UNIT,
    "oa": OA,
    "dcterms": DCT,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "eli-dl": Namespace("http://data.europa.eu/eli/eli-draft-legislation-ontology#"),
    "sdgo": Namespace("http://metadata.un.org/sdg/ontology#"),
    "doc": Namespace(BASE + "eli/"),
    "agency": Namespace(BASE + "org/"),
    "concept": Namespace(BASE + "concept/"),
}
