"""The build's output files switched into place as one set.

Each file written atomically is not enough: a build killed between two files would leave graph.nq
from one build beside graph.ttl from another. So every build writes its whole set into a new
folder `OUT/runs/<id>/`, and one symbolic link, `OUT/current`, is switched to it with a single
rename (atomic on POSIX file systems). `OUT/graph.trig`, `graph.ttl` and `graph.nq` are fixed
links through `current`, so readers always open files of one build; a build killed at any point
leaves the previous `current` and its files untouched. Older runs are removed after the switch.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

RUNS, CURRENT = "runs", "current"


def publish(out_dir: Path, write: Callable[[Path], dict[str, str]]) -> dict[str, str]:
    """Call `write(folder)` on a fresh run folder, then make it current. Returns name -> public path."""
    runs = out_dir / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    folder = runs / f"run-{secrets.token_hex(6)}"
    folder.mkdir()
    try:
        written = write(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _switch(out_dir, folder)
    for name in written.values():
        _link(out_dir / name, Path(CURRENT) / name)
    _remove_old_runs(runs, keep=folder)
    return {key: str(out_dir / name) for key, name in written.items()}


def previous_size(out_dir: Path, name: str) -> int | None:
    """Lines of the current build's `name` (N-Quads: one quad a line), None if there is none."""
    path = out_dir / name
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _switch(out_dir: Path, folder: Path) -> None:
    pending = out_dir / f".{CURRENT}.{secrets.token_hex(4)}"
    pending.symlink_to(Path(RUNS) / folder.name)
    os.replace(pending, out_dir / CURRENT)


def _link(path: Path, target: Path) -> None:
    """`path` -> `target`, replacing a plain file left by an older layout (once)."""
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    pending = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    pending.symlink_to(target)
    os.replace(pending, path)


def _remove_old_runs(runs: Path, keep: Path) -> None:
    for run in runs.iterdir():
        if run != keep:
            shutil.rmtree(run, ignore_errors=True)
