"""The persistent store and the round trip through a real SPARQL server: the seed build published
to an Oxigraph server (PyPI `oxigraph`) started on loopback answers every library query with the
same rows as the local engine, and so does the on-disk store `kg store load` writes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import re
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.store.query import load_store, run_query
from kg.serve import create_app
from kg.store import StoreError, build_store, open_store, remote_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
OXIGRAPH = shutil.which("oxigraph")
needs_server = pytest.mark.oxigraph_server


def rows(result, text: str = "") -> list[tuple[str, ...]]:
    """Sorted rows of lexical terms; a GROUP_CONCAT cell as its sorted parts, since SPARQL leaves
    the order of the concatenated values to the engine."""
    concat = dict((var, sep) for sep, var in
                  re.findall(r'GROUP_CONCAT\(.*?SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', text, flags=re.I | re.S))
    return sorted(tuple(_cell(term, concat.get(var)) for var, term in zip(result.variables or [""], row))
                  for row in result.rows)


def _cell(term, separator: str | None) -> str:
    if term is None:
        return ""
    if separator and isinstance(term, ox.Literal):
        return separator.join(sorted(term.value.split(separator)))
    return str(term)


@pytest.fixture(scope="module")
def local(built):
    return load_store([built[0] / "graph.nq"])


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """An Oxigraph server on a free loopback port, the build published to it by `kg publish`."""
    if OXIGRAPH is None:
        pytest.skip("the oxigraph server binary is absent (pip install oxigraph)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process)
        result = CliRunner().invoke(main, ["publish", "--endpoint", f"{base}/store",
                                           "--graph", str(built[0] / "graph.nq")])
        assert result.exit_code == 0, result.output
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait(base: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode()}")
        try:
            httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("oxigraph serve did not answer within 10 s")


@needs_server
@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_library_query_has_the_same_rows_on_the_oxigraph_server(path: Path, local, server) -> None:
    text = path.read_text(encoding="utf-8")
    mine = run_query(local, text, max_rows=100_000)
    theirs = remote_query(f"{server}/query", text, max_rows=100_000)
    assert mine.rows, f"{path.name} answers nothing on the seed build"
    assert theirs.variables == mine.variables
    assert rows(theirs, text) == rows(mine, text)


@needs_server
def test_published_graphs_are_the_build_graphs(local, server) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert rows(remote_query(f"{server}/query", text, max_rows=1000)) == rows(run_query(local, text, max_rows=1000))


@needs_server
def test_publish_to_a_wrong_path_names_the_graph_and_the_status(built, server) -> None:
    result = CliRunner().invoke(main, ["publish", "--endpoint", f"{server}/no-such-service",
                                       "--graph", str(built[0] / "graph.nq")])
    assert result.exit_code != 0
    assert "graph <https://w3id.org/nq57kg/graph/" in result.output and "HTTP 404" in result.output


@needs_server
def test_kg_query_endpoint_writes_the_local_csv(built, server) -> None:
    query = str(ROOT / "queries" / "agency-load.rq")
    remote = CliRunner().invoke(main, ["query", query, "--endpoint", f"{server}/query", "--format", "csv"])
    mine = CliRunner().invoke(main, ["query", query, "--graph", str(built[0] / "graph.nq"), "--format", "csv"])
    assert remote.exit_code == 0, remote.output
    assert sorted(remote.output.splitlines()) == sorted(mine.output.splitlines())


@pytest.fixture(scope="module")
def persistent(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("persistent") / "store"
    build_store([built[0] / "graph.nq"], folder)
    build_store([built[0] / "graph.nq"], folder)  # replacing an existing store
    return open_store(folder)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_library_query_has_the_same_rows_on_the_persistent_store(path: Path, local, persistent) -> None:
    text = path.read_text(encoding="utf-8")
    assert rows(run_query(persistent, text, max_rows=100_000), text) == rows(run_query(local, text, max_rows=100_000), text)


def test_serve_opens_the_persistent_store(persistent, local) -> None:
    from fastapi.testclient import TestClient

    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with TestClient(create_app(persistent)) as client:
        answer = client.get("/sparql", params={"query": text}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    assert answer.text.splitlines()[1] == str(run_query(local, text, max_rows=1).rows[0][0].value)


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store folder"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="is not a store folder; not replacing it"):
        build_store([ROOT / "queries" / "trace.rq"], tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_store_load_names_a_bad_graph_file(tmp_path: Path) -> None:
    bad = tmp_path / "graph.nq"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["store", "load", "--graph", str(bad), "--store", str(tmp_path / "store")])
    assert result.exit_code != 0 and str(bad) in result.output and "line 1" in result.output.lower()
    assert not (tmp_path / "store").exists()
