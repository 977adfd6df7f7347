"""Linked examples: local task texts whose 03/NQ-CP Phụ lục II tasks a person has confirmed.

Provinces copy each other's wording as much as the centre's: a new plan's task often reads more
like another province's task than like the 03 task both localise, and a confirmed link settles
which of two near-identical 03 tasks that wording means. The ranker adds, for each 03 task, the
similarity of the local text to its nearest confirmed example (nearest-neighbour vote).

The examples are derived from the hand labels (`kg links examples`, committed beside the central
layer as link-examples.json). A plan never learns from its own labels (`usable_for`); a build
lets it learn from the other plans of its province (a provincial People's Committee plan copies
its Party committee's programme), while `kg eval links` holds out the whole province."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.files import write_atomic
from kg.model import Document

FILE_NAME = "link-examples.json"


@dataclass(frozen=True)
class Example:
    text: str  # the local task's text
    targets: tuple[str, ...]  # confirmed 03 Phụ lục II task ids ('PL2.14')
    place: str  # jurisdiction slug of the plan it comes from ('vn-can-tho')
    source_id: str


def usable_for(examples: Iterable[Example], document: Document, hold_out_place: bool = False) -> list[Example]:
    """The examples a document may learn from: never its own; with `hold_out_place`, none of its
    province's either (how `kg eval links` measures, since two seed plans of one province
    restate each other)."""
    place, source = document.meta.jurisdiction, document.source.source_id
    return [e for e in examples
            if e.source_id != source and not (hold_out_place and place and e.place == place)]


def save_examples(examples: Sequence[Example], folder: Path) -> Path:
    """Write the examples sorted (byte-identical for the same examples); returns the path."""
    path = folder / FILE_NAME
    rows = sorted((asdict(e) for e in examples), key=lambda e: (e["source_id"], e["text"], e["targets"]))
    write_atomic(path, (json.dumps({"examples": rows}, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def load_examples(folder: Path) -> list[Example]:
    """The examples beside a central layer; none when the folder has no examples file."""
    path = folder / FILE_NAME
    if not path.is_file():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["examples"]
        return [Example(r["text"], tuple(r["targets"]), r["place"], r["source_id"]) for r in rows]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a link-examples file ({type(error).__name__}: {error})") from error
