"""Plain text for the chart: symbols folded to ASCII, whitespace collapsed, lines of WIDTH."""

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.nurse import plaintext


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet="ab \u00a0\n-\u00b0\u2013\u201c", max_size=400),
    first=st.sampled_from(["", " 1. ", "    Answer: ", "Level:        ", "  - "]),
)
def test_every_line_is_ascii_within_the_width_and_keeps_every_word(text, first):
    lines = plaintext.wrap(text, first)
    assert all(len(line) <= plaintext.WIDTH and line.isascii() for line in lines)
    assert lines[0].startswith(first.rstrip())
    kept = " ".join(line[len(first) :] if i else line[len(first) :] for i, line in enumerate(lines)).split()
    assert kept == plaintext.plain(text).split()


def test_symbols_are_folded_and_spaces_collapsed():
    assert (
        plaintext.plain("101\u00a0\u00b0F \u2013 \u201chot\u201d\n\tnow\u2026") == '101 deg F - "hot" now...'
    )
