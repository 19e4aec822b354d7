"""What ``ast`` drops of string literals is read back from the text: the pieces of an implicit
concatenation and an f-string's text as written. Checked against Python's own tokenizer on
generated literals (the files analysed are untrusted text)."""

from __future__ import annotations

import ast
import io
import tokenize

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.extract.segments import SourceText, fstring_parts, pieces
from analyzer.text import one_literal

_BODY = st.text(alphabet=st.sampled_from(list("ab {}.%'\"\\\n#é")), max_size=12)


def _literal(prefix: str, quote: str, body: str) -> str | None:
    """A literal Python accepts, or None."""
    if len(quote) == 1:
        body = body.replace("\n", "")
    body = body.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    if "f" in prefix.lower():
        body = body.replace("{", "{{").replace("}", "}}").replace("\\", "")
        body += "{x!r:>4}"
    text = f"{prefix}{quote}{body}{quote}"
    try:
        strings = [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
                   if token.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)]
        ast.parse(text, mode="eval")
    except (SyntaxError, tokenize.TokenError):
        return None
    return text if strings == [text] else None  # one literal, nothing after it


_LITERALS = st.builds(_literal, st.sampled_from(["", "r", "b", "f", "rf", "Rb", "u"]),
                      st.sampled_from(["'", '"', "'''", '"""']), _BODY)
_BETWEEN = st.sampled_from([" ", "\n", "  # a comment\n", "\n\n    ", "\t"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_LITERALS, _BETWEEN), min_size=1, max_size=5))
def test_the_pieces_of_a_run_are_the_tokenizers_strings(run: list[tuple[str | None, str]]) -> None:
    literals = [literal for literal, _ in run if literal is not None]
    kinds = {"b" in literal.split("'")[0].split('"')[0].lower() for literal in literals}
    if not literals or len(kinds) > 1:  # bytes and str do not concatenate
        return
    text = "value = (" + "".join(lit + between for lit, (_, between) in zip(
        literals, run, strict=False)) + ")\n"
    tree = ast.parse(text)
    node = tree.body[0].value  # type: ignore[attr-defined]
    segment = SourceText(text, text.splitlines()).segment(node)
    tokens = [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
              if token.type == tokenize.STRING]
    assert [piece for piece, _ in pieces(segment)] == tokens
    assert one_literal(segment) == (len(tokens) == 1)


def test_an_fstrings_text_is_kept_as_written() -> None:
    assert fstring_parts('f"a\\n{x}{{b}}{y:{w}}\\N{BULLET}{z!r}"') == [
        "a\\n", None, "{{b}}", None, "\\N{BULLET}", None]
    assert fstring_parts("rf'\\N{x}'") == ["\\N", None]
