"""The central layer: documents, groups, directives, national targets, indicators, ministry changes.

Written to data/reference/central.json and read back from it, so the build and the linker never
need the corpus. `to_json`/`from_json` are generic over the dataclasses of kg.model.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from kg.model import Agency, CentralDirective, CentralGroup, DocumentRef, Indicator, Relation, Target


@dataclass
class CentralDocument:
    key: str  # 'nq57', 'nq03', 'nq03-programme', 'nq71', 'report-2025-05'
    ref: DocumentRef
    title: str
    issuer: Agency | None
    part_of: str = ""  # key of the document this one is annexed to (03's programme)
    secondary: bool = False  # a progress report, not a resolution
    source_file: str = ""  # corpus file name it was read from


@dataclass
class DocumentRelation:
    source: str  # document key
    relation: Relation
    target: str  # document key


@dataclass
class NationalTarget:
    doc: str  # document key
    target: Target
    objective: str = ""  # local id of the 57 objective (part II) the target quantifies


@dataclass
class ChangeEvent:
    """A 2025 ministry merger: the original body's tasks pass to the resulting one."""

    key: str
    original: Agency
    resulting: Agency
    date: str | None
    basis: str  # what the date and the merger rest on


@dataclass
class CentralLayer:
    documents: list[CentralDocument] = field(default_factory=list)
    relations: list[DocumentRelation] = field(default_factory=list)
    groups: list[CentralGroup] = field(default_factory=list)
    directives: list[CentralDirective] = field(default_factory=list)
    targets: list[NationalTarget] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    changes: list[ChangeEvent] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what the parser had to mend in the transcription

    def document(self, key: str) -> CentralDocument:
        return next(d for d in self.documents if d.key == key)

    def document_of(self, ref: DocumentRef) -> CentralDocument:
        return next(d for d in self.documents if d.ref == ref)


def to_json(value: Any) -> Any:
    """Plain JSON data for a dataclass tree (enums by value)."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) or not f.metadata.get("omit_empty")}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(kind: Any, data: Any) -> Any:
    """Rebuild `kind` (a dataclass, enum, list[...] or X | None) from `to_json` output."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        return from_json(next(a for a in typing.get_args(kind) if a is not type(None)), data)
    if origin in (list, tuple):
        (item,) = typing.get_args(kind)[:1]
        return [from_json(item, v) for v in data]
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: from_json(hints[f.name], data[f.name]) for f in dataclasses.fields(kind) if f.name in data})
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if kind is float and isinstance(data, int):
        return float(data)
    return data
