"""SPARQL queries run in forked worker processes that can be stopped.

A query cannot be interrupted inside pyoxigraph from Python: a thread given up at the deadline keeps
computing and holds a core (and its memory) until the query ends by itself. A worker process is
killed at the deadline instead, and its address space is capped so that a query that grows without
bound (ORDER BY over a cross product) ends the worker, not the server. Workers are forked from the
server after the store is loaded, so they share its pages copy-on-write and need no loading; each
serves one query at a time and is replaced by a fresh fork when it is killed or dies.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")
MB = 1024 * 1024


class WorkerFailed(RuntimeError):
    """The worker ended without an answer: its deadline passed, or it died (memory cap, crash)."""

    def __init__(self, message: str, timed_out: bool) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class JobError(Exception):
    """An error the handler raised on purpose, carried back as (status, message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status, self.message = status, message


def available() -> bool:
    """Forking makes workers cheap (no reload) and /proc gives the size the cap starts from (Linux);
    elsewhere queries run in threads, answered at the deadline but not stopped."""
    return "fork" in multiprocessing.get_all_start_methods() and os.path.exists("/proc/self/statm")


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class WorkerPool(Generic[Job, Result]):
    """At most `size` workers, each running `handler(job)` in its own process under `memory_mb`."""

    def __init__(self, handler: Callable[[Job], Result], size: int, memory_mb: int) -> None:
        self.handler, self.size, self.memory_mb = handler, size, memory_mb
        # last in, first out: a request goes to the worker that answered last, whose caches (the
        # persistent store's block cache, pages touched since the fork) are warm; a queue would
        # rotate through every worker and meet cold caches on most requests
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0

    def call(self, job: Job, deadline: float) -> Result:
        """Blocking: the handler's result, or JobError / WorkerFailed. The caller bounds concurrency."""
        worker = self._take()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._discard(worker)
                raise WorkerFailed("deadline passed", timed_out=True)
            kind, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = self._discard(worker)
            raise WorkerFailed(_death(code, self.memory_mb), timed_out=False) from None
        self._idle.put(worker)
        if kind == "error":
            raise JobError(*payload)
        return payload

    def close(self) -> None:
        while True:
            try:
                self._discard(self._idle.get_nowait())
            except queue.Empty:
                return

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.size:
                self._started += 1
                return self._fork()
        return self._idle.get()

    def _fork(self) -> _Worker:
        parent, child = multiprocessing.get_context("fork").Pipe()
        process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(child, parent, self.handler, self.memory_mb), daemon=True, name="kg-query-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _discard(self, worker: _Worker) -> int | None:
        """Kill and reap a worker; its slot is free for a new fork. Returns its exit code."""
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        with self._lock:
            self._started -= 1
        return worker.process.exitcode


def _death(code: int | None, memory_mb: int) -> str:
    if code is not None and code < 0 and -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV):
        return (f"the query process ended ({signal.Signals(-code).name}), most likely by going over its "
                f"memory limit of {memory_mb} MB")
    return f"the query process ended unexpectedly (exit code {code})"


def _serve(conn: Connection, server_end: Connection, handler: Callable, memory_mb: int) -> None:
    """The worker's loop: one job at a time until the server closes the pipe."""
    server_end.close()  # else the worker itself keeps its pipe open and never sees the server go
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    _cap_memory(memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", handler(job)))
        except JobError as err:
            conn.send(("error", (err.status, err.message)))
        except MemoryError:
            conn.send(("error", (503, f"the query needed more than its memory limit of {memory_mb} MB")))
        except Exception as err:  # noqa: BLE001 - reported to the client, the worker stays usable
            conn.send(("error", (500, f"{type(err).__name__}: {err}")))


def _cap_memory(memory_mb: int) -> None:
    """Allow the worker `memory_mb` of address space beyond what it inherited from the server."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = inherited + memory_mb * MB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
