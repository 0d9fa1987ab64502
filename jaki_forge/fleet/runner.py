"""Running one job per replica in parallel processes, with progress events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, cast


class Named(Protocol):
    """A job for one replica: it has the replica's name."""

    @property
    def name(self) -> str:
        """The replica's name."""
        ...


T = TypeVar("T", bound=Named)
R = TypeVar("R")

Progress = Callable[[str, str, Any], None]
"""`progress(event, replica name, result)`: event is "start" (result None) or "done" (result the outcome)."""


def run_parallel(
    func: Callable[[T], R],
    tasks: Sequence[T],
    *,
    jobs: int,
    progress: Progress | None,
    failed: Callable[[T, str], R],
) -> list[R]:
    """`func(task)` for every task, in `jobs` processes (in this process when jobs is 1), results in task order.

    Processes, not threads: rendering maps the template URL through process-wide environment variables.
    `failed(task, message)` makes the result of a task whose worker died.
    """
    notify = progress or (lambda *_: None)
    results: list[R | None] = [None] * len(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for index, task in enumerate(tasks):
            notify("start", task.name, None)
            results[index] = func(task)
            notify("done", task.name, results[index])
        return cast(list[R], results)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")  # no fork of a process that runs a progress thread
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context)
    try:
        futures = {pool.submit(func, task): index for index, task in enumerate(tasks)}
        for task in tasks:
            notify("start", task.name, None)
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as error:  # a worker that died (killed, out of memory) takes no other replica down
                results[index] = failed(tasks[index], f"the worker process failed: {type(error).__name__}: {error}")
            notify("done", tasks[index].name, results[index])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return cast(list[R], results)
