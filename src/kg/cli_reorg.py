"""`kg reorg`: the 2025 reorganisation's province data, derived from a data package, and the
comparison of the candidate packages (docs/reorganisation.md)."""

from __future__ import annotations

from pathlib import Path

import click

from kg import config


@click.group("reorg")
def reorg_group() -> None:
    """The 2025 reorganisation: province map and package comparison (maintainers)."""


@reorg_group.command("provinces")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=config.DATA_DIR / "reference", show_default=True, help="Folder for provinces.json.")
def provinces(out_dir: Path) -> None:
    """Write provinces.json (63 units of 2024, 34 of today, codes, where each went) from the chosen
    package; needs the package (pip install -e '.[test]'), the build does not."""
    from kg.central.provinces import derive_provinces, resolution_pairs, write_provinces

    try:
        mapping = derive_provinces()
    except ImportError as err:
        raise click.ClickException(f"{err}: install the test extra (pip install -e '.[test]')") from err
    wrong = {(u.slug, u.today) for u in mapping.units_2024} ^ resolution_pairs()
    if wrong:
        raise click.ClickException(f"the package disagrees with Nghị quyết 202/2025/QH15 on {sorted(wrong)}")
    click.echo(f"wrote {write_provinces(mapping, out_dir)} ({mapping.package} {mapping.version}: "
               f"{len(mapping.units_2024)} units of 2024, {len(mapping.units_2025)} of today)")


@reorg_group.command("compare")
def compare() -> None:
    """Print the comparison of the candidate packages against Nghị quyết 202/2025/QH15 (a
    Markdown table, as in docs/reorganisation.md)."""
    from kg.central.provinces import compare_packages, comparison_table

    try:
        click.echo(comparison_table(compare_packages()), nl=False)
    except ImportError as err:
        raise click.ClickException(f"{err}: install the test extra (pip install -e '.[test]')") from err
