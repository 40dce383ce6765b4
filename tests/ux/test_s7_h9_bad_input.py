"""A newcomer's mistakes, command by command: one line, exit 2, nothing changed, no password shown.

Each case below broke before session 7's H9: an internal error (exit 3), a silent success, a four-line
usage block, a password echoed back, or a device file replaced by ``plan -o``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pgconsolidate.cli import run
from pgconsolidate.plan.toml_read import read_plan
from pgconsolidate.redact import redact_text, redact_url

BAD_URL = "postgresql://alice:s3cret@127.0.0.1:1/db"
M = "{tmp}/migrations"

PLAN = """# a plan
version = 1
directory = "migrations"
tool = "supabase"
live_only = []

[settings]
lock_timeout = "5s"

[[merge]]
source = "public.a"
target = "public.b"
on_colision = "fail"

[[merge.column]]
target = "x"
source = "y"
colour=1

[[domain]]
name = "initial_schema"
patterns = ["*"]
kinds = []
"""


def _layout(tmp: Path) -> None:
    (tmp / "migrations").mkdir()
    (tmp / "migrations" / "20240101000000_a.sql").write_text("create table t (a int);\n")
    (tmp / "empty").mkdir()
    (tmp / "project" / "supabase" / "migrations").mkdir(parents=True)
    (tmp / "project" / "supabase" / "migrations" / "20240101000000_a.sql").write_text("select 1;\n")
    (tmp / "file").write_text("x\n")
    (tmp / "latin1.toml").write_bytes(b"version = 1\n# caf\xe9\n")
    (tmp / "out" / "archive").mkdir(parents=True)
    (tmp / "out" / "archive" / "MANIFEST.json").write_text('{"source_dir": "x", "fi')
    (tmp / "foreign" / "archive").mkdir(parents=True)
    (tmp / "foreign" / "archive" / "MANIFEST.json").write_text('{"a": 1}')
    (tmp / "foreign" / "pgconsolidate-output.json").write_text("[]")
    (tmp / "probes.toml").write_text('[[probe]]\nname = "a"\nsql = 3\n')
    (tmp / "outv").mkdir()
    (tmp / "other.json").write_text('{"name": "my-app", "version": "1.0.0"}')
    (tmp / "outv" / "pgconsolidate-output.json").write_text('{"fix": ')


BAD_INPUT = [
    # a usage error is one line that names the command's --help, not Click's four-line block
    (["analyze", M, "--format", "yaml"], "analyze: Invalid value for '--format': 'yaml'"),
    (["analyze", "--frobnicate"], "analyze: No such option: --frobnicate"),
    (["analyze", "--frobnicate"], "(see 'pgconsolidate analyze --help')"),
    (["frobnicate"], "No such command 'frobnicate' (see 'pgconsolidate --help')"),
    (["compare", "{tmp}/migrations"], "compare: Missing argument 'b'"),
    # a password in a URL of a scheme we do not speak is still masked
    (["compare", "mysql://alice:s3cret@h/db", "{tmp}/migrations"], "mysql://alice:***@h/db"),
    # plan: a directory without migrations writes no plan; -o naming a directory or a missing one
    (["plan", "{tmp}/empty", "-o", "{tmp}/p.toml"], "no migration files, so nothing to plan"),
    (["plan", M, "-o", "{tmp}/empty"], "it is a directory"),
    (["plan", M, "-o", "{tmp}/nodir/p.toml"], "directory {tmp}/nodir does not exist"),
    # a plan that is not UTF-8: FILE:LINE, not an internal UnicodeDecodeError
    (
        ["plan", M, "--check", "{tmp}/latin1.toml"],
        "latin1.toml:2: the plan file is not",
    ),
    (
        ["consolidate", M, "--plan", "{tmp}/latin1.toml", "--out", "{tmp}/o"],
        "latin1.toml:2:",
    ),
    (["check", "--database-url", BAD_URL, "--plan", "{tmp}/latin1.toml"], "latin1.toml:2: the plan file"),
    (["apply", M, "--database-url", BAD_URL, "--table-lock-timeout", "abc"], "a PostgreSQL"),
    (
        ["apply", M, "--database-url", BAD_URL, "--statement-timeout", "1 week"],
        "duration",
    ),
    # a backup directory that is a file: was an internal FileExistsError (exit 3)
    (["backup", "--database-url", BAD_URL, "--out", "{tmp}/file"], "file: not a directory (the backup"),
    (
        ["apply", M, "--database-url", BAD_URL, "--backup-dir", "{tmp}/file"],
        "not a directory",
    ),
    (["rollback", "--database-url", BAD_URL, "--backup-dir", "{tmp}/file"], "not a directory"),
    # a configuration file that is not UTF-8 was an internal error; a syntax error now says its line
    (["analyze", M, "--config", "{tmp}/latin1.toml"], "latin1.toml: not valid UTF-8 (byte offset 17)"),
    (["analyze", M, "--config", "{tmp}/file"], "file:1: not valid TOML"),
    # options that contradict each other: one was silently ignored (plan -o), or nothing ran (analyze)
    (["plan", M, "--check", "{tmp}/file", "-o", "{tmp}/x.toml"], "-o/--output does not apply"),
    (["plan", M, "--check", "{tmp}/file", "--force"], "--check reads a plan and writes nothing: --force"),
    (
        ["analyze", M, "--select", "non-idempotent", "--ignore", "x,non-idempotent"],
        "both name non-idempotent",
    ),
    # a JSON object of something else: was 'snapshot schema_version None is not supported'
    (["compare", "{tmp}/other.json", M], "other.json: not a pgconsolidate snapshot (no schema_version"),
    # a probe whose sql is not a string: was an internal TypeError once connected
    (["check", "--database-url", BAD_URL, "--probes", "{tmp}/probes.toml"], "probe 'a': `sql` must be a"),
    # verify with a truncated or foreign output manifest: was an internal JSONDecodeError / KeyError
    (["verify", "{tmp}/outv"], "pgconsolidate-output.json: cannot read the output manifest"),
    (["verify", "{tmp}/foreign"], "pgconsolidate-output.json: not a pgconsolidate output manifest"),
    # restore-files with a truncated or foreign manifest: was an internal JSONDecodeError / KeyError
    (["restore-files", "{tmp}/out"], "cannot read the archive manifest"),
    (["restore-files", "{tmp}/foreign"], "not a pgconsolidate archive manifest; nothing was restored"),
]


@pytest.mark.parametrize(("argv", "expected"), BAD_INPUT, ids=[" ".join(a[:3]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    _layout(tmp_path)
    before = {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")}
    code = run([a.replace("{tmp}", str(tmp_path)) for a in argv])
    captured = capsys.readouterr()
    after = {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")}
    assert after == before  # nothing written, moved or changed
    assert code == 2, captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("pgconsolidate: error: ")
    assert expected.replace("{tmp}", str(tmp_path)) in captured.err
    assert "s3cret" not in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("directory", "expected"),
    [("empty", "empty: no migration files to apply; nothing was changed"), ("project", "did you mean")],
)
def test_apply_on_a_directory_without_migrations_is_an_input_error(
    directory: str, expected: str, scratch_db: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    """It said 'up to date: nothing pending' (exit 0): a project root or a typo looked like success."""
    monkeypatch.chdir(tmp_path)
    _layout(tmp_path)
    code = run(["apply", str(tmp_path / directory), "--database-url", scratch_db])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and err.count("\n") == 1
    assert not (tmp_path / ".pgconsolidate").exists()  # no backup taken


def test_plan_output_to_a_device_writes_into_it_and_never_replaces_it(tmp_path: Path, capsys) -> None:
    """``plan --force -o /dev/full`` renamed the device to /dev/full.bak and put a regular file in its place
    (as root). A device, a pipe or /dev/stdout is written into; a full one is a one-line error."""
    _layout(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code = run(["plan", str(tmp_path / "migrations"), "-o", str(fifo), "--force"])
        written = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert code == 0, capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe
    assert not (tmp_path / "pipe.bak").exists()
    assert b"version = 1" in written
    if Path("/dev/full").exists():
        code = run(["plan", str(tmp_path / "migrations"), "-o", "/dev/full", "--force"])
        err = capsys.readouterr().err
        assert code == 2
        assert err == "pgconsolidate: error: cannot write /dev/full: No space left on device\n"
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
        assert not Path("/dev/full.bak").exists()


def test_plan_toml_unknown_keys_are_problems_at_their_line() -> None:
    """A misspelt key (``on_colision``) was ignored and its default (keep-both) used, silently."""
    _, problems = read_plan(PLAN, "plan.toml")
    rendered = [p.render("plan.toml") for p in problems]
    assert "plan.toml:13: [[merge]]: unknown key `on_colision` (known: column, drop_source, " in rendered[0]
    assert rendered[1].startswith("plan.toml:18: [[merge.column]]: unknown key `colour`")
    assert len(rendered) == 2
    _, problems = read_plan(PLAN.replace("on_colision", "on_collision").replace("colour=1\n", ""))
    assert problems == ()
    _, problems = read_plan("version = 2\n[extra]\na = 1\n", "p.toml")
    assert [p.render("p.toml") for p in problems] == [
        "p.toml:2: top level: unknown key `extra` (known: definer, directory, domain, embedding, file, "
        "files_only, function, index, live_only, merge, settings, tool, version)",
        "p.toml:1: unsupported plan version 2 (this pgconsolidate writes 1)",
    ]


@pytest.mark.parametrize(
    "url",
    ["mysql://u:pw1@h/x", "postgress://u:pw1@h/db", "postgresql+psycopg://u:pw1@h/d", "https://u:pw1@h"],
)
def test_passwords_in_urls_of_any_scheme_are_masked(url: str) -> None:
    assert "pw1" not in redact_text(f"cannot use {url} here")
    assert "pw1" not in redact_url(url)
    assert (
        redact_text("postgresql://u@h/d and postgresql://u:@h/d")
        == "postgresql://u@h/d and postgresql://u:@h/d"
    )


def test_ctrl_c_during_replay_says_interrupted_and_leaves_nothing(scratch_server, tmp_path: Path) -> None:
    """Ctrl-C in the middle of a replay exited 130 without a word (Typer turns KeyboardInterrupt into
    Exit(130)); now it says so, and leaves no snapshot, temporary file or scratch database behind."""
    import signal
    import subprocess
    import sys
    import time

    import psycopg

    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "20240101000000_slow.sql").write_text("select pg_sleep(60);\n")
    snapshot = tmp_path / "snap.json"
    env = {**os.environ, "PGCONSOLIDATE_SCRATCH_URL": scratch_server.admin_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pgconsolidate", "replay", str(migrations), "--snapshot", str(snapshot)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        with psycopg.connect(scratch_server.admin_url, autocommit=True) as conn:
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:  # the slow statement is running
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()"
                ).fetchone()
                if row and row[0]:
                    break
                time.sleep(0.1)
            else:
                pytest.fail("the replay never started")
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
            left = conn.execute(
                "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE %s",
                (f'%"pid": {proc.pid},%',),
            ).fetchall()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err.decode().splitlines()[-1] == "pgconsolidate: error: interrupted"
    assert "Traceback" not in err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["migrations"]  # no snapshot, no temporary file
    assert left == []


def test_inventory_says_why_a_file_counts_no_statement_and_when_there_is_none(tmp_path: Path, capsys) -> None:
    """A non-UTF-8 file was listed with 0 statements and no word; an empty directory or a project root
    printed an empty table and 'version styles: ' with nothing after it."""
    _layout(tmp_path)
    (tmp_path / "migrations" / "20240102000000_b.sql").write_bytes(b"\xff\xfe create table x (a int);\n")
    assert run(["inventory", str(tmp_path / "migrations")]) == 0
    out = capsys.readouterr().out
    assert "20240102000000_b.sql: not valid UTF-8: byte 0xff" in out
    assert run(["inventory", str(tmp_path / "project")]) == 0
    captured = capsys.readouterr()
    assert "0 files, 0 statements\n" in captured.out and "version styles" not in captured.out
    assert (
        captured.err == f"{tmp_path / 'project'}: no migration files; did you mean "
        f"{tmp_path / 'project'}/supabase/migrations?\n"
    )


def test_consolidate_refuses_a_stale_plan_before_any_replay(tmp_path: Path, capsys) -> None:
    """A plan written before a file was added was refused only after the whole old chain was replayed
    (minutes on a large directory), and the message named the plan's directory, not the one given."""
    _layout(tmp_path)
    import hashlib

    first = tmp_path / "migrations" / "20240101000000_a.sql"
    plan = tmp_path / "p.toml"
    plan.write_text(
        'version = 1\ndirectory = "elsewhere"\n\n[[domain]]\nname = "all"\npatterns = ["*"]\n\n'
        f'[[file]]\npath = "{first.name}"\nsha256 = "{hashlib.sha256(first.read_bytes()).hexdigest()}"\n'
    )
    (tmp_path / "migrations" / "20240102000000_b.sql").write_text("select 1;\n")
    unreachable = "postgresql://x:s3cret@127.0.0.1:1/db"  # a replay would fail to connect
    argv = ["consolidate", str(tmp_path / "migrations"), "--plan", str(plan), "--out", str(tmp_path / "o")]
    code = run([*argv, "--scratch-url", unreachable])
    err = capsys.readouterr().err
    assert code == 2
    assert f"20240102000000_b.sql is new in {tmp_path / 'migrations'} (not in the plan)" in err
    assert "cannot connect" not in err and "s3cret" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("file", "--out {tmp}/file: a file is in the way"),
        ("file/sub", "--out {tmp}/file/sub: {tmp}/file is not a directory"),
        ("/proc/pgc-out", "--out /proc/pgc-out: cannot create a directory in /proc"),
    ],
)
def test_consolidate_and_demo_check_the_output_directory_before_any_replay(
    out: str, expected: str, tmp_path: Path, capsys
) -> None:
    """``--out`` naming a file was called 'not empty'; one that cannot be created failed only after the
    replays, on its temporary directory's name. The demo built its production database first."""
    if out.startswith("/proc") and not Path("/proc").is_dir():
        pytest.skip("no /proc")
    _layout(tmp_path)
    (tmp_path / "p.toml").write_text("version = 1\n")
    target = out if out.startswith("/") else str(tmp_path / out)
    unreachable = ["--scratch-url", "postgresql://x:s3cret@127.0.0.1:1/db"]
    for argv in (
        ["consolidate", str(tmp_path / "migrations"), "--plan", str(tmp_path / "p.toml"), "--out", target],
        ["demo", "--out", target],
    ):
        code = run([*argv, *unreachable])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.startswith(f"pgconsolidate: error: {expected.replace('{tmp}', str(tmp_path))}")
        assert err.count("\n") == 1


def test_a_read_only_output_directory_is_refused_before_any_work(tmp_path: Path) -> None:
    """``plan -o``, ``replay --snapshot``: a read-only directory failed only when the file was written,
    after the replay. Run as an unprivileged user (root may write anywhere)."""
    import shutil
    import subprocess
    import sys

    _layout(tmp_path)
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o555)
    tmp_path.chmod(0o755)
    cmd = [sys.executable, "-m", "pgconsolidate"]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv: cannot run as an unprivileged user")
        cmd = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", *cmd]
    env = {**os.environ, "HOME": str(tmp_path), "PGCONSOLIDATE_SCRATCH_URL": "postgresql://x@127.0.0.1:1/x"}
    for argv in (
        ["plan", "migrations", "-o", "ro/p.toml"],
        ["replay", "migrations", "--snapshot", "ro/s.json"],
    ):
        proc = subprocess.run(
            [*cmd, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 2, proc.stderr
        assert (
            proc.stderr
            == f"pgconsolidate: error: cannot write {argv[-1]}: directory ro is read-only for this user\n"
        )
    assert list(readonly.iterdir()) == []


def test_compare_warns_when_a_directory_holds_no_migration(scratch_server, tmp_path: Path, capsys) -> None:
    """A project root given instead of its migrations directory was compared as an empty schema, without
    a word: every object looked missing."""
    _layout(tmp_path)
    code = run(
        [
            "compare",
            str(tmp_path / "project"),
            str(tmp_path / "migrations"),
            "--scratch-url",
            scratch_server.admin_url,
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert (
        f"warning: {tmp_path / 'project'}: no migration files; did you mean "
        f"{tmp_path / 'project'}/supabase/migrations?; compared as an empty schema\n"
    ) in err


def test_inspect_against_a_directory_without_migrations_warns(
    scratch_db: str, tmp_path: Path, capsys
) -> None:
    """``inspect --against PROJECT_ROOT`` reported every live object as drift, without saying why."""
    _layout(tmp_path)
    run(["inspect", "--database-url", scratch_db, "--against", str(tmp_path / "project")])
    err = capsys.readouterr().err
    assert f"warning: {tmp_path / 'project'}: no migration files; did you mean " in err


@pytest.mark.parametrize("command", ["analyze", "objects"])
def test_a_project_root_gets_the_nested_directory_hint(command: str, tmp_path: Path, capsys) -> None:
    """``analyze PROJECT_ROOT`` said only 'no migration files'; ``objects`` said 'no objects'."""
    _layout(tmp_path)
    assert run([command, str(tmp_path / "project")]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'project'}: no migration files; did you mean {tmp_path / 'project'}/supabase/" in err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:Xy9@Qz7w@127.0.0.1:1/db",  # an unencoded @: libpq reads 'Qz7w@127.0.0.1' as the host
        "postgresql://u:Xy9/Qz7w@127.0.0.1:1/db",  # an unencoded / (base64 passwords): host 'u', port 'Xy9'
    ],
)
def test_an_unencoded_password_never_shows_not_even_a_piece(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """The URL was redacted up to the first '@' only, and the driver's message quoted the rest of the
    password as a host name (or its start as a port)."""
    for env in (False, True):
        if env:
            monkeypatch.setenv("DATABASE_URL", url)
            code = run(["inspect"])
        else:
            monkeypatch.delenv("DATABASE_URL", raising=False)
            code = run(["inspect", "--database-url", url])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("pgconsolidate: error: cannot connect to postgresql://u:***@")
        assert "Xy9" not in err and "Qz7w" not in err, err


def test_a_failing_database_url_from_the_environment_says_so(capsys, monkeypatch) -> None:
    """``DATABASE_URL`` set for another program (an app's .env) was used silently: the error named a URL
    the user never typed."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:app-s3cret@127.0.0.1:1/app")
    assert run(["inspect"]) == 2
    err = capsys.readouterr().err
    assert err.endswith(" (the URL is $DATABASE_URL: pass --database-url, or unset it)\n")
    assert "app-s3cret" not in err and err.count("\n") == 1
    assert run(["inspect", "--database-url", BAD_URL]) == 2
    assert "$DATABASE_URL" not in capsys.readouterr().err


def test_objects_says_which_file_it_could_not_read(tmp_path: Path, capsys) -> None:
    """A non-UTF-8 file's objects were missing from the timelines without a word."""
    _layout(tmp_path)
    (tmp_path / "migrations" / "20240102000000_b.sql").write_bytes(b"create table x (a int); -- caf\xe9\n")
    assert run(["objects", str(tmp_path / "migrations")]) == 0
    captured = capsys.readouterr()
    assert "20240102000000_b.sql:1: not valid UTF-8" in captured.err
    assert "public.t" in captured.out


def test_a_role_without_rights_gets_one_line_and_no_empty_backup_directory(
    scratch_db: str, tmp_path: Path, capsys
) -> None:
    """A role that cannot read a table: backup fails with one line naming the table's problem, and the
    backup directory it was asked to create is not left behind empty."""
    import secrets

    import psycopg
    from psycopg.conninfo import make_conninfo

    role = f"pgc_h9_{secrets.token_hex(4)}"
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE private_t (a int)")
        conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        weak = make_conninfo(scratch_db, user=role)
        target = tmp_path / "backups"
        code = run(["backup", "--database-url", weak, "--out", str(target)])
        err = capsys.readouterr().err
        assert code == 2
        assert err.splitlines()[-1].startswith("pgconsolidate: error: ")
        assert "permission denied for table private_t" in err.splitlines()[-1]
        assert not target.exists()
    finally:
        with psycopg.connect(scratch_db, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def test_plan_check_names_the_directory_given(scratch_server, tmp_path: Path, capsys) -> None:
    """``plan --check FILE DIR`` said a file 'is new in <the plan's directory>', a directory the user
    did not name."""
    _layout(tmp_path)
    plan = tmp_path / "p.toml"
    plan.write_text('version = 1\ndirectory = "elsewhere"\n\n[[domain]]\nname = "all"\npatterns = ["*"]\n')
    code = run(
        [
            "plan",
            str(tmp_path / "migrations"),
            "--check",
            str(plan),
            "--scratch-url",
            scratch_server.admin_url,
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert f"20240101000000_a.sql is new in {tmp_path / 'migrations'} (not in the plan)" in out
    assert "elsewhere" not in out


def test_plan_toml_single_table_instead_of_array_is_a_problem() -> None:
    """``[merge]`` instead of ``[[merge]]`` (a common TOML slip) made the merge vanish, silently."""
    text = 'version = 1\nsettings = 3\n[merge]\nsource = "public.a"\ntarget = "public.b"\n'
    _, problems = read_plan(text, "p.toml")
    assert [p.render("p.toml") for p in problems] == [
        "p.toml:2: `settings` must be a table: [settings]",
        "p.toml:3: `merge` must be an array of tables: write [[merge]], not [merge]",
    ]


def test_plan_toml_wrong_types_are_problems_not_crashes_or_guesses() -> None:
    """``drop_source = "false"`` (a string) read as true, dropping the source table; ``live_only = 3``
    was an internal TypeError."""
    text = 'version = 1\nlive_only = 3\n[[merge]]\nsource = "public.a"\ntarget = "public.b"\n'
    text += 'drop_source = "false"\nfire_triggers = 1\n'
    _, problems = read_plan(text, "p.toml")
    assert [p.render("p.toml") for p in problems] == [
        "p.toml:6: [[merge]]: `drop_source` must be true or false (not 'false')",
        "p.toml:7: [[merge]]: `fire_triggers` must be true or false (not 1)",
        "p.toml:2: top level: `live_only` must be a list of strings",
    ]


def test_output_to_a_full_disk_is_one_line(tmp_path: Path) -> None:
    """``pgconsolidate inventory DIR > /dev/full``: one line saying the output could not be written."""
    import subprocess
    import sys

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    _layout(tmp_path)
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "pgconsolidate", "inventory", str(tmp_path / "migrations")],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr == "pgconsolidate: error: cannot write the output: No space left on device\n"
