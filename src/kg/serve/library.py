"""The query library (queries/*.rq) as the explorer offers it: each file's question, description and
parameters, read from its header, and the file with its parameters bound.

A library query states its parameters as single-variable VALUES blocks (`VALUES ?place { UNDEF }`)
and says what they mean in its header comment; binding replaces the block's values, so the pages run
exactly the text a researcher can download and run with `kg query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.config import QUERIES_DIR

_VALUES = re.compile(r"^(?P<indent>[ \t]*)VALUES \?(?P<name>\w+) \{(?P<values>[^}]*)\}", re.MULTILINE)


class ParameterError(ValueError):
    """A parameter value the query cannot take (not an IRI, unknown parameter)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str  # the block's values as the file writes them: `UNDEF`, `<iri>`, `"accepted"`


@dataclass(frozen=True)
class LibraryQuery:
    name: str  # the file stem: trace, coverage-gaps …
    question: str  # the header's first line
    description: str  # the rest of the header, comment marks removed
    parameters: tuple[Parameter, ...]
    text: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "question": self.question, "description": self.description,
                "parameters": [{"name": p.name, "default": p.default} for p in self.parameters],
                "query": self.text}

    def bind(self, values: dict[str, list[str]]) -> str:
        """The query with the named VALUES blocks holding `values` (IRIs or plain strings; [] = UNDEF)."""
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(f"{self.name}.rq has no parameter {', '.join(sorted(unknown))}; "
                                 f"it takes {', '.join(p.name for p in self.parameters) or 'none'}")

        def replace(match: re.Match[str]) -> str:
            name = match["name"]
            if name not in values:
                return match[0]
            terms = " ".join(_term(v) for v in values[name]) or "UNDEF"
            return f"{match['indent']}VALUES ?{name} {{ {terms} }}"

        return _VALUES.sub(replace, self.text)


def _term(value: str) -> str:
    """An IRI for `<…>` or http(s) values, else a plain literal; both written by pyoxigraph, never spliced raw."""
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if value.startswith(("http://", "https://")):
        try:
            return str(ox.NamedNode(value))
        except ValueError as err:
            raise ParameterError(f"not a valid IRI: {value!r} ({err})") from err
    return str(ox.Literal(value))


def parse(name: str, text: str) -> LibraryQuery:
    header = text.split("PREFIX", 1)[0]
    lines = [line.removeprefix("#").removeprefix(" ") for line in header.splitlines() if line.startswith("#")]
    question = lines[0].strip() if lines else name
    description = "\n".join(lines[1:]).strip()
    parameters = tuple(Parameter(m["name"], m["values"].strip()) for m in _VALUES.finditer(text))
    return LibraryQuery(name, question, description, parameters, text)


@lru_cache(maxsize=4)
def load_library(folder: Path = QUERIES_DIR) -> dict[str, LibraryQuery]:
    """Every *.rq of the folder by name, read once (the library does not change while served)."""
    return {path.stem: parse(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))}
