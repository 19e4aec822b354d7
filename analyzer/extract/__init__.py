"""Per-file facts: one parse of each file, nothing known of the others.

``EXTRACTOR_VERSION`` lives here, apart from the walk, so that a run whose facts all come
from the cache imports neither the walk nor libcst.
"""

# Bump when the facts extracted from a file change: it keys the cache.
EXTRACTOR_VERSION = "code-24"
