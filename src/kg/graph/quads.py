"""One document's triples as N-Quads lines, without an rdflib store.

A build adds about 6,500 triples a document; rdflib's in-memory store costs tens of microseconds an
`add` (indexes, contexts, events) and its N-Quads serialiser about as much a triple, which made
assembling and writing most of a build (docs/performance.md). The graph stage only ever adds,
removes and scans one document's triples, so `TripleSet` keeps them in a Python set with the
few rdflib Graph methods the stage calls, and `nquad_lines` writes the lines exactly as rdflib's
N-Quads serialiser does (the output files stay byte-identical).
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class TripleSet:
    """The triples of one document's graph: what of rdflib's Graph the graph stage uses (add,
    remove, membership, iteration, every object), on a plain set."""

    def __init__(self) -> None:
        self._triples: set[Triple] = set()

    def add(self, triple: Triple) -> TripleSet:
        self._triples.add(triple)
        return self

    def remove(self, triple: Triple) -> None:
        self._triples.discard(triple)

    def __contains__(self, triple: Triple) -> bool:
        return triple in self._triples

    def __len__(self) -> int:
        return len(self._triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def objects(self) -> Iterator[Node]:
        return (o for _, _, o in self._triples)


class LineWriter:
    """Terms to their N-Quads form as rdflib writes them (`_nq_row`); IRIs are memoised, since
    predicates, types, places and agencies repeat on most lines (keyed by their plain string:
    rdflib's term hashing is Python code). The memo is emptied when it grows past `limit`
    (most of a document's IRIs are its own and never come back)."""

    def __init__(self, limit: int = 200_000) -> None:
        self._iris: dict[str, str] = {}
        self._limit = limit

    def term(self, term: Node) -> str:
        kind = type(term)
        if kind is URIRef:
            key = str.__str__(term)
            text = self._iris.get(key)
            if text is None:
                if len(self._iris) >= self._limit:
                    self._iris.clear()
                text = self._iris[key] = term.n3()  # n3 refuses an IRI rdflib could not write
            return text
        if kind is Literal:
            return _quoteLiteral(term)
        return term.n3()

    def lines(self, triples: Iterable[Triple], graph: URIRef) -> list[str]:
        """Each triple as one N-Quads line in `graph`, without the line break."""
        name, term = self.term(graph), self.term
        return [f"{term(s)} {term(p)} {term(o)} {name} ." for s, p, o in triples]


def pack(lines: Iterable[str]) -> bytes:
    """Sorted distinct lines, compressed: a document's lines are held (and cached) in about a
    tenth of their size until the files are written."""
    return zlib.compress("\n".join(sorted(set(lines))).encode("utf-8"), 1)


def unpack(blob: bytes, replace: tuple[str, str] | None = None, chunk: int = 2048) -> Iterator[str]:
    """The lines of `pack`, decompressed a piece at a time: three streams a document are merged
    at once, so each holds only its decompressor and a few kilobytes of text. `replace` swaps a
    placeholder in whole lines (a placeholder is never cut in two)."""
    inflate, decode, rest = zlib.decompressobj(), codecs.getincrementaldecoder("utf-8")(), ""
    for start in range(0, len(blob), chunk):
        whole, _, rest = (rest + decode.decode(inflate.decompress(blob[start:start + chunk]))).rpartition("\n")
        if whole:
            yield from (whole.replace(*replace) if replace else whole).split("\n")
    rest += decode.decode(inflate.flush(), final=True)
    if rest:
        yield rest.replace(*replace) if replace else rest
