"""Writing files so that a reader never sees half of one: :func:`write_atomic`.

Low-level (the standard library only): every stage that writes a file (the consolidation output, plans,
backup manifests, snapshots, reports the user asked for) goes through here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step: a reader, or a crash, sees
    either the old file or the whole new one, never a part.

    The data goes to a temporary file with a unique name in the same directory (created if missing), is
    flushed and fsynced, then renamed over ``path`` with :func:`os.replace`, and the directory is fsynced
    so that the rename survives a crash. On any failure (an interrupt included) the temporary file is
    removed and ``path`` keeps its old content. A new file gets the usual permissions (0666 less the
    umask); a replaced one keeps its mode. Only a regular file is ever replaced: a directory, a device
    (``/dev/full``), a pipe or ``/dev/stdout`` raises an :class:`OSError` and is left as it is (callers
    that mean to write into such a file, like ``commands.common.write_output``, open it themselves).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        mode: int | None = None
    else:
        if not stat.S_ISREG(st.st_mode):  # a device, a pipe, a directory: a rename would replace it
            raise OSError(
                errno.EISDIR if stat.S_ISDIR(st.st_mode) else errno.EEXIST,
                "not a regular file, so it is not replaced",
                str(target),
            )
        mode = stat.S_IMODE(st.st_mode)
    tmp, fd = _create_temp(directory, target.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(directory)


def _create_temp(directory: Path, name: str) -> tuple[Path, int]:
    """A new file ``.NAME.XXXXXXXX.tmp`` in ``directory``, opened for writing (never an existing one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make the entries of ``directory`` (a file created, renamed or removed in it) durable. Where a
    directory cannot be opened or fsynced (some file systems and platforms), nothing is done."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
