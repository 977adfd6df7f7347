"""Default locations; every command takes options to override them."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("KG_DATA", PROJECT_ROOT / "data"))
BUILD_DIR = Path(os.environ.get("KG_BUILD", PROJECT_ROOT / "build"))
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"
QUERIES_DIR = PROJECT_ROOT / "queries"
# The central corpus is never committed; tests and `kg reference` read it from here.
CORPUS_DIR = Path(os.environ.get("KG_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
# The W3C SPARQL 1.1 test manifests (not committed either); the conformance tests read them here.
CONFORMANCE_DIR = Path(os.environ.get("KG_CONFORMANCE", CORPUS_DIR.parent / "conformance"))
