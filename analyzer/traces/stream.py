"""Reading a JSON file of any size one value at a time, never whole.

A trace export is one big document (``{"resourceSpans": [...]}``, ``{"data": [...]}``,
``[...]``) or one per line (the OpenTelemetry Collector's file exporter). ``JsonStream`` walks
the containers that hold the spans by hand (``members``, ``elements``) and hands each span, a
small value, to the standard library's C decoder (``value``): the spans go through at the
decoder's speed and only one of them is in memory at a time.

Every problem is a ``ConfigError`` naming the file and the character where reading stopped.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterator
from typing import Any, Protocol

from analyzer.errors import ConfigError

CHUNK = 1 << 20  # characters read at a time
MAX_VALUE = 64 << 20  # the largest single value (a span, a trace's processes) read whole
_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")
_DECODER = json.JSONDecoder()


class Readable(Protocol):
    """A binary file: open(), gzip.open()."""

    def read(self, size: int = -1, /) -> bytes: ...


class JsonStream:
    """A cursor over the JSON text of ``handle`` (bytes, UTF-8). ``source`` names the file in
    errors."""

    def __init__(self, handle: Readable, source: str, chunk: int | None = None) -> None:
        self._handle = handle
        self._decode = codecs.getincrementaldecoder("utf-8-sig")()
        self.source = source
        self._chunk = chunk or CHUNK
        self._text = ""
        self._at = 0  # position in _text
        self._dropped = 0  # characters consumed before _text
        self._eof = False

    # ------------------------------------------------------------------ reading

    def _fill(self, at_least: int = 0) -> bool:
        """Read more text (``at_least`` characters if there are); False at the end."""
        if self._eof:
            return False
        if self._at:
            self._dropped += self._at
            self._text = self._text[self._at:]
            self._at = 0
        wanted = max(self._chunk, at_least)
        got = 0
        while got < wanted:
            raw = self._handle.read(max(wanted - got, self._chunk))
            try:
                text = self._decode.decode(raw, final=not raw)
            except UnicodeDecodeError as error:
                raise self.error(f"not UTF-8 text ({error.reason})") from None
            self._text += text
            got += len(text)
            if not raw:
                self._eof = True
                break
        return got > 0

    @property
    def offset(self) -> int:
        """Characters read so far: where an error is."""
        return self._dropped + self._at

    def error(self, message: str) -> ConfigError:
        return ConfigError(f"{message} (at character {self.offset:,})", source=self.source)

    def peek(self) -> str:
        """The next character that is not whitespace, '' at the end of the file."""
        while True:
            found = _NOT_WHITESPACE.search(self._text, self._at)
            if found is not None:
                self._at = found.start()
                return self._text[self._at]
            self._at = len(self._text)
            if not self._fill():
                return ""

    def _expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"expected {what}, found {shown}")
        self._at += 1

    def value(self) -> Any:
        """The next value, decoded whole (at most ``MAX_VALUE`` characters)."""
        if not self.peek():
            raise self.error("the file ends where a value should be")
        while True:
            try:
                found, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError as error:
                # cut short by the end of what is read, or wrong where it stands
                short = error.pos >= len(self._text) - 6 or error.msg.startswith("Unterminated")
                if self._eof or not short:
                    self._at = error.pos
                    raise self.error(f"not valid JSON: {error.msg}") from None
                found, end = None, -1
            except ValueError:  # int(): more digits than Python converts
                raise self.error("a number too long to read (more than "
                                 f"{sys.get_int_max_str_digits():,} digits)") from None
            except RecursionError:
                raise self.error("JSON nested too deeply to read") from None
            # a number (or a value cut short) that reaches the end of what is read may go on
            if end != -1 and (end < len(self._text) or self._eof):
                if end - self._at > MAX_VALUE:
                    raise self._too_large()
                self._at = end
                return found
            size = len(self._text) - self._at
            if size > MAX_VALUE:
                raise self._too_large()
            # double what is held (linear, not quadratic), and no more than the limit allows
            self._fill(at_least=min(size, MAX_VALUE + 1 - size))

    def _too_large(self) -> ConfigError:
        limit = f"{MAX_VALUE >> 20} MiB" if MAX_VALUE >= 1 << 20 else f"{MAX_VALUE:,} characters"
        return self.error(f"one JSON value is larger than {limit}; a trace export holds "
                          "small spans")

    def skip(self) -> None:
        """Step over the next value (a container is walked, never decoded whole)."""
        char = self.peek()
        if char == "{":
            for _ in self.members():
                self.skip()
        elif char == "[":
            for _ in self.elements():
                self.skip()
        else:
            self.value()

    def _more(self, close: str, what: str) -> bool:
        """After an item of a container: True at ',', False at ``close`` (both consumed)."""
        char = self.peek()
        if char == ",":
            self._at += 1
            return True
        if char == close:
            self._at += 1
            return False
        raise self.error(f"expected ',' or '{close}' in {what}")

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next; the caller reads or skips each value."""
        self._expect("{", "an object")
        if self.peek() == "}":
            self._at += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("expected a key in double quotes")
            key = self.value()
            self._expect(":", "':' after a key")
            yield key
            if not self._more("}", "an object"):
                return

    def elements(self) -> Iterator[int]:
        """The indexes of the array that comes next; the caller reads or skips each."""
        self._expect("[", "an array")
        if self.peek() == "]":
            self._at += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if not self._more("]", "an array"):
                return
