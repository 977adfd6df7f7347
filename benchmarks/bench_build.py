"""Benchmark of `kg build` as the number of provincial plans grows: the streaming build against
the in-memory build it replaced, side by side, and a rebuild after one plan changed.

Generates N synthetic source documents into benchmarks/out/build-corpus-N/sources/ by re-issuing the
seed texts of data/sources under other provinces and numbers: the province's name (also as OCR text
writes it, without diacritics), 'thành phố'/'tỉnh' and 'Thành ủy'/'Tỉnh ủy' before it, the document's
own number and the day of its date change together, so each copy is a distinct document with its own
IRI. A manifest.json gives each copy the curator's hints as data/sources does (the OCR programme's
province is known only from there). Each run is its own process (peak memory is its own):

    python3 benchmarks/bench_build.py                                   # 100 and 300, both paths
    python3 benchmarks/bench_build.py --sizes 100 300 1000 --rebuild 300
    python3 benchmarks/bench_build.py --sizes 25 --paths new --linking model

Paths: `new` is this checkout's `kg build` (kg.pipeline, without the build cache); `old` is the
in-memory build (one rdflib Dataset) of an earlier commit, `--old` (default 621620a, main as it
was merged into the streaming build), taken with `git archive` into benchmarks/out/old-<commit>/
and run there with its own stages: the old path stays out of the product and is measured with its
own code. `--rebuild N`: on a copy of the N-document corpus, a build that fills the build cache,
then one plan edited (and its manifest entry updated), then the rebuild, timed.

Stages (time, and the process's VmHWM when each ends): read (the sources read, normalised and
OCR-repaired, before the first document), extract, link (task and target links), graph (new: each
document's fragment; old: the rdflib dataset), assemble (new: the cross-document graphs; old: the
N-Quads text), write (the three files). --linking: `fixed` (default) ranks with the fixed
thresholds, `model` with the calibrated model and its e5 signal, whose embeddings are cached per
corpus (benchmarks/out/build-corpus-N/kg-cache; the first run embeds every task, minutes per
hundred plans). Results are appended to benchmarks/out/bench-build.jsonl; growth exponents (time
and peak memory against documents, fitted log-log) are printed for each path.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
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
STAGES = ("read", "extract", "link", "graph", "assemble", "write")
RESULTS = OUT / "bench-build.jsonl"


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


def _hwm() -> float:
    return peak_rss_mb()


class Stages:
    """Seconds and peak memory at the end of each stage, in order."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self._last = time.perf_counter()

    def done(self, stage: str, seconds: float | None = None) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + (now - self._last if seconds is None else seconds)
        self.peak[stage] = _hwm()
        self._last = now


def _timed(function, stages: Stages, stage: str):
    """`function`, its time added to `stage` (stages interleaved document by document)."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            stages.seconds[stage] = stages.seconds.get(stage, 0.0) + time.perf_counter() - start
    return wrapper


def _progress(marks: list[float]):
    def progress(items):  # the pipeline's progress hook: when extraction started and ended
        marks.append(time.perf_counter())
        yield from items
        marks.append(time.perf_counter())
    return progress


def new_worker(data: Path, out: Path, linking: str, cache: bool) -> dict:
    """kg.pipeline.build's steps on `data` (a folder with sources/), timed stage by stage."""
    import kg.pipeline as pipeline
    from kg import config
    from kg.build_cache import BuildCache
    from kg.central import load_reference
    from kg.central.provinces import load_provinces
    from kg.link.calibrate import load_model
    from kg.link.citations import complete_citations
    from kg.link.examples import load_examples

    reference = ROOT / "data" / "reference"
    stages, marks = Stages(), []
    layer = load_reference(reference)
    store = BuildCache.for_reference(reference) if cache else None
    documents, errors = pipeline.extract_all(data / "sources", _progress(marks), store)
    complete_citations(documents, (d.ref for d in layer.documents))
    stages.done("read", marks[0] - stages._last)
    stages.done("extract", time.perf_counter() - marks[0])
    linker = pipeline.Linker(documents, layer, data, load_examples(reference),
                             load_model(reference) if linking == "model" else None)
    linker.links = _timed(linker.links, stages, "link")
    original = pipeline.document_fragment
    pipeline.document_fragment = _timed(original, stages, "graph")
    try:
        fragments, _ = pipeline.fragments_of(documents, layer, linker, store)
    finally:
        pipeline.document_fragment = original
    stages.peak["link"] = stages.peak["graph"] = _hwm()
    stages._last = time.perf_counter()
    assembly = pipeline.assemble_all(documents, fragments, layer, config.ONTOLOGY_DIR, load_provinces(reference))
    stages.done("assemble")
    _, graphs = pipeline.write_outputs(assembly, out)
    stages.done("write")
    return {"seconds": stages.seconds, "peak": stages.peak, "documents": len(documents), "errors": len(errors),
            "quads": sum(graphs.values()), "peak_rss_mb": _hwm(),
            "cache": vars(store.counts) if store else None}


def old_worker(data: Path, out: Path, linking: str) -> dict:
    """The in-memory build's stages (run with an older commit's code on PYTHONPATH)."""
    from kg import config
    from kg.central import load_reference
    from kg.central.provinces import load_provinces
    from kg.graph.io import sorted_nquads
    from kg.link.calibrate import load_model
    from kg.link.citations import complete_citations
    from kg.link.examples import load_examples
    from kg.pipeline import assemble, extract_all, link_all, write_outputs

    reference = ROOT / "data" / "reference"
    stages, marks = Stages(), []
    layer = load_reference(reference)
    documents, errors = extract_all(data / "sources", _progress(marks))
    complete_citations(documents, (d.ref for d in layer.documents))
    stages.done("read", marks[0] - stages._last)
    stages.done("extract", time.perf_counter() - marks[0])
    model = load_model(reference) if linking == "model" else None
    links = link_all(documents, layer, data, load_examples(reference), model)
    stages.done("link")
    dataset, _ = assemble(documents, layer, config.ONTOLOGY_DIR, links, load_provinces(reference))
    stages.done("graph")
    quads = sum(len(g) for g in dataset.graphs())
    nquads = sorted_nquads(dataset)
    del dataset
    stages.done("assemble")
    write_outputs(nquads, out)
    stages.done("write")
    return {"seconds": stages.seconds, "peak": stages.peak, "documents": len(documents), "errors": len(errors),
            "quads": quads, "peak_rss_mb": _hwm(), "cache": None}


def edit_one_plan(sources: Path) -> str:
    """Append a line to the first plan and register its new checksum, as `kg sources add --update`."""
    from kg.sources import load_manifest, save_manifest_entry

    entry = sorted(load_manifest(sources).values(), key=lambda e: e["file"])[0]
    path = sources / entry["file"]
    raw = path.read_bytes() + "\nNơi nhận: Sở Tài chính.\n".encode("utf-8")
    path.write_bytes(raw)
    save_manifest_entry(sources, {**entry, "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw)})
    return entry["file"]


def rebuild(data: Path, linking: str, env: dict) -> dict:
    """On a fresh copy of the corpus: a build that fills the build cache, one plan edited, the
    rebuild; each build its own process. The rebuild's figures, with the first build's time."""
    copy = data.parent / f"{data.name}-edit"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data / "sources", copy / "sources")
    shutil.rmtree(Path(env["KG_CACHE"]) / "build", ignore_errors=True)
    args = ["--worker", "cached", "--linking", linking, "--path", str(copy), "--out", str(copy / "build")]
    first = _run(args, None, env)
    edit_one_plan(copy / "sources")
    figures = _run(args, None, env)
    figures["first_build"] = sum(first["seconds"].values())
    return figures


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


def old_checkout(commit: str) -> Path:
    """benchmarks/out/old-<commit>/ with the commit's src, ontology and data/reference."""
    sha = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    folder = OUT / f"old-{sha}"
    if not (folder / "src").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "src", "ontology", "data/reference"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def growth(rows: list[dict], key) -> float | None:
    """The exponent b of key ≈ a·documents^b, least squares on logarithms."""
    points = [(math.log(r["documents"]), math.log(key(r))) for r in rows if key(r) > 0]
    if len({x for x, _ in points}) < 2:
        return None
    mx, my = sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def _line(label: str, size: int, f: dict) -> str:
    s, peak = f["seconds"], f["peak"]
    cells = " ".join(f"{s.get(k, 0):>7.1f}s" for k in STAGES)
    peaks = "/".join(f"{peak.get(k, 0):.0f}" for k in STAGES)
    line = (f"{label:>8} {size:>5} {f['quads']:>10,} {cells} {sum(s.values()):>7.1f}s "
            f"{f['peak_rss_mb']:>8.0f}  {peaks}")
    if f.get("cache"):
        c = f["cache"]
        line += f"  cache: {c['fragment_hits']} reused, {c['fragment_misses']} made (first build {f['first_build']:.1f}s)"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 300])
    parser.add_argument("--paths", nargs="+", choices=("new", "old"), default=["new", "old"])
    parser.add_argument("--old", default="621620a", help="commit whose in-memory build is the old path")
    parser.add_argument("--rebuild", type=int, nargs="*", default=[], help="sizes of the one-plan-changed rebuild")
    parser.add_argument("--linking", choices=("fixed", "model"), default="fixed")
    parser.add_argument("--reason", action="store_true", help="also time kg reason on each graph the new path built")
    parser.add_argument("--reason-limit", type=float, default=600.0)
    parser.add_argument("--worker", choices=("new", "old", "cached", "reason"))
    parser.add_argument("--path", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.worker in ("new", "old", "cached"):
        run = {"new": lambda: new_worker(args.path, args.out, args.linking, cache=False),
               "old": lambda: old_worker(args.path, args.out, args.linking),
               "cached": lambda: new_worker(args.path, args.out, args.linking, cache=True)}[args.worker]
        print(json.dumps(run()))
        return
    if args.worker == "reason":
        print(json.dumps(reason_worker(args.path)))
        return
    header = (f"{'path':>8} {'docs':>5} {'quads':>10} " + " ".join(f"{k:>8}" for k in STAGES)
              + f" {'total':>8} {'peak MB':>8}  peak MB at the end of each stage")
    print(header, flush=True)
    print("-" * len(header), flush=True)
    rows: dict[str, list[dict]] = {}
    jobs = [(size, path) for size in args.sizes for path in args.paths] + [(size, "rebuild") for size in args.rebuild]
    for size, path in jobs:
        data = generate(size).parent
        cache = data / "kg-cache"
        env = {**os.environ, "KG_CACHE": str(cache)}
        if path == "old":
            env["PYTHONPATH"] = str(old_checkout(args.old) / "src")
        else:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
        out = data / f"build-{path}"
        if path == "rebuild":
            figures = rebuild(data, args.linking, env)
        else:
            figures = _run(["--worker", path, "--linking", args.linking, "--path", str(data), "--out", str(out)],
                           None, env)
        figures.update(size=size, path=path, linking=args.linking, old=args.old if path == "old" else None,
                       when=time.strftime("%Y-%m-%d %H:%M"))
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(figures) + "\n")
        rows.setdefault(path, []).append(figures)
        line = _line(path, size, figures)
        if args.reason and path == "new":
            reasoned = _run(["--worker", "reason", "--path", str(out / "graph.nq")], args.reason_limit)
            line += (f"  reason > {args.reason_limit:g} s (stopped)" if reasoned is None else
                     f"  reason {reasoned['seconds']:.1f}s, {reasoned['peak_rss_mb']:.0f} MB, "
                     f"{reasoned['input_triples']:,} in, {reasoned['inferred']:,} inferred")
        print(line, flush=True)
    for path in ("new", "old"):
        time_b = growth(rows.get(path, []), lambda r: sum(r["seconds"].values()))
        memory_b = growth(rows.get(path, []), lambda r: r["peak_rss_mb"])
        if time_b is not None:
            print(f"{path}: time ∝ documents^{time_b:.2f}, peak memory ∝ documents^{memory_b:.2f}")


if __name__ == "__main__":
    main()
