"""The ontology loads in rdflib and owlready2, declares every term the code uses, and is consistent."""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg import config
from kg.graph.ids import graph_iri
from kg.graph.vocab import KG
from kg.reason import check_consistency, load_world


def ontology() -> Graph:
    graph = Graph()
    for path in sorted(config.ONTOLOGY_DIR.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_every_term_used_by_the_code_is_declared():
    graph = ontology()
    declared = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(str(KG._NS))}
    assert set(dir(KG)) - declared == set()


def test_alignments_are_kept_out_of_the_core():
    core = Graph().parse(config.ONTOLOGY_DIR / "nq57.ttl", format="turtle")
    external = {str(o) for o in core.objects() if isinstance(o, URIRef)}
    assert not any(o.startswith("http://data.europa.eu/eli/") for o in external)
    assert (URIRef("https://w3id.org/nq57kg/ont"), RDF.type, OWL.Ontology) in core


def test_owlready2_loads_the_ontology_as_classes():
    world, _ = load_world(ontology())
    task = world[str(KG.Task)]
    assert world[str(KG.DocumentPart)] in task.is_a


def _sample(built_dir) -> Graph:
    dataset = Dataset()
    dataset.parse(built_dir / "graph.trig", format="trig")
    graph = ontology()
    for triple in dataset.graph(URIRef(graph_iri("doc", "can-tho_ubnd_kh-37"))):
        graph.add(triple)
    return graph


def test_reasoner_finds_ontology_and_a_built_document_consistent(built):
    result = check_consistency(_sample(built[0]))
    assert result.consistent, result.message
    assert result.inferred_facts > 0  # e.g. kg:implementedBy, the inverse of kg:implements


def test_reasoner_detects_a_document_that_is_also_a_part(built):
    graph = _sample(built[0])
    plan = URIRef("https://w3id.org/nq57kg/eli/vn-can-tho/ubnd/kh/2025/37")
    graph.add((plan, RDF.type, KG.Task))
    assert not check_consistency(graph).consistent
