"""The one exception family of seamline.

``SeamlineError`` is a user-facing problem (bad path, bad config, bad argument): the CLI turns it
into one clear message and exit code 2 in exactly one place. Problems inside analysed files are
never exceptions: they become ``Diagnostic`` facts and the run goes on.
"""

from __future__ import annotations


class SeamlineError(Exception):
    """A problem the user can fix: a bad path, config key or argument."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message, source)  # both in args, so the error survives pickling
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class ConfigError(SeamlineError):
    """The configuration (``[tool.seamline]``, ``seamline.toml`` or a rule pack) is invalid."""


class UsageError(SeamlineError):
    """The command line asks for something impossible (a missing path, say)."""
