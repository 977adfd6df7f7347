"""Validate stage: SHACL completeness checks, one named graph at a time, reported for people.

pySHACL runs with inference 'none' and the core ontology as `ont_graph` (so that kg:Task is
also a kg:DocumentPart) and without the alignment files: entailments from external
vocabularies multiply validation time without changing what the shapes check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS, SH

from kg.graph.ids import BASE

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


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


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    paths = sorted(shapes_dir.glob("*.ttl"))
    if not paths:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    for path in paths:
        shapes.parse(path, format="turtle")
    return shapes


def load_dataset(path: Path) -> Dataset:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `kg build` first")
    dataset = Dataset()
    try:
        dataset.parse(path, format="trig" if path.suffix == ".trig" else "nquads")
    except Exception as err:
        raise ValueError(f"{path} is not valid {path.suffix[1:]}: {err}") from err
    return dataset


def _findings(results: Graph) -> list[Finding]:
    grouped: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    for result in sorted(results.subjects(SH.resultSeverity, None)):
        severity = SEVERITY_NAMES.get(results.value(result, SH.resultSeverity), "info")
        message = str(results.value(result, SH.resultMessage) or results.value(result, SH.sourceShape))
        key = (severity, message)
        grouped[key] += 1
        examples.setdefault(key, []).append(str(results.value(result, SH.focusNode)))
    order = {"violation": 0, "warning": 1, "info": 2}
    return [Finding(sev, msg, n, sorted(examples[(sev, msg)])[:3])
            for (sev, msg), n in sorted(grouped.items(), key=lambda kv: (order[kv[0][0]], -kv[1], kv[0][1]))]


def _label(graph: Graph, name: str) -> str:
    for subject, label in sorted(graph.subject_objects(RDFS.label)):
        if str(subject).startswith(BASE + "eli/") and (subject, URIRef(BASE + "ont#sourceFile"), None) in graph:
            return str(label)
    return name.rsplit("/", 1)[-1]


def validate_dataset(dataset: Dataset, shapes: Graph, ontology: Graph) -> list[GraphReport]:
    """One report per named graph that holds documents, tasks, targets or links."""
    reports = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = str(graph.identifier)
        if not len(graph) or name.endswith(("/graph/ontology", "/graph/build")):
            continue
        data = Graph()
        for triple in graph:
            data.add(triple)
        _, results, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                       advanced=False, allow_warnings=True)
        reports.append(GraphReport(name, _label(data, name), _findings(results)))
    return reports


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
