"""data/reference/central.json: the derived facts of the central layer, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

from kg.central.layer import CentralLayer, from_json, to_json
from kg.files import write_atomic

JSON_NAME = "central.json"


def dumps(layer: CentralLayer) -> str:
    return json.dumps(to_json(layer), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_layer(layer: CentralLayer, out_dir: Path) -> Path:
    """Write central.json into `out_dir`; the same layer gives the same bytes. Its RDF
    (central.ttl) is the graph stage's: kg.graph.reference.write_reference writes both."""
    path = Path(out_dir) / JSON_NAME
    write_atomic(path, dumps(layer).encode("utf-8"))
    return path


def load_reference(data_dir: Path) -> CentralLayer:
    """The layer from central.json in `data_dir` (a data/reference folder); no corpus needed."""
    path = Path(data_dir) / JSON_NAME
    return from_json(CentralLayer, json.loads(path.read_text(encoding="utf-8")))
