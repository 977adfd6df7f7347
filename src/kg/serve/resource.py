"""Dereferencing: the description of one resource of the graph, and its HTML page.

The description is Concise-Bounded-Description-like (docs/endpoint.md, "Dereferencing"): every
distinct triple with the resource as subject (over all named graphs), blank-node objects followed
to their own triples (only the ontology's OWL lists have any), the same for the hash IRIs it is the
document of (…/ont serves …/ont#Task), the labels of the resources it points to, and the triples
pointing at it, at most `inbound_limit` of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

import pyoxigraph as ox

from kg.export import curie
from kg.graph.ids import BASE
from kg.store.query import PREFIXES, distinct_triples

LABELS = tuple(ox.NamedNode(PREFIXES[p] + name) for p, name in
               (("skos", "prefLabel"), ("rdfs", "label"), ("dcterms", "title")))
RDFS_COMMENT = ox.NamedNode(PREFIXES["rdfs"] + "comment")
XSD_STRING = ox.NamedNode(PREFIXES["xsd"] + "string")
INBOUND_LIMIT = 100  # triples pointing at a resource; a place or concept can have thousands
# Our instance IRIs are slash paths: as prefixed names they need \/ escapes, so they stay full IRIs.
DESCRIPTION_PREFIXES = {name: ns for name, ns in PREFIXES.items() if not ns.startswith(BASE) or ns.endswith("#")}


@dataclass(frozen=True)
class Description:
    iri: str
    outbound: list[ox.Triple]  # subject = the resource, and the blank nodes it reaches
    inbound: list[ox.Triple]  # object = the resource, sorted, cut at the limit
    inbound_total: int
    labels: list[ox.Triple]  # label triples of the resources on the other side
    members: list[str]  # the hash IRIs {iri}#… it is the document of, described in outbound too

    @property
    def truncated(self) -> bool:
        return self.inbound_total > len(self.inbound)

    def triples(self, document: str) -> list[ox.Triple]:
        """All triples to send; a cut inbound list is said in-band, on the document itself."""
        triples = self.outbound + self.inbound + self.labels
        if self.truncated:
            note = (f"Inbound triples cut at {len(self.inbound)} of {self.inbound_total}; "
                    f"the rest: SELECT ?s ?p WHERE {{ ?s ?p <{self.iri}> }} at the /sparql endpoint.")
            triples.append(ox.Triple(ox.NamedNode(document), RDFS_COMMENT, ox.Literal(note, language="en")))
        return triples


def public_iri(path: str) -> str:
    """The graph IRI a local path stands for: /eli/vn/tw/nq/2024/57 -> {BASE}eli/vn/tw/nq/2024/57."""
    return BASE + path.lstrip("/")


def local_href(iri: str, root: str = "") -> str:
    """Where this server answers for an IRI: under BASE its local path, else the IRI itself.

    A hash IRI (the ontology's kg:Task) links to its own description document, /data/ont%23Task: a
    browser would drop the fragment of /ont#Task and land on the ontology's header."""
    if not iri.startswith(BASE):
        return iri
    path = quote(iri[len(BASE):], safe="/")
    return f"{root}/data/{path}" if "%23" in path else f"{root}/{path}"


def is_known(store: ox.Store, node: ox.NamedNode) -> bool:
    """A resource is in the graph when it is a subject, an object or a named graph."""
    return (next(store.quads_for_pattern(node, None, None), None) is not None
            or next(store.quads_for_pattern(None, None, node), None) is not None
            or store.contains_named_graph(node))


def hash_members(store: ox.Store) -> dict[str, list[str]]:
    """Document IRI -> the hash IRIs under BASE it serves (subjects only): one scan of the subjects."""
    query = f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}") && CONTAINS(STR(?s), "#")) }}"""
    members: dict[str, list[str]] = {}
    for row in store.query(query):
        members.setdefault(row["s"].value.partition("#")[0], []).append(row["s"].value)
    return {document: sorted(iris) for document, iris in members.items()}


def describe(store: ox.Store, iri: str, inbound_limit: int = INBOUND_LIMIT, members: list[str] | None = None
             ) -> Description:
    node = ox.NamedNode(iri)
    members = members or []
    outbound = sorted(_closure(store, [node, *map(ox.NamedNode, members)]), key=str)
    inbound_all = sorted(distinct_triples(store.quads_for_pattern(None, None, node)),
                         key=lambda t: (t.predicate.value, str(t.subject)))
    inbound = inbound_all[:inbound_limit]
    others = {t.object for t in outbound if isinstance(t.object, ox.NamedNode)} | {t.subject for t in inbound}
    others.discard(node)
    labels = sorted((t for other in others if isinstance(other, ox.NamedNode) for t in label_triples(store, other)),
                    key=str)
    return Description(iri, outbound, inbound, len(inbound_all), labels, members)


def label_triples(store: ox.Store, node: ox.NamedNode) -> set[ox.Triple]:
    return {t for label in LABELS for t in distinct_triples(store.quads_for_pattern(node, label, None))}


def _closure(store: ox.Store, nodes: list[ox.NamedNode]) -> set[ox.Triple]:
    """The nodes' own triples plus those of the blank nodes reachable from them (CBD)."""
    found: set[ox.Triple] = set()
    pending: list[ox.NamedNode | ox.BlankNode] = list(nodes)
    seen: set[ox.NamedNode | ox.BlankNode] = set(nodes)
    while pending:
        for triple in distinct_triples(store.quads_for_pattern(pending.pop(), None, None)):
            found.add(triple)
            if isinstance(triple.object, ox.BlankNode) and triple.object not in seen:
                seen.add(triple.object)
                pending.append(triple.object)
    return found


# --- HTML ---------------------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="{root}/static/explorer.css"></head>
<body>
<header class="nav"><span class="brand">nq57-kg</span><a href="{root}/explore">Query workbench</a>
<a href="{root}/explore/trace">Trace</a><a href="{root}/explore/coverage">Coverage</a>
<a href="{root}/explore/targets">Targets</a><a href="{root}/ont">Ontology</a><a href="{root}/sparql">Endpoint</a></header>
<main>
<h1>{title}</h1>
<p><code>{iri}</code></p>
{readable}
<h2>All properties</h2>
<p>Also as {alternates}</p>
{graph_link}{outbound}
{members}<h2>Referenced by ({inbound_total})</h2>
{inbound_note}{inbound}
</main>
{scripts}</body></html>
"""
# The neighbourhood graph of a readable page: cytoscape.js, vendored (scripts/vendor.sh).
_GRAPH_SCRIPTS = ('<script src="{root}/static/vendor/cytoscape@3.34.4/cytoscape.min.js"></script>\n'
                  '<script type="module" src="{root}/static/document.js"></script>\n')


def resource_page(description: Description, *, root: str, alternates: dict[str, str], graph_dump: str | None,
                  readable: str = "") -> str:
    """The page: the readable section (kg.serve.document) first, then every property; every value is
    escaped and IRIs of ours link back to this server."""
    names = _label_map(description)
    shown = len(description.inbound)
    note = (f"<p>Showing the first {shown} of {description.inbound_total} (sorted by property); "
            f'query <a href="{escape(root)}/sparql">the SPARQL endpoint</a> for all.</p>\n'
            if description.truncated else "")
    links = " · ".join(f'<a href="{escape(href)}">{escape(name)}</a>' for name, href in alternates.items())
    return _PAGE.format(
        title=escape(names.get(description.iri) or description.iri),
        iri=escape(description.iri),
        root=escape(root),
        readable=readable,
        scripts=_GRAPH_SCRIPTS.format(root=escape(root)) if 'id="neighbourhood"' in readable else "",
        alternates=links,
        graph_link=(f'<p>This is a named graph: <a href="{escape(graph_dump)}">download its triples</a>.</p>\n'
                    if graph_dump else ""),
        outbound=_table(("Property", "Value"),
                        ((_term(t.predicate, names, root), _term(t.object, names, root)) for t in description.outbound
                         if t.subject == ox.NamedNode(description.iri))),
        members=(f"<h2>Defined here ({len(description.members)})</h2>\n"
                 + _table(("Term", "IRI"), ((_term(ox.NamedNode(m), names, root), f"<code>{escape(m)}</code>")
                                           for m in description.members)) + "\n"
                 if description.members else ""),
        inbound_total=description.inbound_total,
        inbound_note=note,
        inbound=_table(("Resource", "Property"),
                       ((_term(t.subject, names, root), _term(t.predicate, names, root)) for t in description.inbound)),
    )


def _label_map(description: Description) -> dict[str, str]:
    """IRI -> its label: by LABELS order (skos:prefLabel, rdfs:label, dcterms:title), Vietnamese first."""
    rank = {label: i for i, label in enumerate(LABELS)}
    best: dict[str, tuple[int, bool, str]] = {}
    for t in description.labels + description.outbound:
        if t.predicate in rank and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal):
            candidate = (rank[t.predicate], t.object.language != "vi", t.object.value)
            best[t.subject.value] = min(best.get(t.subject.value, candidate), candidate)
    return {iri: value for iri, (_, _, value) in best.items()}


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, names: dict[str, str], root: str) -> str:
    if isinstance(term, ox.NamedNode):
        text = names.get(term.value) or curie(term.value)
        return f'<a href="{escape(local_href(term.value, root))}" title="{escape(term.value)}">{escape(text)}</a>'
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<span lang="{escape(term.language)}">{escape(term.value)}</span>'
        if term.datatype == XSD_STRING:
            return escape(term.value)
        return f"{escape(term.value)} <small>{escape(curie(term.datatype.value))}</small>"
    return f"<code>{escape(str(term))}</code>"


def _table(header: tuple[str, str], rows: Iterator[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>\n" for a, b in rows)
    if not body:
        return "<p>None.</p>"
    return f"<table>\n<tr><th>{header[0]}</th><th>{header[1]}</th></tr>\n{body}</table>"


_ERROR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status}</title><link rel="stylesheet" href="{root}/static/explorer.css"></head>
<body><main><h1>{status}</h1><p>{message}</p>
<p>Find resources with the <a href="{root}/explore">explorer</a> or the <a href="{root}/sparql">SPARQL endpoint</a>.</p>
</main></body></html>
"""


def error_page(status: int, message: str, root: str) -> str:
    return _ERROR.format(status=status, message=escape(message), root=escape(root))
