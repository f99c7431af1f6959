"""One function over many items on every core: forked workers inherit the function and the items,
so only the results travel back (pickled)."""

from __future__ import annotations

import concurrent.futures
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

def can_fork() -> bool:
    """Whether worker processes can be forked (Linux; fork is unsafe on macOS and missing on Windows)."""
    return sys.platform.startswith("linux")


def fork_map(
    function: Callable[[Any], Any], items: Sequence[Any], workers: int, chunk: int,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[Any]:
    """`function(item)` for every item, in order, as they are done: in `workers` forked processes
    taking `chunk` items at a time, or in this process (one worker, few items, or no fork).
    `function` may be a closure: it is inherited, not pickled. `meanwhile` is called once the
    workers are started (first, without them), by this process, which has nothing else to do."""
    if workers <= 1 or len(items) <= chunk or not can_fork():
        if meanwhile is not None:
            meanwhile()
        yield from map(function, items)
        return
    ranges = [(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    gc.freeze()  # the workers' garbage collector leaves what they inherit alone (no scans, no copied pages)
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                    initializer=_start_worker, initargs=(os.getpid(), function, items)) as pool:
            parts = pool.map(_run_range, ranges)  # every worker is forked here
            if meanwhile is not None:
                meanwhile()
            for part in parts:
                yield from part
    finally:
        gc.unfreeze()


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when the process that forked it dies (Linux), rather than live
    on waiting for work, or to hand back results, that nobody will ever take (`kill -9` of kb)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library this process has loaded (no ldconfig run)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


_PR_SET_PDEATHSIG = 1


_WORK: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []  # in a worker process only: its function and items


def _start_worker(parent: int, function: Callable[[Any], Any], items: Sequence[Any]) -> None:
    """A forked worker's start: the function and items are its own copies (inherited, never pickled)."""
    die_with_parent(parent)
    _WORK.append((function, items))


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    function, items = _WORK[-1]
    return [function(items[index]) for index in range(*bounds)]


def chunk_size(kind: str, jobs: int, workers: int) -> int:
    """How many jobs a worker takes at a time: small enough that none waits long for the last."""
    if kind == "parse":
        return 250
    if kind == "render":
        return max(8, min(64, jobs // (workers * 8)))
    return max(50, jobs // (workers * 16))


def workers_for(jobs: int) -> int:
    """Processes to use: as asked, else one per core this process may run on."""
    if jobs > 0:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Sized:
    """An iterator with a known length (a progress bar wants one)."""

    def __init__(self, items: Iterable, length: int) -> None:
        self.items, self.length = items, length

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator:
        return iter(self.items)
