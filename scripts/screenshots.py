"""Screenshots of the explorer's pages at a laptop's and a phone's width, into docs/screenshots/.

    kg build && python3 scripts/screenshots.py [--graph build/graph.trig]

Starts `kg serve` over the graph on a free loopback port and opens each page in Debian's chromium
(Playwright, `pip install -e '.[test]'`; nothing is downloaded). The README shows these files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import LAPTOP, PHONE, launch, missing, running_server  # noqa: E402
from pages import PAGES  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ON_PHONE = ("trace", "coverage", "document")  # the pages most read away from a desk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "build" / "graph.trig")
    args = parser.parse_args()
    if not args.graph.exists():
        sys.exit(f"{args.graph}: no graph; run `kg build` first")
    if missing():
        sys.exit(f"cannot take screenshots: {missing()}")
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with running_server(args.graph) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for name, (path, ready) in PAGES.items():
            for device, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
                if device == "phone" and name not in ON_PHONE:
                    continue
                page = browser.new_page(viewport=viewport)
                page.goto(url + path)
                page.wait_for_selector(ready)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{device}.jpg"
                page.screenshot(path=str(target), type="jpeg", quality=70)
                print(f"wrote {target.relative_to(ROOT)}")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
