"""The reorganisation's rules applied to bodies: the ministry changes once (into the central layer),
and for every local body a plan names, the department merger of its kind, the end of the district
level and the merger of its province, followed until today's body.

A chain is a list of events: 'Sở Thông tin và Truyền thông' of Quảng Nam → (01/03/2025) 'Sở Khoa học
và Công nghệ' of Quảng Nam → (01/07/2025) 'Sở Khoa học và Công nghệ' of Đà Nẵng.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.central.layer import ChangeEvent
from kg.central.provinces import ProvinceMap
from kg.central.reorganisation import (
    ABOLITION,
    COMMUNE_COMMITTEES,
    DEPARTMENT_CHANGES,
    DEPARTMENTS_DATE,
    DISTRICT_BASIS,
    LOCAL_GOVERNMENT_DATE,
    MERGER,
    MINISTRIES_DATE,
    MINISTRY_CHANGES,
    PROVINCE_BASIS,
    SPLIT,
    Change,
    basis_text,
)
from kg.extract.agencies import normalize_agency, preferred_name, slug, without_place
from kg.extract.places import place_name
from kg.model import Agency
from kg.parse.normalize import fold

NATIONAL = "vn"
# 'Ủy ban nhân dân quận, huyện', 'UBND huyện Núi Thành', 'Ủy ban nhân dân các huyện, thị xã, thành phố'
_DISTRICT_COMMITTEE = re.compile(r"^uy ban nhan dan (?:cac )?(?:cap huyen|quan|huyen|thi xa)\b")
# a province's party and youth bodies are named after the kind of unit: 'Tỉnh ủy' in a province,
# 'Thành ủy' in a city under the centre
_PROVINCE_TITLES = (("Tỉnh ủy", "Thành ủy"), ("Tỉnh đoàn", "Thành đoàn"))


def _event(key: str, original: Agency, resulting: Agency, change: Change, date: str) -> ChangeEvent:
    return ChangeEvent(key, original, resulting, date, basis_text(change.basis), change.kind, change.basis,
                       change.functions, change.new_body)


def ministry_events() -> list[ChangeEvent]:
    """The ministry changes of 1 March 2025; keys merger-1, merger-2 … in the order of the table."""
    return [_event(f"{change.kind}-{i}", normalize_agency(change.original, NATIONAL),
                   normalize_agency(change.resulting, NATIONAL), change, MINISTRIES_DATE)
            for i, change in enumerate(MINISTRY_CHANGES, start=1)]


def is_district_committee(agency: Agency) -> bool:
    return bool(_DISTRICT_COMMITTEE.match(fold(agency.name)))


def _local_key(kind: str, agency: Agency, resulting: Agency | None = None) -> str:
    body = ("group-" if agency.collective else "") + agency.key
    return f"{kind}/{agency.jurisdiction}/{body}" + (f"/{resulting.key}" if resulting else "")


def _in_province(agency: Agency, province: str, is_city: bool) -> Agency:
    """The same body in the province of today (a 'Tỉnh ủy' becomes a 'Thành ủy' in a city), without
    the old province's name."""
    name = without_place(agency.name, place_name(agency.jurisdiction))
    for provincial, city in _PROVINCE_TITLES:
        name = name.replace(provincial, city) if is_city else name
    return Agency(slug(name), name, province, agency.collective, agency.kind)


def _changes_of(agency: Agency, provinces: ProvinceMap | None) -> list[ChangeEvent]:
    """The events that end or split `agency` (a local body), at most one of them primary."""
    events = []
    for change in DEPARTMENT_CHANGES:
        if not agency.collective and normalize_agency(change.original, agency.jurisdiction).key == agency.key:
            resulting = normalize_agency(change.resulting, agency.jurisdiction)
            key = _local_key(change.kind, agency, resulting if change.kind == SPLIT else None)
            events.append(_event(key, agency, resulting, change, DEPARTMENTS_DATE))
    if any(e.kind != SPLIT for e in events):
        return events
    today = provinces.today(agency.jurisdiction) if provinces else agency.jurisdiction
    if is_district_committee(agency):
        communes = Agency(slug(COMMUNE_COMMITTEES), COMMUNE_COMMITTEES, today, collective=True)
        change = Change(agency.name, COMMUNE_COMMITTEES, ABOLITION, DISTRICT_BASIS)
        events.append(_event(_local_key(ABOLITION, agency), agency, communes, change, LOCAL_GOVERNMENT_DATE))
    elif today != agency.jurisdiction:
        city = any(u.slug == today and fold(u.full_name).startswith("thanh pho") for u in provinces.units_2025)
        resulting = _in_province(agency, today, city)
        change = Change(agency.name, resulting.name, MERGER, PROVINCE_BASIS)
        events.append(_event(_local_key(MERGER, agency), agency, resulting, change, LOCAL_GOVERNMENT_DATE))
    return events


def local_events(agencies: Iterable[Agency], provinces: ProvinceMap | None) -> list[ChangeEvent]:
    """Every event on the way from the local bodies named in plans to today's bodies, each once,
    in a stable order."""
    spellings: dict[tuple[str, str, bool], list[Agency]] = {}
    for agency in agencies:
        if agency.jurisdiction != NATIONAL:
            spellings.setdefault((agency.jurisdiction, agency.key, agency.collective), []).append(agency)
    # one Agency per body, under the name it is best written with
    queue = [next(a for a in found if a.name == preferred_name(a.name for a in found))
             for _, found in sorted(spellings.items())]
    seen, events = set(queue), {}
    while queue:
        for event in _changes_of(queue.pop(0), provinces):
            events.setdefault(event.key, event)
            if event.resulting not in seen:
                seen.add(event.resulting)
                queue.append(event.resulting)
    return [events[key] for key in sorted(events)]
