"""Which PDF library reads the project's documents best: pypdf, pdfplumber, pypdfium2 side by side.

Makes PDFs from the seed texts of data/sources three ways: by LibreOffice (headless) from a .docx
whose flattened tables are rebuilt as real ruled Word tables (what a provincial office's PDF
looks like), its paragraphs left-aligned or justified, and by fpdf2 (justified paragraphs, ruled
tables, page numbers at the top from page 2). Each library's plain text extraction is compared with the seed text, and so is kg's reader
(kg.formats.pdf: pypdfium2 plus unwrapping of lines and ruled tables read cell by cell):

    python3 benchmarks/bench_formats.py            # needs `pip install -e '.[bench]'`, soffice for the LibreOffice kinds

Figures per kind of PDF and reader (over the five seeds):
  words     1 - word-level edit distance / words of the seed (reading order, diacritics, spacing)
  marks     share of the seed's letters with Vietnamese diacritics found again (multiset)
  NFC       outputs already in Unicode NFC
  lines     share of the seed's lines (paragraphs, table cells) found again as whole lines
  extract   seeds whose extraction (number, date, issuer, tasks, targets) equals the .txt's
  seconds   reading time for the five PDFs
Also the .docx reader on the .docx files. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from formats_fixtures import docx_bytes, pdf_bytes, vietnamese_font  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from kg.extract import extract_document  # noqa: E402
from kg.formats import text_of  # noqa: E402
from kg.parse.normalize import normalize_text  # noqa: E402
from kg.sources import source_from_bytes  # noqa: E402

SEEDS = sorted((ROOT / "data" / "sources").glob("*.txt"))


def _pypdf(raw: bytes) -> str:
    import io

    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(raw)).pages)


def _pdfplumber(raw: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _pypdfium2(raw: bytes) -> str:
    import pypdfium2 as pdfium

    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(raw)).replace("\r\n", "\n")


READERS = {"pypdf (text)": _pypdf, "pdfplumber (text)": _pdfplumber, "pypdfium2 (text)": _pypdfium2,
           "kg reader (pypdfium2 + layout)": lambda raw: text_of(".pdf", raw)}


def _marked(text: str) -> Counter:
    return Counter(c for c in text if c in "đĐ" or len(unicodedata.normalize("NFD", c)) > 1)


def _lines(text: str) -> Counter:
    return Counter(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _summary(text: str) -> tuple:
    document = extract_document(source_from_bytes(text.encode("utf-8"), "seed", "seed.txt"))
    meta = document.meta
    return meta.symbol, meta.date, meta.issuer.name if meta.issuer else "", len(document.tasks), len(document.targets)


def _scores(seed: str, out: str) -> tuple[float, float, bool, float, bool]:
    """Against the seed as the pipeline normalises it, the output normalised the same way (NFC
    is checked on the reader's own output)."""
    nfc = unicodedata.normalize("NFC", out) == out
    out = normalize_text(out)[0]
    words, got = seed.split(), out.split()
    marks, found = _marked(seed), _marked(out)
    lines, found_lines = _lines(seed), _lines(out)
    return (1 - Levenshtein.distance(words, got) / len(words),
            sum((marks & found).values()) / sum(marks.values()),
            nfc,
            sum((lines & found_lines).values()) / sum(lines.values()),
            _summary(out) == _summary(seed))


def _libreoffice_pdfs(docx: dict[str, bytes], work: Path) -> dict[str, bytes]:
    soffice = shutil.which("soffice")
    if not soffice:
        return {}
    for name, raw in docx.items():
        (work / f"{name}.docx").write_bytes(raw)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", "pdf",
                    "--outdir", str(work / "pdf"), *map(str, sorted(work.glob("*.docx")))],
                   check=True, capture_output=True, timeout=600)
    return {name: (work / "pdf" / f"{name}.pdf").read_bytes() for name in docx}


def _row(label: str, seeds: dict[str, str], files: dict[str, bytes], read) -> str:
    start = time.perf_counter()
    outs = {name: read(raw) for name, raw in files.items()}
    seconds = time.perf_counter() - start
    scores = [_scores(seeds[name], outs[name]) for name in files]
    mean = [sum(s[i] for s in scores) / len(scores) for i in (0, 1, 3)]
    return (f"  {label:32} {mean[0]:6.3f} {mean[1]:6.3f} {sum(s[2] for s in scores):>3}/{len(scores)} "
            f"{mean[2]:6.3f} {sum(s[4] for s in scores):>5}/{len(scores)} {seconds:8.2f}")


def main() -> None:
    seeds = {p.stem: normalize_text(p.read_text(encoding="utf-8"))[0] for p in SEEDS}
    raw_seeds = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS}
    docx = {name: docx_bytes(text) for name, text in raw_seeds.items()}
    font = vietnamese_font()
    kinds = {}
    with tempfile.TemporaryDirectory() as tmp:
        kinds["LibreOffice PDF (left-aligned, ruled tables)"] = _libreoffice_pdfs(docx, Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        justified = {name: docx_bytes(text, justified=True) for name, text in raw_seeds.items()}
        kinds["LibreOffice PDF (justified, ruled tables)"] = _libreoffice_pdfs(justified, Path(tmp))
    if font:
        kinds["fpdf2 PDF (justified, ruled tables, page numbers)"] = {name: pdf_bytes(text, font) for name, text in raw_seeds.items()}
    header = f"  {'reader':32} {'words':>6} {'marks':>6} {'NFC':>5} {'lines':>6} {'extract':>7} {'seconds':>8}"
    for kind, files in kinds.items():
        print(f"{kind}: {len(files)} files, {sum(map(len, files.values())) // 1024} KiB" if files else
              f"{kind}: skipped (soffice or a Vietnamese TrueType font missing)")
        if files:
            print(header)
            for label, read in READERS.items():
                try:
                    print(_row(label, seeds, files, read))
                except ImportError as error:
                    print(f"  {label:32} not installed ({error.name})")
    print(".docx (python-docx, tables rebuilt as Word tables):")
    print(header)
    print(_row("kg reader (python-docx)", seeds, docx, lambda raw: text_of(".docx", raw)))


if __name__ == "__main__":
    main()
