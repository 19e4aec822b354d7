"""Domain vocabulary: which atoms speak of the same things.

Each atom becomes a small document of words: its own name (three times), its methods and
fields, the identifiers it uses, the names of the definitions it references, the tables it
touches and its docstring. Identifiers are split at ``snake_case`` and ``CamelCase`` and
plurals are folded (``orders`` -> ``order``). Module and package names are never words: a
module's path is layout, which has its own signal.

scikit-learn's TF-IDF turns the documents into vectors; each atom is linked to its nearest
neighbours by cosine similarity. The same vectors give every atom its strongest terms, which
name the contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from analyzer.text import STOP_WORDS, words

_NEIGHBOURS = 6  # nearest neighbours linked per atom
_MIN_SIMILARITY = 0.12
_TERMS = 8  # strongest terms kept per atom
_CHUNK = 1024
_FEW_DOCUMENTS = 40  # rows per block of the similarity product




def document(parts: Iterable[tuple[str, int]]) -> str:
    """A bag of identifiers (with counts) as one string of words for the vectoriser."""
    tokens: list[str] = []
    for identifier, count in parts:
        split = [w for w in words(identifier) if w not in STOP_WORDS]
        tokens.extend(split * min(count, 3))
    return " ".join(tokens)


def prose(text: str) -> str:
    """Words of a docstring, treated like identifiers."""
    return document((token, 1) for token in re.findall(r"[A-Za-z][A-Za-z0-9_]+", text))


class Vocabulary:
    """TF-IDF vectors of the atoms' documents."""

    def __init__(self, ids: Sequence[str], documents: Sequence[str],
                 nouns_only: bool = False) -> None:
        self.ids = list(ids)
        self.matrix = None
        self.terms: list[str] = []
        usable = sum(1 for d in documents if d)
        if usable < 3:
            return
        import numpy as np  # numpy and scikit-learn load only when a graph is built
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            analyzer="word", token_pattern=r"[a-z0-9]+", lowercase=False, sublinear_tf=True,
            # a word in a quarter of all atoms says nothing about where one belongs; in a
            # tiny project every shared word counts. Documents of the domain's nouns alone
            # (``nouns_only``) keep every noun: there the most common ones are the domain's
            # central entities (order, product, customer), which inverse document frequency
            # already weighs down, and a project of four domains has each in a quarter of it.
            min_df=2, max_df=0.25 if usable >= _FEW_DOCUMENTS and not nouns_only else 1.0,
            norm="l2",
            dtype=np.float32,
        )
        try:
            self.matrix = vectorizer.fit_transform(documents).tocsr()
        except ValueError:  # every word too rare or too common: no vocabulary to speak of
            return
        self.terms = list(vectorizer.get_feature_names_out())

    def top_terms(self) -> dict[str, tuple[str, ...]]:
        """Each atom's strongest terms, best first (ties by the word)."""
        result: dict[str, tuple[str, ...]] = {}
        if self.matrix is None:
            return result
        matrix = self.matrix
        for row, atom in enumerate(self.ids):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            pairs = sorted(zip(matrix.data[start:end].tolist(),
                               [self.terms[i] for i in matrix.indices[start:end]], strict=True),
                           key=lambda p: (-p[0], p[1]))
            if pairs:
                result[atom] = tuple(term for _, term in pairs[:_TERMS])
        return result

    def neighbours(self) -> list[tuple[str, str, float]]:
        """``(a, b, similarity)`` with ``a < b`` for each atom's nearest neighbours."""
        if self.matrix is None:
            return []
        import numpy as np

        matrix = self.matrix
        rows = np.arange(len(self.ids))
        has_words = np.diff(matrix.indptr) > 0
        pairs: dict[tuple[str, str], float] = {}
        transposed = matrix.T.tocsc()
        for offset in range(0, len(rows), _CHUNK):
            block = rows[offset:offset + _CHUNK]
            similarity = (matrix[block] @ transposed).toarray()
            for position, row in enumerate(block.tolist()):
                if not has_words[row]:
                    continue
                scores = similarity[position]
                scores[row] = 0.0
                count = min(_NEIGHBOURS, len(scores) - 1)
                if count <= 0:
                    continue
                for other in np.argpartition(-scores, count)[:count].tolist():
                    score = float(scores[other])
                    if score < _MIN_SIMILARITY:
                        continue
                    a, b = sorted((self.ids[row], self.ids[other]))
                    pairs[(a, b)] = max(pairs.get((a, b), 0.0), round(score, 6))
        return [(a, b, score) for (a, b), score in sorted(pairs.items())]


def table_words(table: str) -> str:
    """The words of a table's name, every one: a table names the domain's entities, so even a
    word too common for the vectoriser (``range``, ``index``) is one of the domain's nouns."""
    return " ".join(words(table.replace(".", "_")))


def only(document: str, nouns: frozenset[str]) -> str:
    """``document`` with the words that are not ``nouns`` left out."""
    return " ".join(word for word in document.split() if word in nouns)


def atom_document(name: str, parts: Mapping[str, int], doc: str) -> str:
    """The document of one atom: its name weighs three times, then what it uses."""
    head = document([(name, 3)])
    body = document(sorted(parts.items()))
    return " ".join(x for x in (head, body, prose(doc)) if x)
