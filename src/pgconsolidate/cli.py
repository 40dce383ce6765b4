"""The ``pgconsolidate`` command line: run the application, and turn every error into one line.

``pgconsolidate --version`` is answered here, before Typer, Rich or any command module is imported: it
is the commonest question and should cost no more than starting Python. Everything else goes through
:mod:`pgconsolidate.cli_app`, which imports a command module only when one of its commands is needed.
"""

from __future__ import annotations

import os
import sys

from pgconsolidate import __version__
from pgconsolidate.errors import EXIT_USAGE, PgcError
from pgconsolidate.redact import redact_known

#: The URLs of this run (its arguments and the environment's): their passwords are masked in an error
#: even where a driver quotes a piece of one (an unencoded ``@`` or ``/`` misread as a host or a port).
_URLS: list[str] = []


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"pgconsolidate: error: {redact_known(message, _URLS)}\n")
    return code


#: What Ctrl-C prints (exit code 130). Files are written atomically (a temporary file renamed into place)
#: and scratch databases are dropped on the way out, so the next run starts clean.
INTERRUPTED = "interrupted"


def _usage_line(exc: Exception) -> str:
    """A usage error (unknown option, bad ``--format`` value, missing argument) as one line that names the
    command and where its help is, instead of Click's four-line usage block."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "pgconsolidate"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.replace("Value error, ", "").split()).rstrip(".")
    command = path.partition(" ")[2]
    return f"{command + ': ' if command else ''}{message} (see '{path} --help')"


def _url_origin(message: str, argv: list[str] | None) -> str:
    """`` (the URL is $DATABASE_URL)`` when a connection failed to a URL no option gave: a variable set for
    another program is otherwise a surprise."""
    args = argv if argv is not None else sys.argv[1:]
    env = os.environ.get("DATABASE_URL")
    if not env or "--database-url" in args or any(a.startswith("--database-url=") for a in args):
        return ""
    from pgconsolidate.redact import redact_url

    if message.startswith("cannot connect to") and redact_url(env) in message:
        return " (the URL is $DATABASE_URL: pass --database-url, or unset it)"
    return ""


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (errors become one line on stderr, never a traceback)."""
    import typer
    from typer._click.exceptions import ClickException, UsageError

    from pgconsolidate.cli_app import app

    _URLS[:] = [a for a in (argv if argv is not None else sys.argv[1:]) if "://" in a or "password" in a]
    _URLS.extend(os.environ.get(name, "") for name in ("DATABASE_URL", "PGCONSOLIDATE_SCRATCH_URL"))
    try:
        result = app(args=argv, prog_name="pgconsolidate", standalone_mode=False)
    except PgcError as exc:
        return _fail(exc.message + _url_origin(exc.message, argv), exc.exit_code)
    except typer.Exit as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Typer turns Ctrl-C into Exit(130), silently
            return _fail(INTERRUPTED, 130)
        return int(exc.exit_code)
    except typer.Abort:
        return _fail(INTERRUPTED, 130)
    except UsageError as exc:
        if not exc.format_message():  # no arguments at all: the help was printed, as asked
            return exc.exit_code if exc.exit_code else EXIT_USAGE
        return _fail(_usage_line(exc), exc.exit_code if exc.exit_code else EXIT_USAGE)
    except ClickException as exc:
        return _fail(exc.format_message(), exc.exit_code if exc.exit_code else EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail(INTERRUPTED, 130)
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a disk full, a permission denied, a read-only file system: not a bug
        import errno

        where = f"{exc.filename}: " if exc.filename else ""
        if not exc.filename and exc.errno == errno.ENOSPC:
            where = "cannot write the output: "  # stdout redirected to a full disk
        return _fail(f"{where}{exc.strerror or exc}", EXIT_USAGE)
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("PGCONSOLIDATE_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set PGCONSOLIDATE_DEBUG=1 for a traceback)", 3
        )
    if result == 130:  # Typer turns Ctrl-C into this exit code, silently
        return _fail(INTERRUPTED, 130)
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        sys.stdout.write(f"pgconsolidate {__version__}\n")
        sys.exit(0)
    sys.exit(run(argv))
