"""Domain vocabulary: which atoms speak of the same things.

Each atom becomes a small document of words: its own name (three times), its methods and
fields, the identifiers it uses, the names of the definitions it references, the tables it
touches and its docstring. Identifiers are split at ``snake_case`` and ``CamelCase`` and
plurals are folded (``orders`` -> ``order``). Module and package names are never words: a
module's path is layout, which has its own signal.

TF-IDF turns the documents into vectors (``tfidf``: scikit-learn's ``TfidfVectorizer`` with
sublinear term frequency, smoothed inverse document frequency and l2 rows, computed on scipy's
sparse matrices to the last bit of float32); each atom is linked to its nearest neighbours by
cosine similarity. The same vectors give every atom its strongest terms, which
name the contexts.

Both are remembered from one run to the next by a digest of the documents (``similarity`` with
a memo): an unchanged project is not vectorised again, nor scipy imported.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from analyzer.coupling import RunMemo
from analyzer.text import STOP_WORDS, words

_NEIGHBOURS = 6  # nearest neighbours linked per atom
_MIN_SIMILARITY = 0.12
_TERMS = 8  # strongest terms kept per atom
_CHUNK = 1024
_FEW_DOCUMENTS = 40  # rows per block of the similarity product
_TOKEN = re.compile(r"[a-z0-9]+")
_MEMO = "vocabulary:"
_MIN_DF = 2  # documents a word must be in
_MAX_DF = 0.25  # share of documents a word may be in, in a project of _FEW_DOCUMENTS or more


class Documents:
    """Writes the documents of one graph's atoms, with only the words of ``nouns`` when given;
    each identifier is split into its words once (a project repeats them: nova with its tests
    has 45,000 identifiers in 208,000 places)."""

    def __init__(self, nouns: frozenset[str] | None = None) -> None:
        self._nouns = nouns
        self._kept: dict[str, tuple[str, ...]] = {}

    def _words(self, identifier: str) -> tuple[str, ...]:
        nouns = self._nouns
        split = tuple([w for w in words(identifier) if w not in STOP_WORDS
                       and (nouns is None or w in nouns)])
        self._kept[identifier] = split
        return split

    def document(self, parts: Iterable[tuple[str, int]]) -> str:
        """A bag of identifiers (with counts) as one string of words for the vectoriser."""
        tokens: list[str] = []
        kept = self._kept
        for identifier, count in parts:
            split = kept.get(identifier)
            if split is None:
                split = self._words(identifier)
            if split:
                tokens.extend(split * min(count, 3))
        return " ".join(tokens)

    def prose(self, text: str) -> str:
        """Words of a docstring, treated like identifiers."""
        return self.document((token, 1) for token in re.findall(r"[A-Za-z][A-Za-z0-9_]+", text))

    def atom(self, name: str, parts: Mapping[str, int], doc: str) -> str:
        """The document of one atom: its name weighs three times, then what it uses."""
        head = self.document([(name, 3)])
        body = self.document(sorted(parts.items()))
        return " ".join(x for x in (head, body, self.prose(doc)) if x)


def prose(text: str, nouns: frozenset[str] | None = None) -> str:
    """Words of a docstring, treated like identifiers; only the words of ``nouns`` when given."""
    return Documents(nouns).prose(text)


def tfidf(documents: Sequence[str], min_df: int, max_df: float
          ) -> tuple[Any, list[str]] | None:
    """The TF-IDF matrix of ``documents`` (CSR, float32, one row per document, l2-normalised)
    and its terms in column order; None when no word is in ``min_df`` to ``max_df`` (a
    share) of them.

    The same matrix, bit for bit, as scikit-learn's ``TfidfVectorizer(token_pattern=
    "[a-z0-9]+", lowercase=False, sublinear_tf=True, min_df=min_df, max_df=max_df,
    dtype=float32)`` (tests/test_vocabulary.py compares them on every sample): the same
    scipy operations in the same order, and its row normalisation's sums of squares taken in
    double precision one entry after another. Importing scikit-learn's text features costs
    about a second of every run; scipy's sparse matrices a third of that."""
    import numpy as np  # numpy and scipy load only when a graph is built
    from scipy import sparse

    vocabulary: dict[str, int] = {}  # term -> column, in the order first seen
    columns: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for text in documents:
        counted: dict[int, int] = {}
        for term in _TOKEN.findall(text):
            column = vocabulary.setdefault(term, len(vocabulary))
            counted[column] = counted.get(column, 0) + 1
        columns.extend(counted)
        counts.extend(counted.values())
        indptr.append(len(columns))
    if not vocabulary or max_df * (len(indptr) - 1) < min_df:
        return None
    matrix = sparse.csr_array(
        (np.asarray(counts, dtype=np.intc), np.asarray(columns, dtype=np.int32),
         np.asarray(indptr, dtype=np.int32)),
        shape=(len(indptr) - 1, len(vocabulary)), dtype=np.float32)
    matrix.sort_indices()
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    kept = (frequency <= max_df * matrix.shape[0]) & (frequency >= min_df)
    if not kept.any():
        return None
    renumbered = np.cumsum(kept) - 1
    vocabulary = {term: int(renumbered[c]) for term, c in vocabulary.items() if kept[c]}
    matrix = matrix[:, np.where(kept)[0]]
    terms = sorted(vocabulary)
    order = np.empty(len(terms), dtype=matrix.indices.dtype)
    for column, term in enumerate(terms):
        order[vocabulary[term]] = column
    matrix.indices = order.take(matrix.indices, mode="clip")
    # inverse document frequency, smoothed, in float32 as scikit-learn keeps it
    documents_with = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float32)
    documents_with += 1.0
    idf = np.full_like(documents_with, fill_value=matrix.shape[0] + 1, dtype=np.float32)
    idf /= documents_with
    np.log(idf, out=idf)
    idf += 1.0
    np.log(matrix.data, matrix.data)  # sublinear term frequency: 1 + log(count)
    matrix.data += 1.0
    matrix.data *= idf[matrix.indices]
    values = matrix.data.tolist()
    norms = np.ones(len(values), dtype=np.float64)
    bounds = matrix.indptr.tolist()
    squares = (matrix.data * matrix.data).tolist()  # float32 products, as in scikit-learn
    for start, end in pairwise(bounds):
        total = 0.0
        for square in squares[start:end]:
            total += square
        if total != 0.0:
            norms[start:end] = math.sqrt(total)
    matrix.data = (np.asarray(values, dtype=np.float64) / norms).astype(np.float32)
    return matrix, terms


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
        # a word in a quarter of all atoms says nothing about where one belongs; in a tiny
        # project every shared word counts. Documents of the domain's nouns alone
        # (``nouns_only``) keep every noun: there the most common ones are the domain's
        # central entities (order, product, customer), which inverse document frequency
        # already weighs down, and a project of four domains has each in a quarter of it.
        fitted = tfidf(documents, min_df=_MIN_DF,
                       max_df=_MAX_DF if usable >= _FEW_DOCUMENTS and not nouns_only else 1.0)
        if fitted is not None:
            self.matrix, self.terms = fitted

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


@dataclass(frozen=True, slots=True)
class Similarity:
    """What the vectors say: each atom's strongest terms (``Vocabulary.top_terms``) and the
    pairs of nearest neighbours (``Vocabulary.neighbours``)."""

    terms: dict[str, tuple[str, ...]]
    neighbours: list[tuple[str, str, float]]


def similarity(ids: Sequence[str], documents: Sequence[str], nouns_only: bool = False,
               memo: RunMemo | None = None) -> Similarity:
    """The terms and neighbours of the atoms ``ids`` (sorted, unique) whose documents are
    ``documents``: recalled from ``memo`` when an earlier run vectorised the same documents,
    else computed (and remembered)."""
    if memo is None:
        return _similarity(ids, documents, nouns_only)
    key = _memo_key(ids, documents, nouns_only)
    recalled = _recalled(memo.recall(key), ids)
    if recalled is not None:
        return recalled
    made = _similarity(ids, documents, nouns_only)
    memo.remember(key, _memo_value(made, ids))
    return made


def _similarity(ids: Sequence[str], documents: Sequence[str], nouns_only: bool) -> Similarity:
    vocabulary = Vocabulary(ids, documents, nouns_only)
    return Similarity(vocabulary.top_terms(), vocabulary.neighbours())


def _memo_key(ids: Sequence[str], documents: Sequence[str], nouns_only: bool) -> str:
    """A digest of everything the result depends on: the documents, the settings above and the
    versions of the libraries that compute it."""
    from importlib.metadata import PackageNotFoundError, version  # 0.02 s: only for the memo

    libraries = []
    for name in ("numpy", "scipy"):
        try:
            libraries.append(f"{name} {version(name)}")
        except PackageNotFoundError:  # pragma: no cover - both come with scikit-learn
            libraries.append(f"{name} ?")
    digest = hashlib.sha256(
        f"vocabulary 1 {' '.join(libraries)} neighbours {_NEIGHBOURS} min {_MIN_SIMILARITY} "
        f"terms {_TERMS} few {_FEW_DOCUMENTS} df {_MIN_DF} {_MAX_DF} nouns {nouns_only} "
        f"atoms {len(ids)}\n".encode())
    for atom, text in zip(ids, documents, strict=True):
        digest.update(f"{atom}\0{text}\n".encode())
    return _MEMO + digest.hexdigest()


def _memo_value(made: Similarity, ids: Sequence[str]) -> bytes:
    """JSON, atoms by their position in ``ids``: ``{"terms": [[i, [term...]]...], "pairs":
    [[i, j, similarity]...]}``."""
    index = {atom: i for i, atom in enumerate(ids)}
    return json.dumps({
        "terms": [[index[atom], list(terms)] for atom, terms in made.terms.items()],
        "pairs": [[index[a], index[b], score] for a, b, score in made.neighbours],
    }, separators=(",", ":")).encode()


def _recalled(data: bytes | None, ids: Sequence[str]) -> Similarity | None:
    """What ``_memo_value`` wrote, if it has its shape and fits ``ids``; else None: each term
    a word of the documents' alphabet, at most ``_TERMS`` of them per atom, each atom once and
    in order; each pair of neighbours once, in order, with a similarity in (0, 1]."""
    if data is None:
        return None
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or set(value) != {"terms", "pairs"}:
        return None
    terms, pairs = value["terms"], value["pairs"]
    if not isinstance(terms, list) or not isinstance(pairs, list):
        return None
    count = len(ids)

    def atom(i: object) -> bool:
        return type(i) is int and 0 <= i < count

    made_terms: dict[str, tuple[str, ...]] = {}
    last = -1
    for row in terms:
        if not (isinstance(row, list) and len(row) == 2 and atom(row[0]) and row[0] > last
                and isinstance(row[1], list) and 0 < len(row[1]) <= _TERMS
                and all(type(t) is str and _TOKEN.fullmatch(t) for t in row[1])):
            return None
        last = row[0]
        made_terms[ids[row[0]]] = tuple(row[1])
    neighbours: list[tuple[str, str, float]] = []
    previous = (-1, -1)
    for row in pairs:
        if not (isinstance(row, list) and len(row) == 3 and atom(row[0]) and atom(row[1])
                and row[0] < row[1] and (row[0], row[1]) > previous
                and type(row[2]) is float and 0.0 < row[2] <= 1.0 + 1e-6):
            return None
        previous = (row[0], row[1])
        neighbours.append((ids[row[0]], ids[row[1]], row[2]))
    return Similarity(made_terms, neighbours)


def table_words(table: str) -> str:
    """The words of a table's name, every one: a table names the domain's entities, so even a
    word too common for the vectoriser (``range``, ``index``) is one of the domain's nouns."""
    return " ".join(words(table.replace(".", "_")))
