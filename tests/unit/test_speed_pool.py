"""kb.speed.pool: fork_map's results in order, in this process for few items, and `meanwhile` once."""

from __future__ import annotations

import os

import pytest

from kb.speed.pool import can_fork, fork_map


def test_results_come_back_in_order_from_forked_workers() -> None:
    if not can_fork():
        pytest.skip("no fork here")
    offset = 1000  # a closure: inherited by the workers, never pickled
    results = list(fork_map(lambda item: (item + offset, os.getpid()), list(range(50)), workers=2, chunk=4))
    assert [value for value, _ in results] == [item + 1000 for item in range(50)]
    assert {pid for _, pid in results} - {os.getpid()}  # the work was done in other processes


@pytest.mark.parametrize(("workers", "items", "chunk"), [(4, 3, 3), (1, 40, 2), (2, 1, 10)])
def test_one_worker_or_few_items_run_in_this_process(workers: int, items: int, chunk: int) -> None:
    results = list(fork_map(lambda item: (item * 2, os.getpid()), list(range(items)), workers=workers, chunk=chunk))
    assert results == [(item * 2, os.getpid()) for item in range(items)]


@pytest.mark.parametrize("items", [2, 30])  # in this process, then with forked workers
def test_meanwhile_is_called_once_in_this_process(items: int) -> None:
    calls: list[int] = []
    results = list(fork_map(str, list(range(items)), workers=2, chunk=4, meanwhile=lambda: calls.append(os.getpid())))
    assert results == [str(item) for item in range(items)]
    assert calls == [os.getpid()]


def test_meanwhile_runs_before_the_first_result_is_taken() -> None:
    calls: list[str] = []
    results = fork_map(str, list(range(30)), workers=2, chunk=4, meanwhile=lambda: calls.append("meanwhile"))
    assert calls == []  # a generator: nothing runs until it is read
    assert next(results) == "0"
    assert calls == ["meanwhile"]
    assert list(results) == [str(item) for item in range(1, 30)]
    assert calls == ["meanwhile"]
