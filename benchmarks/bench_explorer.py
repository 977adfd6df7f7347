"""Page load times of the explorer, measured through the browser: seconds from navigation until the
page shows its data (the element tests/pages.py names for it), in Debian's chromium against a real
`kg serve` on loopback. Graphs side by side, e.g. the seed graph and 100 plans (bench_build.py):

    kg build --out /tmp/seed && python3 benchmarks/bench_build.py --sizes 100   # or any built graphs
    python3 benchmarks/bench_explorer.py --graph /tmp/seed/graph.trig --graph /tmp/plans-100/graph.trig

Each page is loaded --runs times in a fresh tab; the first load (the server's first answer for that
page, e.g. pyLODE generating the ontology page) is printed apart from the median of the others. The
document page is each graph's provincial plan with the most accepted links.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import LAPTOP, launch, missing, running_server  # noqa: E402
from pages import PAGES  # noqa: E402

from kg.graph.ids import BASE  # noqa: E402


def a_plan(url: str) -> str:
    """The path of the graph's largest loaded provincial plan (the seed plan of the pages may not be there)."""
    rows = json.load(urllib.request.urlopen(url + "/api/rows/plan-links?status=accepted", timeout=600))["rows"]
    documents = Counter(r["document"] for r in rows)
    return "/" + documents.most_common(1)[0][0].removeprefix(BASE)


def load_times(url: str, browser, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    pages = PAGES | {"document": (a_plan(url), PAGES["document"][1])}
    for name, (path, ready) in pages.items():
        for _ in range(runs):
            page = browser.new_page(viewport=LAPTOP)
            began = time.perf_counter()
            page.goto(url + path)
            page.wait_for_selector(ready, timeout=120_000)
            times.setdefault(name, []).append(time.perf_counter() - began)
            page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, action="append", required=True, help="a built graph (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if missing():
        sys.exit(f"cannot run the browser: {missing()}")
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for graph in args.graph:
            began = time.perf_counter()
            with running_server(graph, timeout_s=600) as url:
                started = time.perf_counter() - began
                results[graph] = load_times(url, browser, args.runs)
            print(f"{graph}: server up in {started:.1f} s", file=sys.stderr)
        browser.close()
    header = " | ".join(f"{g.parent.name}/{g.name} first | median" for g in args.graph)
    print(f"| page | {header} |\n|---|" + "---|---|" * len(args.graph))
    for name in PAGES:
        cells = " | ".join(f"{t[0]:.2f} | {statistics.median(t[1:] or t):.2f}" for t in (results[g][name] for g in args.graph))
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
