"""``analyze`` leaves without waiting for the system to tear its memory down
(:func:`pgconsolidate.commands.analyze.exit_without_teardown`): the exit code and every byte written
still arrive, and a reader of the output sees its end at once, not when the memory's holder ends."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

SCRIPT = """
import sys
from pgconsolidate.commands.analyze import exit_without_teardown
keep = [str(i) * 3 for i in range(200_000)]  # some memory to hold
sys.stdout.write("x" * 100_000 + "\\nend\\n")
sys.stdout.flush()
sys.stderr.write("to stderr\\n")
sys.stderr.flush()
exit_without_teardown(int(sys.argv[1]), hold_seconds=int(sys.argv[2]))
raise SystemExit(99)  # never reached
"""


@pytest.mark.parametrize("code", [0, 1, 3])
def test_exit_code_and_output_arrive(code: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(code), "1"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == code
    assert done.stdout == "x" * 100_000 + "\nend\n"
    assert done.stderr == "to stderr\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the holder exists on Linux only")
def test_output_ends_before_the_holder_does() -> None:
    """The holder shares the descriptors, which the process closes before leaving: a pipe's reader
    gets its end long before the holder's 10 seconds are over."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "2", "10"], capture_output=True, text=True, timeout=60
    )
    assert time.monotonic() - start < 7
    assert done.returncode == 2
    assert done.stdout.endswith("\nend\n")
