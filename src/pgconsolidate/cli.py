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
from pgconsolidate.redact import redact_text


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"pgconsolidate: error: {redact_text(message)}\n")
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (errors become one line on stderr, never a traceback)."""
    import typer
    from typer._click.exceptions import ClickException

    from pgconsolidate.cli_app import app

    try:
        result = app(args=argv, prog_name="pgconsolidate", standalone_mode=False)
    except PgcError as exc:
        return _fail(exc.message, exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _fail("aborted", 130)
    except ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else EXIT_USAGE
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("PGCONSOLIDATE_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set PGCONSOLIDATE_DEBUG=1 for a traceback)", 3
        )
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        sys.stdout.write(f"pgconsolidate {__version__}\n")
        sys.exit(0)
    sys.exit(run(argv))
