"""The main job: sources -> parse -> extract -> link -> graph, written to the build folder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF

from kg import __version__
from kg.extract import extract_document
from kg.graph import ids
from kg.graph.build import document_graph
from kg.graph.io import bind_prefixes, serialize_dataset, sorted_nquads, write_atomic
from kg.graph.vocab import KG
from kg.model import Document
from kg.sources import SourceError, load_sources

OUTPUTS = {"trig": "graph.trig", "turtle": "graph.ttl", "nquads": "graph.nq"}


@dataclass
class DocumentSummary:
    source_id: str
    iri: str
    symbol: str
    kind: str
    date: str
    jurisdiction: str
    parts: int
    tasks: int
    targets: int
    agencies: int
    citations: int
    triples: int
    problems: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    documents: list[DocumentSummary]
    errors: list[SourceError]
    graphs: dict[str, int]  # named graph -> triples
    outputs: dict[str, str]
    seconds: float

    @property
    def total_triples(self) -> int:
        return sum(self.graphs.values())


def run_iri(documents: Iterable[Document], extra: str = "") -> URIRef:
    """The build run, named by what went in (inputs and code version), not by the clock."""
    digest = ids.short_hash("|".join(sorted(d.source.sha256 for d in documents)) + extra + __version__, 16)
    return URIRef(f"{ids.BASE}prov/run/{digest}")


def extract_all(folder: Path, progress: Callable[[Iterable], Iterable] = lambda x: x
                ) -> tuple[list[Document], list[SourceError]]:
    sources, errors = load_sources(folder)
    documents = []
    for source in progress(sources):
        try:
            documents.append(extract_document(source))
        except Exception as err:  # one unreadable document must not stop the others
            errors.append(SourceError(source.path, f"extraction failed: {type(err).__name__}: {err}"))
    return documents, errors


def ontology_graph(ontology_dir: Path) -> Graph:
    """The ontology and its alignments, blank nodes relabelled canonically (stable output)."""
    graph = Graph()
    for path in sorted(ontology_dir.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return to_canonical_graph(graph)


def assemble(documents: list[Document], ontology_dir: Path) -> tuple[Dataset, list[DocumentSummary]]:
    dataset = Dataset()
    bind_prefixes(dataset)
    run = run_iri(documents)
    summaries = []
    for document in documents:
        name = URIRef(ids.graph_iri("doc", document.source.source_id))
        graph = dataset.graph(name)
        doc = document_graph(document, graph)
        graph.add((name, PROV.wasGeneratedBy, run))
        graph.add((name, KG.sha256, Literal(document.source.sha256)))
        summaries.append(summarise(document, str(doc), len(graph)))
    ontology = dataset.graph(URIRef(ids.graph_iri("ontology")))
    for triple in ontology_graph(ontology_dir):
        ontology.add(triple)
    runs = dataset.graph(URIRef(ids.graph_iri("build")))
    runs.add((run, RDF.type, PROV.Activity))
    runs.add((run, PROV.wasAssociatedWith, URIRef(f"{ids.BASE}software/nq57-kg/{__version__}")))
    return dataset, summaries


def summarise(document: Document, iri: str, triples: int) -> DocumentSummary:
    meta = document.meta
    agencies = {m.agency.key for t in document.tasks for m in t.agencies}
    agencies |= {m.agency.key for t in document.targets for m in t.monitoring}
    return DocumentSummary(
        document.source.source_id, iri, meta.symbol, meta.kind_label, meta.date or "", meta.jurisdiction_name,
        len(document.parts), len(document.tasks), len(document.targets), len(agencies),
        len({(c.target.symbol, c.relation) for c in document.citations}), triples, list(document.problems),
    )


def write_outputs(dataset: Dataset, out_dir: Path) -> dict[str, str]:
    written = {}
    write_atomic(out_dir / OUTPUTS["nquads"], sorted_nquads(dataset))
    written["nquads"] = str(out_dir / OUTPUTS["nquads"])
    for fmt in ("trig", "turtle"):
        path = out_dir / OUTPUTS[fmt]
        write_atomic(path, serialize_dataset(dataset, fmt))
        written[fmt] = str(path)
    return written


def build(data_dir: Path, out_dir: Path, ontology_dir: Path,
          progress: Callable[[Iterable], Iterable] = lambda x: x) -> BuildReport:
    started = time.perf_counter()
    documents, errors = extract_all(data_dir / "sources", progress)
    dataset, summaries = assemble(documents, ontology_dir)
    outputs = write_outputs(dataset, out_dir)
    graphs = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    return BuildReport(summaries, errors, dict(sorted(graphs.items())), outputs, time.perf_counter() - started)
