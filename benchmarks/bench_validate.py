"""Benchmark of `kg validate`'s two engines, pySHACL and the SPARQL translation on pyoxigraph, side by side.

Runs both on the seed build (build/graph.trig, from `kg build`) and on synthetic graphs made by
bench_queries.py's generator (same shape as a real build, many provinces), printing load time,
validation time, peak memory and the number of results, and whether the engines agree.

    python3 benchmarks/bench_validate.py                         # seeds, ~100k and ~1M triples
    python3 benchmarks/bench_validate.py --sizes 100000 --pyshacl-limit 120

Each engine runs in its own process so that its peak resident memory (VmHWM) is its own; a run past
--pyshacl-limit (or --sparql-limit) seconds is stopped and reported as '> N s'. Coverage gaps are
not timed: both engines share that query.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench_queries import OUT, ROOT, generate, peak_rss_mb, tasks_for

ENGINES = ("sparql", "pyshacl")


def worker(engine: str, data: Path) -> dict:
    """Load `data` for `engine` and validate it; figures and per-finding counts as a JSON-able dict."""
    from rdflib import Graph

    from kg import config
    from kg.validate import load_dataset, load_shapes, load_store_for, run_pyshacl, run_sparql

    shapes = load_shapes(config.SHAPES_DIR)
    ontology = Graph().parse(config.ONTOLOGY_DIR / "nq57.ttl", format="turtle")
    start = time.perf_counter()
    loaded = load_store_for(data) if engine == "sparql" else load_dataset(data)
    load = time.perf_counter() - start
    start = time.perf_counter()
    validation = (run_sparql if engine == "sparql" else run_pyshacl)(loaded, shapes, ontology)
    seconds = time.perf_counter() - start
    findings = Counter(f"{r.severity}: {r.message}" for r in validation.results)
    return {"load_s": load, "validate_s": seconds, "peak_rss_mb": peak_rss_mb(), "graphs": len(validation.labels),
            "results": len(validation.results), "findings": dict(sorted(findings.items()))}


def run(engine: str, data: Path, limit: float) -> dict | None:
    """The worker's figures, or None if it ran past `limit` seconds."""
    command = [sys.executable, __file__, "--worker", engine, "--data", str(data)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def synthetic(triples: int, provinces: int, documents: int, seed: int) -> Path:
    """bench_queries.py's synthetic graph near `triples`, generated once into benchmarks/out/."""
    tasks = tasks_for(triples, provinces, documents)
    data = OUT / f"synthetic-p{provinces}-d{documents}-t{tasks}-s{seed}.nq"
    if not data.exists():
        generate(data, tasks, provinces, documents, seed)
    return data


def row(label: str, data: Path, limits: dict[str, float]) -> str:
    quads = sum(1 for _ in data.open(encoding="utf-8")) if data.suffix == ".nq" else None
    figures = {engine: run(engine, data, limits[engine]) for engine in ENGINES}
    cells = []
    for engine in ENGINES:
        result = figures[engine]
        cells.append(f"> {limits[engine]:g} s (stopped) | - | -" if result is None else
                     f"{result['load_s']:.1f} s + {result['validate_s']:.1f} s | {result['peak_rss_mb']:.0f} MB | "
                     f"{result['results']:,}")
    sparql, pyshacl = figures["sparql"], figures["pyshacl"]
    agree = "-" if sparql is None or pyshacl is None else \
        ("yes" if sparql["findings"] == pyshacl["findings"] else "NO")
    size = f"{quads:,} quads" if quads else data.name
    return f"| {label} ({size}) | " + " | ".join(cells) + f" | {agree} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated synthetic sizes (triples)")
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--documents", type=int, default=3, help="loaded documents per province")
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--seeds-graph", type=Path, default=ROOT / "build" / "graph.trig",
                        help="the seed build (skipped if missing)")
    parser.add_argument("--pyshacl-limit", type=float, default=600.0, help="seconds before pySHACL is stopped")
    parser.add_argument("--sparql-limit", type=float, default=600.0, help="seconds before the SPARQL engine is stopped")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        json.dump(worker(args.worker, args.data), sys.stdout)
        return

    limits = {"sparql": args.sparql_limit, "pyshacl": args.pyshacl_limit}
    print("| graph | sparql: load + validate | peak RSS | results | pySHACL: load + validate | peak RSS | results "
          "| same findings |\n|---|---|---|---|---|---|---|---|", flush=True)
    if args.seeds_graph.exists():
        print(row("seeds", args.seeds_graph, limits), flush=True)
    for size in (int(s) for s in args.sizes.split(",") if s):
        print(row(f"synthetic ~{size:,}", synthetic(size, args.provinces, args.documents, args.seed), limits),
              flush=True)


if __name__ == "__main__":
    main()
