"""Probes TOML errors name the line of the offending probe's key (not line 1)."""

from __future__ import annotations

import re

import pytest

from pgconsolidate.deploy.probes import parse_probes
from pgconsolidate.errors import InputError

GOOD = """# behaviour probes
[[probe]]
name = "one"
sql = "SELECT 1"

[[probe]]
name = "two"
function = "public.f"
args = [1]
"""


def _line(text: str) -> int:
    with pytest.raises(InputError) as exc:
        parse_probes(text, "p.toml")
    m = re.match(r"p\.toml:(\d+): ", exc.value.message)
    assert m, exc.value.message
    return int(m.group(1))


def test_good_file_keeps_header_lines() -> None:
    assert [p.line for p in parse_probes(GOOD, "p.toml")] == [2, 6]


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        ('expect = "maybe"\n', 10),  # a bad value: the line of its key in the second probe
        ("min_rows = -1\n", 10),
        ("max_ms = 0\n", 10),
        ("uses_index = 3\n", 10),
        ('types = ["int", "text"]\n', 10),  # 2 types for 1 arg
        ("bogus = 1\n", 10),  # an unknown key
        ('sql = "SELECT 2"\n', 8),  # both sql and function: blamed on the function key
        ("setup = 5\n", 10),
    ],
)
def test_bad_key_is_blamed_on_its_line(tail: str, line: int) -> None:
    assert _line(GOOD + tail) == line


def test_key_of_the_right_probe() -> None:
    # the first probe's bad key, although the same key is fine in the second one
    text = GOOD.replace('sql = "SELECT 1"\n', 'sql = "SELECT 1"\nmax_ms = -5\n') + "max_ms = 10\n"
    assert _line(text) == 5
    # a bad args value (not a vector table) is blamed on `args`
    assert _line(GOOD.replace("args = [1]", "args = [{ vector = 0 }]")) == 9
    # a probe without a name: its header
    assert _line(GOOD.replace('name = "two"\n', "")) == 6


def test_whole_file_problems() -> None:
    assert _line("# c\n\n[probe]\nname = 'x'\n") == 3  # a table, not an array of tables
    assert _line(GOOD + "\n[other]\nx = 1\n") == 11  # an unknown top-level table
    assert _line("# c\nprobe = 3\n") == 2
    assert _line(GOOD.replace('"two"', '"one"')) == 7  # the second probe of that name
    assert _line('[[probe]]\nname = "x"\nsql = "SELECT 1\n') == 3  # TOML syntax error


def test_inline_probes_point_at_the_probe_key() -> None:
    text = '# c\nprobe = [{ name = "x", sql = "SELECT 1", max_ms = -1 }]\n'
    assert _line(text) == 2
