"""`kg eval openings`: metadata and document links on openings of documents never read before."""

from __future__ import annotations

from pathlib import Path

import click

from kg import config


@click.command("openings")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("eval/labels/openings.json"), show_default=True, help="The labelled openings.")
@click.option("--openings", "extra_dirs", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True,
              help="A folder holding the 'extra' openings (repeatable); the 'shared' ones are read from the corpus.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=config.CORPUS_DIR,
              show_default=True, help="The corpus folder whose openings/ holds the 'shared' openings.")
@click.option("--errors", is_flag=True, help="Also list every wrong, lost and extra value.")
def eval_openings(labels_path: Path, extra_dirs: tuple[Path, ...], corpus_dir: Path, errors: bool) -> None:
    """Precision, recall and F1 per field (kind, number, date, issuer, jurisdiction, signer, and the
    implements / based-on / replaces / mentions links) on the labelled openings found; absent
    files are skipped and counted."""
    from kg.evaluation.openings import evaluate, format_result

    try:
        result = evaluate(labels_path, corpus_dir / "openings", extra_dirs)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(format_result(result, show_errors=errors))
    if not result.read:
        raise click.ClickException("none of the labelled openings was found")
