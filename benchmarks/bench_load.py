"""Bounded load test of the SPARQL endpoint on loopback: light library queries under load, then
the same beside hostile queries, with queries in worker processes (the default) and in threads.

For each mode a server is started on 127.0.0.1 over the built graph (a child process), then:
1. `--clients` concurrent clients send `--requests` library queries (queries/*.rq, round robin):
   errors, p50 and p95 latency;
2. `--hostile` COUNT-over-a-cross-product queries are sent at once (each answered 503 at the
   timeout), light queries run meanwhile and after: their p95, and the server's CPU seconds
   (its own and its workers') in the 3 s after the last 503 — a core held by a stopped query shows
   up there as ~3 s per query still running.

    python3 benchmarks/bench_load.py [--graph build/graph.trig] [--clients 50] [--requests 500]

Only loopback, a fixed number of requests, a bounded run time.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SERVER = """
import sys, uvicorn
from kg.serve import create_app
app = create_app([sys.argv[1]], timeout_s=float(sys.argv[3]), isolate=sys.argv[4] == "process")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start(graph: Path, timeout_s: float, mode: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(graph), str(port), str(timeout_s), mode], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(url + "/health", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start in 60 s")


def children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (the query workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(proc.name) == pid or int(stat[1]) == pid:
            total += int(stat[11]) + int(stat[12])
    return total / ticks


def timed(client: httpx.Client, url: str, query: str) -> tuple[float, int]:
    began = time.perf_counter()
    try:
        status = client.post(url + "/sparql", data={"query": query}, timeout=120).status_code
    except httpx.HTTPError:
        status = 0
    return time.perf_counter() - began, status


def run_light(url: str, queries: list[str], clients: int, requests: int) -> list[tuple[float, int]]:
    with httpx.Client() as client, ThreadPoolExecutor(clients) as pool:
        return list(pool.map(lambda i: timed(client, url, queries[i % len(queries)]), range(requests)))


def summary(results: list[tuple[float, int]]) -> str:
    times = sorted(t for t, _ in results)
    errors = sum(status != 200 for _, status in results)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return f"{len(results)} req, {errors} errors, p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def measure(graph: Path, mode: str, args: argparse.Namespace, queries: list[str]) -> dict[str, str]:
    process, url = start(graph, args.timeout, mode)
    try:
        row = {"light load": summary(run_light(url, queries, args.clients, args.requests))}
        with httpx.Client() as client, ThreadPoolExecutor(args.hostile + 4) as pool:
            hostile = [pool.submit(timed, client, url, HOSTILE) for _ in range(args.hostile)]
            time.sleep(0.5)
            during = run_light(url, queries, 4, 40)
            answers = [f.result() for f in hostile]
        row["hostile answers"] = ", ".join(sorted({f"{s} after {t:.1f} s" for t, s in answers}))
        row["light beside hostile"] = summary(during)
        before = cpu_seconds(process.pid)
        time.sleep(3)
        row["server CPU s in 3 s after"] = f"{cpu_seconds(process.pid) - before:.1f}"
        row["light after"] = summary(run_light(url, queries, 4, 40))
        return row
    finally:
        workers = children(process.pid)
        process.kill()
        for pid in workers:  # the server's own query workers, by id
            os.kill(pid, signal.SIGKILL)
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "build" / "graph.trig")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--hostile", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=5.0, help="server query timeout, seconds")
    args = parser.parse_args()
    if not args.graph.exists():
        raise SystemExit(f"{args.graph}: no graph; run `kg build` first")
    queries = [q.read_text(encoding="utf-8") for q in sorted((ROOT / "queries").glob("*.rq"))]
    rows = {mode: measure(args.graph, mode, args, queries) for mode in ("process", "thread")}
    print(f"graph {args.graph}, {args.clients} clients, timeout {args.timeout} s, {args.hostile} hostile queries\n")
    print("| measure | workers (process) | threads |\n|---|---|---|")
    for key in rows["process"]:
        print(f"| {key} | {rows['process'][key]} | {rows['thread'][key]} |")


if __name__ == "__main__":
    main()
