"""Benchmark of `kg serve` (in memory and on the persistent store) beside the Oxigraph server, over HTTP.

Uses the synthetic graph of bench_queries.py (same shape; about 1M quads by default). Writes the
persistent store with `kg store load` and an Oxigraph server's store with `oxigraph load` plus the
union of the named graphs copied into its default graph (what `kg publish` and `kg store load` do:
the library queries read the default graph as the merge of the documents), both timed. Then starts
each server as a real process on a free loopback port: `kg serve --graph` (in memory),
`kg serve --store` and `oxigraph serve-read-only`. Per server it prints seconds until the endpoint
answers and resident memory, and per library query the first run and p50 / p95 over --runs further
runs (POST, JSON results, one kept-alive connection per server), with the ratio kg serve / Oxigraph
server. The servers take turns run by run, so that load from other work on the machine falls on
all of them alike; an "ASK {}" row gives each endpoint's fixed cost per request.

Each file of queries/ runs as written (its default parameters; UNDEF = every province, document …).
Queries that take one document, task, directive or province also run with several values of that
parameter (PARAMETERS; the VALUES block edited as the file's comment says), cycling through them;
those rows are marked "(one …)". Rows returned must agree between the servers; a difference is
printed beside the query.

    python3 benchmarks/bench_store.py --triples 1000000
    python3 benchmarks/bench_store.py --triples 1000000 --runs 20 --only plan-links,trace
    python3 benchmarks/bench_store.py --servers kg-memory,oxigraph   # skip a server
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench_queries import PROGRAMME, QUERIES, RES_57, RES_71, ROOT, graph_arguments, synthetic_graph

from kg.graph import ids

KG = [sys.executable, "-c", "from kg.cli import main; main()"]
OXIGRAPH = shutil.which("oxigraph")
UNION = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
JSON = {"Accept": "application/sparql-results+json"}


def place(slug: str) -> str:
    return f"<{ids.place_iri('vn-' + slug)}>"


def plan(slug: str, number: int) -> str:
    return f"<{ids.BASE}eli/vn-{slug}/ubnd/kh/2025/{number}>"


def indicator(notation: str) -> str:
    return f"<{ids.concept_iri('indicator', notation)}>"


# Per query: (what one value selects, the VALUES variable, values). Provinces include merged ones
# (Quảng Nam -> Đà Nẵng, Hà Giang -> Tuyên Quang) and unchanged ones; tasks a merged ministry's and
# local tasks whose department or province ended.
PROVINCE_VALUES = [place(s) for s in ("quang-nam", "can-tho", "ha-giang", "dak-lak", "ha-noi")]
PROVINCE_NOW_VALUES = [place(s) for s in ("da-nang", "can-tho", "tuyen-quang", "ha-noi")]
PARAMETERS: dict[str, tuple[str, str, list[str]]] = {
    "trace": ("directive", "directive", [f"<{PROGRAMME}/pl2/{n}>" for n in (13, 40, 97, 121)]
              + [f"<{ids.BASE}concept/nq57-group/4>"]),
    "responsible-now": ("task", "task", [f"<{PROGRAMME}/pl2/{n}>" for n in (97, 12, 55)]
                        + [f"<{plan(s, 101)[1:-1]}/ii/1/1>" for s in ("quang-nam", "can-tho", "ha-giang")]),
    "plan-links": ("document", "document", [plan(s, n) for s, n in
                                            (("can-tho", 101), ("quang-nam", 102), ("ha-giang", 103),
                                             ("dak-lak", 101), ("ha-noi", 102))]),
    "implementation-chain": ("province", "place", PROVINCE_VALUES),
    "coverage-gaps": ("province", "place", PROVINCE_VALUES),
    "deadlines": ("province", "place", PROVINCE_VALUES),
    "documents": ("province", "place", PROVINCE_VALUES),
    "agency-load": ("province", "place", PROVINCE_VALUES),
    "bodies-gone": ("province", "placeNow", PROVINCE_NOW_VALUES),
    "coverage-now": ("province", "placeNow", PROVINCE_NOW_VALUES),
    "targets-compared": ("indicator", "onlyIndicator", [indicator(n) for n in
                                                        ("digital-economy-share", "rd-spending-share",
                                                         "broadband-coverage")]),
    "national-targets": ("indicator", "indicator", [indicator(n) for n in ("digital-economy-share", "tfp-contribution")]),
    "implements-57": ("target", "target", [f"<{RES_57}>", f"<{RES_71}>"]),
}


def with_value(text: str, variable: str, value: str) -> str:
    """The query with its `VALUES ?variable { … }` block set to one value."""
    pattern = re.compile(r"VALUES \?" + variable + r" \{[^}]*\}")
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"no single VALUES ?{variable} block")
    return pattern.sub(lambda _: f"VALUES ?{variable} {{ {value} }}", text)


@dataclass
class Case:
    name: str  # row label
    texts: list[str]  # the query texts, run in turn


def cases(only: set[str] | None, folder: Path | None = None) -> list[Case]:
    found = [Case("ASK {} (the endpoint's own cost)", ["ASK {}"])]
    for path in sorted(folder.glob("*.rq")) if folder else QUERIES:
        if only and path.stem.split(".")[0] not in only:
            continue
        text = path.read_text(encoding="utf-8")
        found.append(Case(path.name, [text]))
        key = path.stem.split(".")[0]  # "trace.before.rq" takes the parameters of trace.rq
        if key in PARAMETERS:
            what, variable, values = PARAMETERS[key]
            found.append(Case(f"{path.name} (one {what}, {len(values)} values)",
                              [with_value(text, variable, v) for v in values]))
    return found


@dataclass
class Server:
    name: str
    command: list[str]
    url: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Timing:
    first: float | None = None
    runs: list[float] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)
    error: str = ""


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


def ask(client: httpx.Client, url: str, text: str, timeout: float) -> tuple[float, int | None, str]:
    """(seconds until the whole answer is read, rows, error). One client per server keeps its
    connection open, as a real client does (a new connection per request cost ~50 ms here)."""
    began = time.perf_counter()
    try:
        answer = client.post(url, data={"query": text}, headers=JSON, timeout=timeout)
    except httpx.TimeoutException:
        return time.perf_counter() - began, None, "client timeout"
    seconds = time.perf_counter() - began
    if answer.status_code != 200:
        return seconds, None, f"HTTP {answer.status_code}"
    try:
        found = answer.json()
    except ValueError:  # the Oxigraph server streams: a query stopped by its timeout leaves a cut answer
        return seconds, None, "answer cut off"
    return seconds, len(found["results"]["bindings"]) if "results" in found else 1, ""


def start(server: Server) -> tuple[subprocess.Popen, dict]:
    """Start a server and wait until it answers; (process, start seconds and memory)."""
    process = subprocess.Popen(server.command, env={**os.environ, **server.env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = time.perf_counter()
    while True:
        if process.poll() is not None:
            raise SystemExit(f"{server.name} exited with {process.returncode}")
        try:
            httpx.post(server.url, data={"query": "ASK {}"}, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, {"start_s": time.perf_counter() - began, **memory_mb(process.pid), "cases": {}}


def measure(servers: list[Server], todo: list[Case], runs: int, timeout: float) -> dict[str, dict]:
    """Every case on every server, the servers taking turns run by run, so that the load other
    work puts on the machine falls on all of them alike."""
    processes, results = {}, {}
    clients = {s.name: httpx.Client() for s in servers}
    try:
        for server in servers:  # one at a time: each loads (or opens) the graph on its own
            processes[server.name], results[server.name] = start(server)
        for case in todo:
            timings = {s.name: Timing() for s in servers}
            for run in range(1 + max(runs, len(case.texts))):
                for server in servers:
                    timing = timings[server.name]
                    if timing.error:
                        continue
                    seconds, rows, error = ask(clients[server.name], server.url, case.texts[run % len(case.texts)],
                                               timeout)
                    if error:
                        timing.error = f"{error} after {seconds:.1f} s"
                        continue
                    timing.rows.add(rows if len(case.texts) == 1 else run % len(case.texts) * 10**9 + rows)
                    if run == 0:
                        timing.first = seconds
                    else:
                        timing.runs.append(seconds)
            for server in servers:
                results[server.name]["cases"][case.name] = timings[server.name]
            print(f"  {case.name}: " + ", ".join(f"{n} {t.error or ms(p(t, 50))}" for n, t in timings.items()),
                  file=sys.stderr)
        for server in servers:
            results[server.name]["after"] = memory_mb(processes[server.name].pid)
        return results
    finally:
        for client in clients.values():
            client.close()
        for process in processes.values():
            process.terminate()
            process.wait(timeout=30)


def p(timing: Timing, q: int) -> float | None:
    if timing.error or not timing.runs:
        return None
    if len(timing.runs) == 1:
        return timing.runs[0]
    return statistics.quantiles(timing.runs, n=100, method="inclusive")[q - 1]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.0f} s"


def cell(timing: Timing | None) -> str:
    if timing is None:
        return "–"
    if timing.error:
        return timing.error
    return f"{ms(p(timing, 50))} / {ms(p(timing, 95))}"


def ratio(a: Timing | None, b: Timing | None) -> str:
    if a is None or b is None or a.error or b.error:
        return "–"
    return f"{p(a, 95) / p(b, 95):.1f}×"


def rows_of(timing: Timing) -> str:
    return ",".join(str(r % 10**9) for r in sorted(timing.rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    graph_arguments(parser, 1_000_000)
    parser.add_argument("--runs", type=int, default=20,
                        help="timed runs per query after the first (at least one per parameter value)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per query (kg serve --timeout too)")
    parser.add_argument("--servers", default="kg-memory,kg-store,oxigraph")
    parser.add_argument("--only", help="comma-separated query names (file stems)")
    parser.add_argument("--queries", type=Path, help="folder of .rq files instead of queries/ (e.g. an older "
                                                     "version: git archive <commit> queries | tar -x -C /tmp/old)")
    args = parser.parse_args()
    data = synthetic_graph(args)
    quads = sum(1 for _ in data.open(encoding="utf-8"))
    store, oxi = data.parent / f"{data.stem}.store", data.parent / f"{data.stem}.oxigraph"
    env = {"PYTHONPATH": str(ROOT / "src")}
    wanted = args.servers.split(",")
    print(f"graph: {quads:,} quads ({data.name})")
    if "kg-store" in wanted:
        began = time.perf_counter()
        subprocess.run([*KG, "store", "load", "--graph", str(data), "--store", str(store)], env={**os.environ, **env},
                       check=True, stdout=subprocess.DEVNULL)
        size = sum(f.stat().st_size for f in store.iterdir()) / 2**20
        print(f"kg store load: {time.perf_counter() - began:.1f} s, {size:.0f} MB on disk")
    if "oxigraph" in wanted:
        if OXIGRAPH is None:
            raise SystemExit("the oxigraph server binary is absent: pip install oxigraph")
        shutil.rmtree(oxi, ignore_errors=True)
        began = time.perf_counter()
        subprocess.run([OXIGRAPH, "load", "--location", str(oxi), "--file", str(data)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([OXIGRAPH, "update", "--location", str(oxi), "--update", UNION], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        size = sum(f.stat().st_size for f in oxi.iterdir()) / 2**20
        print(f"oxigraph load + union into the default graph: {time.perf_counter() - began:.1f} s, "
              f"{size:.0f} MB on disk")

    servers = []
    for name in wanted:
        port = free_port()
        kg_serve = [*KG, "serve", "--port", str(port), "--max-rows", "10000000", "--timeout", str(args.timeout)]
        if name == "kg-memory":
            servers.append(Server(name, [*kg_serve, "--graph", str(data)], f"http://127.0.0.1:{port}/sparql", env))
        elif name == "kg-store":
            servers.append(Server(name, [*kg_serve, "--store", str(store)], f"http://127.0.0.1:{port}/sparql", env))
        elif name == "oxigraph":
            servers.append(Server(name, [OXIGRAPH, "serve-read-only", "--location", str(oxi), "--bind",
                                         f"127.0.0.1:{port}", "--timeout-s", str(int(args.timeout))],
                                  f"http://127.0.0.1:{port}/query"))
    todo = cases(set(args.only.split(",")) if args.only else None, args.queries)
    results = measure(servers, todo, args.runs, args.timeout + 5)

    names = [s.name for s in servers]
    print("\n| server | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    print("| start until the endpoint answers | " + " | ".join(f"{results[n]['start_s']:.1f} s" for n in names) + " |")
    print("| RSS at start (peak) | " + " | ".join(f"{results[n]['VmRSS']:.0f} MB ({results[n]['VmHWM']:.0f} MB)"
                                                for n in names) + " |")
    print("| RSS after the queries | " + " | ".join(f"{results[n]['after']['VmRSS']:.0f} MB" for n in names) + " |")

    ox_ = "oxigraph" in names
    header = ["query (rows)", *(f"{n} p50 / p95" for n in names)]
    if "kg-store" in names:
        header.append("kg-store first run")
    if ox_:
        header += [f"{n} / oxigraph (p95)" for n in names if n != "oxigraph"]
    print(f"\n{args.runs} runs per query after a first one; times until the whole JSON answer is read.\n")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for case in todo:
        timings = {n: results[n]["cases"][case.name] for n in names}
        counts = {n: rows_of(t) for n, t in timings.items() if not t.error}
        label = f"{case.name} ({next(iter(counts.values()), '?')})"
        if len(set(counts.values())) > 1:
            label += " rows differ: " + ", ".join(f"{n} {c}" for n, c in counts.items())
        line = [label, *(cell(timings[n]) for n in names)]
        if "kg-store" in names:
            line.append(ms(timings["kg-store"].first))
        if ox_:
            line += [ratio(timings[n], timings["oxigraph"]) for n in names if n != "oxigraph"]
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
