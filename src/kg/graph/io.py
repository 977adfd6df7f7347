"""Writing graphs: deterministic serialisation, written atomically (a temp file, then a rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from kg.graph.vocab import NAMESPACES


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sorted_nquads(dataset: Dataset) -> bytes:
    """N-Quads with lines sorted: byte-identical for the same triples whatever the insertion order."""
    text = dataset.serialize(format="nquads")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _turtle(graph: Graph) -> tuple[list[str], str]:
    """(prefix lines, body) of a graph in Turtle; rdflib sorts subjects and predicates."""
    bind_prefixes(graph)
    text = graph.serialize(format="turtle")
    prefixes = [line for line in text.splitlines() if line.startswith("@prefix")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix")).strip()
    return prefixes, body


def serialize_dataset(dataset: Dataset, fmt: str) -> bytes:
    """TriG (named graphs in IRI order) or Turtle (their union) of a dataset."""
    if fmt == "turtle":
        union = Graph()
        for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
            union.add((subject, predicate, obj))
        prefixes, body = _turtle(union)
        return ("\n".join(prefixes) + "\n\n" + body + "\n").encode("utf-8")
    all_prefixes: set[str] = set()
    blocks = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        copy = Graph()
        for triple in graph:
            copy.add(triple)
        prefixes, body = _turtle(copy)
        all_prefixes.update(prefixes)
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        blocks.append(f"<{graph.identifier}> {{\n{indented}\n}}\n")
    return ("\n".join(sorted(all_prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")
