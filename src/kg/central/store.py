"""data/reference/central.json (the derived facts) and central.ttl (their RDF), deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from kg.central.layer import CentralLayer, from_json, to_json
from kg.files import write_atomic

JSON_NAME = "central.json"
TTL_NAME = "central.ttl"


def dumps(layer: CentralLayer) -> str:
    return json.dumps(to_json(layer), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_reference(layer: CentralLayer, out_dir: Path) -> tuple[Path, Path]:
    """Write central.json and central.ttl into `out_dir`; the same layer gives the same bytes."""
    from kg.graph.reference import reference_graph, serialize_sorted

    json_path, ttl_path = Path(out_dir) / JSON_NAME, Path(out_dir) / TTL_NAME
    write_atomic(json_path, dumps(layer).encode("utf-8"))
    write_atomic(ttl_path, serialize_sorted(reference_graph(layer)).encode("utf-8"))
    return json_path, ttl_path


def load_reference(data_dir: Path) -> CentralLayer:
    """The layer from central.json in `data_dir` (a data/reference folder); no corpus needed."""
    path = Path(data_dir) / JSON_NAME
    return from_json(CentralLayer, json.loads(path.read_text(encoding="utf-8")))
