"""Where output goes: results on stdout, progress and errors on stderr. Colour only on a terminal."""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
