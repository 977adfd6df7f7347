"""The `kg` command: build the graph, validate it, query it, serve it, export it.

Each subcommand is a thin layer over a library function; see README.md for the workflow.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__, config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """nq57-kg: trace Resolution 57-NQ/TW through the Government programme to provincial tasks."""


def _progress(label: str):
    def wrap(items):
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr, show_pos=True,
                               item_show_func=lambda s: getattr(s, "source_id", None)) as bar:
            yield from bar
    return wrap


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ (local documents) and reference/ (central layer).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=config.BUILD_DIR,
              show_default=True, help="Folder for graph.trig, graph.ttl and graph.nq (overwritten atomically).")
def build(data_dir: Path, out_dir: Path) -> None:
    """Build the graph from the documents in DATA and print what each document gave."""
    from kg.pipeline import build as run_build

    if not (data_dir / "sources").is_dir():
        raise click.UsageError(f"{data_dir / 'sources'} is not a folder: nothing to build from")
    report = run_build(data_dir, out_dir, config.ONTOLOGY_DIR, progress=_progress("Reading documents"))
    _print_report(report)
    if not report.documents:
        raise click.ClickException("no document could be read")


def _print_report(report) -> None:
    header = f"{'document':36} {'number':14} {'date':10} {'parts':>5} {'tasks':>5} {'targets':>7} {'agencies':>8} {'cites':>5}"
    click.echo(header)
    click.echo("-" * len(header))
    for d in report.documents:
        click.echo(f"{d.source_id[:36]:36} {d.symbol or '(none)':14} {d.date or '(none)':10} {d.parts:5} "
                   f"{d.tasks:5} {d.targets:7} {d.agencies:8} {d.citations:5}")
        for problem in d.problems:
            click.echo(f"{'':4}note: {problem}")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(f"\n{len(report.documents)} documents, {len(report.errors)} unreadable, "
               f"{report.total_triples} triples in {len(report.graphs)} named graphs, {report.seconds:.1f} s")
    for fmt, path in report.outputs.items():
        click.echo(f"wrote {path}")


@main.command()
@click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path),
              default=config.BUILD_DIR / "graph.trig", show_default=True, help="The built dataset (TriG or N-Quads).")
@click.option("--shapes", "shapes_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.SHAPES_DIR, show_default=True, help="Folder of SHACL shapes (*.ttl).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(graph_path: Path, shapes_dir: Path, fmt: str) -> None:
    """Check what documents, tasks, targets and links lack, per document.

    Exit code 0: no violations; 1: violations found; 2: the graph or shapes could not be read."""
    import dataclasses
    import json

    from rdflib import Graph

    from kg.validate import format_text, load_dataset, load_shapes, validate_dataset

    try:
        dataset, shapes = load_dataset(graph_path), load_shapes(shapes_dir)
    except (FileNotFoundError, ValueError) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    ontology = Graph().parse(config.ONTOLOGY_DIR / "nq57.ttl", format="turtle")
    reports = validate_dataset(dataset, shapes, ontology)
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(r) for r in reports], ensure_ascii=False, indent=1))
    else:
        click.echo(format_text(reports))
    sys.exit(1 if any(r.count("violation") for r in reports) else 0)


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=config.CORPUS_DIR,
              show_default=True, help="Corpus folder holding central/ (never committed).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.DATA_DIR / "reference", show_default=True, help="Folder for central.json and central.ttl.")
def reference(corpus_dir: Path, out_dir: Path) -> None:
    """Derive the central layer (57-NQ/TW, 03/NQ-CP, 71/NQ-CP) from the corpus into OUT."""
    from kg.central import CorpusMissing, parse_central, write_reference

    try:
        layer = parse_central(corpus_dir)
    except CorpusMissing as error:
        raise click.ClickException(str(error)) from error
    for path in write_reference(layer, out_dir):
        click.echo(f"wrote {path}")
    click.echo(f"{len(layer.documents)} documents, {len(layer.groups)} groups, {len(layer.directives)} directives "
               f"({sum(d.secondary for d in layer.directives)} secondary), {len(layer.targets)} targets, "
               f"{len(layer.indicators)} indicators, {len(layer.changes)} change events, {len(layer.repairs)} repairs")
