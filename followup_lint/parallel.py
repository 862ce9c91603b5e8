"""--jobs: lint drafts in several processes, with the same results in the same order as one.

`--jobs N` is this process and N - 1 workers (a ProcessPoolExecutor), all linting: no process
sits idle holding a model. On Linux the workers are forked after this process has loaded the
model and compiled the rules, so they start with both in copy-on-write shared memory: nothing
is imported, loaded or compiled twice. Where fork is unsafe (macOS, Windows) they are spawned
and each loads the model once, in its initializer. benchmarks/speed.py --start-method compares
the two.

Drafts go out in consecutive chunks and come back in order. spaCy's results do not depend on
how docs are batched, so a chunk parses exactly as it would in one process; the benchmark and
tests/test_parallel.py check that the output is byte-for-byte the same.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Linter
    from .model import Draft, FileReport

# Below this many drafts per process, starting and feeding a worker costs more than it saves
# (measured on a 2-CPU machine: --jobs 2 took 1.26x as long as --jobs 1 on 16 drafts, 0.85x
# on 32).
MIN_DRAFTS_PER_JOB = 16
START_METHOD_VARIABLE = "FOLLOWUP_LINT_START_METHOD"
MIN_CHUNK, MAX_CHUNK = 8, 64  # drafts per task: enough for a batch, few enough to balance
_worker_linter: Linter | None = None  # this worker's Linter: inherited (fork) or built (spawn)
_worker_chunks: Sequence[Sequence[Draft]] | None = None  # the drafts of the run, in chunks
_taken: Any = None  # a shared count of the chunks taken so far


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_start_method() -> str:
    """fork where it is safe and cheapest (Linux), else spawn; $FOLLOWUP_LINT_START_METHOD
    overrides it (benchmarks/speed.py --start-method compares them)."""
    asked = os.environ.get(START_METHOD_VARIABLE, "")
    if asked in multiprocessing.get_all_start_methods():
        return asked
    return "fork" if sys.platform.startswith("linux") else "spawn"


def idle_cpus() -> int:
    """CPUs that other processes leave free (by the 1-minute load average), at least one."""
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return max(1, min(cpu_count(), round(cpu_count() - busy)))


def choose_jobs(requested: int | None, drafts: int) -> int:
    """Processes to use: as asked, or (None) the idle CPUs when the drafts pay for them.

    A process on a CPU that is already busy only slows both down: on a 2-CPU machine with a
    load of 2 or more, `--jobs 2` took 1.0-1.8x as long as `--jobs 1` (benchmarks/speed.py).
    """
    if requested is not None:
        return max(1, min(requested, drafts))
    return max(1, min(idle_cpus(), drafts // MIN_DRAFTS_PER_JOB))


def _chunks(drafts: Sequence[Draft], jobs: int) -> list[Sequence[Draft]]:
    """Consecutive runs of drafts, about eight per process so that the work evens out."""
    size = max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(len(drafts) / (jobs * 8))))
    return [drafts[i : i + size] for i in range(0, len(drafts), size)]


def _init_worker(linter: Linter | None, chunks: Sequence[Sequence[Draft]], taken: Any) -> None:
    """A worker: keep what it lints (spawned: load the model now, once)."""
    global _worker_linter, _worker_chunks, _taken
    _worker_chunks, _taken = chunks, taken
    if linter is not None:  # spawned; a forked worker inherited the Linter
        _worker_linter = linter
        linter.compiled()
        gc.freeze()  # as collector_tuned does in the parent; the worker ends with the pool
        gc.set_threshold(max(GC_GEN0, gc.get_threshold()[0]), *gc.get_threshold()[1:])


def _take() -> int:
    """The next chunk no process has taken (an index shared by all of them)."""
    assert _taken is not None
    with _taken.get_lock():
        index = int(_taken.value)
        _taken.value = index + 1
    return index


def _lint_taken(context: str | None) -> dict[int, list[FileReport]]:
    """Take chunks one after another, until none is left, and lint them: every process does
    this, so all stay busy until the end and finish within about one chunk of each other."""
    assert _worker_linter is not None and _worker_chunks is not None, "worker without work"
    done: dict[int, list[FileReport]] = {}
    while (index := _take()) < len(_worker_chunks):
        done[index] = _worker_linter.lint_drafts(_worker_chunks[index], context)
    return done


def lint(linter: Linter, drafts: Sequence[Draft], context: str | None = None,
         jobs: int | None = 1, start_method: str | None = None) -> list[FileReport]:
    """Lint drafts in `jobs` processes (None: choose): this one and jobs - 1 workers.

    One report per draft, in order. The drafts are cut into chunks; every process, this one
    included, takes the next chunk nobody has taken (a shared counter) until none is left.
    """
    jobs = choose_jobs(jobs, len(drafts))
    linter.compiled()  # this process lints too; forked workers inherit model and matchers
    with collector_tuned():
        if jobs <= 1:
            return linter.lint_drafts(drafts, context)
        return _lint_in_workers(linter, drafts, context, jobs, start_method)


# Python's cycle collector runs every 700 allocations and, every tenth time, walks every object
# the process holds - the model's hundreds of thousands among them - though a lint makes almost
# no cyclic garbage: ~7% of a cold run (400 drafts: 29.5 s with the defaults, 27.7 s with
# these settings). Objects alive once the model is loaded are frozen out of its walks
# (gc.freeze), and it runs after GC_GEN0 allocations; both undone afterwards.
GC_GEN0 = 50_000


@contextlib.contextmanager
def collector_tuned() -> Iterator[None]:
    """Collect cycles less often, and never walk what existed on entry, inside the block."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(GC_GEN0, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _lint_in_workers(linter: Linter, drafts: Sequence[Draft], context: str | None, jobs: int,
                     start_method: str | None) -> list[FileReport]:
    global _worker_linter, _worker_chunks, _taken
    method = start_method or default_start_method()
    mp_context = multiprocessing.get_context(method)
    chunks = _chunks(drafts, jobs)
    taken = mp_context.Value("l", 0)  # shared by inheritance, at the workers' start
    # forked: the workers inherit the Linter, frozen by collector_tuned so that their
    # collections leave the shared pages alone (no copy-on-write copies); spawned: it is
    # pickled without its matchers (__getstate__) and loaded in each worker
    _worker_linter, _worker_chunks, _taken = linter, chunks, taken
    setup = (None if method == "fork" else linter, chunks, taken)
    try:
        with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=mp_context,
                                 initializer=_init_worker, initargs=setup) as pool:
            futures = [pool.submit(_lint_taken, context) for _ in range(jobs - 1)]
            done = _lint_taken(context)  # this process takes chunks too
            for future in futures:
                done.update(future.result())
        return [r for i in range(len(chunks)) for r in done[i]]
    finally:
        _worker_linter, _worker_chunks, _taken = None, None, None
