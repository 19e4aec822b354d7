"""The one reader of TOML files (config, rule packs, entry point rules, reference mappings):
a file that cannot be read or parsed is a ``ConfigError`` naming it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def read_toml(path: Path, what: str = "") -> dict[str, Any]:
    """The parsed file; ``what`` ("rule pack", ...) names it in the message."""
    try:
        with path.open("rb") as handle:
            return dict(tomllib.load(handle))
    except OSError as exc:
        reading = f"cannot read {what}" if what else "cannot read"
        raise ConfigError(f"{reading}: {exc.strerror}", source=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from exc
