"""seamline: find the seams in a Python monolith and propose how to cut it into services.

The import package is ``analyzer``; the distribution and the command are ``seamline``.
"""

__version__ = "0.1.0"
