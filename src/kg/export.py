"""Graph exports for visualisation tools (Gephi, Cytoscape, yEd) and plain RDF dumps.

The networkx projection is chosen on purpose rather than mirroring every triple: nodes are the
things a reader follows (documents, parts, tasks, targets, indicators, agencies, places, concepts),
each with a Vietnamese label, its IRI and its kind; edges are the object properties between them,
keyed by predicate. An ImplementationLink becomes one edge from the local to the central task that
carries the link's confidence and review status, instead of a node of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from networkx.readwrite.gexf import GEXFWriter

from kg.graph.links import LINK_TYPE_PROPERTY
from kg.store.query import PREFIXES, distinct_triples, load_store, query_union

KG = PREFIXES["kg"]
ELI = PREFIXES["eli"]
ORG = PREFIXES["org"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_LENGTH = 100  # long task texts are cut in the label; the full text stays in the "text" attribute

# Most specific class first: a node takes the kind of the first class it has.
NODE_KINDS: tuple[tuple[str, str], ...] = (
    (KG + "Task", "task"),
    (KG + "TargetStatement", "target"),
    (KG + "DocumentPart", "part"),
    (KG + "PolicyDocument", "document"),
    (ELI + "LegalResource", "document"),
    (KG + "Indicator", "indicator"),
    (KG + "TaskGroup", "concept"),
    (KG + "CollectiveAgent", "agency"),
    (ORG + "Organization", "agency"),
    (ORG + "FormalOrganization", "agency"),
    (ORG + "OrganizationalUnit", "agency"),
    (KG + "Place", "place"),
    (ELI + "AdministrativeArea", "place"),
    (SKOS + "Concept", "concept"),
)
_RANK = {iri: rank for rank, (iri, _) in enumerate(NODE_KINDS)}


def curie(iri: str) -> str:
    """kg:implements for an IRI under a known namespace (longest match), else the IRI itself."""
    matches = [(ns, name) for name, ns in PREFIXES.items() if iri.startswith(ns)]
    if not matches:
        return iri
    ns, name = max(matches, key=lambda m: len(m[0]))
    return f"{name}:{iri[len(ns):]}"


def _select(store: ox.Store, query: str) -> Iterator[dict[str, str]]:
    """Rows as {variable: lexical value} over the union of the named graphs; unbound omitted."""
    solutions = query_union(store, query)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name].value for name in names if solution[name] is not None}


def to_networkx(store: ox.Store) -> nx.MultiDiGraph:
    """The projection described in the module docstring, with nodes and edges in sorted order."""
    graph = nx.MultiDiGraph(name="nq57-kg")
    nodes = _nodes(store)
    for iri in sorted(nodes):
        graph.add_node(iri, **nodes[iri])
    for source, target, key, attrs in sorted(_edges(store, nodes.keys()), key=lambda e: e[:3]):
        # A link repeats the direct triple it reifies: merge into one edge that carries both.
        graph.add_edge(source, target, key=key, **{**graph.get_edge_data(source, target, key, {}), **attrs})
    return graph


def _nodes(store: ox.Store) -> dict[str, dict[str, object]]:
    values = " ".join(f"<{iri}>" for iri, _ in NODE_KINDS)
    typed: dict[str, tuple[str, str]] = {}
    query = f"SELECT ?s ?type ?g WHERE {{ VALUES ?type {{ {values} }} GRAPH ?g {{ ?s a ?type }} FILTER(isIRI(?s)) }}"
    for row in _select(store, query):
        best = typed.get(row["s"])
        candidate = (row["type"], row["g"])
        if best is None or (_RANK[candidate[0]], candidate[1]) < (_RANK[best[0]], best[1]):
            typed[row["s"]] = candidate
    texts = _texts(store)
    return {iri: _node_attrs(iri, cls, g, texts.get(iri, {})) for iri, (cls, g) in typed.items()}


def _texts(store: ox.Store) -> dict[str, dict[str, str]]:
    """Per subject: prefLabel, text, id_local, localId; a Vietnamese value wins over others."""
    query = """SELECT ?s ?p ?o (LANG(?o) AS ?lang) WHERE {
      VALUES ?p { skos:prefLabel kg:text eli:id_local kg:localId } ?s ?p ?o }"""
    texts: dict[str, dict[str, str]] = {}
    for row in sorted(_select(store, query), key=lambda r: (r["s"], r["p"], r.get("lang") != "vi", r["o"])):
        texts.setdefault(row["s"], {}).setdefault(row["p"].rsplit("#", 1)[-1], row["o"])
    return texts


def _node_attrs(iri: str, cls: str, graph_name: str, texts: dict[str, str]) -> dict[str, object]:
    text = texts.get("text")
    label = texts.get("prefLabel") or _shorten(text) or texts.get("id_local") or texts.get("localId") or iri
    attrs = {"label": label, "iri": iri, "kind": dict(NODE_KINDS)[cls], "rdf_type": curie(cls), "graph": graph_name,
             "local_id": texts.get("id_local") or texts.get("localId"), "text": text}
    return _flat(attrs)


def _shorten(text: str | None) -> str | None:
    if text is None or len(text) <= LABEL_LENGTH:
        return text
    return text[: LABEL_LENGTH - 1].rstrip() + "…"


Edge = tuple[str, str, str, dict[str, object]]


def _edges(store: ox.Store, kept: Iterable[str]) -> Iterator[Edge]:
    kept = set(kept)
    for row in _select(store, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) && ?p != rdf:type) }"):
        if row["s"] in kept and row["o"] in kept:
            yield row["s"], row["o"], curie(row["p"]), {"label": curie(row["p"]), "predicate": row["p"]}
    links = """SELECT ?link ?source ?target ?type ?confidence ?status ?method WHERE {
      ?link a kg:ImplementationLink ; kg:linkSource ?source ; kg:linkTarget ?target .
      OPTIONAL { ?link kg:linkType ?type } OPTIONAL { ?link kg:confidence ?confidence }
      OPTIONAL { ?link kg:reviewStatus ?status } OPTIONAL { ?link kg:method ?method } }"""
    for row in _select(store, links):
        if row["source"] in kept and row["target"] in kept:
            predicate = reified_property(row.get("type"))
            yield row["source"], row["target"], curie(predicate), _flat({
                "label": curie(predicate), "predicate": predicate, "link": row["link"],
                "confidence": float(row["confidence"]) if "confidence" in row else None,
                "review_status": curie(row["status"]) if "status" in row else None,
                "method": curie(row["method"]) if "method" in row else None,
            })


def reified_property(link_type: str | None) -> str:
    """The property a link stands for ('…/concept/link-type/implements' -> kg:implements), so that an
    accepted link and its materialised triple become one edge."""
    name = (link_type or "").rsplit("/", 1)[-1]
    return str(LINK_TYPE_PROPERTY.get(name, link_type or KG + "implements"))


def _flat(attrs: dict[str, object]) -> dict[str, object]:
    """GraphML and GEXF accept only scalars: drop None, join lists, stringify anything else."""
    flat: dict[str, object] = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set)):
            value = " | ".join(sorted(map(str, value)))
        flat[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return flat


def write_graphml(graph: nx.MultiDiGraph, out: Path) -> None:
    nx.write_graphml(graph, out, encoding="utf-8")


def write_gexf(graph: nx.MultiDiGraph, out: Path) -> None:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    # networkx stamps today's date into <meta>; dropping it keeps the file byte-identical across runs.
    writer.xml.find("meta").attrib.pop("lastmodifieddate", None)
    writer.add_graph(graph)
    writer.write(out)


def write_cytoscape(graph: nx.MultiDiGraph, out: Path) -> None:
    data = nx.cytoscape_data(graph, name="label", ident="id")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _rdf_writer(fmt: ox.RdfFormat) -> Callable[[ox.Store, Path], None]:
    def write(store: ox.Store, out: Path) -> None:
        """Every distinct triple of the union default graph, sorted."""
        triples = distinct_triples(store)
        ox.serialize(sorted(triples, key=str), output=out, format=fmt, prefixes=PREFIXES)
    return write


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    description: str
    write: Callable[[ox.Store, Path], None]


def _via_networkx(writer: Callable[[nx.MultiDiGraph, Path], None]) -> Callable[[ox.Store, Path], None]:
    return lambda store, out: writer(to_networkx(store), out)


EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("graphml", "graphml", "GraphML of the projection (yEd, Cytoscape desktop, Gephi)", _via_networkx(write_graphml)),
    ExportFormat("gexf", "gexf", "GEXF 1.2 of the projection (Gephi)", _via_networkx(write_gexf)),
    ExportFormat("cyjs", "cyjs", "Cytoscape.js JSON of the projection", _via_networkx(write_cytoscape)),
    ExportFormat("turtle", "ttl", "Turtle of all triples (the union of the named graphs)", _rdf_writer(ox.RdfFormat.TURTLE)),
    ExportFormat("jsonld", "jsonld", "JSON-LD of all triples (the union of the named graphs)", _rdf_writer(ox.RdfFormat.JSON_LD)),
)}


def export_graph(source: ox.Store | Iterable[str | Path], fmt: str, out_path: str | Path) -> Path:
    """Write a loaded store, or the RDF files given, in export format `fmt` to `out_path`."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    EXPORT_FORMATS[fmt].write(source if isinstance(source, ox.Store) else load_store(source), out)
    return out
