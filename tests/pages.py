"""The explorer's pages as a researcher opens them: path, and the element that says the page has its
data. Shared by scripts/screenshots.py and benchmarks/bench_explorer.py."""

from __future__ import annotations

from urllib.parse import quote

from kg.serve.library import load_library

PAGES = {
    "workbench": ("/explore?query=" + quote(load_library()["coverage-by-province"].text), ".yasr table.dataTable tbody tr td"),
    "trace": ("/explore/trace?directive=https://w3id.org/nq57kg/eli/vn/cp/nq/2025/03/ctr/pl2/1", "article.task"),
    "coverage": ("/explore/coverage", "table.heatmap tbody tr"),
    "targets": ("/explore/targets", "section.indicator svg rect.bar"),
    "document": ("/eli/vn-can-tho/ubnd/kh/2025/37", "#neighbourhood[data-ready]"),
    "ontology": ("/ont", "#Task"),
}
