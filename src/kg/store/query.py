"""Query engine: load the built RDF into pyoxigraph, run SPARQL with limits, serialise results.

pyoxigraph rather than rdflib: rdflib's SPARQL measured 5-300x slower on a 1M-triple graph shaped
like ours. The default graph of every query is the union of the named graphs (one per source
document), unless the query (FROM / FROM NAMED) or the caller names a dataset. The union is
materialised into the store's default graph when loading: pyoxigraph's own union view repeats a
triple once per graph stating it (COUNT(*) too high), where the RDF merge holds it once.

One table, FORMATS, drives content negotiation, `kg query --format`, the service description and
docs/endpoint.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import pyoxigraph as ox

from kg.graph.vocab import NAMESPACES

QueryForm = Literal["select", "ask", "graph"]
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Row = tuple[Union[Term, None], ...]
PREFIXES = {name: str(ns) for name, ns in NAMESPACES.items()}


class QueryError(ValueError):
    """The query text is not valid SPARQL; the message is the parser's."""


class QueryTimeout(RuntimeError):
    """The query ran past its deadline."""


# pyoxigraph's recursive-descent parser overflows the thread stack (a segfault, no exception) on a
# few thousand nested groups; no real query comes near this depth.
MAX_NESTING = 128
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class Format:
    name: str
    media_types: tuple[str, ...]  # the first is the one sent in Content-Type; the rest are aliases
    extension: str
    forms: frozenset[str]
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    keywords: tuple[str, ...] = ()  # values clients put in format=/output=/results= (SPARQLWrapper)
    w3c_iri: str = ""  # set where pyoxigraph's .iri is not the http://www.w3.org/ns/formats/ IRI

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def iri(self) -> str:
        return self.w3c_iri or self.oxigraph.iri


_RESULTS = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})
FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), "srj", _RESULTS,
           ox.QueryResultsFormat.JSON),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), "srx", _RESULTS,
           ox.QueryResultsFormat.XML),
    # CSV/TSV are defined for SELECT only (SPARQL 1.1 CSV/TSV Results).
    Format("csv", ("text/csv",), "csv", frozenset({"select"}), ox.QueryResultsFormat.CSV),
    Format("tsv", ("text/tab-separated-values",), "tsv", frozenset({"select"}), ox.QueryResultsFormat.TSV),
    Format("turtle", ("text/turtle", "application/turtle", "application/x-turtle"), "ttl", _GRAPH, ox.RdfFormat.TURTLE, ("ttl", "n3")),
    Format("ntriples", ("application/n-triples",), "nt", _GRAPH, ox.RdfFormat.N_TRIPLES, ("nt", "n-triples")),
    Format("jsonld", ("application/ld+json", "application/json"), "jsonld", _GRAPH, ox.RdfFormat.JSON_LD,
           ("json-ld", "json"), "http://www.w3.org/ns/formats/JSON-LD"),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), "rdf", _GRAPH, ox.RdfFormat.RDF_XML,
           ("rdf", "rdf+xml", "xml")),
)
# Files the build writes; pyoxigraph's own from_extension() also guesses for e.g. .txt, too loose here.
LOADABLE = {".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE, ".nq": ox.RdfFormat.N_QUADS,
            ".nt": ox.RdfFormat.N_TRIPLES}
DEFAULT_FORMAT = {"select": "json", "ask": "json", "graph": "turtle"}


def formats_for(form: QueryForm) -> list[Format]:
    return [f for f in FORMATS if form in f.forms]


def format_named(name: str, form: QueryForm) -> Format | None:
    """A format of `form` by name, keyword, extension or media type (for --format and format=)."""
    key = name.strip().lower()
    for fmt in formats_for(form):
        if key in (fmt.name, fmt.extension, *fmt.keywords, *fmt.media_types):
            return fmt
    return None


@dataclass
class QueryResult:
    kind: QueryForm
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # SELECT rows, or CONSTRUCT/DESCRIBE triples as 1-tuples
    boolean: bool | None = None
    truncated: bool = False


def distinct_triples(quads: Iterable[ox.Quad]) -> set[ox.Triple]:
    """The quads' triples, each once: a triple stated in several named graphs is one triple of the union."""
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}


def load_store(paths: Iterable[str | Path]) -> ox.Store:
    """An in-memory store holding every file; the RDF format comes from each file's extension."""
    store = ox.Store()
    for path in map(Path, paths):
        fmt = LOADABLE.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"{path}: unknown RDF file extension {path.suffix!r} (use .trig, .ttl, .nq or .nt)")
        try:
            store.bulk_load(path=path, format=fmt)
        except (SyntaxError, OSError) as err:
            raise ValueError(f"{path}: cannot load: {err}") from err
    union_default_graph(store)
    return store


def union_default_graph(store: ox.Store) -> None:
    """Copy every named graph's triples into the default graph, each distinct triple once."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def query_union(store: ox.Store, query: str):
    """Solutions of `query` with the union of the named graphs as its default graph: the store's
    default graph where it holds that union already (load_store), else the union itself. Asking for
    the union over a store that holds it twice would match every triple twice."""
    empty = next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None
    return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=empty)


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Raise QueryError if brackets nest deeper than `limit` (strings, IRIs and comments skipped)."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            i = _after_string(text, i + len(quote), quote)
            continue
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif c == "<":
            end = _iri_end(text, i)
            i = end if end else i
        elif c in _OPEN:
            depth += 1
            if depth > limit:
                raise QueryError(f"the query nests groups, brackets or parentheses more than {limit} deep "
                                 f"(at character {i + 1}); flatten it")
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        i += 1


def _after_string(text: str, i: int, quote: str) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(quote, i):
            return i + len(quote)
        else:
            i += 1
    return i


def _iri_end(text: str, i: int) -> int | None:
    """Index of the '>' closing an IRI opened at i, or None when '<' is the less-than operator."""
    for j in range(i + 1, min(len(text), i + 4096)):
        ch = text[j]
        if ch == ">":
            return j
        if ch in '<"{}|^`\\' or ch <= " ":
            return None
    return None


def execute(
    store: ox.Store,
    text: str,
    *,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    base_iri: str | None = None,
) -> ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples:
    """pyoxigraph's lazy answer to one SPARQL query (see run_query for the dataset arguments)."""
    check_nesting(text)
    dataset: dict[str, object] = {}
    if default_graphs is not None or named_graphs is not None:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs or ()]
        if named_graphs is not None:
            dataset["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    try:
        return store.query(text, prefixes=PREFIXES, base_iri=base_iri, **dataset)
    except SyntaxError as err:
        raise QueryError(str(err)) from err


def form_of(answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples) -> QueryForm:
    if isinstance(answer, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(answer, ox.QuerySolutions) else "graph"


def run_query(
    store: ox.Store,
    text: str,
    *,
    max_rows: int,
    deadline: float | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Run one SPARQL query and keep at most `max_rows` rows (marking truncation).

    `deadline` (time.monotonic()) is checked between rows, so a runaway query stops its worker.
    Passing `default_graphs` or `named_graphs` replaces the union default graph and any FROM clause;
    otherwise FROM / FROM NAMED in the query choose the dataset. Relative IRIs resolve against `base_iri`.
    """
    answer = execute(store, text, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows, truncated = _take(((sol[v] for v in variables) for sol in answer), max_rows, deadline)
        return QueryResult("select", variables=variables, rows=rows, truncated=truncated)
    rows, truncated = _take(((t,) for t in answer), max_rows, deadline)
    return QueryResult("graph", rows=rows, truncated=truncated)


def serialize_answer(answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, fmt: Format, *,
                     max_rows: int, deadline: float | None = None) -> tuple[bytes, bool]:
    """An answer of execute() in `fmt` with at most `max_rows` rows, and whether rows were cut.

    SELECT solutions never become Python objects: pyoxigraph writes them as TSV (exact RDF term
    syntax, one line per row) into a sink that stops it after max_rows rows or at the deadline, and
    the kept lines are converted to `fmt` by pyoxigraph. Collecting rows as Python terms and
    writing them back cost as much as the query itself on large answers (plan-links.rq).
    """
    if isinstance(answer, ox.QueryBoolean):
        return serialize(QueryResult("ask", boolean=bool(answer)), fmt), False
    if not isinstance(answer, ox.QuerySolutions):
        rows, truncated = _take(((t,) for t in answer), max_rows, deadline)
        return serialize(QueryResult("graph", rows=rows, truncated=truncated), fmt), truncated
    if "select" not in fmt.forms:
        raise ValueError(f"format {fmt.name} does not apply to SELECT results")
    sink = _TsvSink(max_rows, deadline)
    try:
        answer.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _Enough:
        pass
    tsv, truncated = sink.kept()
    if fmt.oxigraph == ox.QueryResultsFormat.TSV:
        return tsv, truncated
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt.oxigraph), truncated


class _Enough(Exception):
    """Raised by _TsvSink to stop the serialiser once a row beyond the limit arrived."""


class _TsvSink:
    """A binary write target for pyoxigraph's TSV writer: the header and up to `limit` rows."""

    def __init__(self, limit: int, deadline: float | None) -> None:
        self.limit, self.deadline = limit, deadline
        self.parts: list[bytes] = []
        self.lines = 0

    def write(self, chunk: bytes) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout("query deadline passed")
        self.parts.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:  # the header line, then the rows
            raise _Enough
        return len(chunk)

    def flush(self) -> None:
        pass

    def kept(self) -> tuple[bytes, bool]:
        text = b"".join(self.parts)
        if self.lines <= self.limit + 1:
            return text, False
        end = -1
        for _ in range(self.limit + 1):
            end = text.index(b"\n", end + 1)
        return text[:end + 1], True


def _take(rows: Iterable[Iterable[Term | None]], limit: int, deadline: float | None) -> tuple[list[Row], bool]:
    kept: list[Row] = []
    for row in rows:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout("query deadline passed")
        if len(kept) == limit:
            return kept, True
        kept.append(tuple(row))
    return kept, False


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """The result in `fmt`, written by pyoxigraph's own serialisers."""
    if result.kind not in fmt.forms:
        raise ValueError(f"format {fmt.name} does not apply to {result.kind.upper()} results")
    if result.kind == "graph":
        return ox.serialize([row[0] for row in result.rows], format=fmt.oxigraph, prefixes=PREFIXES)
    if result.kind == "ask":
        answer = ox.parse_query_results("true" if result.boolean else "false", ox.QueryResultsFormat.TSV)
    else:
        # pyoxigraph cannot build solutions from Python rows, so the kept rows round-trip through
        # TSV, whose cells are exact RDF term syntax.
        answer = ox.parse_query_results(_tsv(result), ox.QueryResultsFormat.TSV)
    return answer.serialize(format=fmt.oxigraph)


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in result.rows]
    return "\n".join(lines) + "\n"
