"""Target links: every local target gets the indicator concept it measures ('measures' ->
'indicator:<key>') and the national target it echoes ('echoes' -> the 03/NQ-CP Phụ lục I row
'PL1.n' and the 57-NQ/TW part II target 'II.1.b2#3').

Indicator, in order of trust:
1. verbatim row: a local table often copies the national table; when the local text is nearly the
   wording of a central row (character n-gram cosine >= `verbatim`), that row's indicator is
   taken (and a heading row without an indicator, 'Chỉ tiêu về thực hiện thủ tục hành chính …',
   echoes its national heading row);
2. the hand-written rules of kg.central.indicators on the accent-folded text after a light OCR
   repair (digits read for letters inside words: 'd6i m6i' -> 'doi moi');
3. where no rule fires, the nearest central target by character n-grams lends its indicator when
   the similarity reaches `fuzzy_indicator`.
National target: among the central targets of the same indicator, the one of the same target year
(else the nearest year). An echo is never surer than the indicator it rests on."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from kg.central.indicators import indicator_key
from kg.central.layer import CentralLayer, NationalTarget
from kg.link.text import char_vectorizer, folded_words
from kg.model import Document, Link, Target

RULE_CONFIDENCE = 0.95
LEXICAL_CEILING = 0.9  # a fuzzy match is never as sure as a rule or a verbatim row
OTHER_YEAR = 0.75  # an echo to a national target of another year than the local one
NATIONAL_DOCS = ("nq03-programme", "nq57")  # echo order: the 03 Phụ lục I row first


@dataclass(frozen=True)
class Thresholds:
    """Chosen on the target labels (docs/linking.md, leave-one-document-out figures there)."""

    verbatim: float = 0.95  # n-gram cosine at which a local row copies a central row
    fuzzy_indicator: float = 0.50  # … from which the nearest central target lends its indicator
    accept: float = 0.50  # confidence from which a target link is accepted


# OCR confusions inside words of folded text: a digit between letters is a letter.
_OCR_DIGIT = {"0": "o", "6": "o", "8": "s", "1": "l", "4": "a", "5": "s", "3": "e", "9": "g"}
_DIGIT_IN_WORD = re.compile(r"(?<=[a-z])[0-9](?=[a-z])|(?<=\b[a-z])[0-9]\b|(?<=[a-z]{2})[0-9]\b")


def repair_ocr(text: str) -> str:
    """Folded text with digits read back as letters where they sit inside a word ('d6i' ->
    'doi', 's6' -> 'so'); numbers standing alone ('12', '2030') are left alone."""
    return _DIGIT_IN_WORD.sub(lambda m: _OCR_DIGIT.get(m.group(), m.group()), folded_words(text))


@dataclass
class TargetMatch:
    key: str  # '' when no indicator is recognised
    key_confidence: float
    key_method: str  # 'verbatim' | 'rule' | 'lexical'
    echoes: list[tuple[NationalTarget, float, str]]  # target, confidence, method; 03 row first


def _year_gap(local: int | None, central: int | None) -> int:
    if local is None or central is None:
        return 5  # unknown year: any central year, but after a known match
    return abs(local - central)


class TargetLinker:
    """Fitted once on the central targets of a layer (IDF from the central side only)."""

    def __init__(self, layer: CentralLayer, thresholds: Thresholds = Thresholds()):
        self.thresholds = thresholds
        self.targets = [t for t in layer.targets if t.target.local_id and t.doc in NATIONAL_DOCS]
        self.vectorizer = char_vectorizer()
        self.vectorizer.set_params(preprocessor=repair_ocr)
        self.matrix = self.vectorizer.fit_transform([t.target.indicator_text for t in self.targets])

    def similarities(self, texts: list[str]) -> np.ndarray:
        """Cosine similarity of each text (rows) to each central target (columns)."""
        return cosine_similarity(self.vectorizer.transform(texts), self.matrix)

    def nearest(self, candidates: list[int], year: int | None, sims: np.ndarray) -> int:
        """Same year first, then the nearest year, then the closer wording; ties in layer order."""
        return min(candidates, key=lambda i: (_year_gap(year, self.targets[i].target.year), -sims[i], i))

    def match(self, target: Target, sims: np.ndarray | None = None) -> TargetMatch:
        """`sims`: the target's row of `similarities`, when a document's targets were compared at once."""
        sims = self.similarities([target.indicator_text])[0] if sims is None else sims
        verbatim = [i for i, s in enumerate(sims) if s >= self.thresholds.verbatim]
        if verbatim:
            row = self.targets[self.nearest(verbatim, target.year, sims)]
            if not row.target.indicator_key:  # a heading row: it echoes its national twin only
                return TargetMatch("", 0.0, "verbatim", [(row, RULE_CONFIDENCE, "verbatim")])
            key, confidence, method = row.target.indicator_key, RULE_CONFIDENCE, "verbatim"
        elif key := indicator_key(repair_ocr(target.indicator_text)) or indicator_key(target.indicator_text):
            confidence, method = RULE_CONFIDENCE, "rule"
        else:
            best = int(np.argmax(sims))
            key = self.targets[best].target.indicator_key if sims[best] >= self.thresholds.fuzzy_indicator else ""
            confidence, method = round(float(min(LEXICAL_CEILING, sims[best])), 4), "lexical"
        if not key:
            return TargetMatch("", 0.0, "", [])
        return TargetMatch(key, confidence, method, self.echoes(target, key, confidence, sims))

    def echoes(self, target: Target, key: str, confidence: float, sims: np.ndarray
               ) -> list[tuple[NationalTarget, float, str]]:
        """Per national document, its target of the same indicator nearest in year."""
        out = []
        for doc in NATIONAL_DOCS:
            same = [i for i, t in enumerate(self.targets) if t.doc == doc and t.target.indicator_key == key]
            if same:
                best = self.nearest(same, target.year, sims)
                same_year = _year_gap(target.year, self.targets[best].target.year) == 0
                out.append((self.targets[best], min(confidence, RULE_CONFIDENCE if same_year else OTHER_YEAR),
                            "indicator-year"))
        return out


def link_targets(document: Document, linker: TargetLinker) -> list[Link]:
    """'measures' and 'echoes' links for every target of the document, deterministic."""
    accept = linker.thresholds.accept
    links = []
    source = document.source.source_id
    # one vectorizer call per document: per target, its input checks cost more than the product
    rows = linker.similarities([t.indicator_text for t in document.targets]) if document.targets else []
    for target, sims in zip(document.targets, rows):
        match = linker.match(target, sims)
        if match.key:
            status = "accepted" if match.key_confidence >= accept else "suggested"
            links.append(Link(source, target.local_id, f"indicator:{match.key}", "measures", match.key_confidence,
                              match.key_method, target.evidence, status, 1))
        for rank, (national, confidence, method) in enumerate(match.echoes, start=1):
            status = "accepted" if confidence >= accept else "suggested"
            links.append(Link(source, target.local_id, national.target.local_id, "echoes", confidence,
                              method, target.evidence, status, rank))
    return links


def assign_indicators(document: Document, links: list[Link]) -> None:
    """Set Target.indicator_key from the accepted 'measures' links (kg:forIndicator in the graph)."""
    keys = {l.source_local_id: l.target.removeprefix("indicator:") for l in links
            if l.link_type == "measures" and l.status == "accepted"}
    for target in document.targets:
        if not target.indicator_key and target.local_id in keys:
            target.indicator_key = keys[target.local_id]
