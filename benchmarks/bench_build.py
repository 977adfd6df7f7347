"""Benchmark of `kg build` (and optionally `kg reason`) as the number of provincial plans grows.

Generates N synthetic source documents into benchmarks/out/build-corpus-N/sources/ by re-issuing the
seed texts of data/sources under other provinces and numbers: the province's name (also as OCR text
writes it, without diacritics), 'thành phố'/'tỉnh' and 'Thành ủy'/'Tỉnh ủy' before it, the document's
own number and the day of its date change together, so each copy is a distinct document with its own
IRI. A manifest.json gives each copy the curator's hints as data/sources does (the OCR programme's
province is known only from there). Then runs the pipeline's stages on each size, each size in its
own process (peak memory is its own), and prints one table:

    python3 benchmarks/bench_build.py                        # 5, 25, 100 documents
    python3 benchmarks/bench_build.py --sizes 5 25 100 300
    python3 benchmarks/bench_build.py --sizes 25 100 --reason --reason-limit 600
    python3 benchmarks/bench_build.py --sizes 100 --linking fixed warm

Stages: extract (read, parse, extract; timed through the pipeline's progress hook), link (task and
target links; side by side as --linking chooses: `fixed` = the fixed thresholds without embeddings,
`cold` = the calibrated model with the e5 signal and an empty embedding cache, `warm` = the same
again on the filled cache, as a rebuild runs), assemble (the rdflib dataset), write (sorted N-Quads, TriG, Turtle). --reason runs
`kg reason`'s steps on the written graph in another process, stopped after --reason-limit seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench_queries import OUT, ROOT, peak_rss_mb

from kg.extract.places import CITIES, PROVINCES
from kg.parse.normalize import fold

SEEDS = ROOT / "data" / "sources"
STAGES = ("extract", "link", "assemble", "write")
LINKING = ("fixed", "cold", "warm")


def _seed_entries() -> list[dict]:
    manifest = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
    return manifest["documents"]


def _own_number(text: str) -> str | None:
    """The seed's own number as written in its head ('37/KH-UBND', '60-CTr/TU'), if it has one."""
    from kg.extract.metadata import extract_metadata
    from kg.sources import source_from_bytes

    meta = extract_metadata(source_from_bytes(text.encode("utf-8"), "seed", "seed.txt"))
    return meta.symbol or None


def _unit(place: str) -> tuple[str, str]:
    """('thành phố', 'Thành ủy') for a centrally-run city, ('tỉnh', 'Tỉnh ủy') for a province."""
    return ("thành phố", "Thành ủy") if place in CITIES else ("tỉnh", "Tỉnh ủy")


def reissue(text: str, seed_place: str, place: str, number: int, own: str | None) -> str:
    """The seed text as if `place` had issued it as document `number` (see the module doc)."""
    unit, party = _unit(place)
    for old_unit in ("thành phố", "tỉnh", "Thành phố", "Tỉnh"):
        text = text.replace(f"{old_unit} {seed_place}", f"{unit} {place}")
    for old_party in ("Thành ủy", "Tỉnh ủy"):
        text = text.replace(f"{old_party} {seed_place}", f"{party} {place}")
    text = text.replace(seed_place, place).replace(seed_place.upper(), place.upper())
    folded_seed, folded = fold(seed_place).title(), fold(place).title()
    text = re.sub(rf"\b[DP]a {folded_seed.split()[-1]}\b" if folded_seed.startswith("Da ") else rf"\b{folded_seed}\b",
                  folded, text)
    if own:
        digits = re.match(r"\d+", own).group()
        text = text.replace(own, own.replace(digits, str(number), 1))
    day = 1 + number % 28
    return re.sub(r"(ngày\s+)\d{1,2}(\s+tháng\s+\d{1,2}\s+năm\s+20\d\d)", rf"\g<1>{day:02d}\2", text, count=1)


def generate(count: int) -> Path:
    """benchmarks/out/build-corpus-<count>/sources with `count` documents and their manifest."""
    folder = OUT / f"build-corpus-{count}" / "sources"
    if (folder / "manifest.json").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [(entry, (SEEDS / entry["file"]).read_text(encoding="utf-8")) for entry in _seed_entries()]
    owns = [_own_number(text) for _, text in seeds]
    places = CITIES + PROVINCES
    entries = []
    for i in range(count):
        (entry, text), own = seeds[i % len(seeds)], owns[i % len(seeds)]
        # each seed goes to every province once before any (seed, province) repeats (from 316
        # documents on): a repeated unnumbered text would be the same document
        place = places[(i // len(seeds) + 7 * (i % len(seeds))) % len(places)]
        number = 1000 + i
        body = reissue(text, entry["jurisdiction"], place, number, own)
        name = f"{i:04d}_{fold(place).replace(' ', '-').replace('---', '-')}_{entry['file']}"
        raw = body.encode("utf-8")
        (folder / name).write_bytes(raw)
        unit, party = _unit(place)
        issuer = entry["issuer"].replace(entry["jurisdiction"], place)
        issuer = re.sub(r"thành phố|tỉnh", unit, issuer).replace("Thành ủy", party).replace("Tỉnh ủy", party)
        entries.append({"file": name, "jurisdiction": place, "issuer": issuer, "kind": entry["kind"],
                        "text_state": entry["text_state"], "sha256": hashlib.sha256(raw).hexdigest(),
                        "bytes": len(raw)})
    (folder / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    return folder


def worker(sources: Path, out: Path, linking: str) -> dict:
    """The stages of kg.pipeline.build on `sources`, timed one by one."""
    from kg import config
    from kg.central import load_reference
    from kg.graph.io import sorted_nquads
    from kg.link.citations import complete_citations
    from kg.link.calibrate import load_model
    from kg.link.examples import load_examples
    from kg.pipeline import assemble, extract_all, link_all, write_outputs

    seconds: dict[str, float] = {}
    layer = load_reference(ROOT / "data" / "reference")
    marks: list[float] = []

    def progress(items):  # the pipeline's progress hook: when extraction started and ended
        marks.append(time.perf_counter())
        yield from items
        marks.append(time.perf_counter())

    start = time.perf_counter()
    documents, errors = extract_all(sources, progress)
    complete_citations(documents, (d.ref for d in layer.documents))
    seconds["extract"] = time.perf_counter() - start
    seconds["read"] = marks[0] - start  # reading and normalising the files, before the first document
    start = time.perf_counter()
    model = None if linking == "fixed" else load_model(ROOT / "data" / "reference")
    links = link_all(documents, layer, ROOT / "data", load_examples(ROOT / "data" / "reference"), model)
    seconds["link"] = time.perf_counter() - start
    start = time.perf_counter()
    dataset, summaries = assemble(documents, layer, config.ONTOLOGY_DIR, links)
    seconds["assemble"] = time.perf_counter() - start
    triples = sum(len(g) for g in dataset.graphs())
    start = time.perf_counter()  # as kg.pipeline.build: N-Quads, the dataset dropped, then the files
    nquads = sorted_nquads(dataset)
    del dataset
    write_outputs(nquads, out)
    seconds["write"] = time.perf_counter() - start
    return {"seconds": seconds, "documents": len(documents), "errors": [str(e) for e in errors],
            "distinct_iris": len({s.iri for s in summaries}), "triples": triples, "peak_rss_mb": peak_rss_mb()}


def reason_worker(graph: Path) -> dict:
    """`kg reason`'s work on a built graph: load it into owlready2, run HermiT, count inferences."""
    from kg.reason import check_consistency, reasoning_input
    from kg.validate import load_dataset

    start = time.perf_counter()
    result = check_consistency(reasoning_input(load_dataset(graph)))
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb(), "consistent": result.consistent,
            "input_triples": result.input_triples, "inferred": result.inferred_facts}


def _run(args: list[str], limit: float | None, env: dict | None = None) -> dict | None:
    try:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True,
                              timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as err:
        raise SystemExit(f"worker {args} failed:\n{err.stderr}") from err
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 25, 100])
    parser.add_argument("--reason", action="store_true", help="also time kg reason on each built graph")
    parser.add_argument("--reason-limit", type=float, default=600.0)
    parser.add_argument("--linking", nargs="+", choices=LINKING, default=list(LINKING),
                        help="task linking variants, side by side (see above)")
    parser.add_argument("--worker", choices=("build", "reason"))
    parser.add_argument("--path", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker == "build":
        print(json.dumps(worker(args.path, args.out, args.linking[0])))
        return
    if args.worker == "reason":
        print(json.dumps(reason_worker(args.path)))
        return
    header = (f"{'linking':>8} {'docs':>5} {'IRIs':>5} {'triples':>9} {'read':>6} {'extract':>8} {'link':>7} {'assemble':>9} "
              f"{'write':>7} {'total':>7} {'peak MB':>8}" + ("  reason" if args.reason else ""))
    print(header)
    print("-" * len(header))
    for size, linking in ((size, linking) for size in args.sizes for linking in args.linking):
        sources = generate(size)
        out = sources.parent / "build"
        cache = sources.parent / "embedding-cache"
        if linking == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "KG_CACHE": str(cache)}
        figures = _run(["--worker", "build", "--linking", linking, "--path", str(sources), "--out", str(out)], None, env)
        s = figures["seconds"]
        line = (f"{linking:>8} {figures['documents']:>5} {figures['distinct_iris']:>5} {figures['triples']:>9,} {s['read']:>5.1f}s "
                f"{s['extract']:>7.1f}s {s['link']:>6.1f}s {s['assemble']:>8.1f}s {s['write']:>6.1f}s "
                f"{sum(s[k] for k in STAGES):>6.1f}s {figures['peak_rss_mb']:>8.0f}")
        if figures["errors"]:
            line += f"  ({len(figures['errors'])} unreadable)"
        if linking == "cold":
            embedded = sum(1 for _ in cache.rglob("*.i8"))
            line += f"  {embedded} texts embedded"
        if args.reason:
            reasoned = _run(["--worker", "reason", "--path", str(out / "graph.nq")], args.reason_limit)
            line += (f"  > {args.reason_limit:g} s (stopped)" if reasoned is None else
                     f"  {reasoned['seconds']:.1f}s, {reasoned['peak_rss_mb']:.0f} MB, "
                     f"{reasoned['input_triples']:,} in, {reasoned['inferred']:,} inferred")
        print(line, flush=True)


if __name__ == "__main__":
    main()
