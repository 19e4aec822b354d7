"""The adjusted Rand index (Hubert and Arabie, 1985), with integers only.

The same value, to the last bit, as scikit-learn's ``adjusted_rand_score`` (the same pair
counts and the same final expression; tests/test_metrics.py compares them), without importing
scikit-learn: every cut reports how far its Leiden runs agree, and scikit-learn's import
costs more than the whole cut of a small project.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any


def adjusted_rand(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """How much two labellings of the same elements agree beyond chance: 1.0 when they are
    the same partition, about 0 for independent ones."""
    if len(first) != len(second):
        raise ValueError(f"labellings of {len(first)} and {len(second)} elements")
    n = len(first)
    cells = Counter(zip(first, second, strict=True))
    rows = Counter(first)  # elements per group of the first labelling
    columns = Counter(second)
    squares = sum(c * c for c in cells.values())
    # ordered pairs of elements together in one labelling only, in both, in neither: as
    # scikit-learn's pair confusion matrix counts them
    first_only = sum(c * rows[a] for (a, _), c in cells.items()) - squares
    second_only = sum(c * columns[b] for (_, b), c in cells.items()) - squares
    return _from_pairs(n, squares, first_only, second_only)


def adjusted_rand_arrays(first: Any, second: Any) -> float:
    """``adjusted_rand`` of two numpy arrays of integer labels: the same pair counts (exact,
    in integers) and so the same value to the last bit, without a Python object per element
    (a consensus compares ten runs of thousands of elements). The labels are renumbered
    first, and only the pairs of labels that occur are counted: a partition of mostly
    single elements has nearly as many groups as elements."""
    import numpy as np

    if len(first) != len(second):
        raise ValueError(f"labellings of {len(first)} and {len(second)} elements")
    n = len(first)
    if n == 0:
        return 1.0
    a = np.unique(np.asarray(first), return_inverse=True)[1].astype(np.int64).ravel()
    b = np.unique(np.asarray(second), return_inverse=True)[1].astype(np.int64).ravel()
    width = int(b.max()) + 1
    cells, counts = np.unique(a * width + b, return_counts=True)
    rows = np.bincount(a)[cells // width]
    columns = np.bincount(b)[cells % width]
    squares = int((counts * counts).sum())
    first_only = int((counts * rows).sum()) - squares
    second_only = int((counts * columns).sum()) - squares
    return _from_pairs(n, squares, first_only, second_only)


def _from_pairs(n: int, squares: int, first_only: int, second_only: int) -> float:
    """The index from the pair counts: ``squares`` is the sum of the squared cell counts,
    ``first_only`` and ``second_only`` the ordered pairs together in one labelling only."""
    both = squares - n
    neither = n * n - first_only - second_only - squares
    if first_only == 0 and second_only == 0:
        return 1.0
    return 2.0 * (both * neither - first_only * second_only) / (
        (both + first_only) * (first_only + neither)
        + (both + second_only) * (second_only + neither))
