"""Shared fixtures: the graph built once per test session from the project's own data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import config
from kg.pipeline import build


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, object]:
    """(build folder, BuildReport) of `kg build` on data/, written to a temporary folder."""
    out = tmp_path_factory.mktemp("build")
    report = build(config.DATA_DIR, out, config.ONTOLOGY_DIR)
    return out, report
