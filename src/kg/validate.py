"""Validate stage: SHACL completeness checks, one named graph at a time, reported for people;
and, per province, the central directives its documents leave uncovered.

Two engines give the same results (docs/validation.md). pySHACL, the reference, runs with
inference 'none' and the core ontology's class hierarchy as `ont_graph` (so that kg:Task is also a
kg:DocumentPart; the whole ontology would make its terms focus nodes in every named graph) and
without the alignment files: entailments from external vocabularies multiply validation time
without changing what the shapes check. The SPARQL engine runs the shapes as translated by
kg.shacl_sparql on pyoxigraph, all named graphs at once: seconds where pySHACL takes minutes at 1M
triples.

Coverage is not a SHACL constraint (it compares a province with the central layer across named
graphs), so it runs queries/coverage-gaps.rq on pyoxigraph, which stays fast at scale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg import config
from kg.graph.ids import BASE
from kg.store.query import load_store, run_query
from kg.shacl_sparql import message, path_text, translate

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
KG_SOURCE_FILE = URIRef(BASE + "ont#sourceFile")


@dataclass
class Finding:
    severity: str
    message: str
    count: int
    examples: list[str]


@dataclass
class GraphReport:
    graph: str
    label: str
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(f.count for f in self.findings if f.severity == severity)


@dataclass
class ProvinceGaps:
    province: str  # the place slug, 'vn-can-tho'
    name: str  # its written name, 'Cần Thơ' (the slug when the graph names no place)
    groups57: list[str]  # notations of the 57-NQ/TW task groups no accepted link reaches
    tasks03: list[str]  # numbers of the 03/NQ-CP Phụ lục II tasks no accepted link reaches
    tasks03_for_localities: list[str]  # … of those, the ones that name localities as lead or cooperating


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    paths = sorted(shapes_dir.glob("*.ttl"))
    if not paths:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    for path in paths:
        shapes.parse(path, format="turtle")
    return shapes


def _require(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `kg build` first")


def load_store_for(path: Path) -> ox.Store:
    """The built dataset in pyoxigraph, for the SPARQL engine and the coverage gaps."""
    _require(path)
    return load_store([path])


def load_dataset(path: Path) -> Dataset:
    _require(path)
    dataset = Dataset()
    try:
        dataset.parse(path, format="trig" if path.suffix == ".trig" else "nquads")
    except Exception as err:
        raise ValueError(f"{path} is not valid {path.suffix[1:]}: {err}") from err
    return dataset


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL validation result, in the same terms whichever engine found it."""

    graph: str
    focus: str
    path: str  # the shape's sh:path as a SPARQL property path
    component: str  # the constraint component, e.g. sh:MinCountConstraintComponent
    severity: str
    message: str


def _text(node: Node | None) -> str:
    """Blank node labels differ between parsers, so reports show every blank node alike."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "_:blank"
    return node.n3() if isinstance(node, Literal) else str(node)


def _findings(results: list[Result]) -> list[Finding]:
    grouped: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for result in results:
        key = (result.severity, result.message)
        grouped[key] += 1
        examples.setdefault(key, []).append(result.focus)
    order = {"violation": 0, "warning": 1, "info": 2}
    return [Finding(sev, msg, n, sorted(examples[(sev, msg)])[:3])
            for (sev, msg), n in sorted(grouped.items(), key=lambda kv: (order[kv[0][0]], -kv[1], kv[0][1]))]


def _label(candidates: Iterable[tuple[str, str]], name: str) -> str:
    """The label of the graph's loaded document: (subject, label) pairs of subjects with kg:sourceFile."""
    labels = sorted((s, label) for s, label in candidates if s.startswith(BASE + "eli/"))
    return labels[0][1] if labels else name.rsplit("/", 1)[-1]


def _validated(name: str) -> bool:
    return not name.endswith(("/graph/ontology", "/graph/build"))


@dataclass
class Validation:
    """What either engine found: the validated named graphs with their labels, and the results."""

    labels: dict[str, str]
    results: list[Result]

    def reports(self) -> list[GraphReport]:
        per_graph: dict[str, list[Result]] = {name: [] for name in self.labels}
        for result in sorted(self.results):
            per_graph[result.graph].append(result)
        return [GraphReport(name, self.labels[name], _findings(per_graph[name])) for name in sorted(self.labels)]


def _pyshacl_results(name: str, results: Graph, shapes: Graph) -> Iterator[Result]:
    for node in results.subjects(RDF.type, SH.ValidationResult):
        shape, component = results.value(node, SH.sourceShape), results.value(node, SH.sourceConstraintComponent)
        path = shapes.value(shape, SH.path)
        severity = SEVERITY_NAMES.get(results.value(node, SH.resultSeverity), "info")
        path_shown = path_text(shapes, path) if path is not None else ""
        yield Result(name, _text(results.value(node, SH.focusNode)), path_shown,
                     shapes.namespace_manager.normalizeUri(component), severity, message(shapes, shape, component))


def run_pyshacl(dataset: Dataset, shapes: Graph, ontology: Graph) -> Validation:
    """pySHACL, the reference engine, on each named graph except the ontology and build graphs."""
    labels, results = {}, []
    hierarchy = Graph()
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        hierarchy.add(triple)
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if not len(graph) or not _validated(name):
            continue
        data = Graph()
        for triple in graph:
            data.add(triple)
        _, report, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=hierarchy, inference="none",
                                      advanced=False, allow_warnings=True)
        labels[name] = _label(((str(s), str(o)) for s, o in data.subject_objects(RDFS.label)
                               if (s, KG_SOURCE_FILE, None) in data), name)
        results += _pyshacl_results(name, report, shapes)
    return Validation(labels, results)


def validate_dataset(dataset: Dataset, shapes: Graph, ontology: Graph) -> list[GraphReport]:
    """One report per validated named graph, by pySHACL."""
    return run_pyshacl(dataset, shapes, ontology).reports()


LABELS_QUERY = f"""SELECT ?g ?s ?label WHERE {{ GRAPH ?g {{ ?s <{KG_SOURCE_FILE}> [] ; <{RDFS.label}> ?label }} }}"""


def _from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    if isinstance(term, ox.Literal):
        plain = term.language or term.datatype.value == str(XSD.string)  # rdflib keeps these untyped
        return Literal(term.value, lang=term.language, datatype=None if plain else URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return None if term is None else URIRef(term.value)


def run_sparql(store: ox.Store, shapes: Graph, ontology: Graph) -> Validation:
    """The SPARQL engine: the shapes translated by kg.shacl_sparql, run on pyoxigraph over all
    validated named graphs at once; the same results as run_pyshacl."""
    names = sorted(g.value for g in store.named_graphs() if _validated(g.value))
    results = []
    for check in translate(shapes, ontology, names):
        component = shapes.namespace_manager.normalizeUri(check.component)
        severity = SEVERITY_NAMES.get(check.severity, "info")
        answer = run_query(store, check.query, max_rows=10**9, default_graphs=[])
        column = {name: i for i, name in enumerate(answer.variables)}
        # a row per focus node, or per offending value; results do not carry the value, whose
        # lexical form pyoxigraph canonicalises (35.0 -> 35) where rdflib keeps it
        for row in answer.rows:
            results.append(Result(row[column["g"]].value, _text(_from_oxigraph(row[column["focus"]])), check.path,
                                  component, severity, check.message))
    candidates: dict[str, list[tuple[str, str]]] = {}
    for g, s, label in run_query(store, LABELS_QUERY, max_rows=10**9, default_graphs=[]).rows:
        candidates.setdefault(g.value, []).append((s.value, label.value))
    return Validation({name: _label(candidates.get(name, []), name) for name in names}, results)


def validate_store(store: ox.Store, shapes: Graph, ontology: Graph) -> list[GraphReport]:
    """One report per validated named graph, by the SPARQL engine."""
    return run_sparql(store, shapes, ontology).reports()


def format_text(reports: list[GraphReport]) -> str:
    lines = []
    for report in reports:
        counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}"
                           for s in ("violation", "warning", "info"))
        lines.append(f"{report.label}  [{report.graph.rsplit('/graph/', 1)[-1]}]: {counts}")
        for finding in report.findings:
            lines.append(f"  {finding.severity:9} {finding.count:4}× {finding.message}")
            lines.append(f"  {'':9}       e.g. {finding.examples[0]}")
    return "\n".join(lines)


def coverage_gaps(store: ox.Store, query_path: Path = config.QUERIES_DIR / "coverage-gaps.rq") -> list[ProvinceGaps]:
    """Per province with a loaded document, the central directives none of its tasks is linked to
    by an accepted link (the query's default parameters)."""
    result = run_query(store, query_path.read_text(encoding="utf-8"), max_rows=10**7)
    column = {name: i for i, name in enumerate(result.variables)}
    gaps: dict[str, ProvinceGaps] = {}
    for row in result.rows:  # the query orders rows by province, kind and number
        province = row[column["province"]].value
        name = row[column["provinceName"]]
        entry = gaps.setdefault(province, ProvinceGaps(province, name.value if name else province, [], [], []))
        number = row[column["number"]].value
        if row[column["kind"]].value == "57-group":
            entry.groups57.append(number)
            continue
        entry.tasks03.append(number)
        if row[column["localities"]] is not None and row[column["localities"]].value:
            entry.tasks03_for_localities.append(number)
    return list(gaps.values())


def _ranges(numbers: list[str]) -> str:
    """'1, 2, 3, 5' -> '1-3, 5' for integer notations, in the given order."""
    spans: list[list[int]] = []
    for number in map(int, numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans) or "none"


def format_gaps(gaps: list[ProvinceGaps]) -> str:
    lines = ["Central directives each province leaves uncovered (no accepted link; queries/coverage-gaps.rq;",
             "a province not listed covers them all):"]
    width = max((len(g.name) for g in gaps), default=0)
    for gap in gaps:
        lines.append(f"  {gap.name:{width}}  57-NQ/TW groups ({len(gap.groups57)}): {_ranges(gap.groups57)}")
        lines.append(f"  {'':{width}}  03/NQ-CP Phụ lục II tasks ({len(gap.tasks03)}): {_ranges(gap.tasks03)}")
        lines.append(f"  {'':{width}}    of which name localities as lead or cooperating "
                     f"({len(gap.tasks03_for_localities)}): {_ranges(gap.tasks03_for_localities)}")
    return "\n".join(lines)
