"""Web pages saved from a browser (.html): their text, one block per line (lxml).

Scripts, styles, navigation, page headers and footers, forms and hidden elements are not text
of the document. Block elements (paragraphs, headings, list items, divs, line breaks) end a line, an
empty paragraph is an empty line;
tables are flattened like a .docx's (kg.formats.tables). The page's own character set is used:
a byte order mark, else the <meta charset> (or an XHTML page's XML) declaration, else UTF-8.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from kg.formats.tables import table_lines

_SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
            "select", "svg", "iframe", "head", "title", "object", "canvas"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section",
           "article", "main", "blockquote", "pre", "address", "figure", "figcaption", "center", "hr", "body"}
_CHARSET = re.compile(rb"""(?:<meta[^>]+charset|<\?xml[^>]+encoding)\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")  # an XHTML page's; lxml refuses it in decoded text


def html_text(raw: bytes) -> str:
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", _decode(raw), count=1))
    except (etree.ParserError, ValueError) as err:
        raise ValueError(f"not a readable HTML page: {err}") from err
    lines: list[str] = []
    _walk(root, lines, [""])
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]  # one empty line at most
    return "\n".join(kept).strip("\n")


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-8-sig") if raw[:1] == b"\xef" else raw.decode("utf-16")
    match = _CHARSET.search(raw[:4096])
    encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError as err:
        raise ValueError(f"unknown character set {encoding!r} in <meta charset>") from err
    except UnicodeDecodeError as err:
        raise ValueError(f"not {encoding} text as the page declares: invalid byte at offset {err.start}") from err


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return element.get("hidden") is not None or element.get("aria-hidden") == "true" or "display:none" in style


def _walk(element, lines: list[str], current: list[str]) -> None:
    """Append the element's text to `current` (the line being built), ending lines at blocks."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIPPED or (tag and _hidden(element)):
        _add(current, " ", element.tail)
        return
    if tag == "table":
        _end_line(lines, current)
        lines.extend(table_lines(_rows(element)))
    elif tag == "br":
        _end_line(lines, current)
    else:
        block = tag in _BLOCKS
        if block:
            _end_line(lines, current)
            if tag == "p" and not element.text_content().strip():
                lines.append("")  # an empty paragraph: the page's blank line between paragraphs
        _add(current, "", element.text if tag else None)
        for child in element:
            _walk(child, lines, current)
        if block:
            _end_line(lines, current)
    _add(current, "", element.tail)


def _rows(table) -> list[list[list[str]]]:
    rows = []
    for tr in table.iter("tr"):
        if _enclosing_table(tr) is not table:
            continue  # a row of a nested table: read inside its cell
        cells = []
        for cell in tr:
            if cell.tag in ("td", "th"):
                lines: list[str] = []
                current = [""]
                _add(current, "", cell.text)
                for child in cell:
                    _walk(child, lines, current)
                _end_line(lines, current)
                cells.append(lines)
        rows.append(cells)
    return rows


def _enclosing_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _add(current: list[str], separator: str, text: str | None) -> None:
    if text:
        current[0] += separator + text if separator and current[0] else text


def _end_line(lines: list[str], current: list[str]) -> None:
    line = " ".join(current[0].split())
    if line:
        lines.append(line)
    current[0] = ""
