"""The local worker processes of ``hingecheck score``: an Executor where one call's crash costs only that call.

:class:`CrashIsolatingExecutor` runs each call in one of a few worker
processes (spawn context: mediapipe and fork do not mix), one call at a time
per worker, and knows which worker runs which call. So when a worker dies
(segfault, killed, out of memory) only its own call is affected: it is run
once more in a fresh worker, then its future fails with :class:`WorkerDied`
naming the signal, and the rest goes on.

Workers die with their parent: on Linux the kernel sends them SIGKILL when
the thread that started them (the dispatcher) ends (``PR_SET_PDEATHSIG``),
and everywhere a watchdog thread exits the worker once its parent pid
changes. A call that is running can be cancelled: its worker is stopped at
once, so Ctrl-C and SIGTERM in the parent (see
:func:`hingecheck.scoring.runner.run_batch`) stop the workers at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable

#: a call whose worker died is run once more in a fresh worker, then fails with WorkerDied
MAX_ATTEMPTS = 2
#: how long a worker told to stop (SIGTERM) may take before it is killed
_STOP_GRACE_S = 1.0
#: how long a worker that died may take to be reaped
_REAP_S = 5.0


def signal_text(exitcode: int | None) -> str:
    """How a worker ended, in words: ``killed by SIGSEGV``, ``exit status 1``."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


# --------------------------------------------------------------- in the worker

def _die_with_parent(parent_pid: int) -> None:
    """Never outlive the parent: PR_SET_PDEATHSIG on Linux, and a watchdog thread."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # pragma: no cover - no libc: the watchdog still works
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def _exit_on_sigterm(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds: temporary files are removed


def worker_main(conn, parent_pid: int) -> None:
    """A worker's loop: receive ``(fn, args, kwargs)``, send ``(True, result)`` or
    ``(False, exception)``; None (or a closed pipe) ends it."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args, kwargs = msg
        try:
            reply = (True, fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the caller's future gets it
            reply = (False, exc)
        try:
            conn.send(reply)
        except (TypeError, AttributeError, ValueError) as exc:  # not picklable
            conn.send((False, RuntimeError(f"cannot send the result back: {exc}")))


# --------------------------------------------------------------- in the parent

class WorkerDied(RuntimeError):
    """A call's worker died twice: ``str()`` is ``worker died (killed by SIGSEGV), twice``."""


@dataclass
class _Job:
    future: cf.Future
    fn: Callable
    args: tuple
    kwargs: dict
    attempts: int = 0       # how many of its workers died


@dataclass
class _Worker:
    proc: object
    conn: object
    job: _Job | None = None  # the call it runs


def _notify_cancelled(fut: cf.Future) -> None:
    """Wake whoever waits on a cancelled future (``as_completed``, ``wait``); once is enough."""
    if fut.cancelled():
        with contextlib.suppress(RuntimeError):  # already notified
            fut.set_running_or_notify_cancel()


def _resolve(fut: cf.Future, ok: bool, value) -> None:
    """Settle ``fut`` with a result (``ok``) or an exception, unless it was cancelled meanwhile."""
    try:
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)
    except cf.InvalidStateError:
        _notify_cancelled(fut)


class CrashIsolatingExecutor(cf.Executor):
    """A ``concurrent.futures.Executor`` whose calls run in spawned worker processes that may crash.

    ``submit`` returns a Future at once; a dispatcher thread hands the calls to
    at most ``max_workers`` processes (started as calls wait, retired when
    none do), one call per worker at a time. A call whose worker dies is run
    once more in a fresh worker, then its future raises :class:`WorkerDied`.
    Unlike the standard library's executors, a call that is running can be
    cancelled (its future stays pending, never ``running()``, until it is
    settled): its worker is stopped at once (SIGTERM, a short grace, then
    SIGKILL). ``shutdown(cancel_futures=True)`` cancels every call not
    finished, so it stops every worker at once.
    """

    def __init__(self, max_workers: int | None = None):
        if max_workers is not None and max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._ctx = mp.get_context("spawn")
        self._size = max_workers or os.cpu_count() or 1
        self._queue: deque[_Job] = deque()      # under _lock
        self._unsettled: set[cf.Future] = set()  # under _lock
        self._closed = False                    # under _lock: shutdown was called
        self._woken = False                     # under _lock: a wake-up is in the pipe
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._workers: list[_Worker] = []       # the dispatcher thread's alone
        self._thread: threading.Thread | None = None

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        """Schedule ``fn(*args, **kwargs)`` in a worker process (``fn`` and its arguments are pickled)."""
        fut: cf.Future = cf.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._queue.append(_Job(fut, fn, args, kwargs))
            self._unsettled.add(fut)
            if self._thread is None:
                self._thread = threading.Thread(target=self._dispatch, daemon=True, name="clip-dispatcher")
                self._thread.start()
        fut.add_done_callback(self._on_done)
        self._wake()
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Take no more calls; with ``cancel_futures`` cancel every unfinished one, running or
        not (their workers stop at once); with ``wait`` return once every worker has ended."""
        with self._lock:
            self._closed = True
            unsettled = list(self._unsettled)
        if cancel_futures:
            for fut in unsettled:
                fut.cancel()
        self._wake()
        if wait and self._thread is not None:
            self._thread.join()

    # -- the dispatcher thread

    def _on_done(self, fut: cf.Future) -> None:
        with self._lock:
            self._unsettled.discard(fut)
        if fut.cancelled():
            self._wake()  # its worker, if it has one, is to be stopped

    def _wake(self) -> None:
        """Wake the dispatcher (at most one wake-up waits in the pipe, so sending never blocks)."""
        with self._lock:
            if not self._woken:
                self._wake_w.send_bytes(b"")
                self._woken = True  # after the send: an interrupted send leaves no wake-up unsent

    def _dispatch(self) -> None:
        try:
            while self._step():
                pass
        except BaseException as exc:  # a bug here: fail the calls rather than leave them waiting
            with self._lock:
                unsettled, self._queue = list(self._unsettled), deque()
            for fut in unsettled:
                _resolve(fut, False, RuntimeError(f"the worker pool failed: {type(exc).__name__}: {exc}"))
            raise
        finally:
            self._stop(list(self._workers))

    def _step(self) -> bool:
        """One round: stop what was cancelled, hand out calls, wait, settle. False once shut down and idle."""
        self._stop([w for w in self._workers if w.job is not None and w.job.future.cancelled()])
        self._assign()  # drops cancelled calls from the queue: what is left waits for a busy worker
        with self._lock:
            if self._closed and not self._queue and all(w.job is None for w in self._workers):
                return False
        ready = wait([w.conn for w in self._workers] + [w.proc.sentinel for w in self._workers] + [self._wake_r])
        if self._wake_r in ready:
            with self._lock:
                self._woken = False
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
        for w in list(self._workers):
            self._settle(w, ready)
        return True

    def _next_job(self) -> _Job | None:
        """The next call to run (a cancelled one is dropped), or None."""
        while True:
            with self._lock:
                job = self._queue.popleft() if self._queue else None
            if job is None or not job.future.cancelled():
                return job
            _notify_cancelled(job.future)

    def _assign(self) -> None:
        """Give every idle worker a call, or retire it; start workers up to the size while calls wait."""
        for w in [w for w in self._workers if w.job is None and w.proc.is_alive()]:
            job = self._next_job()
            if job is None:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
                self._workers.remove(w)
                w.conn.close()
                w.proc.join(timeout=_STOP_GRACE_S)
            else:
                self._give(w, job)
        while len(self._workers) < self._size and (job := self._next_job()) is not None:
            self._give(self._start(), job)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker_main, args=(child, os.getpid()), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self._workers.append(w)
        return w

    def _give(self, w: _Worker, job: _Job) -> None:
        try:
            w.conn.send((job.fn, job.args, job.kwargs))
        except OSError:  # it died idle: its death is collected, the call goes back without an attempt
            with self._lock:
                self._queue.appendleft(job)
        except Exception as exc:  # noqa: BLE001 - the call cannot be pickled: its future says so
            _resolve(job.future, False, exc)
        else:
            w.job = job

    def _settle(self, w: _Worker, ready) -> None:
        """Collect ``w``'s result, or its death: its call is run again, or fails with WorkerDied."""
        if w.conn in ready:
            try:
                ok, value = w.conn.recv()
            except (EOFError, OSError):
                pass  # the pipe closed: it died; handled below
            else:
                job, w.job = w.job, None
                if job is not None:
                    _resolve(job.future, ok, value)
                return
        elif w.proc.sentinel not in ready:
            return
        w.proc.join(timeout=_REAP_S)
        job, w.job = w.job, None
        self._workers.remove(w)
        w.conn.close()
        if job is None or job.future.cancelled():
            return
        job.attempts += 1
        if job.attempts < MAX_ATTEMPTS:
            with self._lock:
                self._queue.appendleft(job)  # once more, in a fresh worker
            return
        _resolve(job.future, False, WorkerDied(f"worker died ({signal_text(w.proc.exitcode)}), twice"))

    def _stop(self, workers: list[_Worker]) -> None:
        """End ``workers`` now, all at once: SIGTERM, a short grace, then SIGKILL."""
        for w in workers:
            if w.proc.is_alive():
                w.proc.terminate()
        deadline = time.monotonic() + _STOP_GRACE_S
        for w in workers:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=_STOP_GRACE_S)
            w.conn.close()
            self._workers.remove(w)
            if w.job is not None:
                _notify_cancelled(w.job.future)
                w.job = None


__all__ = ["CrashIsolatingExecutor", "WorkerDied", "worker_main", "signal_text", "MAX_ATTEMPTS"]
