"""`kg export` without -o leaves the build files alone; `kg reason --place` names the valid places."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from kg.cli import main


def test_export_without_out_writes_stdout_not_the_build(built, tmp_path: Path) -> None:
    out_dir, _ = built
    graph = tmp_path / "graph.trig"
    shutil.copy(out_dir / "graph.trig", graph)
    turtle = tmp_path / "graph.ttl"
    turtle.write_bytes(b"# a file that must survive\n")
    result = CliRunner().invoke(main, ["export", "--format", "turtle", "--graph", str(graph)])
    assert result.exit_code == 0, result.output
    assert turtle.read_bytes() == b"# a file that must survive\n"
    triples = list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.TURTLE))
    distinct = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=graph, format=ox.RdfFormat.TRIG)}
    assert len(triples) == len(distinct)


def test_reason_place_lists_the_valid_places(built) -> None:
    out_dir, _ = built
    result = CliRunner().invoke(main, ["reason", "--graph", str(out_dir / "graph.trig"), "--place", "can-tho"])
    assert result.exit_code == 1
    assert "did you mean vn-can-tho?" in result.output
    listed = result.output.split("Places with documents: ")[1].split()[0:10]
    places = [slug.strip(",") for slug in listed if slug.startswith("vn-")]
    assert "vn-can-tho" in places and len(places) >= 3 and places == sorted(places)


def test_query_file_resolves_relative_iris_against_itself(built, tmp_path: Path) -> None:
    out_dir, _ = built
    query = tmp_path / "relative.rq"
    query.write_text("CONSTRUCT { <s> <p> 1 } WHERE {}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(query), "--format", "ntriples", "--graph", str(out_dir / "graph.trig")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"<{(tmp_path / 's').as_uri()}> <{(tmp_path / 'p').as_uri()}>")
