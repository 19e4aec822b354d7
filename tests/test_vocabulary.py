"""The vocabulary's TF-IDF is scikit-learn's, bit for bit, without importing scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analyzer.graph.vocabulary import prose, tfidf
from tests.conftest import REPO, SAMPLES


def _documents(root: Path) -> list[str]:
    """One document of words per Python file: real identifiers and prose, many words each."""
    return [prose(path.read_text(encoding="utf-8")) for path in sorted(root.rglob("*.py"))]


def _theirs(documents: list[str], max_df: float) -> tuple[object, list[str]]:
    vectorizer = TfidfVectorizer(analyzer="word", token_pattern=r"[a-z0-9]+", lowercase=False,
                                 sublinear_tf=True, min_df=2, max_df=max_df, norm="l2",
                                 dtype=np.float32)
    return vectorizer.fit_transform(documents).tocsr(), list(vectorizer.get_feature_names_out())


@pytest.mark.parametrize("root", [SAMPLES / "shopfront", SAMPLES / "tradepost",
                                  REPO / "analyzer"], ids=lambda p: p.name)
@pytest.mark.parametrize("max_df", [0.25, 1.0])
def test_tfidf_is_scikit_learns_to_the_last_bit(root: Path, max_df: float) -> None:
    documents = _documents(root)
    fitted = tfidf(documents, 2, max_df)
    assert fitted is not None
    ours, terms = fitted
    theirs, their_terms = _theirs(documents, max_df)
    assert terms == their_terms
    assert ours.shape == theirs.shape  # type: ignore[attr-defined]
    assert np.array_equal(ours.indptr, theirs.indptr)  # type: ignore[attr-defined]
    assert np.array_equal(ours.indices, theirs.indices)  # type: ignore[attr-defined]
    assert ours.data.dtype == np.float32
    assert ours.data.tobytes() == theirs.data.tobytes()  # type: ignore[attr-defined]


def test_tfidf_without_a_word_in_two_documents_is_none() -> None:
    assert tfidf(["order", "product", "invoice"], 2, 1.0) is None  # every word too rare
    assert tfidf(["", "", ""], 2, 1.0) is None  # no word at all
    assert tfidf(["order item", "order line", "order"], 2, 0.5) is None  # too common
