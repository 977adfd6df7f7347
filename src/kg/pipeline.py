"""The main job: sources -> parse -> extract -> link -> graph, written to the build folder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF

from kg import __version__
from kg.central import CentralLayer, load_reference
from kg.central.provinces import ProvinceMap, load_provinces
from kg.extract import extract_document
from kg.files import write_atomic
from kg.publish import previous_size, publish
from kg.graph import ids
from kg.graph.build import document_graph
from kg.graph.chains import materialise_chains
from kg.graph.io import (
    bind_prefixes,
    serialize_sorted,
    sorted_nquads,
    sorted_quads,
)
from kg.graph.links import (
    citation_links_graph,
    directive_index,
    implementation_links_graph,
    target_index,
)
from kg.graph.reference import reference_graph
from kg.graph.reorganisation import ended_bodies, mark_ended, reorganisation_graph
from kg.graph.vocab import ELI, KG
from kg.link import link_document
from kg.link.citations import complete_citations
from kg.link.calibrate import LinkModel, embedder_for, load_model
from kg.link.examples import Example, load_examples
from kg.link.links import ranker_for
from kg.link.rank import CentralIndex
from kg.link.review import (
    apply_decisions,
    decisions_path,
    load_decisions,
    reviewed_examples,
)
from kg.link.targets import TargetLinker, assign_indicators, link_targets
from kg.model import Agency, Document, Link
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
    links_accepted: int
    links_suggested: int
    triples: int
    problems: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    documents: list[DocumentSummary]
    errors: list[SourceError]
    graphs: dict[str, int]  # named graph -> triples
    outputs: dict[str, str]
    seconds: float
    previous_quads: int | None = None  # quads of the build this one replaced

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


def link_all(documents: list[Document], layer: CentralLayer, data_dir: Path,
             examples: Sequence[Example] = (), model: LinkModel | None = None) -> dict[str, list[Link]]:
    """Every document's task and target links, with the researchers' reviewed decisions
    (data/reviews) applied; each target takes the indicator of its accepted 'measures' link.
    `examples`: confirmed links of the labelled plans (kg.link.examples); the accepted reviewed
    links join them, so a decision on one plan also helps rank other provinces' plans.
    `model`: the calibrated link model (kg.link.calibrate), else the fixed thresholds."""
    decisions = load_decisions(decisions_path(data_dir))
    examples = [*examples, *reviewed_examples(documents, decisions)]
    # the central side of both linkers is prepared once per build, not once per document
    index, linker = CentralIndex(layer, embedder_for(model)), TargetLinker(layer)
    links = {}
    for document in documents:
        ranker = ranker_for(document, index, examples, model=model)
        links[document.source.source_id] = apply_decisions(
            link_document(document, layer, ranker, model) + link_targets(document, linker), decisions)
        assign_indicators(document, links[document.source.source_id])
    return links


def ontology_graph(ontology_dir: Path) -> Graph:
    """The ontology and its alignments, blank nodes relabelled canonically (stable output)."""
    graph = Graph()
    for path in sorted(ontology_dir.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return to_canonical_graph(graph)


def _copy_into(dataset: Dataset, name: str, graph: Graph) -> None:
    target = dataset.graph(URIRef(ids.graph_iri(name)))
    for triple in graph:
        target.add(triple)


def assemble(documents: list[Document], layer: CentralLayer, ontology_dir: Path,
             links: dict[str, list[Link]], provinces: ProvinceMap | None = None
             ) -> tuple[Dataset, list[DocumentSummary]]:
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    run = run_iri(documents)
    index, targets = directive_index(layer), target_index(layer)
    link_graph = dataset.graph(URIRef(ids.graph_iri("links")))
    accepted = dataset.graph(URIRef(ids.graph_iri("links", "accepted")))
    summaries = []
    reference, reorganisation = reference_graph(layer), reorganisation_graph(named_agencies(documents), provinces)
    ended = ended_bodies(reference, reorganisation)
    for document in documents:
        name = URIRef(ids.graph_iri("doc", document.source.source_id))
        graph = dataset.graph(name)
        doc = document_graph(document, graph)
        mark_ended(graph, ended)
        graph.add((name, PROV.wasGeneratedBy, run))
        graph.add((name, KG.sha256, Literal(document.source.sha256)))
        own_links = links.get(document.source.source_id, [])
        implementation_links_graph(link_graph, accepted, document, own_links, index, targets, run)
        citation_links_graph(link_graph, document, run)
        summaries.append(summarise(document, str(doc), len(graph), own_links))
    _copy_into(dataset, "reference", reference)
    _copy_into(dataset, "reorganisation", reorganisation)
    _copy_into(dataset, "ontology", ontology_graph(ontology_dir))
    runs = dataset.graph(URIRef(ids.graph_iri("build")))
    runs.add((run, RDF.type, PROV.Activity))
    runs.add((run, PROV.wasAssociatedWith, URIRef(f"{ids.BASE}software/nq57-kg/{__version__}")))
    mark_loaded(dataset, runs)
    materialise_chains(dataset, runs)
    return dataset, summaries


def named_agencies(documents: list[Document]) -> set[Agency]:
    """Every body the documents name: issuers, task agencies, target monitors."""
    found = {d.meta.issuer for d in documents if d.meta.issuer}
    found |= {m.agency for d in documents for t in d.tasks for m in t.agencies}
    return found | {m.agency for d in documents for t in d.targets for m in t.monitoring}


def mark_loaded(dataset: Dataset, into: Graph) -> None:
    """kg:loaded true for documents whose text (or reference data) is in the graph, false for
    documents known only because something cites them."""
    documents = set(dataset.subjects(RDF.type, KG.PolicyDocument))
    reference = dataset.graph(URIRef(ids.graph_iri("reference")))
    with_text = set(dataset.subjects(KG.sourceFile, None)) | set(reference.subjects(ELI.id_local, None))
    for doc in sorted(documents):
        into.add((doc, KG.loaded, Literal(doc in with_text)))


def summarise(document: Document, iri: str, triples: int, links: list[Link]) -> DocumentSummary:
    meta = document.meta
    agencies = {m.agency.key for t in document.tasks for m in t.agencies}
    agencies |= {m.agency.key for t in document.targets for m in t.monitoring}
    return DocumentSummary(
        document.source.source_id, iri, meta.symbol, meta.kind_label, meta.date or "", meta.jurisdiction_name,
        len(document.parts), len(document.tasks), len(document.targets), len(agencies),
        len({(c.target.symbol, c.relation) for c in document.citations}),
        sum(link.status == "accepted" for link in links), sum(link.status == "suggested" for link in links),
        triples, list(document.problems),
    )


class BuildFailed(ValueError):
    """No graph was written: no document could be read, or some could not and keep_going was off."""

    def __init__(self, message: str, errors: list[SourceError]) -> None:
        super().__init__(message)
        self.errors = errors


def write_outputs(nquads: bytes, out_dir: Path) -> dict[str, str]:
    """The three files from sorted N-Quads (`sorted_nquads`), each written as soon as it is made
    so that only one serialisation is held at a time; switched into place as one set (kg.publish)."""

    def write(folder: Path) -> dict[str, str]:
        write_atomic(folder / OUTPUTS["nquads"], nquads)
        quads = sorted_quads(nquads)
        for fmt in ("trig", "turtle"):
            write_atomic(folder / OUTPUTS[fmt], serialize_sorted(quads, fmt))
        return {fmt: OUTPUTS[fmt] for fmt in ("nquads", "trig", "turtle")}

    return publish(out_dir, write)


def build(data_dir: Path, out_dir: Path, ontology_dir: Path,
          progress: Callable[[Iterable], Iterable] = lambda x: x, reference_dir: Path | None = None,
          keep_going: bool = False) -> BuildReport:
    """Sources of data_dir → graph files in out_dir; the central layer from reference_dir
    (default data_dir/reference). A source that cannot be read (missing, changed since the manifest,
    undecodable) fails the build before anything is written, unless keep_going; no readable source
    at all always does."""
    started = time.perf_counter()
    reference_dir = reference_dir or data_dir / "reference"
    layer = load_reference(reference_dir)
    documents, errors = extract_all(data_dir / "sources", progress)
    if not documents:
        raise BuildFailed("no document could be read; the previous graph is left as it was", errors)
    if errors and not keep_going:
        raise BuildFailed(f"{len(errors)} of {len(documents) + len(errors)} documents could not be read; nothing "
                          "written (--keep-going builds from the others)", errors)
    previous = previous_size(out_dir, OUTPUTS["nquads"])
    complete_citations(documents, (d.ref for d in layer.documents))
    links = link_all(documents, layer, data_dir, load_examples(reference_dir), load_model(reference_dir))
    dataset, summaries = assemble(documents, layer, ontology_dir, links, load_provinces(reference_dir))
    graphs = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    nquads = sorted_nquads(dataset)
    del dataset  # the largest object of a build, no longer needed once it is N-Quads
    outputs = write_outputs(nquads, out_dir)
    return BuildReport(summaries, errors, dict(sorted(graphs.items())), outputs, time.perf_counter() - started,
                       previous)
