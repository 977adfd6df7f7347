"""The main job: sources -> parse -> extract -> link -> graph, written to the build folder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from kg import __version__
from kg.build_cache import BuildCache, CacheCounts, text_digest
from kg.central import CentralLayer, load_reference
from kg.central.provinces import ProvinceMap, load_provinces
from kg.extract import extract_document
from kg.publish import previous_size, publish
from kg.graph import ids
from kg.graph.assembly import Assembly, assemble
from kg.graph.fragments import Fragment, document_fragment
from kg.graph.io import write_nquads, write_trig, write_turtle
from kg.graph.links import directive_index, target_index
from kg.graph.quads import LineWriter
from kg.graph.reference import reference_graph
from kg.graph.reorganisation import reorganisation_graph
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
from kg.model import Agency, Document, Link, SourceText
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
    cache: CacheCounts | None = None  # documents reused from the build cache (None: --no-cache)

    @property
    def total_triples(self) -> int:
        return sum(self.graphs.values())


def run_iri(documents: Iterable[Document], extra: str = "") -> URIRef:
    """The build run, named by what went in (inputs and code version), not by the clock."""
    digest = ids.short_hash("|".join(sorted(d.source.sha256 for d in documents)) + extra + __version__, 16)
    return URIRef(f"{ids.BASE}prov/run/{digest}")


def extract_all(folder: Path, progress: Callable[[Iterable], Iterable] = lambda x: x,
                cache: BuildCache | None = None) -> tuple[list[Document], list[SourceError]]:
    sources, errors = load_sources(folder)
    documents = []
    for source in progress(sources):
        try:
            documents.append(_extract(source, cache))
        except Exception as err:  # one unreadable document must not stop the others
            errors.append(SourceError(source.path, f"extraction failed: {type(err).__name__}: {err}"))
    return documents, errors


def _extract(source: SourceText, cache: BuildCache | None) -> Document:
    """The source as read (its restored reading included) is all extraction sees: it is the key."""
    if cache is None:
        return extract_document(source)
    return cache.get_or_make("extract", cache.key("extract", repr(source)), lambda: extract_document(source))


class Linker:
    """Task and target links of one document at a time, with the researchers' reviewed decisions
    (data/reviews) applied; each target takes the indicator of its accepted 'measures' link.
    `examples`: confirmed links of the labelled plans (kg.link.examples); the accepted reviewed
    links of all `documents` join them, so a decision on one plan also helps rank other provinces'
    plans. `model`: the calibrated link model (kg.link.calibrate), else the fixed thresholds."""

    def __init__(self, documents: list[Document], layer: CentralLayer, data_dir: Path,
                 examples: Sequence[Example] = (), model: LinkModel | None = None) -> None:
        self.layer, self.model = layer, model
        self.decisions = load_decisions(decisions_path(data_dir))
        self.examples = [*examples, *reviewed_examples(documents, self.decisions)]
        self._central: tuple[CentralIndex, TargetLinker] | None = None

    def links(self, document: Document) -> list[Link]:
        if self._central is None:  # once per build, and only when some document is linked at all
            self._central = CentralIndex(self.layer, embedder_for(self.model)), TargetLinker(self.layer)
        index, linker = self._central
        ranker = ranker_for(document, index, self.examples, model=self.model)
        links = apply_decisions(link_document(document, self.layer, ranker, self.model)
                                + link_targets(document, linker), self.decisions)
        assign_indicators(document, links)
        return links

    def digest(self) -> str:
        """What, besides the document, its links depend on (the code and layer are in the cache's key)."""
        return text_digest(repr(self.examples), repr(self.decisions), repr(self.model))


def link_all(documents: list[Document], layer: CentralLayer, data_dir: Path,
             examples: Sequence[Example] = (), model: LinkModel | None = None) -> dict[str, list[Link]]:
    """Every document's links (`Linker`), by source id."""
    linker = Linker(documents, layer, data_dir, examples, model)
    return {document.source.source_id: linker.links(document) for document in documents}


def fragments_of(documents: list[Document], layer: CentralLayer, linker: Linker,
                 cache: BuildCache | None = None) -> tuple[list[Fragment], list[DocumentSummary]]:
    """Each document linked and made into its fragment of the graph (kg.graph.fragments), or both
    read from the cache when the document, its links' inputs and the code are the same."""
    directives, targets, writer = directive_index(layer), target_index(layer), LineWriter()
    context = linker.digest() if cache else ""

    def make(document: Document) -> tuple[Fragment, DocumentSummary]:
        links = linker.links(document)
        fragment = document_fragment(document, links, directives, targets, writer)
        return fragment, summarise(document, str(fragment.document), fragment.triples, links)

    fragments, summaries = [], []
    for document in documents:
        fragment, summary = make(document) if cache is None else cache.get_or_make(
            "fragment", cache.key("fragment", context, repr(document)), lambda: make(document))
        fragments.append(fragment)
        summaries.append(summary)
    return fragments, summaries


def ontology_graph(ontology_dir: Path) -> Graph:
    """The ontology and its alignments, blank nodes relabelled canonically (stable output)."""
    graph = Graph()
    for path in sorted(ontology_dir.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return to_canonical_graph(graph)


def assemble_all(documents: list[Document], fragments: list[Fragment], layer: CentralLayer, ontology_dir: Path,
                 provinces: ProvinceMap | None = None) -> Assembly:
    """The fragments and the cross-document graphs: reference, reorganisation, ontology, build."""
    reorganisation = reorganisation_graph(named_agencies(documents), provinces)
    graphs = {URIRef(ids.graph_iri("reference")): reference_graph(layer),
              URIRef(ids.graph_iri("reorganisation")): reorganisation,
              URIRef(ids.graph_iri("ontology")): ontology_graph(ontology_dir)}
    software = URIRef(f"{ids.BASE}software/nq57-kg/{__version__}")
    return assemble(fragments, graphs, run_iri(documents), software, LineWriter())


def named_agencies(documents: list[Document]) -> set[Agency]:
    """Every body the documents name: issuers, task agencies, target monitors."""
    found = {d.meta.issuer for d in documents if d.meta.issuer}
    found |= {m.agency for d in documents for t in d.tasks for m in t.agencies}
    return found | {m.agency for d in documents for t in d.targets for m in t.monitoring}


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


def write_outputs(assembly: Assembly, out_dir: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The three files, each streamed from the fragments as it is written, switched into place as
    one set (kg.publish); also the size of each named graph."""
    sizes: dict[str, int] = {}

    def write(folder: Path) -> dict[str, str]:
        write_nquads(assembly.lines(), folder / OUTPUTS["nquads"])
        names = assembly.graphs()
        counts = write_trig((assembly.graph_lines(name) for name in names), folder / OUTPUTS["trig"])
        sizes.update((str(name), count) for name, count in zip(names, counts) if count)
        write_turtle(folder / OUTPUTS["nquads"], folder / OUTPUTS["turtle"])
        return {fmt: OUTPUTS[fmt] for fmt in ("nquads", "trig", "turtle")}

    return publish(out_dir, write), dict(sorted(sizes.items()))


def build(data_dir: Path, out_dir: Path, ontology_dir: Path,
          progress: Callable[[Iterable], Iterable] = lambda x: x, reference_dir: Path | None = None,
          keep_going: bool = False, use_cache: bool = True) -> BuildReport:
    """Sources of data_dir → graph files in out_dir; the central layer from reference_dir
    (default data_dir/reference). A source that cannot be read (missing, changed since the manifest,
    undecodable) fails the build before anything is written, unless keep_going; no readable source
    at all always does. `use_cache`: reuse the extraction and graph of documents unchanged since an
    earlier build (kg.build_cache)."""
    started = time.perf_counter()
    reference_dir = reference_dir or data_dir / "reference"
    layer = load_reference(reference_dir)
    cache = BuildCache.for_reference(reference_dir) if use_cache else None
    documents, errors = extract_all(data_dir / "sources", progress, cache)
    if not documents:
        raise BuildFailed("no document could be read; the previous graph is left as it was", errors)
    if errors and not keep_going:
        raise BuildFailed(f"{len(errors)} of {len(documents) + len(errors)} documents could not be read; nothing "
                          "written (--keep-going builds from the others)", errors)
    previous = previous_size(out_dir, OUTPUTS["nquads"])
    complete_citations(documents, (d.ref for d in layer.documents))
    linker = Linker(documents, layer, data_dir, load_examples(reference_dir), load_model(reference_dir))
    fragments, summaries = fragments_of(documents, layer, linker, cache)
    assembly = assemble_all(documents, fragments, layer, ontology_dir, load_provinces(reference_dir))
    outputs, graphs = write_outputs(assembly, out_dir)
    for summary, fragment in zip(summaries, fragments):  # the assembly's lines join the document's graph
        summary.triples = graphs[str(fragment.graph)]
    return BuildReport(summaries, errors, graphs, outputs, time.perf_counter() - started, previous,
                       cache.counts if cache else None)
