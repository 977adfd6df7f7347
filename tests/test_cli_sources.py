"""`kg sources add` end to end in a temporary data folder, and what a changed source says."""

from __future__ import annotations

import hashlib
import json
import shutil

from click.testing import CliRunner
from formats_fixtures import docx_bytes, html_bytes, scanned_pdf_bytes

from kg import config
from kg.cli import main
from kg.sources import load_manifest, load_sources

SEEDS = config.DATA_DIR / "sources"


def _add(*args: str):
    return CliRunner().invoke(main, ["sources", "add", *args])


def test_added_files_are_copied_registered_and_built(tmp_path):
    data, inbox = tmp_path / "data", tmp_path / "in"
    inbox.mkdir()
    (inbox / "KH 37 Cần Thơ.docx").write_bytes(docx_bytes((SEEDS / "can-tho_ubnd_kh-37.txt").read_text(encoding="utf-8")))
    (inbox / "ke-hoach-146.html").write_bytes(html_bytes((SEEDS / "dak-lak_ubnd_kh-146.txt").read_text(encoding="utf-8")))
    result = _add("--data", str(data), *map(str, sorted(inbox.iterdir())))
    assert result.exit_code == 0, result.output
    assert "number    37/KH-UBND" in result.output and "date      2025-02-20" in result.output
    assert "issuer    Ủy ban nhân dân tỉnh Đắk Lắk" in result.output and "63 tasks" in result.output
    # a scan's text without number or place: named after the file, the province given by the user
    (inbox / "Chương trình 57 (bản quét).txt").write_bytes((SEEDS / "da-nang_tu_ctr-57_ocr.txt").read_bytes())
    result = _add("--data", str(data), "--province", "vn-da-nang", str(inbox / "Chương trình 57 (bản quét).txt"))
    assert result.exit_code == 0, result.output
    assert "province  Đà Nẵng" in result.output and "number    (none)" in result.output

    manifest = load_manifest(data / "sources")
    assert sorted(manifest) == ["can-tho_ubnd_kh-37.docx", "chuong-trinh-57-ban-quet.txt", "dak-lak_ubnd_kh-146.html"]
    entry = manifest["can-tho_ubnd_kh-37.docx"]
    assert entry["original_name"] == "KH 37 Cần Thơ.docx"
    assert entry["sha256"] == hashlib.sha256((inbox / "KH 37 Cần Thơ.docx").read_bytes()).hexdigest()
    assert (entry["kind"], entry["jurisdiction"], entry["issuer"]) == ("Kế hoạch", "Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ")
    assert manifest["chuong-trinh-57-ban-quet.txt"]["jurisdiction"] == "Đà Nẵng"
    assert (data / "sources" / "can-tho_ubnd_kh-37.docx").read_bytes() == (inbox / "KH 37 Cần Thơ.docx").read_bytes()

    result = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "3 documents, 0 unreadable" in result.output
    assert "37/KH-UBND" in result.output and "146/KH-UBND" in result.output
    again = CliRunner().invoke(main, ["build", "--data", str(data), "--out", str(tmp_path / "again")])
    assert again.exit_code == 0
    for name in ("graph.nq", "graph.trig"):  # the same files give the same text, so the same graph
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()


def test_duplicates_unreadable_files_and_new_versions_are_refused_clearly(tmp_path):
    data, inbox = tmp_path / "data", tmp_path / "in"
    inbox.mkdir()
    plan = inbox / "plan.txt"
    plan.write_bytes((SEEDS / "dak-lak_ubnd_kh-146.txt").read_bytes())
    assert _add("--data", str(data), str(plan)).exit_code == 0
    registered = data / "sources" / "dak-lak_ubnd_kh-146.txt"

    result = _add("--data", str(data), str(plan))
    assert result.exit_code == 1 and f"already registered as {registered} (same bytes)" in result.output
    (inbox / "plan.docx").write_bytes(docx_bytes(plan.read_text(encoding="utf-8")))
    result = _add("--data", str(data), str(inbox / "plan.docx"))
    assert result.exit_code == 1 and f"{registered} already holds this document (in another format)" in result.output
    (inbox / "scan.pdf").write_bytes(scanned_pdf_bytes())
    result = _add("--data", str(data), str(inbox / "scan.pdf"))
    assert result.exit_code == 1 and f"{inbox / 'scan.pdf'}: no text layer: needs OCR" in result.output
    result = _add("--data", str(data), "--province", "can-tho", str(plan))
    assert result.exit_code == 2 and "not a province or city slug" in result.output

    # a new version of the plan from outside: refused without --update, then registered with it
    plan.write_text(plan.read_text(encoding="utf-8").replace("Nguyễn Tuấn Hà", "Nguyễn Văn An"), encoding="utf-8")
    result = _add("--data", str(data), str(plan))
    assert result.exit_code == 1
    assert f"would replace {registered}, registered from plan.txt" in result.output
    assert f"kg sources add --update {plan}" in result.output
    result = _add("--data", str(data), "--update", str(plan))
    assert result.exit_code == 0 and f"updated {registered}" in result.output
    assert "replaces  the version of 41995 bytes registered before" in result.output
    assert load_manifest(data / "sources")["dak-lak_ubnd_kh-146.txt"]["sha256"] == hashlib.sha256(plan.read_bytes()).hexdigest()
    assert len(json.loads((data / "sources" / "manifest.json").read_text(encoding="utf-8"))["documents"]) == 1


def test_a_changed_source_says_what_changed_and_what_to_run(tmp_path):
    sources = tmp_path / "data" / "sources"
    shutil.copytree(SEEDS, sources)
    edited = sources / "can-tho_ubnd_kh-37.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("thảnh phố", "thành phố", 1), encoding="utf-8")  # a typo fixed: 1 byte fewer
    _, errors = load_sources(sources)
    assert [str(e) for e in errors] == [
        f"{edited}: changed or truncated since it was registered (checksum differs from the manifest; "
        f"54687 bytes, 54688 when registered (1 fewer: edited or cut short)): if the change is intended, run `kg sources add --update {edited}`; "
        "otherwise restore the file"]
    result = _add("--data", str(tmp_path / "data"), str(edited))
    assert result.exit_code == 1 and "changed or truncated since it was registered" in result.output
    result = _add("--data", str(tmp_path / "data"), "--update", str(edited))
    assert result.exit_code == 0 and f"updated {edited}" in result.output
    entry = load_manifest(sources)["can-tho_ubnd_kh-37.txt"]
    assert entry["notes"].startswith("Full plan 37/KH-UBND") and entry["original_name"] == "003_0e7a666753ca2310.txt"
    sources_after, errors = load_sources(sources)
    assert errors == [] and len(sources_after) == 5


def test_at_a_terminal_the_user_confirms_what_was_found(tmp_path, monkeypatch):
    import kg.cli_sources

    monkeypatch.setattr(kg.cli_sources, "_interactive", lambda: True)
    plan = tmp_path / "plan.txt"
    plan.write_bytes((SEEDS / "can-tho_ubnd_kh-37.txt").read_bytes())
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["sources", "add", "--data", str(data), str(plan)], input="n\n")
    assert result.exit_code == 1 and "number    37/KH-UBND" in result.output and "Register it? [Y/n]" in result.output
    assert "not registered" in result.output and not (data / "sources" / "can-tho_ubnd_kh-37.txt").exists()
    assert load_manifest(data / "sources") == {}
    result = CliRunner().invoke(main, ["sources", "add", "--data", str(data), str(plan)], input="y\n")
    assert result.exit_code == 0 and "registered" in result.output
    assert list(load_manifest(data / "sources")) == ["can-tho_ubnd_kh-37.txt"]
