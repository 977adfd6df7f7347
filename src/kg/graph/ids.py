"""The IRI scheme (docs/iri-scheme.md): stable, deterministic IRIs minted from document facts.

>>> document_iri(DocumentRef("nq", "57", "tw", 2024, symbol="57-NQ/TW"))
'https://w3id.org/nq57kg/eli/vn/tw/nq/2024/57'
>>> document_iri(DocumentRef("kh", "37", "ubnd", 2025, jurisdiction="vn-can-tho"))
'https://w3id.org/nq57kg/eli/vn-can-tho/ubnd/kh/2025/37'
>>> part_segment("II.1.đ")
'ii/1/dd'
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from kg.model import Agency, DocumentRef
from kg.parse.normalize import fold

BASE = "https://w3id.org/nq57kg/"
ONT = BASE + "ont#"
_UNSAFE = re.compile(r"[^a-z0-9.-]+")


@lru_cache(maxsize=1 << 16)  # part paths and notations repeat in every document; folding is per character
def token(text: str) -> str:
    """Lower-case ASCII token for a path segment; đ -> dd keeps đ) apart from d)."""
    text = text.replace("đ", "dd").replace("Đ", "dd")
    return _UNSAFE.sub("-", fold(text)).strip("-") or "x"


def document_iri(ref: DocumentRef, provisional_key: str = "") -> str:
    """{BASE}eli/{jurisdiction}/{issuer}/{type}/{year}/{number}. Without a number (a news summary)
    the last segment is 'nn-' + a hash of `provisional_key`; without a year, 'nn'."""
    year = str(ref.year) if ref.year else "nn"
    number = token(ref.number) if ref.number else "nn-" + short_hash(provisional_key or ref.symbol)
    issuer = token(ref.issuer_code) if ref.issuer_code else "nn"
    kind = token(ref.kind) if ref.kind else "vb"
    return f"{BASE}eli/{ref.scope}/{issuer}/{kind}/{year}/{number}"


def part_segment(path: str) -> str:
    """Part path 'II.3.a' -> 'ii/3/a'; 'PL2.14' -> 'pl2/14'; '~2' suffixes stay distinct."""
    return "/".join(token(seg.replace("~", "-v")) for seg in path.split("."))


def part_iri(document: str, path: str) -> str:
    return f"{document}/{part_segment(path)}"


def target_iri(document: str, local_id: str) -> str:
    path, _, index = local_id.partition("#")
    return f"{part_iri(document, path)}/target-{index}" if index else f"{part_iri(document, path)}/target"


def agency_iri(agency: Agency) -> str:
    kind = "group" if agency.collective else "org"
    return f"{BASE}{kind}/{agency.jurisdiction}/{agency.key}"


def place_iri(slug: str) -> str:
    return f"{BASE}place/{slug}"


def concept_iri(scheme: str, notation: str) -> str:
    return f"{BASE}concept/{scheme}/{token(notation)}"


def graph_iri(kind: str, name: str = "") -> str:
    return f"{BASE}graph/{kind}" + (f"/{name}" if name else "")


def link_iri(source: str, link_type: str, target: str) -> str:
    return f"{BASE}link/{short_hash(f'{source}|{link_type}|{target}', 16)}"


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]
