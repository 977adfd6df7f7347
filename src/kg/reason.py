"""OWL reasoning with owlready2 (HermiT, needs `java` on the PATH) over the ontology and graph data.

HermiT accepts only the OWL 2 datatype map; OWL-Time's xsd:gYear and xsd:gYearMonth (our
deadlines and target years) are outside it. The reasoner therefore sees a projection of the data
in which such literals become plain strings: class and property reasoning does not depend on
them, and the graph itself keeps its datatypes.

What the reasoner adds comes from the ontology's property axioms over the materialised links:
kg:implements is transitive, implementing a part implements the whole and a document implements
what its parts implement (ontology/alignments/eli.ttl), kg:echoes is a kind of kg:implements,
implementing a task of a 57-NQ/TW group serves that group (a property chain), and inverses.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from kg.graph import ids
from kg.graph.vocab import ELI, KG

# Datatypes of the OWL 2 datatype map that occur in our data (the rest become strings).
OWL2_DATATYPES = {XSD.string, XSD.boolean, XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.dateTime,
                  XSD.anyURI, XSD.nonNegativeInteger}
# Named graphs the reasoner needs: the reified links (their materialised triples are in
# links/accepted) and the build provenance add nothing to reason over and more than double the input.
SKIPPED_GRAPHS = {ids.graph_iri("links"), ids.graph_iri("build")}
# Input size above which `kg reason` suggests --place: HermiT then takes over a minute and a half
# (measured 1.4-1.7 s per 1,000 input triples, docs/performance.md).
LARGE_INPUT = 50_000
_TRIVIAL_TYPES = {OWL.NamedIndividual, OWL.Thing, OWL.Class, OWL.ObjectProperty, OWL.Ontology}

Triple = tuple[URIRef, URIRef, URIRef]


@dataclass
class ReasonerResult:
    consistent: bool
    message: str
    inferred: list[Triple] = field(default_factory=list)  # IRI triples the reasoner added, sorted
    input_triples: int = 0
    seconds: float = 0.0

    @property
    def inferred_facts(self) -> int:
        return len(self.inferred)

    def by_property(self) -> list[tuple[URIRef, int]]:
        return sorted(Counter(p for _, p, _ in self.inferred).items(), key=lambda x: (-x[1], x[0]))


def owl2_projection(graph: Graph) -> Graph:
    """A copy of `graph` whose literals all use OWL 2 datatypes (xsd:date, gYear … -> string)."""
    out = Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, Literal) and obj.datatype and obj.datatype not in OWL2_DATATYPES:
            obj = Literal(str(obj))
        out.add((subject, predicate, obj))
    return out


def reasoning_input(dataset: Dataset, place: str = "") -> Graph:
    """The union of a built dataset's named graphs without the reified links and the build run.

    With `place` (a place slug, 'vn-can-tho'), only the documents of that province or city and the
    accepted links from them, beside the ontology and the reference layer: a subset of the input, so
    whatever the reasoner infers from it holds for the whole graph too, and local documents cite and
    link only their own province's documents and the central layer, so the chains stay whole."""
    documents = ids.graph_iri("doc") + "/"
    kept = [c for c in dataset.graphs() if str(c.identifier) not in SKIPPED_GRAPHS
            and not (place and str(c.identifier).startswith(documents) and not _of_place(c, place))]
    local = {s for c in kept if str(c.identifier).startswith(documents) for s in c.subjects()} if place else set()
    accepted = ids.graph_iri("links", "accepted")
    graph = Graph()
    for context in kept:
        restrict = place and str(context.identifier) == accepted
        for triple in context:
            if not restrict or triple[0] in local:
                graph.add(triple)
    return graph


def document_places(dataset: Dataset) -> list[str]:
    """The place slugs `--place` accepts: the jurisdictions of the documents in the dataset."""
    prefix = ids.place_iri("")
    return sorted({str(place).removeprefix(prefix) for context in dataset.graphs()
                   for doc in context.subjects(KG.sourceFile, None)
                   for place in context.objects(doc, ELI.jurisdiction) if str(place).startswith(prefix)})


def _of_place(document_graph: Graph, place: str) -> bool:
    """Whether the document of a document graph (the subject with a kg:sourceFile) belongs to `place`."""
    return any((doc, ELI.jurisdiction, URIRef(ids.place_iri(place))) in document_graph
               for doc in document_graph.subjects(KG.sourceFile, None))


def load_world(graph: Graph) -> tuple[owlready2.World, owlready2.Ontology]:
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.nt"
        owl2_projection(graph).serialize(path, format="nt", encoding="utf-8")
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    return world, ontology


def _iri_triples(triples) -> set[Triple]:
    return {(s, p, o) for s, p, o in triples
            if isinstance(s, URIRef) and isinstance(o, URIRef) and not (p == RDF.type and o in _TRIVIAL_TYPES)}


def check_consistency(graph: Graph) -> ReasonerResult:
    """Run HermiT over `graph` (ontology plus data): whether it is consistent, and the triples
    between IRIs it infers that `graph` lacks (property values, class memberships). Inconsistent
    data is reported, not raised."""
    if shutil.which("java") is None:
        raise RuntimeError("the OWL reasoner (HermiT) needs Java: install a JRE, e.g. `apt-get install default-jre-headless`")
    started = time.perf_counter()
    world, ontology = load_world(graph)
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as err:
        return ReasonerResult(False, f"inconsistent: {err}", [], len(graph), time.perf_counter() - started)
    inferred = sorted(_iri_triples(world.as_rdflib_graph()) - _iri_triples(graph))
    return ReasonerResult(True, "consistent", inferred, len(graph), time.perf_counter() - started)


def format_result(result: ReasonerResult, examples: int = 3) -> str:
    """How many triples the reasoner added, per property, with the first examples of each."""
    lines = [f"{result.input_triples} input triples, {result.message}, {result.inferred_facts} inferred triples "
             f"not in the input, {result.seconds:.1f} s"]
    for prop, count in result.by_property():
        lines.append(f"  {count:6}  {prop}")
        # the broadest facts first: documents before their parts (shorter IRIs), then in order
        shown = sorted((t for t in result.inferred if t[1] == prop), key=lambda t: (len(t[0]), t))[:examples]
        for s, _, o in shown:
            lines.append(f"            {s}\n              -> {o}")
    return "\n".join(lines)
