"""SHACL shapes translated into SPARQL, so that `kg validate --engine sparql` checks them on pyoxigraph.

The translation is generic: every node shape's targets become a focus-node pattern and every
constraint of its property shapes one SELECT query over all validated named graphs at once (the
focus pattern and the constraint inside one `GRAPH ?g`), returning the graph and focus node, once
per offending value for value constraints, as pySHACL reports them one graph at a time. A shape
using a SHACL construct outside NODE_SHAPE_PARAMETERS / PROPERTY_SHAPE_PARAMETERS raises
UnsupportedShape naming the shape and the construct: it is never skipped silently.

Class membership (sh:targetClass, sh:class) follows rdfs:subClassOf in the ontology given, as
pySHACL does with the ontology passed as `ont_graph`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

# SHACL parameters the translator understands, on node shapes and on property shapes.
DESCRIPTIVE = {SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group}
NODE_SHAPE_PARAMETERS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.sparql} | DESCRIPTIVE
# SPARQL-based constraints (sh:sparql): a SELECT of $this and ?value written with full IRIs.
SPARQL_CONSTRAINT_PARAMETERS = {SH.select, SH.message, SH.deactivated}
# Constraint component IRI for each parameter (the component pySHACL names in sh:sourceConstraintComponent).
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
}
PARAMETER_OF = {component: parameter for parameter, component in COMPONENTS.items()}
PROPERTY_SHAPE_PARAMETERS = {SH.path, SH.flags} | set(COMPONENTS) | DESCRIPTIVE
SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}

RANGE_TESTS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.BlankNodeOrLiteral: "!isIRI(?value)",
    SH.IRIOrLiteral: "!isBlank(?value)",
}
# XSD datatypes whose ill-typed literals (a form that does not cast) break sh:datatype: those rdflib
# parses into Python values and so marks ill_typed for pySHACL. Others (xsd:gYear …) neither engine checks.
CASTABLE = {XSD[name] for name in ("boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time")}
ILL_TYPED = "<urn:x-kg:ill-typed>"


class UnsupportedShape(ValueError):
    """A shape uses a SHACL construct the SPARQL engine does not translate."""


@dataclass(frozen=True)
class Check:
    """One constraint of one property shape, as a query returning ?g ?focus (and ?value, if per value)."""

    path: str  # the SPARQL property path, also how reports name the path
    component: URIRef
    severity: URIRef
    message: str
    query: str


def term(node: Node) -> str:
    """The SPARQL syntax of an IRI or literal from the shapes graph."""
    if isinstance(node, (URIRef, Literal)):
        return node.n3()
    raise UnsupportedShape(f"expected an IRI or literal, found blank node {node}")


def shape_name(shapes: Graph, shape: Node) -> str:
    """A shape as people find it in the .ttl files: its IRI, or its node shape and path."""
    if isinstance(shape, URIRef):
        return shapes.namespace_manager.normalizeUri(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    where = shape_name(shapes, parent) if parent is not None else "a blank-node shape"
    shown = path_text(shapes, path, shapes.namespace_manager.normalizeUri) if path is not None else "without sh:path"
    return f"{where} (property {shown})"


def path_text(shapes: Graph, path: Node, iri: Callable[[URIRef], str] = term) -> str:
    """A SHACL property path as a SPARQL property path (IRIs written by `iri`: prefixed for people)."""
    if isinstance(path, URIRef):
        return iri(path)
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(path_text(shapes, step, iri) for step in Collection(shapes, path)) + ")"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(shapes, step, iri) for step in Collection(shapes, alternatives)) + ")"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return f"({path_text(shapes, inner, iri)}){suffix}"
    inner = shapes.value(path, SH.inversePath)
    if inner is not None:
        return f"^({path_text(shapes, inner, iri)})"
    raise UnsupportedShape(f"unsupported sh:path construct {sorted(shapes.predicate_objects(path))}")


def default_message(shapes: Graph, shape: Node, component: URIRef) -> str:
    """The message of a shape without sh:message: its name and the parameter broken, for both engines."""
    parameter = PARAMETER_OF.get(component)
    if parameter is None:  # a component only pySHACL evaluates
        return f"{shape_name(shapes, shape)}: {shapes.namespace_manager.normalizeUri(component)}"
    shown = ", ".join(sorted(shapes.namespace_manager.normalizeUri(v) if isinstance(v, URIRef) else str(v)
                             for v in shapes.objects(shape, parameter)))
    return f"{shape_name(shapes, shape)}: {shapes.namespace_manager.normalizeUri(parameter)} {shown}"


def message(shapes: Graph, shape: Node, component: URIRef) -> str:
    given = sorted(str(m) for m in shapes.objects(shape, SH.message))
    return given[0] if given else default_message(shapes, shape, component)


def subclasses(ontology: Graph, cls: URIRef) -> list[URIRef]:
    """`cls` and every class below it by rdfs:subClassOf in the ontology, sorted."""
    return sorted({cls} | {c for c in ontology.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, URIRef)})


def _check_parameters(shapes: Graph, shape: Node, allowed: set[URIRef], kind: str) -> None:
    for predicate, value in shapes.predicate_objects(shape):
        if predicate == RDF.type:
            if value not in SHAPE_TYPES:
                raise UnsupportedShape(f"{shape_name(shapes, shape)}: rdf:type {value} (an implicit class target) "
                                       "is not supported by the SPARQL engine; use sh:targetClass or --engine pyshacl")
        elif str(predicate).startswith(str(SH)) and predicate not in allowed:
            raise UnsupportedShape(
                f"{shape_name(shapes, shape)}: {shapes.namespace_manager.normalizeUri(predicate)} on a {kind} "
                "is not supported by the SPARQL engine; use --engine pyshacl, or extend kg.shacl_sparql")


def _focus_pattern(shapes: Graph, shape: Node, ontology: Graph) -> str | None:
    """The graph pattern binding ?focus to the shape's focus nodes, or None if it targets nothing."""
    patterns = []
    for cls in sorted(shapes.objects(shape, SH.targetClass)):
        classes = " ".join(term(c) for c in subclasses(ontology, cls))
        patterns.append(f"VALUES ?class {{ {classes} }} ?focus a ?class .")
    patterns += [f"?focus {term(p)} [] ." for p in sorted(shapes.objects(shape, SH.targetSubjectsOf))]
    patterns += [f"[] {term(p)} ?focus ." for p in sorted(shapes.objects(shape, SH.targetObjectsOf))]
    if not patterns:
        return None
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def _value_test(shapes: Graph, shape: Node, parameter: URIRef, value: Node, ontology: Graph) -> str:
    """A SPARQL expression true for a value node that breaks the constraint."""
    if parameter == SH.datatype:
        if value == RDFS.Literal:
            return "!isLiteral(?value)"
        if value == RDF.langString:
            return "!(isLiteral(?value) && LANG(?value) != \"\")"
        ok = f"isLiteral(?value) && DATATYPE(?value) = {term(value)}"
        if value in CASTABLE:
            ok += f" && !isIRI(COALESCE({term(value)}(STR(?value)), {ILL_TYPED}))"
        return f"!({ok})"
    if parameter == SH["class"]:
        classes = " ".join(term(c) for c in subclasses(ontology, value))
        return f"NOT EXISTS {{ ?value a ?valueClass VALUES ?valueClass {{ {classes} }} }}"
    if parameter == SH.nodeKind:
        if value not in NODE_KINDS:
            raise UnsupportedShape(f"{shape_name(shapes, shape)}: unknown sh:nodeKind {value}")
        return f"!({NODE_KINDS[value]})"
    if parameter == SH["in"]:
        members = [term(m) for m in Collection(shapes, value)]
        return "!(" + (" || ".join(f"sameTerm(?value, {m})" for m in members) or "false") + ")"
    if parameter == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        arguments = term(Literal(str(value))) + (f", {term(Literal(str(flags)))}" if flags is not None else "")
        return f"isBlank(?value) || !REGEX(STR(?value), {arguments})"
    return f"!COALESCE(?value {RANGE_TESTS[parameter]} {term(value)}, false)"


def _query(graphs: str, focus: str, body: str, select: str, tail: str = "") -> str:
    """Focus pattern and constraint inside one GRAPH ?g block: joining a separate list of focus
    nodes measured 2-4x slower on a 1M-triple graph."""
    return (f"SELECT {select} WHERE {{\n  VALUES ?g {{ {graphs} }}\n"
            f"  GRAPH ?g {{\n    {{ {focus} }}\n    {body}\n  }}\n}}{tail}")


def _count_query(graphs: str, focus: str, path: str, parameter: URIRef, bound: int) -> str:
    """Focus nodes with fewer values than sh:minCount or more than sh:maxCount. The common bounds
    (at least one, at most one) are (NOT) EXISTS tests: grouping measured 3-4x slower at 1M triples."""
    if parameter == SH.minCount and bound == 1:
        return _query(graphs, focus, f"FILTER NOT EXISTS {{ ?focus {path} ?value }}", "DISTINCT ?g ?focus")
    if parameter == SH.maxCount and bound == 1:
        other = f"FILTER EXISTS {{ ?focus {path} ?other FILTER(!sameTerm(?other, ?value)) }}"
        return _query(graphs, focus, f"?focus {path} ?value {other}", "DISTINCT ?g ?focus")
    # a missing value counts as 0 for minCount; maxCount needs values to break
    values = f"OPTIONAL {{ ?focus {path} ?value }}" if parameter == SH.minCount else f"?focus {path} ?value"
    test = "<" if parameter == SH.minCount else ">"
    return _query(graphs, focus, values, "?g ?focus",
                  f" GROUP BY ?g ?focus HAVING (COUNT(DISTINCT ?value) {test} {bound})")


def _property_checks(shapes: Graph, shape: Node, focus: str | None, graphs: str,
                     ontology: Graph) -> Iterator[Check]:
    _check_parameters(shapes, shape, PROPERTY_SHAPE_PARAMETERS, "property shape")
    if focus is None or shapes.value(shape, SH.deactivated) == Literal(True):
        return
    path_node = shapes.value(shape, SH.path)
    if path_node is None:
        raise UnsupportedShape(f"{shape_name(shapes, shape)}: a property shape needs sh:path")
    path = path_text(shapes, path_node)
    severity = shapes.value(shape, SH.severity) or SH.Violation
    for parameter in sorted(set(shapes.predicates(shape)) & set(COMPONENTS)):
        component = COMPONENTS[parameter]
        for value in sorted(shapes.objects(shape, parameter)):
            if parameter in (SH.minCount, SH.maxCount):
                query = _count_query(graphs, focus, path, parameter, int(value))
            else:
                body = f"?focus {path} ?value\n    FILTER({_value_test(shapes, shape, parameter, value, ontology)})"
                query = _query(graphs, focus, body, "DISTINCT ?g ?focus ?value")
            yield Check(path, component, severity, message(shapes, shape, component), query)


def _sparql_checks(shapes: Graph, shape: Node, focus: str | None, graphs: str) -> Iterator[Check]:
    """sh:sparql constraints: the SELECT, with $this as ?focus, joined to the focus nodes inside the
    same GRAPH ?g (a sub-select inside GRAPH reads that graph, as pySHACL reads one graph)."""
    severity = shapes.value(shape, SH.severity) or SH.Violation
    for constraint in sorted(shapes.objects(shape, SH.sparql)):
        for predicate in sorted(set(shapes.predicates(constraint)) - SPARQL_CONSTRAINT_PARAMETERS - {RDF.type}):
            raise UnsupportedShape(
                f"{shape_name(shapes, shape)}: {shapes.namespace_manager.normalizeUri(predicate)} in a SPARQL "
                "constraint is not supported by the SPARQL engine; use --engine pyshacl, or extend kg.shacl_sparql")
        select = shapes.value(constraint, SH.select)
        if focus is None or select is None or shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        inner = str(select).replace("$this", "?focus")
        component = SH.SPARQLConstraintComponent
        yield Check("", component, severity, message(shapes, shape, component),
                    _query(graphs, focus, f"{{ {inner} }}", "DISTINCT ?g ?focus ?value"))


def translate(shapes: Graph, ontology: Graph, graphs: list[str]) -> list[Check]:
    """Every constraint of every node shape, as queries over the named graphs `graphs`."""
    node_shapes = sorted({s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property)
                          for s in shapes.subjects(p, None)} | set(shapes.subjects(RDF.type, SH.NodeShape)))
    values = " ".join(f"<{g}>" for g in graphs)
    checks: list[Check] = []
    for shape in node_shapes:
        if shapes.value(shape, SH.path) is not None:
            raise UnsupportedShape(f"{shape_name(shapes, shape)}: a property shape with targets of its own "
                                   "is not supported by the SPARQL engine; use --engine pyshacl")
        _check_parameters(shapes, shape, NODE_SHAPE_PARAMETERS, "node shape")
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        focus = _focus_pattern(shapes, shape, ontology)
        for prop in sorted(shapes.objects(shape, SH.property)):
            checks += _property_checks(shapes, prop, focus, values, ontology)
        checks += _sparql_checks(shapes, shape, focus, values)
    return checks
