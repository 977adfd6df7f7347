"""Sources stage: read the local documents listed in data/sources (and any other .txt there).

A bad file (empty, binary, not UTF-8, cut short) gives a SourceError naming the file and the
problem; the other documents still load.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kg.model import SourceText
from kg.parse.normalize import normalize_text
from kg.parse.repair import reference_file, reference_texts, repair_sources

MANIFEST = "manifest.json"
_MIN_CHARS = 40


@dataclass(frozen=True)
class SourceError:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM; raise ValueError naming the problem."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise ValueError("binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if err.start >= len(raw) - 3:
            raise ValueError(f"truncated: the file ends in the middle of a UTF-8 character (byte {err.start})") from err
        raise ValueError(f"not UTF-8 text: invalid byte 0x{raw[err.start]:02x} at offset {err.start}") from err


def read_source(path: Path, entry: dict | None = None, root: Path | None = None) -> SourceText:
    """One source file as a SourceText; ValueError with the problem when it cannot be used."""
    raw = path.read_bytes()
    entry = entry or {}
    if not raw.strip():
        raise ValueError("empty file")
    expected = entry.get("sha256")
    digest = hashlib.sha256(raw).hexdigest()
    if expected and expected != digest:
        size = entry.get("bytes")
        hint = f" ({len(raw)} bytes, manifest says {size})" if size else ""
        raise ValueError(f"changed or truncated: checksum differs from the manifest{hint}")
    return source_from_bytes(raw, path.stem, str(path.relative_to(root)) if root else path.name, entry)


def source_from_bytes(raw: bytes, source_id: str, path: str, entry: dict | None = None) -> SourceText:
    """Decode and normalise raw bytes as the text of one source (no manifest checksum check):
    what `read_source` does once the file is read, reused for texts made in memory."""
    entry = entry or {}
    text, dropped = normalize_text(_decode(raw))
    if len(text.strip()) < _MIN_CHARS:
        raise ValueError(f"too short to be a document ({len(text.strip())} characters)")
    return SourceText(
        source_id=source_id,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        original_name=entry.get("original_name", ""),
        hint_jurisdiction=entry.get("jurisdiction", ""),
        hint_issuer=entry.get("issuer", ""),
        hint_kind=entry.get("kind", ""),
        text_state=entry.get("text_state", "clean"),
        removed_duplicate_lines=dropped,
    )


def load_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    return {entry["file"]: entry for entry in data.get("documents", [])}


def load_sources(folder: Path) -> tuple[list[SourceText], list[SourceError]]:
    """Every .txt file of the folder, sorted by name; the manifest adds what the curator knows."""
    manifest = load_manifest(folder)
    sources, errors = [], []
    for name in sorted(set(manifest) - {p.name for p in folder.glob("*.txt")}):
        errors.append(SourceError(str(folder / name), "listed in the manifest but missing"))
    for path in sorted(folder.glob("*.txt")):
        try:
            sources.append(read_source(path, manifest.get(path.name), folder.parent))
        except (ValueError, OSError) as err:
            errors.append(SourceError(str(path), str(err)))
    return repair_sources(sources, reference_texts(reference_file(folder.parent))), errors
