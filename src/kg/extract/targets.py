"""Quantitative targets: indicator, value or range, comparator, unit and base, year."""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.agencies import normalize_agency, split_agency_list
from kg.model import AgencyMention, Part, Role, Span, Target, TargetValue
from kg.parse.normalize import fold
from kg.parse.tables import TableRow

_NUMBER = r"\d+(?:[.,]\d+)?"
_COMPARATORS = (
    (">=", r"≥|>=|t[\w&@]{1,2}i?\s*thi\w{0,2}u|it nhat|tu\s+(?=" + _NUMBER + r"\s*%?[^;]{0,30}tro len)|khong duoi"),
    ("<=", r"≤|<=|toi da|khong qua|duoi hoac bang"),
    (">", r">|tren|hon|vuot"),  # 'trén' (OCR) folds to 'tren' too
    ("<", r"<|duoi"),
)
_VALUE = re.compile(
    rf"(?P<cmp>(?:{'|'.join(p for _, p in _COMPARATORS)})\s*)?(?:muc\s+|[c¢][oe06]\s+)?(?<![\w.,])(?P<low>{_NUMBER})"
    rf"(?:\s*%(?=\s*(?:-|–|den)\s*\d))?(?:\s*(?:-|–|den)\s*(?P<high>{_NUMBER}))?\s*(?P<unit>%(?:\s*/\s*nam)?|(?:grdp|gdp)\s*%|nguoi\s*(?:tren\s+(?:mot\s+)?|/\s*)van\s+d\w{{1,3}}n|"
    rf"ty\s+usd|trieu|doanh nghiep|do thi|trung tam|san pham|khu|tram|to chuc)?"
    rf"(?P<base>(?:\s*tro len)?(?:\s*trong)?\s*(?:grdp|gdp|t\w{{1,2}}ng chi ngan sach))?",
)
# 'xếp hạng (ở) nhóm 20 tỉnh, thành dẫn đầu cả nước', OCR 'trong nhém 05 dia phuong': a rank ≤ N
_RANK = re.compile(r"nh\w{1,2}m\s+(?:cac\s+)?(?P<low>\d{1,3})\s+(?:tinh|dia phuong|thanh pho|quoc gia|nuoc|doanh nghiep)")
_INDEX_CUE = re.compile(r"(chi so|\bhdi\b)[^;]{0,40}$")
_YEAR = re.compile(r"(?:den|nam|den het nam)\s+(20[2-5]\d)")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _unit_code(unit_text: str) -> tuple[str, str]:
    """(unit, base) from a unit cell or the words after a number."""
    folded = fold(unit_text).replace(" ", "")
    base = "grdp" if "grdp" in folded else "gdp" if "gdp" in folded else ""
    if "chingansach" in folded or "nsnn" in folded:
        base = "state-budget"
    if folded.endswith("danso"):  # '% dân số'
        base = "population"
    if "tyusd" in folded:
        return "billion-usd", base
    if "chiso" in folded or "hdi" in folded:  # an index such as HDI: no unit of its own
        return "index", base
    if "%/nam" in folded:
        return "percent-per-year", base
    if "%" in folded or "tyle" in folded:
        return "percent", base
    if re.search(r"vand\w{1,2}n", folded) or "/10.000" in folded:  # also OCR 'van déan'
        return "people-per-10000", base
    if "thubac" in folded or "xephang" in folded:
        return "rank", base
    if "/1.000dan" in folded or "/1000dan" in folded:
        return "per-1000-people", base
    return ("count" if folded else ""), base


def parse_values(value_text: str, unit_text: str = "") -> list[TargetValue]:
    """'≥ 30', '35-40% GRDP', 'tối thiểu 50%', '≤ 3 Đông Nam Á; ≤ 50 Thế giới', '8 - 10'."""
    folded = fold(value_text)
    values = []
    ranks = list(_RANK.finditer(folded))
    for m in ranks:
        scope = _scope(folded[m.end() : m.end() + 40]) or "country"
        values.append(TargetValue(float(m.group("low")), float(m.group("low")), "<=", "rank", "", scope,
                                  value_text[m.start() : m.end()]))
    for m in _VALUE.finditer(folded):
        if any(r.start("low") <= m.start("low") < r.end("low") for r in ranks):
            continue
        if re.match(r"20[2-5]\d$", m.group("low")) and not m.group("unit"):
            continue  # a year, not a value
        comparator = "="
        if m.group("cmp"):
            cmp_text = m.group("cmp").strip()
            comparator = next((c for c, p in _COMPARATORS if re.match(p, cmp_text)), ">=")
        low = high = _number(m.group("low"))
        if m.group("high"):
            high, comparator = _number(m.group("high")), "range"
        unit, base = _unit_code((m.group("unit") or "") + (m.group("base") or "") or unit_text)
        if not unit:
            unit, base = _unit_code(unit_text)
        base = base or _unit_code(unit_text)[1]  # '≥ 3%' under the unit cell '% tổng chi NSNN'
        if not unit and m.group("cmp") and _INDEX_CUE.search(folded[max(0, m.start() - 60) : m.start()]):
            unit = "index"  # 'chỉ số phát triển con người (HDI) trên 0,7'
        scope = _scope(folded[m.end() : m.end() + 25])
        values.append(TargetValue(low, high, comparator, unit, base, scope, value_text[m.start() : m.end()].strip()))
    return sorted(values, key=lambda v: folded.find(fold(v.text)))


def _scope(after: str) -> str:
    for words, scope in (("dong nam a", "asean"), ("the gioi", "world"), ("ca nuoc", "country")):
        if words in after:
            return scope
    return ""


def targets_from_table(rows: list[TableRow], jurisdiction: str, text: str) -> list[Target]:
    """Rows of an indicator table (columns Chỉ tiêu, Đơn vị, Kết quả, Cơ quan … theo dõi)."""
    targets = []
    year = None
    for row in rows:
        if row.is_group:
            m = _YEAR.search(fold(row.cells[0] if row.cells else ""))
            year = int(m.group(1)) if m else year
            continue
        indicator, unit, result, agency = _indicator_cells(row)
        values = parse_values(result, unit) if result else []
        if not values and result:
            values = [TargetValue(None, None, "qualitative", _unit_code(unit)[0], "", "", result)]
        span = Span(row.start, row.end, text[row.start : row.end])
        monitoring = [AgencyMention(normalize_agency(name, jurisdiction), Role.MONITORING, span, name)
                      for name in split_agency_list(agency)]
        targets.append(Target(f"{row.path}", indicator, values, year, span, monitoring, part_path=row.path))
    return targets


def _indicator_cells(row: TableRow) -> tuple[str, str, str, str]:
    """Indicator, unit, result, agency — also when the unit cell is missing (3 cells)."""
    cells = list(row.cells)
    if len(cells) >= 4:
        return cells[0], cells[1], " ".join(cells[2:-1]), cells[-1]
    if len(cells) == 3:
        return cells[0], "", cells[1], cells[2]
    return (cells[0] if cells else ""), "", "", ""


def targets_in_text(part: Part, year: int | None) -> list[Target]:
    """Targets stated in a sentence of an objectives section; one per clause with a number. An
    item of a ';' list that is only a number ('01 trạm …') keeps the bound of the item before."""
    targets = []
    text = part.span.text
    offset = part.span.start
    position = 0
    listed = ""  # the bound of the previous item of a ';' list: 'ít nhất 02 khu …; 01 trạm …'
    for clause in re.split(r"(?<=[;.])\s+", text):
        start = text.find(clause, position)
        position = start + len(clause)
        values = [v for v in parse_values(clause) if v.unit]
        if values and listed and values[0].comparator == "=" and fold(clause).startswith(fold(values[0].text)):
            values[0] = replace(values[0], comparator=listed)
        listed = values[-1].comparator if values and clause.endswith(";") and values[-1].comparator in (">=", "<=") else ""
        if not values:
            continue
        m = _YEAR.search(fold(clause))
        targets.append(Target(f"{part.path}#{len(targets) + 1}", clause.strip(), values,
                              int(m.group(1)) if m else year, Span(offset + start, offset + position, clause),
                              part_path=part.path))
    return targets
