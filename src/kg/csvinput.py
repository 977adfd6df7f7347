"""CSV files people make, read the way they made them.

Spreadsheets save CSV in several ways: UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), UTF-16
(Excel's "Unicode text", tab-separated), Windows-1258 (Excel's "CSV" on a Vietnamese Windows), and
with ';' between cells where the decimal separator is a comma. All are read; the encoding and the
separator found are reported, and bytes no encoding accepts are an error naming file, line and byte.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SEPARATORS = ",;\t"


class TableError(ValueError):
    """A CSV that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Table:
    path: Path
    encoding: str
    separator: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)

    def note(self) -> str:
        return f"read {self.path} as {self.encoding}, cells separated by {self.separator!r}"


def read_table(path: Path) -> Table:
    """The header and rows of `path`, each row with the line it starts on."""
    raw = path.read_bytes()
    text, encoding = _decode(raw, path)
    if not text.strip():
        raise TableError(f"{path}: empty file")
    first_line = text.splitlines()[0]
    separator = max(SEPARATORS, key=lambda s: _count_outside_quotes(first_line, s))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [cell.strip() for cell in next(reader)]
        rows = []
        start = reader.line_num + 1
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise TableError(f"{path}: line {reader.line_num}: {err}") from err
    return Table(path, encoding, separator, header, rows)


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as err:
            raise TableError(f"{path}: byte {err.start}: the file starts as UTF-16 but is not ({err.reason}); "
                             "save it as 'CSV UTF-8'") from err
    try:
        text = raw.decode("utf-8-sig")
        return text, "UTF-8 with BOM" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            # Windows-1258 writes tone marks as combining characters: compose them as UTF-8 text would.
            return unicodedata.normalize("NFC", raw.decode("cp1258")), "Windows-1258"
        except UnicodeDecodeError:
            line = raw.count(b"\n", 0, utf8_error.start) + 1
            column = utf8_error.start - (raw.rfind(b"\n", 0, utf8_error.start) + 1) + 1
            raise TableError(f"{path}: line {line}, byte {column}: 0x{raw[utf8_error.start]:02x} is neither UTF-8 "
                             "nor Windows-1258; save the file as 'CSV UTF-8'") from utf8_error


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count
