from __future__ import annotations

import subprocess
import sys

from pgconsolidate import __version__
from pgconsolidate.cli import run


def test_version(capsys):
    assert run(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m_help():
    proc = subprocess.run([sys.executable, "-m", "pgconsolidate", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "analyze" in proc.stdout.lower() or "inventory" in proc.stdout


def test_unknown_option_is_usage_error():
    assert run(["--no-such-option"]) == 2


def test_missing_directory_is_one_line_error(capsys, tmp_path):
    code = run(["inventory", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no such directory" in err
    assert "Traceback" not in err


def test_unreachable_database_password_redacted(capsys):
    from pgconsolidate.db.connect import connect
    from pgconsolidate.errors import DatabaseError

    try:
        connect("postgresql://alice:s3cret@127.0.0.1:1/db")
    except DatabaseError as exc:
        assert "s3cret" not in exc.message
        assert "127.0.0.1" in exc.message
    else:  # pragma: no cover
        raise AssertionError("connect should fail")
