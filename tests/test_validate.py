"""The two validation engines: pySHACL (reference) and the shapes translated to SPARQL on pyoxigraph."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import config
from kg.cli import main
from kg.shacl_sparql import UnsupportedShape
from kg.validate import Validation, format_text, load_dataset, load_shapes, load_store_for, run_pyshacl, run_sparql

PREFIXES = """@prefix kg: <https://w3id.org/nq57kg/ont#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
"""

# A plan whose graph breaks the project's shapes in several ways, and a links graph with bad links.
BROKEN = PREFIXES + """
<https://w3id.org/nq57kg/graph/doc/broken> {
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1> kg:sourceFile "sources/broken.txt" ;
      rdfs:label "Kế hoạch 1/KH-UBND"@vi ;
      eli:jurisdiction <https://w3id.org/nq57kg/place/vn-a>, <https://w3id.org/nq57kg/place/vn-b> ;
      eli:date_document "2025-13-45"^^xsd:date .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/ii/1> a kg:Task ;
      kg:text "Một nhiệm vụ không thuộc văn bản nào"@vi .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/ii/2> a kg:Task ; kg:text "Một nhiệm vụ"@vi ;
      eli:is_part_of <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1> ;
      kg:leadAgency <https://w3id.org/nq57kg/org/vn-test/so-a> ;
      kg:deadlineKind <https://w3id.org/nq57kg/concept/deadline-kind/fixed> ;
      kg:deadline <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/ii/2/deadline> .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/ii/2/deadline> a time:Instant ;
      time:inXSDgYear "2026"^^xsd:gYear ; time:inXSDDate "2026-01-01"^^xsd:date .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/pl1/1/target> a kg:TargetStatement ;
      kg:indicatorText "Tỷ trọng kinh tế số"@vi ; kg:targetYear "2030" ;
      kg:targetValue <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/pl1/1/target/value-1> .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/pl1/1/target/value-1> schema:value 30.0, 35.0 .
  <https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1/pl1/2/target> a kg:TargetStatement ;
      kg:indicatorText "Số doanh nghiệp"@vi ; kg:targetYear "20x0"^^xsd:gYear, "2030"^^xsd:gYear .
}
<https://w3id.org/nq57kg/graph/links> {
  ex:link1 a kg:ImplementationLink ; kg:linkSource ex:a, ex:b ; kg:linkTarget ex:c ;
      kg:method ex:m ; kg:confidence 1.5 ; kg:reviewStatus ex:accepted ; kg:evidence ex:e .
  ex:link2 a kg:ImplementationLink ; kg:linkSource ex:a ; kg:linkTarget ex:c ;
      kg:method ex:m ; kg:confidence "0.5" ; kg:reviewStatus ex:accepted .
}
"""
DOCUMENT = "https://w3id.org/nq57kg/eli/vn-test/ubnd/kh/2025/1"
TASK = DOCUMENT + "/ii/1"

# Every constraint the translator supports, on shapes without sh:message (so the default message is
# compared too), with sequence, inverse and repeated paths, a class whose subclass is in the ontology,
# and a target the ontology's own terms would match if it were validated with the data.
EXTRA_SHAPES = PREFIXES + """
ex:Extra a sh:NodeShape ; sh:targetClass kg:DocumentPart ;
  sh:property [ sh:path kg:text ; sh:pattern "^một\\\\s+nhiệm vụ$" ; sh:flags "i" ; sh:nodeKind sh:BlankNodeOrIRI ] ;
  sh:property [ sh:path eli:is_part_of ; sh:class kg:DocumentPart ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ( kg:deadline time:inXSDgYear ) ; sh:maxExclusive "2026"^^xsd:gYear ;
                sh:severity sh:Info ] ;
  sh:property [ sh:path [ sh:alternativePath ( kg:text kg:indicatorText ) ] ; sh:maxCount 0 ;
                sh:severity sh:Warning ] ;
  sh:property [ sh:path [ sh:oneOrMorePath eli:is_part_of ] ; sh:minCount 2 ] ;
  sh:property [ sh:path kg:deadlineKind ;
                sh:in ( <https://w3id.org/nq57kg/concept/deadline-kind/continuous> ) ] .
ex:Links a sh:NodeShape ; sh:targetObjectsOf kg:linkSource ;
  sh:property [ sh:path [ sh:zeroOrMorePath [ sh:inversePath kg:linkSource ] ] ; sh:class kg:ImplementationLink ] .
ex:Labelled a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;  # the ontology's terms have labels too
  sh:property [ sh:path rdfs:comment ; sh:minCount 1 ] .
ex:Values a sh:NodeShape ; sh:targetSubjectsOf schema:value ;
  sh:property [ sh:path schema:value ; sh:minExclusive 30.0 ; sh:maxInclusive 34 ] ;
  sh:property [ sh:path [ sh:inversePath kg:targetValue ] ; sh:class kg:TargetStatement ; sh:maxCount 0 ] .
"""

ONTOLOGY = Graph().parse(config.ONTOLOGY_DIR / "nq57.ttl", format="turtle")


def both(graph: Path, shapes: Graph) -> tuple[Validation, Validation]:
    return run_pyshacl(load_dataset(graph), shapes, ONTOLOGY), run_sparql(load_store_for(graph), shapes, ONTOLOGY)


def keys(validation: Validation) -> Counter:
    """(graph, focus node, path, severity, message) of every result, with how often it occurs."""
    return Counter((r.graph, r.focus, r.path, r.severity, r.message) for r in validation.results)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("broken") / "graph.trig"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_engines_agree_on_the_seed_build(built):
    reference, sparql = both(built[0] / "graph.trig", load_shapes(config.SHAPES_DIR))
    assert len(reference.results) > 100 and {r.severity for r in reference.results} >= {"warning", "info"}
    assert sorted(sparql.results) == sorted(reference.results)
    assert format_text(sparql.reports()) == format_text(reference.reports())


def test_engines_find_the_same_faults_in_a_broken_graph(broken):
    reference, sparql = both(broken, load_shapes(config.SHAPES_DIR))
    assert keys(sparql) == keys(reference)
    assert sorted(sparql.results) == sorted(reference.results)
    found = {(r.focus.rsplit("/", 1)[-1], r.message) for r in sparql.results if r.severity == "violation"}
    assert (TASK.rsplit("/", 1)[-1], "the task is not placed in its document") in found
    assert ("link1", "a link needs exactly one source") in found
    assert ("link1", "a link needs one confidence between 0 and 1") in found  # 1.5 is out of range
    assert ("link2", "a link needs one confidence between 0 and 1") in found  # a string, not a decimal
    assert ("1", "the document's province or city is unknown") in found  # two provinces
    assert ("deadline", "a deadline instant needs exactly one date, month or year") in found
    warnings = Counter(r.message for r in sparql.results if r.severity == "warning")
    assert warnings["the target has no target year"] == 2  # a plain string; a second year
    assert warnings["the document has no date"] == 1  # month 13 is not a date


def test_engines_agree_on_every_supported_construct(broken):
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    reference, sparql = both(broken, shapes)
    assert len({r.component for r in reference.results}) == 9  # every supported component fires
    assert {r.focus for r in reference.results if r.path.endswith("#comment>")} == {DOCUMENT}
    assert sorted(sparql.results) == sorted(reference.results)


@pytest.mark.parametrize("construct, shape", [
    ("sh:or", "ex:Task sh:or ( [ sh:path kg:text ; sh:minCount 1 ] [ sh:path kg:label ; sh:minCount 1 ] ) ."),
    ("sh:hasValue", 'ex:Task sh:property [ sh:path kg:text ; sh:hasValue "x" ] .'),
    ("sh:minLength", "ex:Task sh:property [ sh:path kg:text ; sh:minLength 5 ] ."),
])
def test_an_unsupported_construct_is_an_error_naming_shape_and_construct(broken, tmp_path, construct, shape):
    for path in config.SHAPES_DIR.glob("*.ttl"):  # the project's shapes plus one a researcher added
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "extra.shapes.ttl").write_text(
        PREFIXES + "ex:Task a sh:NodeShape ; sh:targetClass kg:Task .\n" + shape, encoding="utf-8")
    shapes = load_shapes(tmp_path)
    with pytest.raises(UnsupportedShape, match=f"ex:Task.*{construct}"):
        run_sparql(load_store_for(broken), shapes, ONTOLOGY)
    result = CliRunner().invoke(main, ["validate", "--graph", str(broken), "--shapes", str(tmp_path)])
    assert result.exit_code == 2 and construct in result.output and "--engine pyshacl" in result.output
    fallback = CliRunner().invoke(main, ["validate", "--graph", str(broken), "--shapes", str(tmp_path),
                                         "--engine", "pyshacl"])
    assert fallback.exit_code == 1, fallback.output  # the reference engine reports the broken graph's violations
