"""OWL reasoning with owlready2 (HermiT, needs `java` on the PATH) over the ontology and graph data.

HermiT accepts only the OWL 2 datatype map; OWL-Time's xsd:gYear and xsd:gYearMonth (our
deadlines and target years) are outside it. The reasoner therefore sees a projection of the data
in which such literals become plain strings: class and property reasoning does not depend on
them, and the graph itself keeps its datatypes.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import Graph, Literal
from rdflib.namespace import XSD

# Datatypes of the OWL 2 datatype map that occur in our data (the rest become strings).
OWL2_DATATYPES = {XSD.string, XSD.boolean, XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.dateTime,
                  XSD.anyURI, XSD.nonNegativeInteger}


@dataclass
class ReasonerResult:
    consistent: bool
    message: str
    inferred_facts: int = 0  # triples the reasoner added (types, inverse property values …)


def owl2_projection(graph: Graph) -> Graph:
    """A copy of `graph` whose literals all use OWL 2 datatypes (xsd:date, gYear … -> string)."""
    out = Graph()
    for subject, predicate, obj in graph:
        if isinstance(obj, Literal) and obj.datatype and obj.datatype not in OWL2_DATATYPES:
            obj = Literal(str(obj))
        out.add((subject, predicate, obj))
    return out


def load_world(graph: Graph) -> tuple[owlready2.World, owlready2.Ontology]:
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.nt"
        owl2_projection(graph).serialize(path, format="nt", encoding="utf-8")
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    return world, ontology


def check_consistency(graph: Graph) -> ReasonerResult:
    """Run HermiT over `graph` (ontology plus data); inconsistent data is reported, not raised."""
    if shutil.which("java") is None:
        raise RuntimeError("the OWL reasoner (HermiT) needs Java: install a JRE, e.g. `apt-get install default-jre-headless`")
    world, ontology = load_world(graph)
    before = len(world.graph)
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as err:
        return ReasonerResult(False, f"inconsistent: {err}")
    return ReasonerResult(True, "consistent", len(world.graph) - before)
