"""Sources stage: the text of a document file in any of the formats plans arrive in.

Each reader turns the bytes of one file into plain UTF-8 text of the kind the pipeline reads
from a .txt: one paragraph per line, tables flattened the way `kg.parse.tables` expects. The same
bytes always give the same text. A file that cannot be read raises ValueError naming the problem
(the caller adds the file's name): a corrupt .docx, a PDF without a text layer ("needs OCR").
"""

from __future__ import annotations

from collections.abc import Callable

from kg.formats.docx import docx_text
from kg.formats.pdf import pdf_text
from kg.formats.plain import plain_text
from kg.formats.webpage import html_text

READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": plain_text,
    ".docx": docx_text,
    ".pdf": pdf_text,
    ".html": html_text,
    ".htm": html_text,
}


def text_of(suffix: str, raw: bytes) -> str:
    """The text of a file with this suffix (e.g. '.pdf'); ValueError for an unknown format."""
    reader = READERS.get(suffix.lower())
    if reader is None:
        readable = ", ".join(READERS)
        raise ValueError(f"unsupported format {suffix or '(no suffix)'!r}: readable are {readable} "
                         "(save the document in one of them)")
    return reader(raw)
