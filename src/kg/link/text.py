"""Vietnamese-suited text features for matching local tasks to central directives.

Vietnamese words are one to three space-separated syllables, so syllable unigrams and bigrams
approximate words; character n-grams on accent-folded text keep OCR output (lost or garbled
diacritics, broken syllables) comparable with clean text."""

from __future__ import annotations

import re
from functools import lru_cache

from sklearn.feature_extraction.text import TfidfVectorizer

from kg.parse.normalize import fold

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Words every task of the domain repeats: they say nothing about which task is meant.
_DOMAIN_STOP = (
    "khoa hoc cong nghe doi moi sang tao chuyen doi so va cac cua trong de cho tren voi theo "
    "nhung mot la co duoc ve tai thuc hien trien khai tinh thanh pho dia ban"
).split()


@lru_cache(maxsize=1 << 14)  # each local text is folded by several vectorizers and checks
def folded_words(text: str) -> str:
    """Accent-folded lower-case text with every non-alphanumeric run turned into one space."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def vocabulary(texts: list[str]) -> frozenset[str]:
    """The folded syllables of a corpus (the central texts): what a clean local text is made of."""
    return frozenset(word for text in texts for word in folded_words(text).split())


def unknown_share(text: str, known: frozenset[str]) -> float:
    """Share of the text's syllables (numbers aside) missing from `known`: near 0 for clean
    Vietnamese, 0.1-0.3 for OCR output whose syllables are garbled."""
    words = [w for w in folded_words(text).split() if not w.isdigit()]
    return sum(w not in known for w in words) / len(words) if words else 0.0


def marked_share(texts: list[str]) -> float:
    """Share of the texts' words that carry a diacritic (fold changes them)."""
    words = [w for text in texts for w in text.split() if any(c.isalpha() for c in w)]
    return sum(fold(w) != w.lower() for w in words) / len(words) if words else 0.0


_CLAUSE_BREAK = re.compile(r"[;.:]\s+|\s+-\s+")
_CLAUSE_MIN_WORDS = 4  # shorter pieces ('(i)', 'gồm:') are not clauses


def clauses(text: str) -> list[str]:
    """The clauses of a directive (split at ';', '.', ':' and list dashes), or the whole text."""
    parts = [p for p in _CLAUSE_BREAK.split(text) if len(p.split()) >= _CLAUSE_MIN_WORDS]
    return parts or [text]


def syllable_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=folded_words,
        ngram_range=(1, 2),
        stop_words=_DOMAIN_STOP,
        sublinear_tf=True,
        token_pattern=r"[0-9a-z]+",
    )


def char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(preprocessor=folded_words, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)


def plain_vectorizer() -> TfidfVectorizer:
    """The baseline: scikit-learn defaults on the text as written (diacritics kept)."""
    return TfidfVectorizer()
