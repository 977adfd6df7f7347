"""`kg ocr`: how damaged a text is, its restored reading, and the repair measured (kg.parse.repair)."""

from __future__ import annotations

from pathlib import Path

import click

from kg import config

_DATA = click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
                     show_default=True, help="Folder with sources/ (clean plans the model also learns from) and reference/.")


@click.group()
def ocr() -> None:
    """OCR repair: detect text that lost its diacritics or had glyphs swapped, and restore it
    (a build does this before extraction; the evidence keeps quoting the text as it is)."""


@ocr.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_DATA
@click.option("--show", is_flag=True, help="Print the restored reading of each damaged file.")
def check(files: tuple[Path, ...], data_dir: Path, show: bool) -> None:
    """The damage score of each text file (share of words outside the clean lexicon plus share
    mixing digits into letters), whether a build would repair it, and how many words repair changes.
    Exit 1 when a file cannot be read. The model learns from the reference texts and the clean
    plans of DATA/sources."""
    from kg.parse.repair import WORD, SyllableModel, reference_file, reference_texts, restore
    from kg.sources import load_sources, read_source

    reference = reference_texts(reference_file(data_dir))
    judge = SyllableModel(reference)
    clean = [s.text for s in load_sources(data_dir / "sources")[0] if not judge.is_damaged(s.text)]
    model = None
    failed = False
    for path in files:
        try:
            source = read_source(path)
        except (ValueError, OSError) as err:
            click.echo(f"{path}: {err}", err=True)
            failed = True
            continue
        damage = judge.damage(source.text)
        if not judge.is_damaged(source.text):
            click.echo(f"{path}: damage {damage.score:.3f} ({damage.words} words): clean, read as it is")
            continue
        model = model or SyllableModel([*reference, *clean])
        reading = restore(source.text, model)
        changed = sum(reading[m.start() : m.end()] != m.group() for m in WORD.finditer(source.text))
        click.echo(f"{path}: damage {damage.score:.3f} ({damage.words} words, {damage.unknown:.3f} outside the "
                   f"lexicon, {damage.mixed:.3f} mixing digits): repaired, {changed} words restored")
        if show:
            click.echo(reading)
    if failed:
        raise SystemExit(1)


@ocr.command("eval")
@_DATA
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=config.CORPUS_DIR,
              show_default=True, help="Central texts and openings of new plans, as further clean texts (if present).")
def evaluate(data_dir: Path, corpus_dir: Path) -> None:
    """Detection on the sources, their synthetically damaged copies and the corpus texts; word
    accuracy of restoring each clean source damaged three ways (marks stripped, OCR-like, half the
    marks) by a model that never read its province; seconds per restoration."""
    from kg.evaluation.ocr import report
    from kg.parse.repair import reference_file
    from kg.sources import load_sources

    sources, _ = load_sources(data_dir / "sources")
    click.echo(report(sources, reference_file(data_dir), corpus_dir))

