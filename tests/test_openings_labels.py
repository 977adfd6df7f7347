"""eval/labels/openings.json, the labelled openings of unseen documents: well formed, and every label
found in the text it was read from (when the openings are on this machine)."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from kg.config import CORPUS_DIR, PROJECT_ROOT
from kg.extract.places import CITIES, NATIONAL, PROVINCES, place_slug
from kg.parse.normalize import fold

LABELS = PROJECT_ROOT / "eval" / "labels" / "openings.json"
# The texts are never committed: the shared openings sit beside the central corpus, the extra ones
# in a sibling folder of the checkout (override with KG_OPENINGS_EXTRA).
COLLECTIONS = {
    "shared": CORPUS_DIR / "openings",
    "extra": Path(os.environ.get("KG_OPENINGS_EXTRA", PROJECT_ROOT.parent / "corpus-extra" / "openings")),
}
RELATIONS = {"implements", "based_on", "replaces", "mentions"}
METADATA = {"kind", "symbol", "number", "date", "issuer", "jurisdiction", "signer"}
# Kept out of the development set for an independent check.
RESERVED_PLACES = {place_slug(p) for p in ("Hải Phòng", "Hồ Chí Minh", "Đồng Tháp", "Bắc Ninh", "Quảng Ninh",
                                           "Thái Bình", "Quảng Ngãi")}
RESERVED_ISSUER = re.compile(r"ban chi dao trung uong|bcdtw")


def load() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


DOCUMENTS = load()["documents"]


def _id(doc: dict) -> str:
    return doc["file"]


def _compact(text: str) -> str:
    """Folded, without spaces: '57 - NQ/TW' and '57-nq/tw' compare equal, as do 'CTR' and 'Ctr'."""
    return re.sub(r"\s+", "", fold(text))


def _date_forms(iso: str) -> list[str]:
    d = date.fromisoformat(iso)
    days, months = {str(d.day), f"{d.day:02d}"}, {str(d.month), f"{d.month:02d}"}
    return ([f"{dd}/{mm}/{d.year}" for dd in days for mm in months]
            + [f"{dd}-{mm}-{d.year}" for dd in days for mm in months]
            + [f"{dd}.{mm}.{d.year}" for dd in days for mm in months]
            + [f"ngay{dd}thang{mm}nam{d.year}" for dd in days for mm in months])


def test_file_is_written_canonically():
    raw = LABELS.read_text(encoding="utf-8")
    assert raw == json.dumps(json.loads(raw), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_conventions_and_collections():
    labels = load()
    assert len(labels["conventions"]) >= 5
    files = [d["file"] for d in DOCUMENTS]
    assert len(files) == len(set(files))
    assert {d["collection"] for d in DOCUMENTS} <= set(COLLECTIONS)
    assert sum(d["collection"] == "extra" for d in DOCUMENTS) >= 10


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_id)
def test_document_is_well_formed(doc):
    assert {"file", "collection", "address", "read", "metadata", "citations", "note"} <= set(doc)
    assert doc["address"].startswith(("http://", "https://")) and doc["note"]
    date.fromisoformat(doc["read"])
    meta = doc["metadata"]
    assert set(meta) == METADATA
    assert re.fullmatch(r"[a-zđ]+", meta["kind"]), meta["kind"]
    if meta["symbol"]:
        assert meta["number"] == re.split(r"[-/]", meta["symbol"])[0]
        assert fold(meta["symbol"]).startswith(f"{meta['number']}/{meta['kind']}") or \
            fold(meta["symbol"]).startswith(f"{meta['number']}-{meta['kind']}")
    if meta["date"]:
        date.fromisoformat(meta["date"])
    assert meta["jurisdiction"] in {NATIONAL} | {place_slug(p) for p in CITIES + PROVINCES}
    assert meta["issuer"]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_id)
def test_citations_are_well_formed(doc):
    symbols = [c["symbol"] for c in doc["citations"]]
    assert len({_compact(s) for s in symbols}) == len(symbols), "one relation per cited document"
    assert _compact(doc["metadata"]["symbol"] or "") not in {_compact(s) for s in symbols}
    for citation in doc["citations"]:
        assert citation["relation"] in RELATIONS
        assert re.fullmatch(r"\d+[-/].+", citation["symbol"]), citation["symbol"]
        if citation.get("date"):
            date.fromisoformat(citation["date"])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_id)
def test_reserved_documents_stay_out(doc):
    assert doc["metadata"]["jurisdiction"] not in RESERVED_PLACES
    assert not RESERVED_ISSUER.search(fold(doc["metadata"]["issuer"]))


@pytest.mark.corpus
@pytest.mark.parametrize("doc", DOCUMENTS, ids=_id)
def test_labels_are_read_from_the_text(doc):
    """Every labelled value is in the opening: a typo in a label, or a label read from elsewhere, fails."""
    path = COLLECTIONS[doc["collection"]] / doc["file"]
    if not COLLECTIONS[doc["collection"]].is_dir():
        pytest.skip(f"{COLLECTIONS[doc['collection']]} is not on this machine")
    text = _compact(path.read_text(encoding="utf-8"))
    meta = doc["metadata"]
    for field in ("symbol", "number", "signer"):
        if meta[field]:
            assert _compact(meta[field]) in text, (field, meta[field])
    if meta["date"]:
        assert any(form in text for form in _date_forms(meta["date"])), meta["date"]
    for citation in doc["citations"]:
        written = citation.get("written", citation["symbol"])
        assert _compact(written) in text, written
        if citation.get("date"):
            assert any(form in text for form in _date_forms(citation["date"])), citation
