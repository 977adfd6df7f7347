"""One reading of a document: its text, the text folded once, and its lines with their offsets.

Folding keeps one character for one character (`kg.parse.normalize.fold`), so an offset in the
folded text, or in a folded line, is the same offset in the original: a rule matches on the folded
form and quotes the original as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.parse.normalize import fold


@dataclass(frozen=True)
class Line:
    start: int  # offset of the line in the document's text
    text: str
    folded: str


@dataclass(frozen=True)
class DocumentView:
    text: str
    folded: str
    lines: tuple[Line, ...]

    @classmethod
    def read(cls, text: str) -> DocumentView:
        folded = fold(text)
        lines, pos = [], 0
        for line in text.split("\n"):
            lines.append(Line(pos, line, folded[pos : pos + len(line)]))
            pos += len(line) + 1
        return cls(text, folded, tuple(lines))

    def head(self, chars: int) -> DocumentView:
        """The view of the first `chars` characters (the last line cut where they end)."""
        lines = tuple(Line(line.start, line.text[: chars - line.start], line.folded[: chars - line.start])
                      for line in self.lines if line.start <= chars)
        return DocumentView(self.text[:chars], self.folded[:chars], lines)
