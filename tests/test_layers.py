"""One direction of flow: sources → parse → extract → link → graph → store/validate/query/serve/export.
A module may import its own stage or a lower one, never a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kg"

# Lower number, lower stage. Text handling (parse) sits under the readers of file formats and
# sources, which call it; the central layer is reference data that linking reads.
STAGES = {
    "model": 0, "config": 0, "files": 0, "csvinput": 0,
    "parse": 1, "formats": 2, "sources": 3, "extract": 4, "central": 5, "link": 6, "graph": 7,
    "shacl_sparql": 8,
    "store": 9, "validate": 9, "reason": 9, "export": 9, "publish": 9,
    "serve": 10, "pipeline": 10, "build_cache": 10, "evaluation": 11,
    "cli": 12, "cli_link": 12, "cli_ocr": 12, "cli_openings": 12, "cli_reorg": 12, "cli_sources": 12,
    "cli_store": 12,
}


def _stage_of(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, stage) of every `from kg.<stage>…` import in the module, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.module.split(".")[1]) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg.")]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_stage_has_a_place() -> None:
    stages = {_stage_of(p) for p in MODULES} | {stage for p in MODULES for _, stage in _imports(p)}
    assert stages - {"__main__"} <= set(STAGES), f"place these in STAGES: {sorted(stages - set(STAGES))}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_upward(module: Path) -> None:
    own = _stage_of(module)
    upward = [f"line {line}: kg.{stage}" for line, stage in _imports(module)
              if stage != own and STAGES.get(stage, 99) > STAGES.get(own, -1)]
    assert not upward, f"{module.name} ({own}) imports a higher stage: {upward}"
