"""Benchmark of OCR repair (kg.parse.repair): what it adds to reading a folder of plans.

Side by side on the seeds and on N copies of them: reading the sources without repair (decode and
normalise only), detection alone (the reference lexicon and a damage score per text), and
`load_sources` with repair (detection, then restoration of the damaged texts). Copies of the OCR
programme are damaged texts to restore; copies of the clean seeds are only judged.

    python3 benchmarks/bench_ocr.py                # the seeds, then 20 copies
    python3 benchmarks/bench_ocr.py --copies 100
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from kg import config
from kg.parse.repair import SyllableModel, reference_file, reference_texts
from kg.sources import load_sources, read_source


def folder_of_copies(copies: int, root: Path) -> Path:
    """data/ with its reference and `copies` copies of every seed (no manifest: no checksums)."""
    sources = root / "sources"
    sources.mkdir(parents=True)
    shutil.copytree(config.DATA_DIR / "reference", root / "reference")
    for path in sorted((config.DATA_DIR / "sources").glob("*.txt")):
        for i in range(copies):
            shutil.copy(path, sources / f"{path.stem}-{i:03d}.txt")
    return sources


def measure(sources: Path) -> dict[str, float]:
    paths = sorted(sources.glob("*.txt"))
    started = time.perf_counter()
    texts = [read_source(p).text for p in paths]
    plain = time.perf_counter() - started
    started = time.perf_counter()
    judge = SyllableModel(reference_texts(reference_file(sources.parent)))
    damaged = sum(judge.is_damaged(t) for t in texts)
    detect = time.perf_counter() - started
    started = time.perf_counter()
    load_sources(sources)
    full = time.perf_counter() - started
    return {"texts": len(paths), "damaged": damaged, "read": plain, "detect": detect, "read+repair": full}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    print(f"{'set':14}{'texts':>7}{'damaged':>9}{'read s':>9}{'detect s':>10}{'read+repair s':>15}{'s/damaged':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in (("seeds", config.DATA_DIR / "sources"),
                             (f"{args.copies} copies", folder_of_copies(args.copies, Path(tmp) / "data"))):
            r = measure(folder)
            per = (r["read+repair"] - r["read"] - r["detect"]) / max(r["damaged"], 1)
            print(f"{name:14}{r['texts']:>7}{r['damaged']:>9}{r['read']:>9.2f}{r['detect']:>10.2f}"
                  f"{r['read+repair']:>15.2f}{per:>11.2f}")


if __name__ == "__main__":
    main()
