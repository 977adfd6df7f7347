"""Parse stage: normalise a source text and recover its heading hierarchy."""

from kg.parse.normalize import fold, normalize_text
from kg.parse.structure import parse_structure

__all__ = ["fold", "normalize_text", "parse_structure"]
