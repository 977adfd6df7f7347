"""Deadlines and timeframes: kept as written and as a typed value with its precision."""

from __future__ import annotations

import re

from kg.model import Deadline, DeadlineKind, Precision, Span
from kg.parse.normalize import fold

_YEAR = r"(20\d\d)"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*" + _YEAR)
_DAY_MONTH_YEAR_WORDS = re.compile(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+" + _YEAR)
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*" + _YEAR)
_MONTH_YEAR_WORDS = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*" + _YEAR)
_INTERVAL = re.compile(_YEAR + r"\s*[-–]\s*" + _YEAR)
_YEAR_ONLY = re.compile(r"(?<!\d)" + _YEAR + r"(?!\d)")
_QUARTER = re.compile(r"\bquy\s+(iv|i{1,3}|[1-4])\s*(?:/|nam)\s*" + _YEAR)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Timeframes written inside a task's text (folded): 'định kỳ 6 tháng', 'hoàn thành trong năm 2025',
# 'hoàn thành trong quý 1/2025', 'đến hết năm 2030', 'trước ngày 15/7/2025'. Not a bare 'định kỳ'
# nor 'định kỳ hằng năm': they qualify an activity more often than set when the task is due.
_IN_TEXT = re.compile(
    r"\bdinh ky\s+\d{1,2}\s+thang\b"
    r"|\bhoan thanh\s+(?:trong|truoc|vao)\s+(?:nam|ngay|thang|quy)\s+[\divx]{1,4}(?:\s*[/.-]\s*\d{1,4}){0,2}"
    r"|\b(?:den het|truoc het)\s+nam\s+" + _YEAR +
    r"|\btruoc ngay\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*" + _YEAR +
    r"|\btrong quy\s+(?:iv|i{1,3}|[1-4])\s*(?:/|nam)\s*" + _YEAR
)


def _iso(year: str, month: str | None = None, day: str | None = None) -> str:
    if day:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if month:
        return f"{int(year):04d}-{int(month):02d}"
    return f"{int(year):04d}"


def _point(folded: str) -> tuple[str, Precision] | None:
    """The most precise date in the text: a day, a month or a year."""
    for pattern in (_DAY_MONTH_YEAR, _DAY_MONTH_YEAR_WORDS):
        m = pattern.search(folded)
        if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(1)) <= 31:
            return _iso(m.group(3), m.group(2), m.group(1)), Precision.DAY
    for pattern in (_MONTH_YEAR_WORDS, _MONTH_YEAR):
        m = pattern.search(folded)
        if m and 1 <= int(m.group(1)) <= 12:
            return _iso(m.group(2), m.group(1)), Precision.MONTH
    m = _YEAR_ONLY.search(folded)
    if m:
        return _iso(m.group(1)), Precision.YEAR
    return None


def parse_deadline(text: str, evidence: Span | None = None) -> Deadline | None:
    """Read a deadline cell or phrase: '6/2025', 'Thường xuyên', 'Hằng năm', 'trước ngày 15/7/2025',
    '2025 và những năm tiếp theo', '2025-2030'. None when the text holds no timeframe."""
    text = text.strip()
    folded = fold(text)
    if not folded:
        return None
    if "thuong xuyen" in folded:
        return Deadline(text, DeadlineKind.CONTINUOUS, evidence=evidence)
    if re.search(r"\bdinh ky\b", folded):
        return Deadline(text, DeadlineKind.PERIODIC, evidence=evidence)
    m = _INTERVAL.search(folded)
    if m:
        return Deadline(text, DeadlineKind.INTERVAL, m.group(1), m.group(2), Precision.YEAR, evidence)
    m = _QUARTER.search(folded)
    if m:
        quarter = _QUARTERS.get(m.group(1)) or int(m.group(1))
        return Deadline(text, DeadlineKind.INTERVAL, _iso(m.group(2), str(3 * quarter - 2)),
                        _iso(m.group(2), str(3 * quarter)), Precision.MONTH, evidence)
    point = _point(folded)
    if re.search(r"\b(hang|hong) nam\b", folded) and point is None:
        return Deadline(text, DeadlineKind.ANNUAL, evidence=evidence)
    if point is None:
        return None
    value, precision = point
    if re.search(r"nhung nam tiep theo|cac nam tiep theo|tro di", folded):
        return Deadline(text, DeadlineKind.OPEN_ENDED, value, None, precision, evidence)
    if re.search(r"\btruoc\b|\bcham nhat\b|\bkhong qua\b|\bden het\b", folded):
        return Deadline(text, DeadlineKind.BEFORE, None, value, precision, evidence)
    return Deadline(text, DeadlineKind.FIXED, value, value, precision, evidence)


def deadline_in_text(text: str, evidence: Span | None = None) -> Deadline | None:
    """The first timeframe a task's own text states, or None ('hằng năm' alone is not one: it
    often describes a budget, not when the task is due)."""
    m = _IN_TEXT.search(fold(text))
    if not m:
        return None
    span = Span(evidence.start + m.start(), evidence.start + m.end(), text[m.start() : m.end()]) if evidence else None
    return parse_deadline(text[m.start() : m.end()], span)
