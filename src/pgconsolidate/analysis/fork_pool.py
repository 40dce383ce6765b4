"""Sharing numbered pieces of work between this process and forked helper processes, first come first
served, with no manager thread and no process pool.

:class:`ForkPool` hands out the items ``0 .. count-1`` (in a given order) through a pipe holding one
4-byte token per item: a helper takes the next item by reading a token, this process by calling
:meth:`ForkPool.claim`, so whichever side is free takes the next piece and the load balances itself
whatever the pieces cost. A helper is forked (it inherits the inputs, nothing is sent to it), computes
``work(item)``, writes the pickled result to an in-memory file (``memfd``) and announces it with a
24-byte message on a second pipe; this process reads a result when it needs it (:meth:`ForkPool.result`)
and can look for finished ones without blocking (:meth:`ForkPool.poll`). Writing to the in-memory file
never waits for this process to read, so a helper is never held up by a busy parent.

A helper that fails on an item, or dies, makes :meth:`ForkPool.result` raise :class:`HelperLost`: the
caller computes that item itself (work is pure, so the same result, or the same exception, with a
traceback of this process). Linux only (``fork`` and ``memfd_create``); elsewhere, or with no helpers,
nothing is forked and :meth:`ForkPool.claim` hands every item to this process. When the ``with`` block
ends normally the helpers are released, not waited for (:meth:`ForkPool.release`).

Items can also be kept for this process (``mine``): they go through a second pipe that this process
reads first and the helpers only once theirs is empty, so the items whose results are large (costly to
pickle there and unpickle here) are computed where they are needed, while the balance still comes from
whichever side is free taking the rest.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

#: One message from a helper: helper number, item, offset and length of the pickled result in the
#: helper's in-memory file (length -1: the item failed). Under PIPE_BUF bytes: written atomically.
_MESSAGE = struct.Struct("<iiqq")
_TOKEN = struct.Struct("<i")
#: At most this many items: their tokens, and the helpers' messages about them, then always fit in a
#: pipe's 64 KiB (tokens are written before anyone reads; a helper never waits to announce a result).
MAX_ITEMS = 2_000


class HelperLost(Exception):
    """No helper result for an item: its helper failed on it or died. Compute the item here."""


def usable_cpus() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def available() -> bool:
    """True where helpers can be forked: Linux (``fork`` and ``memfd_create``) with 2 usable cores."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or not hasattr(os, "memfd_create"):
        return False
    return usable_cpus() >= 2


class ForkPool:
    """Items ``0 .. count-1`` shared between this process and ``helpers`` forked processes that run
    ``work(item)`` (see the module's docstring). Use it as a context manager: helpers still running
    when the block ends are stopped and reaped.

    ``order``: the order in which items are handed out (default: ascending). ``mine``: items this
    process takes first (in that order), helpers only when every other item is taken. ``helpers=0``
    (or an unsupported platform) forks nothing: :meth:`claim` then returns every item in turn, those of
    ``mine`` first.
    """

    def __init__(
        self,
        count: int,
        work: Callable[[int], Any],
        *,
        helpers: int = 1,
        order: Iterable[int] | None = None,
        mine: Iterable[int] = (),
    ) -> None:
        if count > MAX_ITEMS:
            raise ValueError(f"at most {MAX_ITEMS} items, not {count}")
        self.count = count
        self.work = work
        self.mine = list(dict.fromkeys(mine))
        kept = set(self.mine)
        self.order = [i for i in (range(count) if order is None else order) if i not in kept]
        self.wanted = helpers if available() and count > 1 else 0
        self.pids: list[int] = []
        self._local = iter([*self.mine, *self.order])  # used when nothing was forked
        self._claims = -1  # read end of the tokens' pipe (the helpers' first)
        self._kept = -1  # read end of the tokens kept for this process (read first here)
        self._messages = -1  # read end of the helpers' messages
        self._files: list[int] = []  # each helper's in-memory results file
        self._pending = b""
        self._finished: dict[int, tuple[int, int, int]] = {}  # item -> (helper, offset, length)
        self._open = False  # helpers may still send messages

    # -- this process ----------------------------------------------------------------------------------

    def start(self) -> ForkPool:
        """Fork the helpers (none when not :func:`available`). Returns ``self``. When the system refuses
        (no in-memory files, no more processes), fewer helpers or none run: this process takes the rest."""
        if self.wanted <= 0:
            return self
        # a released helper still being torn down would share locks of this process's memory with the
        # fork (they were forked from it): by now (the caller's work since the release) it is gone
        reap_released(wait=True)
        _closed_meanwhile()  # no thread of this process left running at the fork
        messages_w = -1
        try:
            self._claims = _token_pipe(self.order)
            self._kept = _token_pipe(self.mine)
            self._messages, messages_w = os.pipe()
            for k in range(self.wanted):
                self._files.append(os.memfd_create(f"pgconsolidate-helper-{k}"))
            sys.stdout.flush()
            sys.stderr.flush()
            for k in range(self.wanted):
                pid = os.fork()
                if pid == 0:  # a helper: never returns
                    os.close(self._messages)
                    self._helper(k, messages_w)
                self.pids.append(pid)
        except OSError:
            if not self.pids:  # nothing started: this process does everything, in order
                if messages_w >= 0:
                    os.close(messages_w)
                self.close()
                return self
        os.close(messages_w)
        os.set_blocking(self._messages, False)
        self._open = True
        return self

    @property
    def forked(self) -> bool:
        """True when helpers were started."""
        return bool(self.pids)

    def claim(self) -> int | None:
        """The next item not yet taken by anyone, now this process's to compute; None when all are taken."""
        if not self.pids:
            return next(self._local, None)
        return _take(self._kept, self._claims)

    def poll(self) -> None:
        """Take in the helpers' messages that arrived, without waiting."""
        if self._open:
            self._receive(wait=False)

    def finished(self, item: int) -> bool:
        """True when a helper has announced ``item`` (done or failed; as of the last :meth:`poll`)."""
        return item in self._finished

    def result(self, item: int) -> Any:
        """A helper's result for ``item``, waiting for it if need be. Raises :class:`HelperLost` when no
        helper will deliver it (it failed, its helper died, or this process claimed it)."""
        while item not in self._finished and self._open:
            self._receive(wait=True)
        where = self._finished.get(item)
        if where is None or where[2] < 0:
            raise HelperLost(item)
        helper, offset, length = where
        data = _pread_all(self._files[helper], length, offset)
        if len(data) != length:
            raise HelperLost(item)
        return pickle.loads(data)

    def close(self) -> None:
        """Stop the helpers still running, reap them all and release the pipes and files."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in self.pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.pids = []
        for fd in (self._claims, self._kept, self._messages, *self._files):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._claims = self._kept = self._messages = -1
        self._files = []
        self._open = False

    def release(self) -> None:
        """:meth:`close`, without waiting for the helpers to be gone: for when every answer is in (a
        helper then leaves by itself once it finds no item left). The system takes tens of milliseconds
        to tear a helper's memory down on large inputs, time this process need not spend waiting. The
        helpers are stopped in case they are still there, and reaped now if they are gone already, else
        by :func:`reap_released` or the next :meth:`start` (which waits for them before forking), or by
        ``init`` once this process exits. The results files are closed on a thread
        (:func:`_close_meanwhile`): freeing their memory is not this process's to wait for either."""
        pids, self.pids = self.pids, []
        files, self._files = self._files, []
        self.close()  # the pipes; no helper left for it to stop and wait for
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            RELEASED.append(pid)
        reap_released()
        _close_meanwhile(files)

    def __enter__(self) -> ForkPool:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """The block ended: its work is done, so the helpers are released (:meth:`release`); on an
        exception they are stopped and waited for (:meth:`close`)."""
        if kind is None:
            self.release()
        else:
            self.close()

    def _receive(self, *, wait: bool) -> None:
        """Read the messages available (when ``wait``: block until at least some bytes or the end)."""
        if wait:
            waiter = select.poll()  # not select(): any descriptor number
            waiter.register(self._messages, select.POLLIN)
            waiter.poll()
        try:
            data = os.read(self._messages, 1 << 16)
        except BlockingIOError:
            return
        if not data:  # every helper has exited
            self._open = False
            return
        data = self._pending + data
        whole = len(data) - len(data) % _MESSAGE.size
        for helper, item, offset, length in _MESSAGE.iter_unpack(data[:whole]):
            self._finished[item] = (helper, offset, length)
        self._pending = data[whole:]

    # -- a helper --------------------------------------------------------------------------------------

    def _helper(self, number: int, messages: int) -> None:
        """A helper's whole life: take items until none is left, write each result, announce it; leave
        without running exit handlers or flushing the parent's buffers. Stops at the first failure
        (this process then computes that item and the ones no one took)."""
        try:
            results = self._files[number]
            offset = 0
            while (item := _take(self._claims, self._kept)) is not None:
                try:
                    payload = pickle.dumps(self.work(item), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    os.write(messages, _MESSAGE.pack(number, item, 0, -1))
                    break
                _pwrite_all(results, payload, offset)
                os.write(messages, _MESSAGE.pack(number, item, offset, len(payload)))
                offset += len(payload)
        finally:
            os._exit(0)


#: Helpers released (:meth:`ForkPool.release`) that had not been reaped yet.
RELEASED: list[int] = []


def reap_released(*, wait: bool = False) -> None:
    """Reap the released helpers that have exited since, without waiting for the others (``wait``:
    wait for them too; they were stopped, so only while the system frees their memory)."""
    for pid in list(RELEASED):
        try:
            done, _ = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            RELEASED.remove(pid)


#: One lock per thread closing released in-memory files (:func:`_close_meanwhile`), held until it is done.
_CLOSING: list[Any] = []


def _close_meanwhile(fds: list[int]) -> None:
    """Close ``fds`` (released helpers' in-memory results files) on a thread of their own: closing the
    last descriptor frees the file's memory (4-6 ms of system time for the ~50 MB a 10,000-file
    directory ships), which the system then does on the core the released helper left idle while this
    process goes on (``os.close`` runs without the interpreter's lock; the thread is started without
    waiting for it to run). No other code has these descriptors, so no other file takes their numbers
    before the thread closes them."""
    if not fds:
        return
    done = _thread.allocate_lock()
    done.acquire()

    def close_all() -> None:
        try:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
        finally:
            done.release()

    try:
        _thread.start_new_thread(close_all, ())
    except RuntimeError:  # no thread can be started: close them here
        close_all()
        return
    _CLOSING.append(done)


def _closed_meanwhile() -> None:
    """Wait until the files handed to :func:`_close_meanwhile` are closed (long done, normally)."""
    while _CLOSING:
        done = _CLOSING.pop()
        done.acquire()
        done.release()


def _token_pipe(items: list[int]) -> int:
    """The read end of a pipe holding one token per item (the write end is closed: read to the end,
    it returns no bytes instead of waiting)."""
    read, write = os.pipe()
    try:
        os.write(write, b"".join(_TOKEN.pack(i) for i in items))  # fits: MAX_ITEMS
    finally:
        os.close(write)
    return read


def _take(first: int, then: int) -> int | None:
    """The next item from the pipe ``first``, else from ``then``; None when both are empty. Each token
    (4 bytes, under PIPE_BUF) is read whole by one process."""
    for fd in (first, then):
        data = os.read(fd, _TOKEN.size)
        if len(data) == _TOKEN.size:
            return int(_TOKEN.unpack(data)[0])
    return None


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written


def _pread_all(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) == length:
        return data
    parts = [data]
    got = len(data)
    while got < length:
        more = os.pread(fd, length - got, offset + got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)
