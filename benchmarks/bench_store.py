"""Benchmark of `kg serve` start-up: the graph loaded into memory vs the persistent store, side by side.

Uses the synthetic graph of bench_queries.py (same shape; about 1M quads by default), writes the
persistent store with `kg store load` (timed), then starts `kg serve` as a real process in each
mode on a free loopback port and prints, per mode: seconds until /sparql answers, the server's
resident memory then (VmRSS) and at its peak (VmHWM), and the time of every library query over
HTTP after start (first run: the store's pages are cold).

    python3 benchmarks/bench_store.py --triples 1000000
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from bench_queries import OUT, QUERIES, ROOT, generate, tasks_for

KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def serve(mode_args: list[str]) -> dict:
    """Start kg serve, wait for /sparql, measure memory and the library queries, stop it."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    began = time.perf_counter()
    process = subprocess.Popen([*KG, "serve", "--port", str(port), "--max-rows", "1000000", *mode_args],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"kg serve {' '.join(mode_args)} exited with {process.returncode}")
            try:
                httpx.get(url, params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        result = {"start_s": time.perf_counter() - began, **memory_mb(process.pid), "queries": {}}
        for path in QUERIES:
            t0 = time.perf_counter()
            answer = httpx.post(url, data={"query": path.read_text(encoding="utf-8")},
                                headers={"Accept": "text/csv"}, timeout=600)
            result["queries"][path.stem] = (time.perf_counter() - t0, answer.text.count("\n") - 1)
        result["after_queries"] = memory_mb(process.pid)
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="approximate size of the synthetic graph")
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--documents", type=int, default=3)
    parser.add_argument("--seed", type=int, default=57)
    args = parser.parse_args()
    tasks = tasks_for(args.triples, args.provinces, args.documents)
    data = OUT / f"synthetic-p{args.provinces}-d{args.documents}-t{tasks}-s{args.seed}.nq"
    if not data.exists():
        generate(data, tasks, args.provinces, args.documents, args.seed)
    store = OUT / f"{data.stem}.store"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    began = time.perf_counter()
    subprocess.run([*KG, "store", "load", "--graph", str(data), "--store", str(store)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    load_s = time.perf_counter() - began
    quads = sum(1 for _ in data.open(encoding="utf-8"))
    size_mb = sum(f.stat().st_size for f in store.iterdir()) / 2**20
    print(f"graph: {quads:,} quads ({data.name}); kg store load: {load_s:.1f} s, store {size_mb:.0f} MB on disk")

    memory, persistent = serve(["--graph", str(data)]), serve(["--store", str(store)])
    print("\n| kg serve | in memory (--graph) | persistent (--store) |\n|---|---|---|")
    print(f"| start until /sparql answers | {memory['start_s']:.1f} s | {persistent['start_s']:.1f} s |")
    print(f"| RSS at start | {memory['VmRSS']:.0f} MB | {persistent['VmRSS']:.0f} MB |")
    print(f"| peak RSS at start | {memory['VmHWM']:.0f} MB | {persistent['VmHWM']:.0f} MB |")
    print(f"| RSS after the library queries | {memory['after_queries']['VmRSS']:.0f} MB | "
          f"{persistent['after_queries']['VmRSS']:.0f} MB |")
    for path in QUERIES:
        (a, rows_a), (b, rows_b) = memory["queries"][path.stem], persistent["queries"][path.stem]
        note = "" if rows_a == rows_b else f" (rows differ: {rows_a} vs {rows_b})"
        print(f"| {path.name} | {a * 1000:.0f} ms | {b * 1000:.0f} ms{note} |")


if __name__ == "__main__":
    main()
