"""A TOML syntax error in any document the user writes says file:line, also at the end of the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.errors import InputError
from pgconsolidate.tomldoc import toml_document


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(InputError, match=r"^plan\.toml:2: not valid TOML: .*\(at line 2, column"):
        toml_document("a = 1\nb = = 2\n", "plan.toml")


def test_an_unclosed_array_names_the_last_line() -> None:
    with pytest.raises(InputError, match=r"^x\.toml:3: not valid TOML: .*end of document"):
        toml_document("[tool.pgconsolidate]\nselect = [\n  'a',\n", "x.toml")


def test_the_config_file_error_is_one_line_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "001_a.sql").write_text("create table a (id int primary key);\n")
    (tmp_path / "pyproject.toml").write_text("[tool.pgconsolidate]\nselect = [\n")
    assert run(["analyze", str(tmp_path / "migrations")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"{tmp_path / 'pyproject.toml'}:2: not valid TOML" in err
