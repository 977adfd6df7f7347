"""Validate stage: SHACL completeness checks, one named graph at a time, reported for people;
and, per province, the central directives its documents leave uncovered.

pySHACL runs with inference 'none' and the core ontology as `ont_graph` (so that kg:Task is
also a kg:DocumentPart) and without the alignment files: entailments from external
vocabularies multiply validation time without changing what the shapes check.

Coverage is not a SHACL constraint (it compares a province with the central layer across named
graphs), so it runs queries/coverage-gaps.rq on pyoxigraph, which stays fast at scale.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS, SH

from kg import config
from kg.graph.ids import BASE
from kg.query import load_store, run_query

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


@dataclass
class ProvinceGaps:
    province: str
    groups57: list[str]  # notations of the 57-NQ/TW task groups no accepted link reaches
    tasks03: list[str]  # numbers of the 03/NQ-CP Phụ lục II tasks no accepted link reaches


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


def coverage_gaps(graph_path: Path, query_path: Path = config.QUERIES_DIR / "coverage-gaps.rq") -> list[ProvinceGaps]:
    """Per province with a loaded document, the central directives none of its tasks is linked to
    by an accepted link (the query's default parameters)."""
    result = run_query(load_store([graph_path]), query_path.read_text(encoding="utf-8"), max_rows=10**7)
    column = {name: i for i, name in enumerate(result.variables)}
    gaps: dict[str, ProvinceGaps] = {}
    for row in result.rows:  # the query orders rows by province, kind and number
        province = row[column["province"]].value
        entry = gaps.setdefault(province, ProvinceGaps(province, [], []))
        kind_list = entry.groups57 if row[column["kind"]].value == "57-group" else entry.tasks03
        kind_list.append(row[column["number"]].value)
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
    width = max((len(g.province) for g in gaps), default=0)
    for gap in gaps:
        lines.append(f"  {gap.province:{width}}  57-NQ/TW groups ({len(gap.groups57)}): {_ranges(gap.groups57)}")
        lines.append(f"  {'':{width}}  03/NQ-CP Phụ lục II tasks ({len(gap.tasks03)}): {_ranges(gap.tasks03)}")
    return "\n".join(lines)
