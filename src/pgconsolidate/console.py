"""Where output goes: results on stdout, progress and errors on stderr. Colour only on a terminal.

Spinners (``err.status``) are shown only on a terminal: in a pipe or a log they would leave their last
frame behind, after a one-line error for example.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console, RenderableType


class QuietStatus:
    """Stands in for :class:`rich.status.Status` when there is no terminal: shows nothing."""

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __enter__(self) -> QuietStatus:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class _Console(Console):
    def status(self, status: RenderableType, **kwargs: Any) -> Any:  # a Status, or a QuietStatus
        if not self.is_terminal:
            return QuietStatus()
        return super().status(status, **kwargs)


# emoji=False: ``file.sql:100: ...`` (a location followed by a colon) would print as ``file.sql💯 ...``
out = _Console(highlight=False, soft_wrap=True, emoji=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
