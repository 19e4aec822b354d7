"""The one reader of TOML files (config, rule packs, entry point rules, reference mappings,
the agreed decomposition): a file that cannot be read or parsed is a ``ConfigError`` naming it,
whatever its bytes (not UTF-8, nested past what Python can follow, an integer of a million
digits)."""

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
        data = path.read_bytes()
    except OSError as exc:
        reading = f"cannot read {what}" if what else "cannot read"
        raise ConfigError(f"{reading}: {exc.strerror}", source=str(path)) from None
    return parse_toml(data, str(path))


def parse_toml(data: bytes, source: str) -> dict[str, Any]:
    """TOML text as a dict; every way it can be wrong is one ``ConfigError`` for ``source``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 (TOML files are UTF-8): byte 0x{data[exc.start]:02x} on "
                          f"line {line}", source=source) from None
    try:
        return dict(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", source=source) from None
    except RecursionError:
        raise ConfigError("not readable TOML: arrays or tables nested too deeply",
                          source=source) from None
    except ValueError:  # tomllib's other ValueError: int() refuses over 4,300 digits
        raise ConfigError("not readable TOML: an integer too long to convert",
                          source=source) from None
