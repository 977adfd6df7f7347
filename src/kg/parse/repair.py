"""OCR damage: detect it by the text's own signs, restore the lost diacritics and swapped glyphs.

Detection counts, among the lower-case words of a text, those that are not a syllable of clean
Vietnamese (not in the lexicon learnt from clean texts: marks lost or garbled) and those that mix
digits into letters ('s6', 'tr1en'). Restoration reads every word of a damaged text as one of the
syllables of a model learnt from clean texts: candidates of the same length (so offsets into the
repaired text are offsets into the original), each with an edit cost for the glyphs it changes,
chosen by Viterbi under a syllable bigram model. `repair_sources` leaves a clean text as it is.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from kg.config import DATA_DIR
from kg.model import SourceText, Span
from kg.parse.normalize import fold

# A word: letters and digits, with the glyphs OCR puts for marked vowels ('hi¢u', 'd§', 'nghi€p')
WORD = re.compile(r"(?:[^\W_]|[¢§€£])+")
_BREAK = re.compile(r"[.;:!?()\[\]|\n]")  # ends the context of the bigram model
VOWELS = set("aeiouy")
# Glyph confusions of OCR on Vietnamese print, at the level of folded characters: a digit or sign
# read for a letter, or a letter for a look-alike. Each costs CONFUSION instead of a free substitution.
CONFUSABLE = {
    "0": "od", "1": "lit", "2": "z", "3": "e", "4": "a", "5": "sg", "6": "ob", "7": "t", "8": "ob",
    "9": "goq", "¢": "ce", "§": "o", "€": "e", "£": "e", "b": "od", "p": "d", "o": "gd", "s": "5",
    "t": "7", "l": "1i", "i": "1l",
}


@dataclass(frozen=True)
class Costs:
    """Edit costs in nats, added to the negative log-probability of the bigram model. Set by hand
    and checked on the seeds damaged in memory (`kg ocr eval`), not fitted."""

    lost_mark: float = 0.0  # an unmarked letter read as a marked one: what damaged text mostly is
    other_mark: float = 0.7  # a marked letter read with other marks ('é' for 'ế', 'ổ')
    confusion: float = 2.5  # a listed glyph confusion ('6' for 'ô', '5' for 'G')
    vowel: float = 4.0  # another vowel ('i' for 'ă' in 'Vin')
    letter: float = 8.0  # any other letter for a letter
    unknown: float = 16.0  # keeping a word the model never saw
    max_edits: int = 2  # letters read as other letters per word (one in words of up to three)


@dataclass(frozen=True)
class Damage:
    words: int  # lower-case words counted
    unknown: float  # share of them that are no syllable of the lexicon
    mixed: float  # share that mix digits into letters

    @property
    def score(self) -> float:
        return self.unknown + self.mixed


# Chosen on data (`kg ocr eval`, docs/extraction.md, OCR repair): clean texts (the seeds, the central
# texts, the openings of new plans) score at most 0.06, the OCR seed 0.79 and clean seeds with
# half their words' marks stripped at least 0.38; the cut is the geometric mean of 0.06 and 0.38.
DAMAGE_THRESHOLD = 0.15
_MIN_WORDS = 30  # too few words to judge


def syllables(text: str) -> Iterable[list[str]]:
    """Runs of words between punctuation: the contexts the bigram model learns from."""
    for piece in _BREAK.split(text):
        words = WORD.findall(piece)
        if words:
            yield words


@dataclass
class SyllableCounts:
    """What a model learns from texts, as counts: sums and differences of counts are the counts of
    the texts put together or taken out, so one corpus is counted once however many models use it."""

    unigrams: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)
    inside: Counter[str] = field(default_factory=Counter)  # seen after the first word of a run
    titled: Counter[str] = field(default_factory=Counter)  # …and with a capital there: a name, a title

    @classmethod
    def of(cls, texts: Iterable[str]) -> SyllableCounts:
        counts = cls()
        for text in texts:
            for run in syllables(text):
                seq = ["<s>", *(_class(w.lower()) for w in run)]
                counts.unigrams.update(seq[1:])
                counts.bigrams.update(zip(seq, seq[1:]))
                counts.inside.update(seq[2:])
                counts.titled.update(w.lower() for w in run[1:] if w[:1].isupper())
        return counts

    def __add__(self, other: SyllableCounts) -> SyllableCounts:
        return SyllableCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __sub__(self, other: SyllableCounts) -> SyllableCounts:
        return SyllableCounts(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))


class SyllableModel:
    """Syllable unigram and bigram counts of clean texts, indexed by folded form for candidates."""

    def __init__(self, texts: Iterable[str] | SyllableCounts, costs: Costs = Costs(), discount: float = 0.75):
        counts = texts if isinstance(texts, SyllableCounts) else SyllableCounts.of(texts)
        self.costs = costs
        self.unigrams, self.bigrams = counts.unigrams, counts.bigrams
        self.inside, self.titled = counts.inside, counts.titled
        self.discount = discount
        self.total = sum(self.unigrams.values())
        self.context = Counter()  # how often a word precedes another, and after how many kinds
        self.followers = Counter()
        for (left, _), n in self.bigrams.items():
            self.context[left] += n
            self.followers[left] += 1
        self.by_fold: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.unigrams.keys() - {"<num>"}):
            self.by_fold[fold(word)].append(word)
        self.patterns: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self.by_fold):
            for pattern in _wildcards(key, 2):
                self.patterns[pattern].append(key)
        self.seen: dict[str, list[tuple[str, float]]] = {}  # candidates of the words met
        self.costs_met: dict[tuple[str, str], float] = {}  # Viterbi asks the same pairs again and again

    def unigram_cost(self, word: str) -> float:
        word = _class(word)
        return -math.log((self.unigrams[word] + 0.1) / (self.total + 0.1 * len(self.unigrams) + 1))

    def capital_cost(self, word: str) -> float:
        """-log P(a capital | word) inside a run: 'Văn' (Văn phòng) takes one, 'vốn' does not."""
        return -math.log((self.titled[word] + 0.5) / (self.inside[word] + 1))

    def cost(self, left: str, word: str) -> float:
        """-log P(word | left), absolute discounting interpolated with the unigram."""
        if (left, word) not in self.costs_met:
            self.costs_met[left, word] = self._cost(left, word)
        return self.costs_met[left, word]

    def _cost(self, left: str, word: str) -> float:
        left, word = _class(left), _class(word)
        seen = self.context[left]
        unigram = math.exp(-self.unigram_cost(word))
        if not seen:
            return -math.log(unigram)
        p = max(self.bigrams[left, word] - self.discount, 0) / seen
        p += self.discount * self.followers[left] / seen * unigram
        return -math.log(p)

    def damage(self, text: str) -> Damage:
        words = [w for w in WORD.findall(text) if not w.isdigit() and w[:1].islower() or _mixed(w)]
        if not words:
            return Damage(0, 0.0, 0.0)
        unknown = sum(w.lower() not in self.unigrams for w in words if not _mixed(w))
        mixed = sum(_mixed(w) for w in words)
        return Damage(len(words), unknown / len(words), mixed / len(words))

    def is_damaged(self, text: str) -> bool:
        damage = self.damage(text)
        return damage.words >= _MIN_WORDS and damage.score > DAMAGE_THRESHOLD


def _class(word: str) -> str:
    """Numbers are one word to the model: 'nhóm 05' is learnt from 'nhóm 10' too."""
    return "<num>" if word.isdigit() else word


def _mixed(word: str) -> bool:
    """A digit inside a lower-case word ('s6', 'tr1en', 't01'), not a code like '5G' or 'PL2'."""
    return any(c.isdigit() for c in word) and any(c.islower() for c in word)


def _wildcards(key: str, most: int) -> Iterable[str]:
    for n in range(most + 1):
        for positions in combinations(range(len(key)), n):
            chars = list(key)
            for i in positions:
                chars[i] = "?"
            yield "".join(chars)


def _char_cost(seen: str, meant: str, costs: Costs) -> tuple[float, int]:
    """(cost, substitutions) of reading `meant` where the text shows `seen` (both lower case)."""
    if seen == meant:
        return 0.0, 0
    base_seen, base_meant = fold(seen), fold(meant)
    if base_seen == base_meant:
        return (costs.lost_mark if seen == base_seen else costs.other_mark), 0
    if base_meant in CONFUSABLE.get(base_seen, ""):
        return costs.confusion, 0
    if base_seen in VOWELS and base_meant in VOWELS:
        return costs.vowel, 1
    if base_seen.isalpha() and base_meant.isalpha() and base_seen.isascii():
        return costs.letter, 1
    return math.inf, 1


def candidates(model: SyllableModel, word: str) -> list[tuple[str, float]]:
    """Syllables of the model of the same length that `word` may be a damaged reading of, with
    their edit costs, best first; the word itself is always one (at `costs.unknown` when the model
    lacks it). A word in capitals (an acronym, a heading) changes no letter for another, only
    marks and look-alike glyphs; a code led by a digit ('5G', '3D') keeps its digits."""
    if word in model.seen:
        return model.seen[word]
    costs = model.costs
    seen = word.lower()
    if seen.isdigit() or len(seen) == 1:
        return [(seen, 0.0)]  # numbers, and single letters: list labels 'a)', initials
    capitals = word.isupper() and sum(c.isalpha() for c in word) > 1
    most = 0 if capitals else costs.max_edits if len(seen) > 3 else 1
    code = word[0].isdigit() and any(c.isupper() for c in word)
    keys = {k for p in _wildcards(fold(seen), 2) for k in model.patterns.get(p, ())}
    out = {seen: 0.0 if seen in model.unigrams else costs.unknown}
    for key in keys:
        for meant in model.by_fold[key]:
            total, edits = 0.0, 0
            for a, b in zip(seen, meant):
                cost, n = _char_cost(a, b, costs)
                if code and a.isdigit() and a != b:
                    cost = math.inf
                total, edits = total + cost, edits + n
            if edits <= most and total < math.inf and meant not in out:
                out[meant] = total
    ranked = sorted(out.items(), key=lambda kv: (kv[1] + model.unigram_cost(kv[0]), kv[0]))
    model.seen[word] = ranked
    return ranked


def _best_path(model: SyllableModel, words: list[str], beam: int) -> list[str]:
    """Viterbi over the candidates of a run of words under the bigram model; a capitalised word
    inside the run (not an all-capitals heading) also weighs how often each candidate is one."""
    states = {"<s>": (0.0, [])}
    for i, word in enumerate(words):
        options = candidates(model, word)[:beam]
        titled = i > 0 and word[:1].isupper() and not word.isupper()
        nxt = {}
        for meant, edit in options:
            edit += model.capital_cost(meant) if titled else 0.0
            best = min(((score + model.cost(prev, meant), path) for prev, (score, path) in states.items()),
                       key=lambda sp: sp[0])
            nxt[meant] = (best[0] + edit, best[1] + [meant])
        states = nxt
    return min(states.values(), key=lambda sp: sp[0])[1]


def _with_case(seen: str, meant: str, shouting: bool) -> str:
    """The reading in the case of the word as written, letter by letter ('B9' -> 'Bộ', 'ST' -> '57');
    in a line of capitals a capital's digits are capitals too ('I11. TO CHUC' -> 'III.')."""
    if shouting and seen[:1].isupper():
        return meant.upper()
    return "".join(m.upper() if s.isupper() else m for s, m in zip(seen, meant))


def line_is_damaged(model: SyllableModel, line: str) -> bool:
    """A word of the line is no syllable of the model or mixes in digits, or the line lost every mark."""
    return model.damage(line).score > 0 or fold(line) == line.lower()


def restore(text: str, model: SyllableModel, beam: int = 12) -> str:
    """The text with every word replaced by its most likely clean reading; same length, so an
    offset into the result is an offset into `text`. A line with its marks and no sign of damage
    is kept as written: a clean line of a partly damaged text ('Sở TT&TT') is not re-read."""
    out = list(text)
    start, line_end, damaged = 0, -1, False
    for piece in _BREAK.split(text):
        if start > line_end:  # a new line: is any of its words damaged?
            line_end = text.find("\n", start) % (len(text) + 1)
            damaged = line_is_damaged(model, text[start:line_end])
        matches = list(WORD.finditer(piece))
        if matches and damaged:
            words = [m.group() for m in matches]
            path = _best_path(model, words, beam)
            shouting = sum(len(w) > 1 and w.isupper() for w in words) > len(words) / 2
            for m, meant in zip(matches, path):
                out[start + m.start() : start + m.end()] = _with_case(m.group(), meant, shouting)
        start += len(piece) + 1
    repaired = "".join(out)
    assert len(repaired) == len(text)
    return repaired


def reference_file(data_dir: Path) -> Path:
    """The central layer of a data folder, else the committed one: its texts teach repair."""
    beside = data_dir / "reference" / "central.json"
    return beside if beside.is_file() else DATA_DIR / "reference" / "central.json"


def reference_texts(path: Path) -> list[str]:
    """The Vietnamese sentences of a reference file (data/reference/central.json): directives,
    titles, agency and indicator names, every string value with a space in it."""
    if not path.is_file():
        return []
    texts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str) and " " in value:
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return texts


def repair_sources(sources: Sequence[SourceText], reference: Sequence[str]) -> list[SourceText]:
    """The sources with `reading` set on the damaged ones. Damage is judged with a model of the
    reference texts alone; a damaged text is restored with a model of the reference and of the
    clean sources of other places (never of its own place, the way an unseen province is read),
    and of the text's own clean lines ('Sở Thông tin' written out teaches 'So Thong tin')."""
    judge = SyllableModel(reference)
    damaged = [i for i, source in enumerate(sources) if judge.is_damaged(source.text)]
    positions = set(damaged)
    clean = [source for i, source in enumerate(sources) if i not in positions]
    jobs = [(sources[i].text, sources[i].hint_jurisdiction) for i in damaged]
    readings = _restore_all(judge, _counts_by_place(reference, clean), jobs)
    out = list(sources)
    for i, reading in zip(damaged, readings):
        out[i] = replace(sources[i], reading=reading)
    return out


_shared: tuple[SyllableModel, _PlacedCounts] | None = None  # what forked workers inherit


def _restore_all(judge: SyllableModel, learnt: _PlacedCounts, jobs: list[tuple[str, str]]) -> list[str]:
    """Each damaged text restored, on every core when there are several: a reading depends only on
    its text and the counts, so the result is the same whatever the number of processes."""
    global _shared
    workers = min(len(jobs), os.cpu_count() or 1)
    _shared = (judge, learnt)
    try:
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [_restore_one(job) for job in jobs]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_restore_one, jobs, chunksize=1)
    finally:
        _shared = None


def _restore_one(job: tuple[str, str]) -> str:
    text, place = job
    judge, learnt = _shared
    own_clean = [line for line in text.split("\n")
                 if fold(line) != line.lower() and judge.damage(line).score <= DAMAGE_THRESHOLD]
    return restore(text, SyllableModel(learnt.without(place) + SyllableCounts.of(own_clean)))


@dataclass
class _PlacedCounts:
    everything: SyllableCounts  # the reference and every clean source
    by_place: dict[str, SyllableCounts]  # the clean sources of each place

    def without(self, place: str) -> SyllableCounts:
        return self.everything - self.by_place[place] if place in self.by_place else self.everything


def _counts_by_place(reference: Sequence[str], clean: Sequence[SourceText]) -> _PlacedCounts:
    """Counted once per build: a model per damaged text is then a subtraction, not a recount of
    every other text (which made repair quadratic in the number of documents)."""
    texts: dict[str, list[str]] = defaultdict(list)
    for source in clean:
        texts[source.hint_jurisdiction].append(source.text)
    by_place = {place: SyllableCounts.of(group) for place, group in sorted(texts.items())}
    everything = sum(by_place.values(), SyllableCounts.of(reference))
    by_place.pop("", None)  # a text of no known place is never its own place
    return _PlacedCounts(everything, by_place)


def quote_original(value, original: str, reading: str):
    """`value` (a Document or any part of one, extracted from `reading`) with every Span quoting
    `original` again and keeping the restored words beside the quote where they differ."""
    if isinstance(value, Span):
        quote = _requote(value.text, reading[value.start : value.end], original[value.start : value.end])
        return replace(value, text=quote, repaired=value.text if quote != value.text else "")
    if isinstance(value, list | tuple):
        return type(value)(quote_original(v, original, reading) for v in value)
    if isinstance(value, dict):
        return {k: quote_original(v, original, reading) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type | SourceText):
        return replace(value, **{f.name: quote_original(getattr(value, f.name), original, reading)
                                 for f in fields(value) if f.init})
    return value


def _requote(text: str, reading: str, original: str) -> str:
    """`text`, which extraction took from `reading` (a line break read as a space, a hyphen
    dropped), with the stretches it took unchanged put back as `original` has them."""
    if text == reading:
        return original
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, text, reading, autojunk=False).get_opcodes():
        out.append(original[j1:j2] if op == "equal" else text[i1:i2])
    return "".join(out)
