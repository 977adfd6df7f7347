"""data/reference/central.json (the derived facts) and central.ttl (their RDF), deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from kg.central.layer import CentralLayer, from_json, to_json

JSON_NAME = "central.json"
TTL_NAME = "central.ttl"


def dumps(layer: CentralLayer) -> str:
    return json.dumps(to_json(layer), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_reference(layer: CentralLayer, out_dir: Path) -> tuple[Path, Path]:
    """Write central.json and central.ttl into `out_dir`; the same layer gives the same bytes."""
    from kg.graph.reference import reference_graph, serialize_sorted

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, ttl_path = out_dir / JSON_NAME, out_dir / TTL_NAME
    json_path.write_text(dumps(layer), encoding="utf-8")
    ttl_path.write_text(serialize_sorted(reference_graph(layer)), encoding="utf-8")
    return json_path, ttl_path


def load_reference(data_dir: Path) -> CentralLayer:
    """The layer from central.json in `data_dir` (a data/reference folder); no corpus needed."""
    path = Path(data_dir) / JSON_NAME
    return from_json(CentralLayer, json.loads(path.read_text(encoding="utf-8")))
