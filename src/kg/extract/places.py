"""Provinces and centrally-run cities: recognise the jurisdiction a document speaks for.

The 63 names in force before the 2025 merger of provinces; a merged province keeps the IRIs of
the documents it issued before (see docs/iri-scheme.md).
"""

from __future__ import annotations

import re

from kg.parse.normalize import fold

CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên",
    "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên",
    "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
NATIONAL = "vn"


def place_slug(name: str) -> str:
    """'Cần Thơ' -> 'vn-can-tho'; the country itself is 'vn'."""
    if not name:
        return ""
    return "vn-" + re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def place_name(slug: str) -> str:
    """The written name of a place slug ('vn-can-tho' -> 'Cần Thơ', 'vn' -> 'Việt Nam'); '' if unknown."""
    return _NAMES.get(slug, "")


def _variants(name: str) -> list[str]:
    folded = fold(name)
    return [folded, folded.replace(" - ", "-"), folded.replace(" ", "")]


_NAMES = {NATIONAL: "Việt Nam"} | {place_slug(name): name for name in CITIES + PROVINCES}
_INDEX = {v: name for name in CITIES + PROVINCES for v in _variants(name)}
_PATTERN = re.compile(
    r"\b(?:tinh|thanh pho|tp\.?)\s+(" + "|".join(sorted((re.escape(k) for k in _INDEX), key=len, reverse=True)) + r")\b"
)
_BARE = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in _INDEX), key=len, reverse=True)) + r")\b")


def find_places(text: str) -> list[tuple[str, int]]:
    """(official name, offset) of every province or city named as 'tỉnh X' / 'thành phố X'."""
    folded = fold(text)
    return [(_INDEX[m.group(1)], m.start()) for m in _PATTERN.finditer(folded)]


def bare_places(text: str) -> list[tuple[str, int]]:
    """Province names written without 'tỉnh/thành phố' (e.g. 'Đắk Lắk, ngày 25 tháng 6')."""
    folded = fold(text)
    return [(_INDEX[m.group(1)], m.start()) for m in _BARE.finditer(folded)]
