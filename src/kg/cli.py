"""The `kg` command: build the graph, validate it, query it, serve it, export it.

Each subcommand is a thin layer over a library function; see README.md for the workflow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__, config
from kg.cli_openings import eval_openings
from kg.cli_ocr import ocr
from kg.cli_store import auth_options, make_auth, open_persistent, publish, query_endpoint, store_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """nq57-kg: trace Resolution 57-NQ/TW through the Government programme to provincial tasks.

    \b
    Exit codes: 0 done; 1 the command failed on its input (unreadable documents, a bad CSV,
    query or graph file, each named with its line where there is one; `kg validate`: violations);
    2 wrong usage (unknown option, missing file argument; `kg validate`: unreadable input)."""


def _progress(label: str):
    def wrap(items):
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr, show_pos=True,
                               item_show_func=lambda s: getattr(s, "source_id", None)) as bar:
            yield from bar
    return wrap


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ (local documents) and, optionally, reference/ (central layer) and reviews/.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=config.BUILD_DIR,
              show_default=True, help="Folder for graph.trig, graph.ttl and graph.nq, switched in as one set "
              "(OUT/current -> OUT/runs/<id>) only when the build succeeds.")
@click.option("--reference", "reference_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Folder of the central layer (central.json). Default: DATA/reference if it "
              "exists, else the project's data/reference, so a folder of new plans needs only sources/.")
@click.option("--keep-going", is_flag=True, help="Build from the readable documents when others cannot be read "
              "(each is still named); without it such a build writes nothing and exits 1.")
@click.option("--no-cache", is_flag=True, help="Extract, link and graph every document again instead of reusing "
              "what an earlier build made of the unchanged ones (kept under KG_CACHE, else the XDG cache, in build/).")
def build(data_dir: Path, out_dir: Path, reference_dir: Path | None, keep_going: bool, no_cache: bool) -> None:
    """Build the graph from the documents in DATA and print what each document gave.

    What a document gave (its extraction, links and quads) is kept in the build cache and reused
    while the document, its manifest entry, the reference folder, the reviewed decisions and the
    code are the same: a rebuild after one plan changed makes that plan again and the
    cross-document graphs (reference, reorganisation, build), then writes the files.

    Exits 1, naming each file and why, and leaving the previous graph as it was, when no document
    can be read or (without --keep-going) any listed document is missing, changed or undecodable."""
    from kg.link.examples import FILE_NAME as EXAMPLES_FILE
    from kg.pipeline import BuildFailed
    from kg.pipeline import build as run_build

    if not (data_dir / "sources").is_dir():
        raise click.UsageError(f"{data_dir / 'sources'} is not a folder: nothing to build from")
    reference_dir = reference_dir or _default_reference(data_dir)
    if not (reference_dir / "central.json").is_file():
        raise click.UsageError(f"{reference_dir / 'central.json'} is missing: "
                               "run `kg reference --corpus PATH` to derive the central layer")
    if not (reference_dir / EXAMPLES_FILE).is_file():
        click.echo(f"note: no {EXAMPLES_FILE} in {reference_dir}: tasks are ranked without confirmed examples "
                   "(`kg links examples --out DIR` derives them from the hand labels)", err=True)
    try:
        report = run_build(data_dir, out_dir, config.ONTOLOGY_DIR, progress=_progress("Reading documents"),
                           reference_dir=reference_dir, keep_going=keep_going, use_cache=not no_cache)
    except BuildFailed as failed:
        for error in failed.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(str(failed)) from failed
    except ValueError as error:  # a manifest or reviews file that cannot be read; the message names it
        raise click.ClickException(str(error)) from error
    _print_report(report)
    if report.previous_quads is not None and report.total_triples < report.previous_quads:
        click.echo(f"warning: the new graph has {report.total_triples} quads, the one it replaced "
                   f"{report.previous_quads}", err=True)


def _default_reference(data_dir: Path) -> Path:
    """DATA/reference when the data folder has one, else the project's committed central layer."""
    own = data_dir / "reference"
    return own if own.is_dir() else config.DATA_DIR / "reference"


def _print_report(report) -> None:
    header = (f"{'document':36} {'number':14} {'date':10} {'parts':>5} {'tasks':>5} {'targets':>7} {'agencies':>8} "
              f"{'cites':>5} {'links ok':>8} {'suggested':>9}")
    click.echo(header)
    click.echo("-" * len(header))
    for d in report.documents:
        click.echo(f"{d.source_id[:36]:36} {d.symbol or '(none)':14} {d.date or '(none)':10} {d.parts:5} "
                   f"{d.tasks:5} {d.targets:7} {d.agencies:8} {d.citations:5} {d.links_accepted:8} {d.links_suggested:9}")
        for problem in d.problems:
            click.echo(f"{'':4}note: {problem}")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"\n{len(report.documents)} documents, {len(report.errors)} unreadable, "
               f"{report.total_triples} triples in {len(report.graphs)} named graphs, {report.seconds:.1f} s")
    if report.cache:
        click.echo(f"cache: {report.cache.extract_hits} documents' extraction and {report.cache.fragment_hits} "
                   f"documents' links and graph reused, {report.cache.fragment_misses} made again")
    for fmt, path in report.outputs.items():
        click.echo(f"wrote {path}")


@main.command()
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.BUILD_DIR / "graph.trig", show_default=True, help="The built dataset (TriG or N-Quads).")
@click.option("--shapes", "shapes_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.SHAPES_DIR, show_default=True, help="Folder of SHACL shapes (*.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes translated to SPARQL on pyoxigraph (seconds at 1M triples, where pySHACL "
                   "takes minutes); pyshacl: the reference SHACL implementation, for shapes using constructs "
                   "the translator does not support. Both give the same report.")
def validate(graph_path: Path, shapes_dir: Path, fmt: str, engine: str) -> None:
    """Check what documents, tasks, targets and links lack, per document, and which central
    directives (57-NQ/TW groups, 03/NQ-CP tasks) each province leaves uncovered.

    Exit code 0: no violations; 1: violations found; 2: the graph or shapes could not be read, or a
    shape uses a construct the SPARQL engine does not translate (the message names it).
    Coverage gaps are reported, not violations. JSON: {"documents": [...], "coverage": [...]}.
    See docs/validation.md."""
    import dataclasses
    import json

    from rdflib import Graph

    from kg.validate import (coverage_gaps, format_gaps, format_text, load_dataset, load_shapes, load_store_for,
                             validate_dataset, validate_store)

    try:
        store, shapes = load_store_for(graph_path), load_shapes(shapes_dir)
        ontology = Graph().parse(config.ONTOLOGY_DIR / "nq57.ttl", format="turtle")
        if engine == "pyshacl":
            reports = validate_dataset(load_dataset(graph_path), shapes, ontology)
        else:
            reports = validate_store(store, shapes, ontology)
    except (FileNotFoundError, ValueError) as err:  # UnsupportedShape is a ValueError
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    gaps = coverage_gaps(store)
    if fmt == "json":
        click.echo(json.dumps({"documents": [dataclasses.asdict(r) for r in reports],
                               "coverage": [dataclasses.asdict(g) for g in gaps]}, ensure_ascii=False, indent=1))
    else:
        click.echo(format_text(reports) + "\n\n" + format_gaps(gaps))
    sys.exit(1 if any(r.count("violation") for r in reports) else 0)


@main.command()
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.BUILD_DIR / "graph.trig", show_default=True, help="The built dataset (TriG or N-Quads).")
@click.option("--examples", default=3, show_default=True, type=int, help="Inferred triples shown per property.")
@click.option("--place", default="", metavar="SLUG",
              help="Only the documents of one province or city (e.g. vn-can-tho) beside the reference layer: "
                   "on a graph of many provinces HermiT then takes seconds, not minutes (docs/performance.md).")
def reason(graph_path: Path, examples: int, place: str) -> None:
    """Run the OWL reasoner (HermiT) over the built graph and print what it infers that the graph
    does not state: counts per property and examples. Needs Java. Exit code 1 if inconsistent.
    HermiT's time grows with the graph (about 2 s per plan: 100 plans 3.4 min, 2 GB); above
    50,000 input triples a note suggests --place."""
    from kg.graph.vocab import KG
    from kg.reason import LARGE_INPUT, check_consistency, document_places, format_result, reasoning_input
    from kg.validate import load_dataset

    try:
        dataset = load_dataset(graph_path)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from err
    source = reasoning_input(dataset, place)
    if place and not any(source.subjects(KG.sourceFile, None)):
        valid = document_places(dataset)
        close = [slug for slug in valid if slug.endswith(place)]
        hint = f"; did you mean {close[0]}?" if close else ""
        raise click.ClickException(f"no document of place {place!r} in {graph_path}{hint} Places with documents: "
                                   f"{', '.join(valid) or '(none)'}")
    if not place and len(source) > LARGE_INPUT:
        click.echo(f"note: {len(source):,} triples to reason over; HermiT needs about 1.6 s per 1,000 of them "
                   "here (docs/performance.md); --place SLUG reasons over one province", err=True)
    try:
        result = check_consistency(source)
    except RuntimeError as err:
        raise click.ClickException(str(err)) from err
    click.echo(format_result(result, examples))
    sys.exit(0 if result.consistent else 1)


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=config.CORPUS_DIR,
              show_default=True, help="Corpus folder holding central/ (never committed).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.DATA_DIR / "reference", show_default=True, help="Folder for central.json and central.ttl.")
def reference(corpus_dir: Path, out_dir: Path) -> None:
    """Derive the central layer (57-NQ/TW, 03/NQ-CP, 71/NQ-CP) from the corpus into OUT."""
    from kg.central import CorpusMissing, parse_central
    from kg.graph.reference import write_reference

    try:
        layer = parse_central(corpus_dir)
    except CorpusMissing as error:
        raise click.ClickException(str(error)) from error
    for path in write_reference(layer, out_dir):
        click.echo(f"wrote {path}")
    click.echo(f"{len(layer.documents)} documents, {len(layer.groups)} groups, {len(layer.directives)} directives "
               f"({sum(d.secondary for d in layer.directives)} secondary), {len(layer.targets)} targets, "
               f"{len(layer.indicators)} indicators, {len(layer.changes)} change events, {len(layer.repairs)} repairs")


@main.group("eval")
def eval_group() -> None:
    """Measure pipeline stages against the hand labels in eval/labels."""


@eval_group.command("links")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ and reference/.")
@click.option("--errors", is_flag=True, help="Also list the labelled targets the target linker gets wrong.")
def eval_links(data_dir: Path, errors: bool) -> None:
    """Accuracy of the 57 group and 03 task links: first on unseen provinces (leave one province
    out: examples, semantic weights, calibration and cut chosen on the other provinces; baseline,
    previous method, + semantic, calibrated side by side), then as a build links; then the target links
    (indicator, 03 Phụ lục I echo, accepted precision/recall, leave-one-document-out), per document."""
    from kg.evaluation.links import main as evaluate_links
    from kg.evaluation.targets import main as evaluate_targets

    click.echo(evaluate_links(data_dir / "sources", data_dir / "reference"))
    click.echo(evaluate_targets(data_dir / "sources", data_dir / "reference", errors))


@eval_group.command("extraction")
@click.option("--labels", "labels_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("eval/labels/extraction"), show_default=True, help="Folder of <source_id>.json labels.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/.")
@click.option("--errors", is_flag=True, help="Also list every error by document and field.")
def eval_extraction(labels_dir: Path, data_dir: Path, errors: bool) -> None:
    """Precision / recall of metadata, tasks, agencies, deadlines and targets per document."""
    from kg.evaluation.extraction import evaluate, format_results

    click.echo(format_results(evaluate(labels_dir, data_dir / "sources"), show_errors=errors))


@eval_group.command("robustness")
@click.option("--labels", "labels_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("eval/labels/extraction"), show_default=True, help="Folder of <source_id>.json labels.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ and reference/.")
@click.option("--state", "states", multiple=True, default=["clean"], show_default=True,
              help="Manifest text_state of the seeds to perturb; repeat for several.")
@click.option("--no-links", is_flag=True, help="Skip the task linker: extraction figures only (2-4 times faster on the seeds).")
def eval_robustness(labels_dir: Path, data_dir: Path, states: tuple[str, ...], no_links: bool) -> None:
    """Perturb each seed in memory (diacritics stripped, CRLF/NBSP/tabs, BOM, other heading
    numbering, a repeated paragraph, hard-wrapped lines) and print, per variant and field, the
    agreement with the clean run and the precision / recall against the labels."""
    from kg.central import load_reference
    from kg.evaluation.robustness import evaluate, format_results
    from kg.link.examples import load_examples

    layer = None if no_links else load_reference(data_dir / "reference")
    examples = load_examples(data_dir / "reference")
    click.echo(format_results(evaluate(data_dir, labels_dir, layer, tuple(states), examples=examples)))


eval_group.add_command(eval_openings)

@main.group()
def links() -> None:
    """Review the suggested links from local tasks and targets to the central layer, and derive
    the confirmed examples the task ranker learns from."""


@links.command("export-review")
@click.option("-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True)
def links_export(out_file: Path, data_dir: Path) -> None:
    """Write the suggested links to a CSV with a decision column (accept/reject) to fill in."""
    from kg.central import load_reference
    from kg.link.review import export_review
    from kg.pipeline import extract_all, link_all

    layer = load_reference(data_dir / "reference")
    documents, _ = extract_all(data_dir / "sources")
    all_links = [link for links in link_all(documents, layer, data_dir).values() for link in links]
    texts = {d.local_id: d.text for d in layer.directives} | {f"group:{g.number}": g.title for g in layer.groups}
    texts |= {t.target.local_id: t.target.indicator_text for t in layer.targets}
    texts |= {f"indicator:{i.key}": i.label_vi for i in layer.indicators}
    click.echo(f"wrote {export_review(all_links, texts, out_file)} suggested links to {out_file}")


@links.command("import-review")
@click.argument("review_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True)
def links_import(review_file: Path, data_dir: Path) -> None:
    """Merge the decisions of an edited review CSV into DATA/reviews/links.csv.

    The CSV may be UTF-8 (with or without BOM), UTF-16 or Windows-1258, separated by commas,
    semicolons or tabs, as spreadsheets save it; an error names the file, line and column."""
    from kg.csvinput import read_table
    from kg.link.review import ReviewError, decisions_path, import_review

    try:
        count = import_review(review_file, decisions_path(data_dir))
    except ReviewError as error:
        raise click.ClickException(str(error)) from error
    click.echo(read_table(review_file).note())
    click.echo(f"imported {count} decisions into {decisions_path(data_dir)}")


@links.command("examples")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ (the labelled plans).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.DATA_DIR / "reference", show_default=True, help="Folder for link-examples.json.")
def links_examples(data_dir: Path, out_dir: Path) -> None:
    """Derive the confirmed examples the task ranker learns from (eval/labels/links.json resolved
    against the plans in DATA/sources) into OUT/link-examples.json."""
    from kg.evaluation.links import label_examples, load_labels
    from kg.link.examples import save_examples
    from kg.pipeline import extract_all

    documents, _ = extract_all(data_dir / "sources")
    examples = label_examples(documents, load_labels())
    path = save_examples(examples, out_dir)
    click.echo(f"wrote {len(examples)} examples from {len({e.source_id for e in examples})} plans to {path}")


def _load_graphs(graph_paths: tuple[Path, ...]):
    """The RDF files in one store; a file that does not parse is an error naming it."""
    from kg.store.query import load_store

    try:
        return load_store(graph_paths)
    except ValueError as error:  # the message names the file and the parser's complaint
        raise click.ClickException(str(error)) from error


def _graph_option(exists: bool = True):
    """--graph; `exists=False` where another option (--endpoint, --store) may make the files unneeded."""
    return click.option(
        "--graph", "graph_paths", multiple=True, type=click.Path(exists=exists, dir_okay=False, path_type=Path),
        default=[config.BUILD_DIR / "graph.trig"], show_default=True,
        help="RDF file(s) to load (.trig, .ttl, .nq, .nt); repeat for several.")


_GRAPH_OPTION = _graph_option()


@main.command()
@click.argument("query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="Result format name (json, xml, csv, tsv, turtle, ntriples, "
              "jsonld, rdfxml); default json for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE.")
@click.option("--max-rows", type=int, default=1_000_000, show_default=True, help="Rows kept; more is reported.")
@_graph_option(exists=False)
@click.option("--endpoint", default=None, help="Run on this SPARQL endpoint instead of --graph, e.g. "
              "http://localhost:7878/query (docs/store.md).")
@auth_options
def query(query_file: Path, fmt: str | None, max_rows: int, graph_paths: tuple[Path, ...], endpoint: str | None,
          user: str | None, password: str | None, token: str | None) -> None:
    """Run the SPARQL query in QUERY_FILE over the union of the named graphs."""
    from kg.store.query import DEFAULT_FORMAT, QueryError, format_named, run_query, serialize

    try:
        text = query_file.read_text(encoding="utf-8")
        if endpoint:
            result = query_endpoint(endpoint, query_file, text, max_rows, make_auth(user, password, token))
        else:
            result = run_query(_load_graphs(graph_paths), text, max_rows=max_rows, base_iri=query_file.resolve().as_uri())
    except QueryError as error:
        raise click.ClickException(f"{query_file}: SPARQL {error}") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{query_file}: {error}") from error
    chosen = format_named(fmt or DEFAULT_FORMAT[result.kind], result.kind)
    if chosen is None:
        raise click.BadParameter(f"{fmt!r} does not apply to {result.kind.upper()} results", param_hint="--format")
    click.echo(serialize(result, chosen).decode("utf-8"), nl=False)
    if result.truncated:
        click.echo(f"warning: result cut at --max-rows {max_rows}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--max-rows", default=10000, show_default=True, type=int, help="Rows per result (header marks a cut).")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, type=float,
              help="Seconds per query; the query's worker process is killed then.")
@click.option("--max-memory", "max_memory_mb", default=2048, show_default=True, type=int,
              help="MB a query may allocate beyond the loaded graph; past it the query ends with 503.")
@_graph_option(exists=False)
@click.option("--store", "store_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Open this persistent store (`kg store load`) read-only instead of loading --graph into memory.")
def serve(host: str, port: int, max_rows: int, timeout_s: float, max_memory_mb: int,
          graph_paths: tuple[Path, ...], store_dir: Path | None) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql (see docs/endpoint.md)."""
    import uvicorn

    from kg.serve import create_app

    store = open_persistent(store_dir) if store_dir else _load_graphs(graph_paths)
    app = create_app(store, max_rows=max_rows, timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    uvicorn.run(app, host=host, port=port)


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(["graphml", "gexf", "cyjs", "turtle", "jsonld"]))
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file; without it the export goes to standard output (never over a build file).")
@_GRAPH_OPTION
def export(fmt: str, out_path: Path | None, graph_paths: tuple[Path, ...]) -> None:
    """Export the graph for Gephi/Cytoscape (graphml, gexf, cyjs) or as an RDF dump (turtle, jsonld)."""
    import tempfile

    from kg.export import export_graph

    store = _load_graphs(graph_paths)
    if out_path is not None:
        click.echo(f"wrote {export_graph(store, fmt, out_path)}")
        return
    with tempfile.TemporaryDirectory() as tmp:  # the writers write files: stream that file out
        written = export_graph(store, fmt, Path(tmp) / "export")
        click.get_binary_stream("stdout").write(written.read_bytes())


from kg.cli_link import links_calibrate  # noqa: E402
from kg.cli_reorg import reorg_group  # noqa: E402 - registered after the core commands
from kg.cli_sources import sources_group  # noqa: E402

links.add_command(links_calibrate)
main.add_command(reorg_group)
main.add_command(sources_group)
main.add_command(ocr)
main.add_command(store_group)
main.add_command(publish)

if __name__ == "__main__":
    main()
