"""OCR repair measured: detection on clean, damaged and synthetically damaged texts, and the
syllable accuracy of restoration on clean plans damaged in memory, each restored by a model that
never read its province (leave one province out)."""

from __future__ import annotations

import random
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kg.model import SourceText
from kg.parse.normalize import strip_marks
from kg.parse.repair import WORD, SyllableModel, reference_texts, restore

# Glyphs OCR puts for letters (the inverse of kg.parse.repair.CONFUSABLE's digits and signs)
_SWAPS = {"o": "06", "l": "1", "i": "1", "s": "5", "g": "9", "e": "¢€", "a": "4"}
_TONES = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")


@dataclass(frozen=True)
class Noise:
    """How a clean text is damaged: marks stripped from a share of words, other marks put on a
    share, glyph swaps on a share of the letters that have a look-alike."""

    name: str
    strip: float
    garble: float = 0.0
    swap: float = 0.0


NOISES = (Noise("marks stripped", 1.0), Noise("OCR-like", 0.6, 0.25, 0.03), Noise("half the marks", 0.5))


def damage(text: str, noise: Noise, seed: int = 0) -> str:
    """The text damaged as `noise` says, same length (one code point for one)."""
    rng = random.Random(seed)
    out = list(text)
    for m in WORD.finditer(text):
        word, roll = m.group(), rng.random()
        if roll < noise.strip:
            word = strip_marks(word)
        elif roll < noise.strip + noise.garble:
            word = "".join(_garble(c, rng) for c in word)
        word = "".join(rng.choice(_SWAPS[c]) if c in _SWAPS and rng.random() < noise.swap else c for c in word)
        out[m.start() : m.end()] = word
    return "".join(out)


def _garble(char: str, rng: random.Random) -> str:
    """Another tone on a marked vowel (when the result is one code point), the letter otherwise."""
    parts = unicodedata.normalize("NFD", char)
    if len(parts) == 1 or char in "đĐ":
        return char
    quality = "".join(p for p in parts[1:] if p not in _TONES)
    other = unicodedata.normalize("NFC", parts[0] + quality + rng.choice(_TONES))
    return other if len(other) == 1 else char


def word_accuracy(reading: str, truth: str) -> float:
    """Share of the words of `truth` that `reading` (as long) has exactly, case included."""
    words = [m for m in WORD.finditer(truth)]
    return sum(reading[m.start() : m.end()] == m.group() for m in words) / max(len(words), 1)


@dataclass
class Restoration:
    source_id: str
    noise: str
    words: int
    before: float
    after: float
    seconds: float


def restoration_scores(sources: list[SourceText], reference: list[str], noises=NOISES) -> list[Restoration]:
    """Each clean source damaged by each noise and restored by a model of the reference and the
    clean sources of other places."""
    judge = SyllableModel(reference)
    clean = [s for s in sources if not judge.is_damaged(s.text)]
    out = []
    for source in clean:
        model = SyllableModel([*reference, *(c.text for c in clean if c.hint_jurisdiction != source.hint_jurisdiction)])
        for noise in noises:
            damaged = damage(source.text, noise)
            started = time.perf_counter()
            restored = restore(damaged, model)
            out.append(Restoration(source.source_id, noise.name, len(WORD.findall(source.text)),
                                   word_accuracy(damaged, source.text), word_accuracy(restored, source.text),
                                   time.perf_counter() - started))
    return out


@dataclass
class Detection:
    name: str
    damaged: bool  # what the text is
    score: float
    flagged: bool  # what detection says


def detection_scores(sources: list[SourceText], reference: list[str], extra: dict[str, str]) -> list[Detection]:
    """The damage score and decision for every source (clean unless flagged by the curator as
    ocr-damaged), each clean source damaged by each noise, and `extra` clean texts."""
    judge = SyllableModel(reference)
    rows = []
    for source in sources:
        truth = source.text_state == "ocr-damaged"
        rows.append(Detection(source.source_id, truth, judge.damage(source.text).score, judge.is_damaged(source.text)))
        if not truth:
            for noise in NOISES:
                text = damage(source.text, noise)
                rows.append(Detection(f"{source.source_id} ({noise.name})", True, judge.damage(text).score,
                                      judge.is_damaged(text)))
    for name, text in extra.items():
        rows.append(Detection(name, False, judge.damage(text).score, judge.is_damaged(text)))
    return rows


def corpus_texts(corpus: Path) -> dict[str, str]:
    """Clean real texts beyond the seeds, where the corpus is at hand: the central documents and
    the openings of new plans."""
    paths = sorted(corpus.glob("central/*.txt")) + sorted(corpus.glob("openings/*.txt"))
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def report(sources: list[SourceText], reference_file: Path, corpus: Path | None = None) -> str:
    reference = reference_texts(reference_file)
    lines = ["Detection (damage score = share of lower-case words outside the lexicon + share mixing digits):"]
    rows = detection_scores(sources, reference, corpus_texts(corpus) if corpus and corpus.is_dir() else {})
    for row in rows:
        lines.append(f"  {row.name[:58]:58} {'damaged' if row.damaged else 'clean':8} {row.score:6.3f}"
                     f"  {'REPAIR' if row.flagged else 'as is'}")
    flagged = [r for r in rows if r.flagged]
    right = sum(r.damaged for r in flagged)
    lines.append(f"  precision {right}/{len(flagged)}, recall {right}/{sum(r.damaged for r in rows)}")
    lines.append("Restoration (word accuracy before -> after, model without the text's province):")
    results = restoration_scores(sources, reference)
    for r in results:
        lines.append(f"  {r.source_id[:34]:34} {r.noise:15} {r.words:6} words  {r.before:.3f} -> {r.after:.3f}"
                     f"  {r.seconds:5.1f} s")
    for noise in NOISES:
        mine = [r for r in results if r.noise == noise.name]
        words = sum(r.words for r in mine)
        before = sum(r.before * r.words for r in mine) / words
        after = sum(r.after * r.words for r in mine) / words
        lines.append(f"  {'all':34} {noise.name:15} {words:6} words  {before:.3f} -> {after:.3f}"
                     f"  {sum(r.seconds for r in mine):5.1f} s")
    return "\n".join(lines)
