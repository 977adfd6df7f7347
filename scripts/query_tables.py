"""Regenerate the example tables of docs/queries.md from the built graph.

Each `## NAME.rq — …` section's first table keeps its columns and its number of rows; the rows are
the query's first answers over the graph, IRIs shortened (the base, then `eli/` or `place/`,
dropped) and texts cut at 70 characters. `--check` only reports whether the page is current.

    python3 scripts/query_tables.py [--graph build/graph.trig] [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pyoxigraph as ox

from kg import config
from kg.files import write_atomic
from kg.graph.ids import BASE
from kg.store.query import load_store, run_query

PAGE = config.PROJECT_ROOT / "docs" / "queries.md"
SECTION = re.compile(r"^## (\S+\.rq) ", re.M)
CUT = 70


def cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        value = term.value.removeprefix(BASE)
        for prefix in ("eli/", "place/"):
            value = value.removeprefix(prefix)
        return value
    text = " ".join(term.value.split()).replace("|", "\\|")
    return text if len(text) <= CUT else text[:CUT] + "…"


def table(store: ox.Store, query: Path, columns: list[str], rows: int) -> list[str]:
    result = run_query(store, query.read_text(encoding="utf-8"), max_rows=rows)
    index = [result.variables.index(c) for c in columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[i]) for i in index) + " |" for row in result.rows]
    return lines


def regenerate(page: str, store: ox.Store) -> str:
    lines = page.split("\n")
    out, i = [], 0
    current = None
    while i < len(lines):
        heading = SECTION.match(lines[i])
        if heading:
            current = config.QUERIES_DIR / heading.group(1)
        if current and lines[i].startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            columns = [c.strip() for c in lines[i].strip("|").split("|")]
            end = i + 2
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            out += table(store, current, columns, end - i - 2)
            i, current = end, None
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=config.BUILD_DIR / "graph.trig")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/queries.md is not current")
    args = parser.parse_args()
    page = PAGE.read_text(encoding="utf-8")
    fresh = regenerate(page, load_store([args.graph]))
    if args.check:
        print("docs/queries.md is current" if fresh == page else "docs/queries.md differs: run scripts/query_tables.py")
        sys.exit(0 if fresh == page else 1)
    write_atomic(PAGE, fresh.encode("utf-8"))
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
