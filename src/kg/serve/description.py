"""What GET /sparql without a query returns: a SPARQL 1.1 Service Description, or a small HTML page."""

from __future__ import annotations

from html import escape

import pyoxigraph as ox

from kg.store.query import FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/"}


def _sd(term: str) -> ox.NamedNode:
    return ox.NamedNode(SD + term)


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, counted once: the store is read-only while served. Counted by the
    engine (a Python scan of 1M quads takes seconds from an on-disk store)."""
    sizes = {graph.value: 0 for graph in sorted(store.named_graphs(), key=lambda g: g.value)}
    for graph, count in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        sizes[graph.value] = int(count.value)
    return sizes


def default_graph_size(store: ox.Store) -> int:
    """Triples in the default graph (the union), counted by the engine."""
    (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row[0].value)


def service_description(endpoint: str, sizes: dict[str, int], union_size: int) -> list[ox.Triple]:
    service, dataset, default = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(str(union_size), datatype=XSD_INTEGER)),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(iri)) for iri in sorted({f.iri for f in FORMATS})]
    for index, (name, size) in enumerate(sizes.items()):
        named, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(name)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(size), datatype=XSD_INTEGER)),
        ]
    return triples


_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>nq57-kg SPARQL endpoint</title></head>
<body>
<h1>nq57-kg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol endpoint at <code>{endpoint}</code>. Read-only. The default graph is the union
of the named graphs (one per source document). At most {max_rows} rows per result
(header <code>X-SPARQL-Truncated</code> says when more existed); queries stop after {timeout} s.</p>
<form method="get" action="{endpoint}">
<textarea name="query" rows="12" cols="90">SELECT ?task ?text WHERE {{
  ?task a kg:Task ; kg:text ?text .
}} LIMIT 20</textarea><br>
<label>Format <select name="format">{options}</select></label>
<button type="submit">Run</button>
</form>
<p>Prefixes such as <code>kg:</code>, <code>eli:</code>, <code>org:</code>, <code>skos:</code> are predeclared.
Machine-readable description: request this URL with <code>Accept: text/turtle</code>.</p>
</body></html>
"""


def html_page(endpoint: str, max_rows: int, timeout_s: float) -> str:
    options = "".join(f'<option value="{f.name}">{f.name} ({f.media_type})</option>' for f in FORMATS)
    return _PAGE.format(endpoint=escape(endpoint), max_rows=max_rows, timeout=timeout_s, options=options)
