"""`kg links calibrate`: derive the link model (semantic weights, acceptance model, cut)."""

from __future__ import annotations

from pathlib import Path

import click

from kg import config


@click.command("calibrate")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder with sources/ (the labelled plans) and reference/.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.DATA_DIR / "reference", show_default=True, help="Folder for link-model.json.")
def links_calibrate(data_dir: Path, out_dir: Path) -> None:
    """Choose the semantic weights, fit the acceptance model and its cut on the hand labels
    (eval/labels/links.json) of every labelled plan, and write OUT/link-model.json. `kg eval
    links` runs the same procedure leaving each province out."""
    from kg.evaluation.unseen import derive_model
    from kg.link.calibrate import save_model

    model = derive_model(data_dir / "sources", data_dir / "reference")
    path = save_model(model, out_dir)
    click.echo(f"wrote {path}: semantic {model.semantic}, example {model.semantic_example} "
               f"(floor {model.semantic_floor}), cut {model.cut} (aimed at {model.aim:.0%} precise), from {', '.join(model.trained_on)}")
