"""Text normalisation: Unicode, whitespace, duplicated blocks, accent folding."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_WRAP_SLACK = 20  # columns short of the wrap width that a wrapped (justified, OCR) line may still end at
_SENTENCE_END_SLACK = 8  # a sentence end is a paragraph end unless the line is this close to the width
_MIN_REPEAT_LINES = 3  # a repeated run shorter than this is ordinary repetition (table cells)
_MIN_REPEAT_CHARS = 200  # …and so is a short run of short lines


def _unmarked(char: str) -> str:
    """The character without its diacritics, in its own case ('ắ' -> 'a', 'Đ' -> 'D')."""
    if ord(char) < 128:
        return char
    if char in "đĐ":
        return "D" if char == "Đ" else "d"
    return unicodedata.normalize("NFD", char)[0]


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, đ -> d, one character for one character so that
    offsets in the folded text are offsets in the original. Used to compare OCR and clean text."""
    return "".join(_unmarked(c).lower() for c in text)


def strip_marks(text: str) -> str:
    """Without Vietnamese diacritics but in its own case ('Đắk Lắk' -> 'Dak Lak'), one character
    for one character: for patterns that need capitals (names) on text that may lack accents."""
    return "".join(map(_unmarked, text))


def _letters(case: str) -> str:
    return "".join(c for c in map(chr, range(0x41, 0x1EFA)) if getattr(c, case)() and fold(c).isascii() and fold(c).isalpha())


# Regex classes of Vietnamese letters by case ('[À-Ỹ]' would also take lower-case 'ủ', 'ấ', …).
UPPER = _letters("isupper")
LOWER = _letters("islower")


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def normalize_text(raw: str) -> tuple[str, int]:
    """NFC, one space between words, no trailing blanks, and later copies of repeated blocks
    removed. Returns the text and how many lines were dropped as duplicates."""
    text = unicodedata.normalize("NFC", raw.replace("\ufeff", ""))
    lines = [_clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    keep = _drop_repeated_blocks(lines)
    kept = [line for line, k in zip(lines, keep) if k]
    return "\n".join(kept).strip("\n") + "\n", len(lines) - len(kept)


def _drop_repeated_blocks(lines: list[str]) -> list[bool]:
    """Mark the later copy of every run of lines that already appeared, in order, earlier.

    Web transcriptions sometimes hold a cut copy of a passage followed by the full one; keeping
    the first copy and the new lines of the second gives the passage once, in full."""
    keep = [True] * len(lines)
    first_seen: dict[str, list[int]] = {}
    i = 0
    while i < len(lines):
        best_len, line = 0, lines[i]
        for j in first_seen.get(line, []) if line else []:
            n = 0
            while i + n < len(lines) and j + n < i and lines[j + n] == lines[i + n] and keep[j + n]:
                n += 1
            best_len = max(best_len, n)
        run = lines[i : i + best_len]
        if best_len >= _MIN_REPEAT_LINES and sum(len(x) for x in run) >= _MIN_REPEAT_CHARS or _pasted_twice(lines, keep, i):
            for k in range(i, i + best_len):
                keep[k] = False
            i += best_len
            continue
        first_seen.setdefault(line, []).append(i)
        i += 1
    return keep


def _pasted_twice(lines: list[str], keep: list[bool], i: int) -> bool:
    """A long paragraph right after an identical one (blank lines between allowed): pasted twice.
    Table cells and short lines repeat legitimately; a paragraph of this length does not."""
    if len(lines[i]) < _MIN_REPEAT_CHARS:
        return False
    j = i - 1
    while j >= 0 and not lines[j]:
        j -= 1
    return j >= 0 and keep[j] and lines[j] == lines[i]


def wrap_width(lines: list[str]) -> int | None:
    """The width at which an OCR/PDF copy broke its paragraphs into lines, None for text with
    a line per paragraph. Wrapped text has no long line, and most lines (or many, when a table
    has one short cell per line) come close to the width."""
    filled = [len(line) for line in lines if line]
    if len(filled) < 20:
        return None
    width = max(filled)
    if sum(50 <= n <= 100 for n in filled) / len(filled) >= 0.6:
        return width
    if 60 <= width <= 100 and sum(n >= width - _WRAP_SLACK for n in filled) / len(filled) >= 0.3:
        return width
    return None


def breaks_mid_paragraph(prev: str, line: str, width: int) -> bool:
    """The line break was forced by the width: the next line's first word would not have fitted
    on the previous line (with some slack for justified OCR lines). A shorter line ends a
    paragraph; so does a sentence end unless the width left little choice."""
    first_word = line.split(" ", 1)[0]
    sentence_end = prev.endswith((".", ";", ":", "!", "?")) and line[:1].isupper()
    return len(prev) + 1 + len(first_word) > width - (_SENTENCE_END_SLACK if sentence_end else _WRAP_SLACK)
