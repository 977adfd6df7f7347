"""The persistent store: pyoxigraph's RocksDB store on disk, written once from the built quads.

Written into a sibling temporary folder and renamed over the target, so a reader never sees half a
store and a failed load leaves the previous store in place. The union of the named graphs is
materialised into the default graph at load time (as kg.store.query.load_store does in memory), so
opening the store read-only costs no scan and no copy: `kg serve --store` starts in seconds.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.store.query import LOADABLE, union_default_graph


class StoreError(ValueError):
    """A graph file or store folder that cannot be used; the message names it."""


def build_store(graph_paths: Iterable[str | Path], store_dir: str | Path) -> int:
    """Bulk-load the RDF files into a new on-disk store at `store_dir` (replacing it); the quad count."""
    target = Path(store_dir)
    if target.exists() and not (target / "CURRENT").exists():
        raise StoreError(f"{target}: exists and is not a store folder; not replacing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        store = ox.Store(str(staging))
        for path in map(Path, graph_paths):
            _bulk_load(store, path)
        union_default_graph(store)
        store.optimize()
        count = len(store)
        store.flush()
        del store  # releases RocksDB's lock before the rename
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _bulk_load(store: ox.Store, path: Path) -> None:
    fmt = LOADABLE.get(path.suffix.lower())
    if fmt is None:
        raise StoreError(f"{path}: unknown RDF file extension {path.suffix!r} (use .trig, .ttl, .nq or .nt)")
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, OSError) as err:
        raise StoreError(f"{path}: cannot load: {err}") from err


def _replace(staging: Path, target: Path) -> None:
    """Swap the new store in: the old one is renamed aside first, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def open_store(store_dir: str | Path) -> ox.Store:
    """The store at `store_dir`, read-only (several servers may open it at once)."""
    path = Path(store_dir)
    if not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: not a store folder (write one with `kg store load`)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store: {err}") from err
