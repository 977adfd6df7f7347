"""Sources stage: read the local documents listed in data/sources (and any other document there).

Every file of the folder is a document: .txt, .docx, .pdf or a saved web page (.html), read by
`kg.formats`. A bad file (empty, binary, not UTF-8, cut short, a corrupt .docx, a scanned PDF, a
format the project cannot read) gives a SourceError naming the file and the problem; the other
documents still load. A file whose bytes no longer match the checksum the manifest recorded is
refused with what changed and the command that registers the new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kg.files import write_atomic
from kg.formats import text_of
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


def read_source(path: Path, entry: dict | None = None, root: Path | None = None) -> SourceText:
    """One source file as a SourceText; ValueError with the problem when it cannot be used."""
    raw = path.read_bytes()
    entry = entry or {}
    if not raw.strip():
        raise ValueError("empty file")
    expected = entry.get("sha256")
    if expected and expected != hashlib.sha256(raw).hexdigest():
        raise ValueError(changed_message(path, raw, entry))
    name = str(path.relative_to(root)) if root else path.name
    return source_from_bytes(raw, path.stem, name, entry, path.suffix)


def changed_message(path: Path, raw: bytes, entry: dict) -> str:
    """Why a registered file is refused, and what to run: the checksum recorded when it was added
    is that of other bytes (an edit, a new version saved over it, or a copy cut short)."""
    size, was = len(raw), entry.get("bytes")
    what = f"{size} bytes, {was} when registered" if was else f"{size} bytes"
    if was and size < was:
        what += f" ({was - size} fewer: edited or cut short)"
    elif was and size > was:
        what += f" ({size - was} more)"
    return (f"changed or truncated since it was registered (checksum differs from the manifest; {what}): "
            f"if the change is intended, run `kg sources add --update {path}`; otherwise restore the file")


def source_from_bytes(raw: bytes, source_id: str, path: str, entry: dict | None = None,
                      suffix: str = ".txt") -> SourceText:
    """Read (by the format of `suffix`) and normalise raw bytes as the text of one source (no
    manifest checksum check): what `read_source` does once the file is read, reused for texts
    made in memory."""
    entry = entry or {}
    text, dropped = normalize_text(text_of(suffix, raw))
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


def _manifest_data(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {"documents": []}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from err


def load_manifest(folder: Path) -> dict[str, dict]:
    return {entry["file"]: entry for entry in _manifest_data(folder).get("documents", [])}


def save_manifest_entry(folder: Path, entry: dict) -> Path:
    """Add or replace (by file name) one document of the manifest, written atomically; the other
    entries and the manifest's own notes are kept as they are, documents sorted by file name."""
    data = _manifest_data(folder)
    documents = {e["file"]: e for e in data.get("documents", [])} | {entry["file"]: entry}
    data["documents"] = [documents[name] for name in sorted(documents)]
    path = folder / MANIFEST
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def document_files(folder: Path) -> list[Path]:
    """The files of the folder that are documents (all but the manifest and hidden files), by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))


def load_sources(folder: Path) -> tuple[list[SourceText], list[SourceError]]:
    """Every document file of the folder, sorted by name; the manifest adds what the curator knows."""
    manifest = load_manifest(folder)
    files = document_files(folder) if folder.is_dir() else []
    sources, errors = [], []
    for name in sorted(set(manifest) - {p.name for p in files}):
        errors.append(SourceError(str(folder / name), "listed in the manifest but missing"))
    first_of: dict[str, str] = {}
    for path in files:
        if path.stem in first_of:  # one document id per stem: the graph is named after it
            errors.append(SourceError(str(path), f"same name as {first_of[path.stem]}: one document, two files? "
                                                 "rename or remove one"))
            continue
        first_of[path.stem] = path.name
        try:
            sources.append(read_source(path, manifest.get(path.name), folder.parent))
        except (ValueError, OSError) as err:
            errors.append(SourceError(str(path), str(err)))
    return repair_sources(sources, reference_texts(reference_file(folder.parent))), errors
