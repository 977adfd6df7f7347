"""The provinces of 2024 (63) and of today (34): names, statistical codes, and where each old unit
went under Nghị quyết 202/2025/QH15.

`derive_provinces` reads the chosen data package (`vietnamadminunits`, pinned in pyproject's test
extra) and `kg reorg provinces` writes the result to data/reference/provinces.json; builds read
only that file, so no user needs the package. `compare_packages` measures both candidate packages
against the resolution as curated in kg.central.reorganisation (docs/reorganisation.md).
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.central.layer import from_json, to_json
from kg.central.reorganisation import RESOLUTION_202
from kg.extract.places import place_slug
from kg.files import write_atomic
from kg.parse.normalize import fold

FILE_NAME = "provinces.json"
CHOSEN = "vietnamadminunits"
CANDIDATES = ("vietnamadminunits", "vietnam-provinces")


@dataclass
class ProvinceUnit:
    slug: str  # 'vn-quang-nam'
    name: str  # 'Quảng Nam'
    full_name: str  # 'Tỉnh Quảng Nam'
    code: str  # the statistical code, two digits
    today: str = ""  # slug of the unit of today it belongs to (2024 units only)


@dataclass
class ProvinceMap:
    package: str
    version: str
    units_2024: list[ProvinceUnit] = field(default_factory=list)
    units_2025: list[ProvinceUnit] = field(default_factory=list)

    def today(self, slug: str) -> str:
        """The slug of today's unit holding `slug` (itself when unchanged or unknown)."""
        return next((u.today for u in self.units_2024 if u.slug == slug), slug)

    def absorbed(self) -> list[ProvinceUnit]:
        """2024 units that ended on 30/06/2025: merged into a unit under another name."""
        return [u for u in self.units_2024 if u.today != u.slug]


def _key(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


_SLUG_OF = {_key(name): place_slug(name) for names in RESOLUTION_202.values() for name in names}


def slug_of(name: str) -> str:
    """'Tỉnh Bà Rịa - Vũng Tàu', 'Bà Rịa–Vũng Tàu' -> 'vn-ba-ria-vung-tau' (the project's place slugs)."""
    key = _key(name)
    for prefix in ("thanhpho", "tinh"):
        if key not in _SLUG_OF and key.startswith(prefix):
            key = key[len(prefix):]
    return _SLUG_OF.get(key, place_slug(name))


def derive_provinces() -> ProvinceMap:
    """The map from the chosen package (only maintainers need it installed)."""
    from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE
    from vietnamadminunits.database import get_data

    def units(table: str) -> dict[str, ProvinceUnit]:
        rows = get_data(["province", "provinceShort", "provinceCode", "provinceKey"], table)
        return {r["provinceKey"]: ProvinceUnit(slug_of(r["provinceShort"]), r["provinceShort"], r["province"],
                                               r["provinceCode"]) for r in rows}

    old, new = units("admin_units_legacy"), units("admin_units")
    for new_key, old_keys in DICT_PROVINCE.items():
        for old_key in old_keys:
            old[old_key].today = new[new_key].slug
    return ProvinceMap(CHOSEN, importlib.metadata.version(CHOSEN), sorted(old.values(), key=_by_code),
                       sorted(new.values(), key=_by_code))


def _by_code(unit: ProvinceUnit) -> tuple[str, str]:
    return unit.code, unit.slug


def dumps(provinces: ProvinceMap) -> str:
    return json.dumps(to_json(provinces), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_provinces(provinces: ProvinceMap, out_dir: Path) -> Path:
    path = Path(out_dir) / FILE_NAME
    write_atomic(path, dumps(provinces).encode("utf-8"))
    return path


def load_provinces(reference_dir: Path) -> ProvinceMap | None:
    """The committed map, or None when the reference folder has none (a build then records no
    province changes)."""
    path = Path(reference_dir) / FILE_NAME
    if not path.is_file():
        return None
    return from_json(ProvinceMap, json.loads(path.read_text(encoding="utf-8")))


def resolution_pairs() -> set[tuple[str, str]]:
    """(2024 unit, unit of today) pairs of Nghị quyết 202/2025/QH15, as slugs."""
    return {(place_slug(old), place_slug(new)) for new, olds in RESOLUTION_202.items() for old in olds}


# --- the package comparison ------------------------------------------------------------------

def _candidate_rows(package: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(2024 slug -> code, today's slug -> code, 2024 slug -> today's slug) as the package gives them."""
    if package == "vietnamadminunits":
        mapping = derive_provinces()
        return ({u.slug: u.code for u in mapping.units_2024}, {u.slug: u.code for u in mapping.units_2025},
                {u.slug: u.today for u in mapping.units_2024})
    import vietnam_provinces

    today = {slug_of(p.name): f"{int(p.code):02d}" for p in vietnam_provinces.Province.iter_all()}
    return {}, today, {}  # this package carries only the units of today, no 2024 units or conversion


def compare_packages() -> list[dict[str, str]]:
    """One row per candidate: how much of the resolution it covers and how much of that is right.
    The resolution gives no codes: today's codes are checked for agreement between the packages
    and for being the code of one of the 2024 units merged into the unit (not always the unit whose
    name is kept: Lào Cai of today has Yên Bái's 15)."""
    pairs = resolution_pairs()
    old_names = {old for old, _ in pairs}
    new_names = {new for _, new in pairs}
    rows, codes = [], {}
    for package in CANDIDATES:
        old, new, went = _candidate_rows(package)
        codes[package] = new
        members = {today: {old[o] for o, t in went.items() if t == today} for today in new}
        inherited = sum(1 for slug, code in new.items() if code in members[slug])
        rows.append({
            "package": package, "version": importlib.metadata.version(package),
            "units 2024 (of 63)": f"{len(old_names & set(old))}",
            "units today (of 34)": f"{len(new_names & set(new))}",
            "extra names": f"{len(set(old) - old_names) + len(set(new) - new_names)}",
            "2024 → today right (of 63)": f"{len(pairs & set(went.items()))}",
            "code today is a merged unit's code": f"{inherited}/{len(new)}" if old else "n/a (no 2024 codes)",
        })
    first, second = (codes[p] for p in CANDIDATES)
    agree = sum(1 for slug in first if second.get(slug) == first[slug])
    for row in rows:
        row["codes today agree between packages"] = f"{agree}/34"
    return rows


def comparison_table(rows: list[dict[str, str]]) -> str:
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[h] for h in header) + " |" for row in rows]
    return "\n".join(lines) + "\n"
