"""Writing Turtle from a built graph.nq two ways, each in its own process (peak memory is its own):
`stream` (what kg build does: the sorted N-Quads parsed in order, each triple once, serialised
as it comes) and `store` (bulk-loaded into a pyoxigraph Store, then sorted: a Store iterates in
the order of its own term ids, so the files' order needs a sort of everything).

    python3 benchmarks/bench_write.py benchmarks/out/build-corpus-100/build-new/graph.nq
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench_queries import peak_rss_mb
from kg.graph.io import FILE_PREFIXES, write_turtle


def worker(nquads: Path, way: str, out: Path) -> dict:
    start = time.perf_counter()
    if way == "stream":
        write_turtle(nquads, out)
    else:
        store = ox.Store()
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        triples = sorted({q.triple for q in store}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ox.serialize(triples, str(out), format=ox.RdfFormat.TURTLE, prefixes=FILE_PREFIXES)
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    if sys.argv[1] == "--worker":
        print(json.dumps(worker(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))))
        return
    nquads = Path(sys.argv[1])
    for way in ("stream", "store"):
        out = nquads.with_name(f"bench-write-{way}.ttl")
        done = subprocess.run([sys.executable, __file__, "--worker", str(nquads), way, str(out)], check=True,
                              capture_output=True, text=True)
        figures = json.loads(done.stdout.splitlines()[-1])
        print(f"{way:>7}: Turtle in {figures['seconds']:.1f} s, peak {figures['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
