"""Metadata and document links on the openings of documents the project has never read.

The labels (eval/labels/openings.json) name each opening by file and collection: 'shared'
openings are read from the corpus folder (kg.config.CORPUS_DIR/openings), 'extra' ones from the
folders given on the command line. The texts are never in the repository, so an absent file is
skipped and counted, not an error. Each opening is read as a new source with no manifest hints:
only the text can say what the document is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluation.extraction import Score, _norm, _symbol_key, document_citations
from kg.model import Document

META_FIELDS = ("kind", "symbol", "date", "issuer", "jurisdiction", "signer")
# 'amends' is not labelled: a predicted one counts against the link precision
LINK_FIELDS = ("implements", "based_on", "replaces", "amends", "mentions")


def f1(score: Score) -> float:
    p, r = score.precision, score.recall
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class OpeningsResult:
    fields: dict[str, Score]
    read: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    def total(self, names: tuple[str, ...]) -> Score:
        out = Score()
        for name in names:
            out.add(self.fields[name])
        return out


def load_labels(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such labels file") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: line {error.lineno}: not JSON: {error.msg}") from None
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        raise ValueError(f"{path}: no 'documents' list")
    for i, doc in enumerate(documents):
        missing = [k for k in ("file", "collection", "metadata", "citations") if k not in doc]
        if missing:
            raise ValueError(f"{path}: document {i + 1}: missing {', '.join(missing)}")
    return documents


def locate(label: dict, shared_dir: Path, extra_dirs: tuple[Path, ...]) -> Path | None:
    folders = (shared_dir,) if label["collection"] == "shared" else extra_dirs
    return next((folder / label["file"] for folder in folders if (folder / label["file"]).is_file()), None)


def read_opening(path: Path) -> Document:
    from kg.extract import extract_document
    from kg.sources import source_from_bytes

    return extract_document(source_from_bytes(path.read_bytes(), path.stem, path.name))


def predicted_metadata(doc: Document) -> dict[str, str]:
    m = doc.meta
    return {"kind": m.kind, "symbol": m.symbol or m.number, "date": m.date or "",
            "issuer": m.issuer.name if m.issuer else "", "jurisdiction": m.jurisdiction, "signer": m.signer}


def expected_metadata(label: dict) -> dict[str, str]:
    """The labelled values; a number written without its series ('Chương trình số 40') is the symbol."""
    meta = label["metadata"]
    return {name: (meta.get(name) or (meta.get("number") if name == "symbol" else "") or "") for name in META_FIELDS}


def _same(name: str, want: str, got: str) -> bool:
    return _symbol_key(want) == _symbol_key(got) if name == "symbol" else _norm(want) == _norm(got)


def score_opening(doc: Document, label: dict, scores: dict[str, Score]) -> None:
    where = label["file"]
    got_meta, want_meta = predicted_metadata(doc), expected_metadata(label)
    for name in META_FIELDS:
        want, got, score = want_meta[name], got_meta[name], scores[name]
        score.predicted += bool(got)
        score.expected += bool(want)
        if want and got and _same(name, want, got):
            score.tp += 1
        elif want or got:
            score.errors.append(f"{where}: {name}: expected {want!r}, got {got!r}")
    predicted = {key: relation.replace("-", "_") for key, (relation, _) in document_citations(doc).items()}
    expected = {_symbol_key(c["symbol"]): c["relation"].replace("-", "_") for c in label["citations"]}
    written = {_symbol_key(c.target.symbol): c.target.symbol for c in doc.citations}
    written |= {_symbol_key(c["symbol"]): c["symbol"] for c in label["citations"]}
    for name in LINK_FIELDS:
        got = {k for k, r in predicted.items() if r == name}
        want = {k for k, r in expected.items() if r == name}
        score = scores[name]
        score.predicted += len(got)
        score.expected += len(want)
        score.tp += len(got & want)
        score.errors += [f"{where}: {name}: lost {written[k]}" for k in sorted(want - got)]
        score.errors += [f"{where}: {name}: extra {written[k]}" for k in sorted(got - want)]


def evaluate(labels_path: Path, shared_dir: Path, extra_dirs: tuple[Path, ...] = ()) -> OpeningsResult:
    result = OpeningsResult({name: Score() for name in META_FIELDS + LINK_FIELDS})
    for label in load_labels(labels_path):
        path = locate(label, shared_dir, extra_dirs)
        if path is None:
            result.absent.append(label["file"])
            continue
        score_opening(read_opening(path), label, result.fields)
        result.read.append(label["file"])
    return result


def _row(name: str, score: Score) -> str:
    return (f"{name:<14}{score.precision:>7.3f}{score.recall:>7.3f}{f1(score):>7.3f}"
            f"{score.tp:>6}{score.predicted:>6}{score.expected:>6}")


def format_result(result: OpeningsResult, show_errors: bool = False) -> str:
    lines = [f"openings read: {len(result.read)}, absent (skipped): {len(result.absent)}",
             f"{'field':<14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'exp':>6}"]
    lines += [_row(name, result.fields[name]) for name in META_FIELDS]
    lines.append(_row("metadata", result.total(META_FIELDS)))
    lines += [_row(name, result.fields[name]) for name in LINK_FIELDS]
    lines.append(_row("document-links", result.total(LINK_FIELDS)))
    if result.absent:
        lines.append("absent: " + ", ".join(result.absent))
    if show_errors:
        lines += [error for name in META_FIELDS + LINK_FIELDS for error in result.fields[name].errors]
    return "\n".join(lines)
