"""Per-file facts: one parse of each file, nothing known of the others.

``EXTRACTOR_VERSION`` lives here, apart from the visitor, so that a run whose facts all come
from the cache never imports libcst.
"""

# Bump when the facts extracted from a file change: it keys the cache.
EXTRACTOR_VERSION = "code-18"
