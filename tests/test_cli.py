"""The `kg` command as a user runs it: build, validate, query, export in-process; serve as a real server."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time

import httpx
import networkx as nx
from click.testing import CliRunner

from kg import config
from kg.cli import main

SAMPLE_QUERY = """PREFIX kg: <https://w3id.org/nq57kg/ont#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?symbol (COUNT(?task) AS ?tasks) WHERE {
  ?doc kg:sourceFile ?file ; eli:id_local ?symbol .
  ?task a kg:Task ; eli:is_part_of+ ?doc .
} GROUP BY ?symbol ORDER BY ?symbol
"""


def test_build_prints_a_row_per_document(tmp_path):
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "can-tho_ubnd_kh-37                   37/KH-UBND     2025-02-20" in result.output
    assert "5 documents, 0 unreadable" in result.output
    assert (tmp_path / "graph.trig").stat().st_size > 0


def test_build_without_sources_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "sources is not a folder" in result.output


def test_a_folder_of_new_plans_needs_only_sources(tmp_path):
    sources = tmp_path / "plans" / "sources"
    sources.mkdir(parents=True)
    text = (config.DATA_DIR / "sources" / "dak-lak_ubnd_kh-146.txt").read_text(encoding="utf-8")
    (sources / "plan.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "plans"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "146/KH-UBND" in result.output and "1 documents, 0 unreadable" in result.output
    (sources / "manifest.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "plans"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "manifest.json: not valid JSON" in result.output


def test_validate_reports_per_document_and_exits_by_severity(built):
    out, _ = built
    result = CliRunner().invoke(main, ["validate", "--graph", str(out / "graph.trig"), "--format", "json"])
    reports = json.loads(result.output)["documents"]
    assert result.exit_code == (1 if any(f["severity"] == "violation" for r in reports for f in r["findings"]) else 0)
    can_tho = next(r for r in reports if r["graph"].endswith("/doc/can-tho_ubnd_kh-37"))
    assert can_tho["label"] == "Kế hoạch 37/KH-UBND"


def test_validate_reports_the_directives_each_province_leaves_uncovered(built):
    out, _ = built
    graph = str(out / "graph.trig")
    coverage = json.loads(CliRunner().invoke(main, ["validate", "--graph", graph, "--format", "json"]).output)["coverage"]
    counts = CliRunner().invoke(main, ["query", str(config.QUERIES_DIR / "coverage-by-province.rq"), "--graph", graph,
                                       "--format", "csv"]).output
    covered = {row["province"]: row for row in csv.DictReader(io.StringIO(counts))}
    assert {gap["province"] for gap in coverage} == set(covered)  # no seed province covers everything
    for gap in coverage:
        row = covered[gap["province"]]
        assert len(gap["groups57"]) == 7 - int(row["groups57"]) and len(gap["tasks03"]) == 140 - int(row["tasks03"])
        assert all(1 <= int(n) <= 140 for n in gap["tasks03"]) and len(set(gap["tasks03"])) == len(gap["tasks03"])
    text = CliRunner().invoke(main, ["validate", "--graph", graph]).output
    quang_nam = next(g for g in coverage if g["province"] == "vn-quang-nam")
    assert f"03/NQ-CP Phụ lục II tasks ({len(quang_nam['tasks03'])}): " in text
    assert quang_nam["name"] == "Quảng Nam" and "  Quảng Nam  57-NQ/TW groups" in text.split("leaves uncovered")[1]
    assert f"of which name localities as lead or cooperating ({len(quang_nam['tasks03_for_localities'])}): " in text
    assert set(quang_nam["tasks03_for_localities"]) < set(quang_nam["tasks03"])


def test_validate_names_a_missing_graph(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--graph", str(tmp_path / "nothing.trig")])
    assert result.exit_code == 2
    assert "does not exist: run `kg build` first" in result.output


def test_query_runs_a_query_file_over_the_built_graph(built, tmp_path):
    out, _ = built
    query = tmp_path / "tasks.rq"
    query.write_text(SAMPLE_QUERY, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(query), "--graph", str(out / "graph.trig"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = dict(line.split(",") for line in result.output.strip().splitlines()[1:])
    assert int(rows["37/KH-UBND"]) >= 90 and int(rows["60-CTr/TU"]) >= 40


def test_bad_query_or_graph_files_are_errors_naming_the_file(built, tmp_path):
    out, _ = built
    bad_query = tmp_path / "bad.rq"
    bad_query.write_text("SELEC ?x WHERE { ?x ?p ?o }", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(bad_query), "--graph", str(out / "graph.trig")])
    assert result.exit_code == 1 and f"{bad_query}: SPARQL" in result.output
    binary = tmp_path / "binary.rq"
    binary.write_bytes(b"\xff\xfe\x00")
    result = CliRunner().invoke(main, ["query", str(binary), "--graph", str(out / "graph.trig")])
    assert result.exit_code == 1 and str(binary) in result.output and "utf-8" in result.output
    bad_graph = tmp_path / "bad.ttl"
    bad_graph.write_text("garbage <<", encoding="utf-8")
    good_query = tmp_path / "good.rq"
    good_query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(good_query), "--graph", str(bad_graph)])
    assert result.exit_code == 1 and f"{bad_graph}: cannot load" in result.output and "Traceback" not in result.output
    for command in (["export", "--format", "graphml", "-o", str(tmp_path / "g.graphml")], ["serve", "--port", "1"]):
        result = CliRunner().invoke(main, [*command, "--graph", str(bad_graph)])
        assert result.exit_code == 1 and f"{bad_graph}: cannot load" in result.output, command


def test_export_graphml_reads_back_in_networkx(built, tmp_path):
    out, _ = built
    target = tmp_path / "graph.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "-o", str(target),
                                       "--graph", str(out / "graph.trig")])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(target)
    plan = graph.nodes["https://w3id.org/nq57kg/eli/vn-can-tho/ubnd/kh/2025/37"]
    assert plan["label"] and plan["iri"].endswith("/kh/2025/37")
    assert graph.number_of_edges() > 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_a_sparql_query_over_http(built):
    out, _ = built
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port),
                               "--graph", str(out / "graph.trig")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):  # up to 30 s for the server to load the graph
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        response = httpx.get(f"{url}/sparql", params={"query": SAMPLE_QUERY},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert response.status_code == 200
        bindings = response.json()["results"]["bindings"]
        assert {b["symbol"]["value"] for b in bindings} >= {"37/KH-UBND", "146/KH-UBND", "60-CTr/TU"}
        plan = httpx.get(f"{url}/eli/vn-can-tho/ubnd/kh/2025/37", follow_redirects=True, timeout=30)
        assert plan.history[0].status_code == 303 and '"37/KH-UBND"' in plan.text
        assert httpx.get(f"{url}/.well-known/void", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_command_has_help():
    runner = CliRunner()
    for command in main.list_commands(None):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, command
