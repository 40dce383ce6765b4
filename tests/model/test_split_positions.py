"""Line/column bookkeeping of the splitter (incremental scanning) against a brute-force count."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pgconsolidate.statements.model import Statement
from pgconsolidate.statements.split import _Lines, split_sql


def _brute(text: str, offset: int, first_line: int) -> tuple[int, int]:
    before = text[:offset]
    return first_line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab\n;é", max_size=80),
    st.lists(st.integers(min_value=0, max_value=80), max_size=12),
    st.integers(min_value=1, max_value=5),
)
def test_lines_match_a_brute_force_count_in_any_order(text: str, offsets: list[int], first: int) -> None:
    lines = _Lines(text, first)
    for off in offsets:
        off = min(off, len(text))
        assert lines.at(off) == _brute(text, off, first)


def test_statement_positions_and_ignores() -> None:
    text = (
        "-- header\ncreate table a (x int);\n\n  -- PGConsolidate: ignore some-rule\n"
        "create table b (y int); create table c (z int);\n"
    )
    fs = split_sql("f.sql", text, first_line=3)
    assert [(s.line, s.column, s.end_line) for s in fs.statements] == [(4, 1, 4), (7, 1, 7), (7, 25, 7)]
    assert [s.ignores for s in fs.statements] == [frozenset(), frozenset({"some-rule"}), frozenset()]
    plain = split_sql("g.sql", "create table a (x int);\n-- ignore nothing\ncreate table b (y int);")
    assert all(s.ignores == frozenset() for s in plain.statements) and plain.file_ignores == frozenset()


PIECES = st.sampled_from(
    [
        "select 1",
        "create table t (a int)",
        "select 'x;\ny'",
        "select $$é\n;$$",
        ";",
        " ",
        "\n",
        "\t\u00a0",
        "-- c ;\n",
        "/* a /* nested; */ b */",
        "select é",
        "selec",  # a syntax error now and then: the piecewise path
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=12), st.integers(min_value=1, max_value=4), st.integers(0, 3))
def test_statement_offsets_lines_and_text_agree(pieces: list[str], first: int, base: int) -> None:
    """Each statement's text is the file's text between its offsets, without leading noise or trailing
    semicolons and whitespace, and its line, column and end line match a brute-force count."""
    text = "".join(pieces)
    fs = split_sql("f.sql", text, first_line=first, base_offset=base)
    for s in fs.statements:
        start, end = s.start - base, s.end - base
        assert s.text == text[start:end]
        assert s.text == s.text.strip() and not s.text.endswith(";")
        assert not s.text.startswith(("--", "/*")) or not s.text
        assert (s.line, s.column) == _brute(text, start, first)
        last = max(start, end - 1)
        assert s.end_line == _brute(text, last, first)[0]
        assert type(s) is Statement and s == Statement(**{f: getattr(s, f) for f in s.__slots__})
