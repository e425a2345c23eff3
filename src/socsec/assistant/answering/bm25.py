"""Okapi BM25 over a small set of documents (the assistant's topics and the rules' parameters)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    index: int
    score: float


class BM25:
    """An index of tokenised documents; ``search`` gives the best documents for a tokenised query."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.frequencies = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average_length = sum(self.lengths) / max(len(documents), 1) or 1.0
        containing: Counter[str] = Counter()
        for freq in self.frequencies:
            containing.update(freq.keys())
        n = len(documents)
        self.idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in containing.items()}

    def score(self, query: Sequence[str], index: int) -> float:
        freq, length = self.frequencies[index], self.lengths[index]
        total = 0.0
        for term in set(query):
            tf = freq.get(term, 0)
            if tf:
                norm = tf + self.k1 * (1 - self.b + self.b * length / self.average_length)
                total += self.idf[term] * tf * (self.k1 + 1) / norm
        return total

    def overlap(self, query: Sequence[str], index: int) -> int:
        """How many distinct terms of the query the document holds."""
        return sum(1 for term in set(query) if term in self.frequencies[index])

    def search(self, query: Sequence[str], limit: int = 3) -> list[Hit]:
        terms = [t for t in set(query) if t in self.idf]
        if not terms:
            return []
        hits = [Hit(i, self.score(terms, i)) for i in range(len(self.frequencies))]
        hits = [h for h in hits if h.score > 0]
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]
