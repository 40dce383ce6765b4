from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pgconsolidate import __version__
from pgconsolidate.cli import run
from pgconsolidate.cli_app import PANELS, command_modules

#: What ``pgconsolidate --version`` and ``--help`` may import of the package: the CLI, the command
#: modules, where output goes and the one-line errors. Stages (parsing, the model, the database, ...)
#: are imported by a command when it runs.
CHEAP = ("pgconsolidate.cli", "pgconsolidate.commands", "pgconsolidate.console", "pgconsolidate.errors")
CHEAP += ("pgconsolidate.redact",)

BAD_URL = "postgresql://alice:s3cret@127.0.0.1:1/db"


def _loaded_after(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; the expensive modules it loaded, and the command modules."""
    probe = (
        f"{code}\nimport json, sys\n"
        "names = sorted(sys.modules)\n"
        f"cheap = {CHEAP!r}\n"
        "print(json.dumps({"
        "'expensive': [n for n in names if n.split('.')[0] in ('psycopg', 'pglast', 'psycopg_binary')"
        " or (n.startswith('pgconsolidate.') and not n.startswith(cheap))],"
        "'commands': [n for n in names if n.startswith('pgconsolidate.commands.')],"
        "'typer': 'typer' in sys.modules,"
        "}))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return loaded


def test_version(capsys):
    assert run(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_importing_the_cli_and_version_load_no_stage():
    loaded = _loaded_after(
        "import contextlib, io, pgconsolidate.cli as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert cli.run(['--version']) == 0"
    )
    assert loaded["expensive"] == []
    assert loaded["commands"] == ["pgconsolidate.commands.common"]


def test_version_is_answered_before_typer_is_imported():
    loaded = _loaded_after(
        "import sys\n"
        "sys.argv = ['pgconsolidate', '--version']\n"
        "from pgconsolidate.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0\n"
    )
    assert loaded == {"expensive": [], "commands": [], "typer": False}
    proc = subprocess.run(
        [sys.executable, "-c", "from pgconsolidate.cli import main; main()", "--version"],
        capture_output=True,
        text=True,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"pgconsolidate {__version__}\n", "")


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["restore-files", "--help"], ["restore_files"]),
        (["diff", "--help"], ["compare"]),  # an alias: found by the name its module registers
        (["demo-db", "--help"], ["demo", "inventory"]),
    ],
)
def test_command_help_imports_only_its_module(argv: list[str], modules: list[str]) -> None:
    loaded = _loaded_after(
        "import contextlib, io, pgconsolidate.cli as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert cli.run({argv!r}) == 0"
    )
    assert loaded["expensive"] == []
    assert loaded["commands"] == sorted(f"pgconsolidate.commands.{m}" for m in ["common", *modules])


def test_command_modules_load_no_stage():
    """Every command module imports only typer, Rich and the CLI's own cheap modules (``--help`` imports
    them all); its stages are imported inside the command functions."""
    modules = command_modules()
    assert {"analyze", "apply", "consolidate", "objects", "plan", "replay", "verify"} <= set(modules)
    loaded = _loaded_after("\n".join(f"import pgconsolidate.commands.{m}" for m in modules))
    assert loaded["expensive"] == []


def test_help_loads_no_stage():
    loaded = _loaded_after(
        "import contextlib, io, pgconsolidate.cli as cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert cli.run(['--help']) == 0"
    )
    assert loaded["expensive"] == []
    assert len(loaded["commands"]) > 10


def test_help_groups_commands_by_the_users_path(capsys):
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(title) for title, _ in PANELS]
    assert positions == sorted(positions)
    for title, names in PANELS:
        panel = out[out.index(title) :]
        for name in names:
            assert f" {name} " in panel.split("╰")[0], (title, name)


def test_every_command_module_is_discovered():
    here = Path(__file__).resolve().parent.parent / "src" / "pgconsolidate" / "commands"
    files = {p.stem for p in here.glob("*.py") if p.stem != "common" and not p.stem.startswith("_")}
    assert set(command_modules()) == files


def test_python_dash_m_help():
    proc = subprocess.run([sys.executable, "-m", "pgconsolidate", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "analyze" in proc.stdout.lower() or "inventory" in proc.stdout


def test_unknown_option_is_usage_error():
    assert run(["--no-such-option"]) == 2


def test_misspelt_command_suggests_the_right_one(capsys):
    assert run(["rplay"]) == 2
    assert "Did you mean 'replay'" in capsys.readouterr().err


def test_missing_directory_is_one_line_error(capsys, tmp_path):
    code = run(["inventory", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "no such directory" in err
    assert "Traceback" not in err


BAD_INPUT = [
    (["inventory", "{tmp}/file"], "not a directory"),
    (["replay", "{tmp}/nope"], "no such directory"),
    (["compare", "{tmp}/nope", "{tmp}/nope"], "not a database URL"),
    (["compare", "{tmp}", "{tmp}", "--ignore", "colour"], "--ignore colour: no such attribute"),
    (["inspect"], "no database"),
    (["inspect", "--database-url", BAD_URL], "cannot connect to postgresql://alice:***@127.0.0.1:1/db"),
    (["inspect", "--database-url", BAD_URL, "--against", "{tmp}/nope"], "no such directory"),
    (["inspect", "--database-url", BAD_URL, "--output", "{tmp}/snap.json"], "cannot connect"),
    (["replay", "{tmp}/nope", "--snapshot", "{tmp}/snap.json"], "no such directory"),
    (["backup"], "no database"),
    (["backup", "--database-url", BAD_URL], "cannot connect"),
    (["apply", "{tmp}/nope", "--database-url", BAD_URL], "not a directory"),
    (["apply", "{tmp}", "--database-url", BAD_URL, "--lock-timeout", "soon"], "--lock-timeout 'soon'"),
    (["apply", "{tmp}", "--database-url", BAD_URL, "--backup", "{tmp}/x.dump"], "no such backup file"),
    (["apply", "{tmp}", "--database-url", BAD_URL, "--probes", "{tmp}/nope.toml"], "cannot read the probes"),
    (["apply", "{tmp}", "--database-url", BAD_URL], "cannot connect"),
    (["check", "{tmp}/nope", "--database-url", BAD_URL], "not a directory"),
    (["check", "--database-url", BAD_URL, "--plan", "{tmp}/nope.toml"], "no such plan file"),
    (["check", "--database-url", BAD_URL, "--plan", "{tmp}"], "not a file"),
    (["check", "--database-url", BAD_URL, "--probes", "{tmp}/file"], "file:1: not valid TOML"),
    (["rollback", "--database-url", BAD_URL, "--backup", "{tmp}/x.dump"], "no such backup file"),
    (["rollback", "--database-url", BAD_URL, "--lock-timeout", "x"], "--lock-timeout 'x'"),
    (["rollback", "--database-url", BAD_URL], "cannot connect"),
    (["restore-files", "{tmp}/nope"], "not a pgconsolidate output directory"),
    (["demo-db", "--migrations", "{tmp}/nope"], "no such directory"),
    (["demo", "--migrations", "{tmp}/nope"], "no such directory"),
]


@pytest.mark.parametrize(("argv", "expected"), BAD_INPUT, ids=[" ".join(a[:2]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "file").write_text("[not toml\n")
    before = sorted(tmp_path.rglob("*"))
    code = run([a.replace("{tmp}", str(tmp_path)) for a in argv])
    captured = capsys.readouterr()
    assert sorted(tmp_path.rglob("*")) == before  # nothing written
    assert code == 2, captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("pgconsolidate: error: ")
    assert expected in captured.err
    assert "s3cret" not in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


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


def test_backup_apply_check_rollback_through_the_cli(
    scratch_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """The live-database commands end to end on a real database, as a user runs them."""
    import psycopg

    monkeypatch.chdir(tmp_path)
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        conn.execute("INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 50) g")
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "20240101000000_tags.sql").write_text(
        "-- tags for notes\nCREATE TABLE tags (id int PRIMARY KEY, note_id int REFERENCES notes);\n"
    )
    backups = tmp_path / "backups"
    url = ["--database-url", scratch_db]

    assert run(["backup", *url, "--out", str(backups), "--format", "json"]) == 0, capsys.readouterr().err
    backup = json.loads(capsys.readouterr().out)
    assert backup["schema_version"] == 1 and backup["verified"] is True and backup["rows"] == 50
    manifest = backup["manifest"]

    assert run(["apply", str(migrations), *url, "--backup", manifest, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would apply 1 migration(s)" in out and "nothing was changed" in out

    assert run(["apply", str(migrations), *url, "--backup", manifest, "--format", "json"]) == 0
    applied = json.loads(capsys.readouterr().out)
    assert [a["version"] for a in applied["applied"]] == ["20240101000000"] and applied["failed"] is None

    assert run(["check", str(migrations), *url, "--backup-dir", str(backups), "--format", "json"]) in (0, 1)
    checks = json.loads(capsys.readouterr().out)
    assert checks["schema_version"] == 1 and checks["checks"]

    assert run(["rollback", *url, "--backup", manifest, "--backup-dir", str(backups)]) == 0
    out = capsys.readouterr().out
    assert "verified: row counts and catalog equal the backup's manifest" in out
    with psycopg.connect(scratch_db) as conn:
        assert conn.execute("SELECT to_regclass('public.tags')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (50,)
