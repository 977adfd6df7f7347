"""`kg sources`: register documents in the data folder and see what the build will read.

`kg sources add FILE…` copies each file (.txt, .docx, .pdf, .html) into DATA/sources under a name
made from the metadata found in it, records its original name and checksum in the manifest, and
shows what was detected for confirmation. The original file is kept, not a converted text: every
build reads it again (docs/formats.md).
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import click

from kg import config
from kg.files import write_atomic
from kg.parse.normalize import fold


@click.group("sources")
def sources_group() -> None:
    """Register documents (.txt, .docx, .pdf, saved .html pages) in DATA/sources."""


@sources_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=config.DATA_DIR,
              show_default=True, help="Folder whose sources/ receives the documents.")
@click.option("--province", default="", metavar="SLUG",
              help="The province or city the documents belong to (e.g. vn-can-tho), recorded in the manifest; "
                   "the text's own place line still comes first where it names one.")
@click.option("--update", is_flag=True, help="Register a changed file, or replace the registered file of the same "
                                             "name with this new version (checksum and metadata recorded anew).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (never asked when stdin is not a terminal).")
def sources_add(files: tuple[Path, ...], data_dir: Path, province: str, update: bool, yes: bool) -> None:
    """Copy FILES into DATA/sources, show the metadata found in each, and record them in the manifest.

    Refused, with exit code 1: a file that cannot be read (named, with the problem), a file
    already registered (same bytes, or the same name for another document), a registered file
    that changed unless --update is given."""
    from kg.extract.places import place_name

    if province and not place_name(province):
        raise click.BadParameter(f"{province!r} is not a province or city slug (e.g. vn-can-tho, vn-nghe-an)",
                                 param_hint="--province")
    folder = data_dir / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in files:
        try:
            click.echo(_add_one(path, folder, province, update, yes))
        except click.ClickException as error:
            click.echo(f"error: {path}: {error.message}", err=True)
            failed += 1
    if failed:
        sys.exit(1)


def _add_one(path: Path, folder: Path, province: str, update: bool, yes: bool) -> str:
    from kg.sources import changed_message, load_manifest, save_manifest_entry

    try:
        raw, manifest = path.read_bytes(), load_manifest(folder)
    except (OSError, ValueError) as error:  # the manifest's message names it
        raise click.ClickException(str(error)) from error
    digest = hashlib.sha256(raw).hexdigest()
    in_place = path.resolve().parent == folder.resolve()
    same = next((name for name, e in manifest.items() if e.get("sha256") == digest), None)
    if same:
        raise click.ClickException(f"already registered as {folder / same} (same bytes); nothing to do")
    document = _read(path, raw, manifest.get(path.name, {}) if in_place else {}, province)
    name = path.name if in_place else _file_name(document, path)
    entry = manifest.get(name)
    if entry and in_place and not update:
        raise click.ClickException(changed_message(path, raw, entry))
    if not in_place and (folder / name).exists() and not update:
        held = f", registered from {entry.get('original_name') or name}" if entry else ""
        raise click.ClickException(f"would replace {folder / name}{held}: to register this version instead "
                                   f"run `kg sources add --update {path}`")
    clash = [p.name for p in folder.iterdir() if p.stem == Path(name).stem and p.name != name]
    if clash:
        raise click.ClickException(f"{folder / clash[0]} already holds this document (in another format); "
                                   "remove it first to register this file instead")
    click.echo(_describe(document, folder / name, entry))
    if not yes and _interactive() and not click.confirm("Register it?", default=True):
        raise click.ClickException("not registered")
    if not in_place:
        write_atomic(folder / name, raw)
    save_manifest_entry(folder, _entry(document, name, path, raw, digest, province, entry))
    return f"{'updated' if entry else 'registered'} {folder / name}"


def _interactive() -> bool:
    """Someone at a terminal can answer; a script or a pipe is not asked."""
    return sys.stdin.isatty()


def _read(path: Path, raw: bytes, entry: dict, province: str):
    """The document as the build will see it (with the curator's fields of its manifest entry
    and the province given); an unreadable file is an error naming the problem."""
    from kg.extract import extract_document
    from kg.extract.places import place_name
    from kg.sources import source_from_bytes

    hints = entry | ({"jurisdiction": place_name(province)} if province else {})
    if not raw.strip():
        raise click.ClickException("empty file")
    try:
        return extract_document(source_from_bytes(raw, path.stem, path.name, hints, path.suffix))
    except ValueError as error:
        raise click.ClickException(str(error)) from error


def _file_name(document, path: Path) -> str:
    """'can-tho_ubnd_kh-37.pdf' from the place, issuer, kind and number found; else the original
    name in plain ASCII."""
    meta = document.meta
    place = (meta.jurisdiction or "").removeprefix("vn-") or "vn"
    if meta.number and meta.kind:
        parts = [place, meta.issuer_code or "x", f"{meta.kind}-{meta.number}"]
        stem = "_".join(re.sub(r"[^a-z0-9]+", "-", fold(p)).strip("-") for p in parts)
    else:
        stem = re.sub(r"[^a-z0-9]+", "-", fold(path.stem)).strip("-") or "document"
    return stem + path.suffix.lower()


def _describe(document, target: Path, entry: dict | None) -> str:
    meta = document.meta
    rows = [("file", str(target)), ("kind", meta.kind_label or "(none)"), ("number", meta.symbol or "(none)"),
            ("date", meta.date or "(none)"), ("issuer", meta.issuer.name if meta.issuer else "(none)"),
            ("province", meta.jurisdiction_name or meta.jurisdiction or "(none)"),
            ("content", f"{len(document.tasks)} tasks, {len(document.targets)} targets, "
                        f"{len(document.citations)} citations")]
    if entry:
        rows.insert(1, ("replaces", f"the version of {entry.get('bytes', '?')} bytes registered before"))
    if meta.from_hints:
        rows.append(("not in", f"the text, so taken from --province or the manifest: {', '.join(meta.from_hints)}"))
    return "\n".join(f"  {key:9} {value}" for key, value in rows)


def _entry(document, name: str, path: Path, raw: bytes, digest: str, province: str, old: dict | None) -> dict:
    """The manifest entry: what the curator's fields held before, what was detected, the checksum."""
    from kg.extract.places import place_name

    meta = document.meta
    entry = dict(old or {})
    entry.update({"file": name, "original_name": path.name if not (old and path.name == name) else
                  old.get("original_name", path.name)})
    entry["jurisdiction"] = place_name(province) if province else meta.jurisdiction_name or entry.get("jurisdiction", "")
    entry["issuer"] = meta.issuer.name if meta.issuer else entry.get("issuer", "")
    entry["kind"] = meta.kind_label or entry.get("kind", "")
    entry.setdefault("text_state", "clean")
    entry.update({"sha256": digest, "bytes": len(raw)})
    return entry
