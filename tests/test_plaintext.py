"""Plain text for the chart: wrapping a line at a time gives exactly what textwrap gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.nurse import plaintext

WORDS = ["a", "bb", "c" * 60, "d" * 71, "e" * 72, "f" * 150, " ", "  ", "-", "\u00a0"]


@settings(max_examples=3000, deadline=None)
@given(
    text=st.text(alphabet="ab \u00a0\n-", max_size=400)
    | st.lists(st.sampled_from(WORDS), max_size=40).map("".join),
    first=st.sampled_from(["", " 1. ", "    Answer: ", "Level:        ", "  - "]),
    rest=st.sampled_from([None, "", "    ", " " * 19]),
)
def test_lines_are_wrapped_exactly_as_textwrap_wraps_them(text, first, rest):
    """`wrap` cuts a line at a time; textwrap (the reference) goes a word at a time."""
    expected = plaintext.wrap_reference(
        plaintext.plain(text), first, " " * len(first) if rest is None else rest
    )
    assert plaintext.wrap(text, first, rest) == (expected or [first.rstrip()])


@settings(max_examples=3000, deadline=None)
@given(st.text() | st.text(alphabet="a \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u2028\u202f\u00b0\u2013\u2026"))
def test_plain_text_folds_and_collapses_as_the_regular_expression_does(text):
    assert plaintext.plain(text) == plaintext.plain_reference(text)
