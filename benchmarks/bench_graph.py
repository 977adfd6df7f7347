"""The graph stage alone, both ways in one process and interleaved document by document (so both
share whatever else the machine is doing): each document's named graph and links added to an
rdflib Dataset (the in-memory build) or to a TripleSet written at once as packed N-Quads lines
(kg.graph.fragments, the streaming build).

    python3 benchmarks/bench_graph.py 100
"""

from __future__ import annotations

import sys
import time

from bench_build import ROOT, generate


def main() -> None:
    from rdflib import Dataset, URIRef

    from kg.central import load_reference
    from kg.graph import ids
    from kg.graph.build import document_graph
    from kg.graph.fragments import RUN_PLACEHOLDER, document_fragment
    from kg.graph.links import add_citation_links, directive_index, implementation_links_graph, target_index
    from kg.graph.quads import LineWriter
    from kg.link.citations import complete_citations
    from kg.pipeline import Linker, extract_all

    data = generate(int(sys.argv[1])).parent
    layer = load_reference(ROOT / "data" / "reference")
    documents, _ = extract_all(data / "sources")
    complete_citations(documents, (d.ref for d in layer.documents))
    linker = Linker(documents, layer, data)
    links = {d.source.source_id: linker.links(d) for d in documents}
    directives, targets, writer = directive_index(layer), target_index(layer), LineWriter()
    dataset = Dataset(default_union=True)
    link_graph = dataset.graph(URIRef(ids.graph_iri("links")))
    accepted = dataset.graph(URIRef(ids.graph_iri("links", "accepted")))
    seconds = {"dataset": 0.0, "fragment": 0.0}
    for document in documents:
        own = links[document.source.source_id]
        start = time.perf_counter()
        document_graph(document, dataset.graph(URIRef(ids.graph_iri("doc", document.source.source_id))))
        implementation_links_graph(link_graph, accepted, document, own, directives, targets, RUN_PLACEHOLDER)
        add_citation_links(link_graph, document, RUN_PLACEHOLDER)
        middle = time.perf_counter()
        document_fragment(document, own, directives, targets, writer)
        seconds["dataset"] += middle - start
        seconds["fragment"] += time.perf_counter() - middle
    count = len(documents)
    print(f"{count} documents: rdflib Dataset {seconds['dataset']:.1f} s ({seconds['dataset'] / count * 1000:.0f} ms a "
          f"document, without serialising), fragments {seconds['fragment']:.1f} s "
          f"({seconds['fragment'] / count * 1000:.0f} ms a document, lines packed)")


if __name__ == "__main__":
    main()
