"""Graph exports on the fixture: projection choices, each file format read back, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.export import EXPORT_FORMATS, export_graph, to_networkx
from kg.store.query import load_store

FIXTURE = Path(__file__).parent / "fixtures" / "mini.trig"
B = "https://w3id.org/nq57kg/"
LOCAL_TASK = B + "eli/vn-can-tho/ubnd/kh/2025/37/ii/1"
CENTRAL_TASK = B + "eli/vn/cp/nq/2025/03/pl2/1"


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return to_networkx(load_store([FIXTURE]))


def test_nodes_have_kind_label_and_iri(graph: nx.MultiDiGraph) -> None:
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"document", "part", "task", "target", "indicator", "agency", "place", "concept"}
    assert graph.nodes[B + "eli/vn/tw/nq/2024/57"]["local_id"] == "57-NQ/TW"
    assert graph.nodes[B + "org/vn/bo-khcn"]["label"] == "Bộ Khoa học và Công nghệ"
    assert graph.nodes[CENTRAL_TASK]["label"] == "Xây dựng Luật Chuyển đổi số"
    assert graph.nodes[CENTRAL_TASK]["kind"] == "task"
    assert all(data["iri"] == node for node, data in graph.nodes(data=True))


def test_links_are_edges_not_nodes(graph: nx.MultiDiGraph) -> None:
    assert not any(node.startswith(B + "link/") for node in graph)
    edge = graph.get_edge_data(LOCAL_TASK, CENTRAL_TASK, "kg:implements")
    assert edge["confidence"] == pytest.approx(0.91)
    assert edge["review_status"] == "concept:review-status/accepted"
    assert len(graph.get_edge_data(LOCAL_TASK, CENTRAL_TASK)) == 1  # the direct triple merged into the link edge


def test_object_properties_between_kept_nodes(graph: nx.MultiDiGraph) -> None:
    assert graph.has_edge(CENTRAL_TASK, B + "org/vn/bo-khcn", key="kg:leadAgency")
    assert graph.has_edge(B + "eli/vn/cp/nq/2025/03", B + "eli/vn/tw/nq/2024/57", key="kg:hasBasis")
    assert all(data["predicate"].startswith("http") for *_, data in graph.edges(data=True))


def _export(tmp_path: Path, fmt: str) -> Path:
    return export_graph([FIXTURE], fmt, tmp_path / f"graph.{EXPORT_FORMATS[fmt].extension}")


def test_graphml_reads_back(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(_export(tmp_path, "graphml"))
    assert back.number_of_nodes() == graph.number_of_nodes() and back.number_of_edges() == graph.number_of_edges()
    assert back.nodes[B + "place/vn-can-tho"]["label"] == "Thành phố Cần Thơ"
    assert back.get_edge_data(LOCAL_TASK, CENTRAL_TASK)["kg:implements"]["confidence"] == pytest.approx(0.91)


def test_gexf_reads_back(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    path = _export(tmp_path, "gexf")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.nodes[B + "org/vn-can-tho/so-noi-vu"]["label"] == "Sở Nội vụ thành phố Cần Thơ"
    assert back.nodes[B + "org/vn-can-tho/so-noi-vu"]["kind"] == "agency"
    edges = back.get_edge_data(LOCAL_TASK, CENTRAL_TASK)
    assert any(e.get("review_status") == "concept:review-status/accepted" for e in edges.values())
    assert "lastmodifieddate" not in path.read_text(encoding="utf-8")


def test_cytoscape_json(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    data = json.loads(_export(tmp_path, "cyjs").read_text(encoding="utf-8"))
    nodes = {n["data"]["id"]: n["data"] for n in data["elements"]["nodes"]}
    assert nodes[B + "eli/vn/cp/nq/2025/03"]["name"].startswith("Chương trình hành động của Chính phủ")
    assert len(data["elements"]["edges"]) == graph.number_of_edges()
    assert {"source", "target", "key"} <= data["elements"]["edges"][0]["data"].keys()


@pytest.mark.parametrize(("fmt", "rdf_format"), [("turtle", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)])
def test_rdf_dumps_hold_every_distinct_triple(tmp_path: Path, fmt: str, rdf_format: ox.RdfFormat) -> None:
    triples = list(ox.parse(path=_export(tmp_path, fmt), format=rdf_format))
    store = load_store([FIXTURE])
    assert len(triples) == len({(q.subject, q.predicate, q.object) for q in store})
    assert ox.Literal("Bộ Tư pháp", language="vi") in {t.object for t in triples}


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_output_is_deterministic(tmp_path: Path, fmt: str) -> None:
    first = _export(tmp_path / "a", fmt).read_bytes()
    assert first == _export(tmp_path / "b", fmt).read_bytes()


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="graphml"):
        export_graph([FIXTURE], "dot", tmp_path / "graph.dot")


def test_places_of_the_built_graph_are_place_nodes(built) -> None:
    out, _ = built
    exported = to_networkx(load_store([out / "graph.trig"]))
    place = exported.nodes[B + "place/vn-dak-lak"]
    assert place["kind"] == "place" and place["label"] == "Đắk Lắk"
