"""--jobs: lint drafts in worker processes, with the same results in the same order as one.

On Linux the workers are forked after the parent has loaded the model and compiled the rules,
so each worker starts with both in (copy-on-write shared) memory: nothing is imported, loaded
or compiled twice. Where fork is unsafe (macOS, Windows) they are spawned and each loads the
model once, in its initializer. benchmarks/speed.py measures both (`--start-method`).

Drafts go out in consecutive chunks and come back in submission order. spaCy's results do not
depend on how docs are batched, so a chunk parses exactly as it would in one process; the
benchmark and tests/test_parallel.py check that the output is byte-for-byte the same.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Linter
    from .model import Draft, FileReport

# Below this many drafts per worker, starting and feeding the worker costs more than it saves
# (measured with benchmarks/speed.py on a 2-core machine: about 0.3 s to fork, ~25 ms a draft).
MIN_DRAFTS_PER_JOB = 16
START_METHOD_VARIABLE = "FOLLOWUP_LINT_START_METHOD"
MAX_CHUNK = 64  # drafts per task: big enough for nlp.pipe batching, small enough to balance
_worker_linter: Linter | None = None  # this worker's Linter: inherited (fork) or built (spawn)


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


def choose_jobs(requested: int | None, drafts: int) -> int:
    """Worker processes to use: as asked, or (None) the CPUs when the drafts pay for them."""
    if requested is not None:
        return max(1, min(requested, drafts))
    return max(1, min(cpu_count(), drafts // MIN_DRAFTS_PER_JOB))


def _chunks(drafts: Sequence[Draft], jobs: int) -> list[Sequence[Draft]]:
    """Consecutive runs of drafts, about four per worker so that the work evens out."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(drafts) / (jobs * 4))))
    return [drafts[i : i + size] for i in range(0, len(drafts), size)]


def _init_worker(linter: Linter) -> None:
    """Spawned worker: keep the Linter and load its model now, once."""
    global _worker_linter
    _worker_linter = linter
    linter.compiled()


def _lint_chunk(drafts: Sequence[Draft], context: str | None) -> list[FileReport]:
    assert _worker_linter is not None, "worker started without a Linter"
    return _worker_linter.lint_drafts(drafts, context)


def lint(linter: Linter, drafts: Sequence[Draft], context: str | None = None,
         jobs: int | None = 1, start_method: str | None = None) -> list[FileReport]:
    """Lint drafts with up to `jobs` worker processes (None: choose); one report each, in order."""
    jobs = choose_jobs(jobs, len(drafts))
    if jobs <= 1:
        return linter.lint_drafts(drafts, context)
    global _worker_linter
    method = start_method or default_start_method()
    if method == "fork":
        linter.compiled()  # load and compile once, here; the workers inherit both
        _worker_linter, init, args = linter, None, ()
    else:
        init, args = _init_worker, (linter,)  # pickled without its matchers (__getstate__)
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=init, initargs=args,
                                 mp_context=multiprocessing.get_context(method)) as pool:
            chunks = _chunks(drafts, jobs)
            parts = pool.map(_lint_chunk, chunks, [context] * len(chunks))
            return [report for part in parts for report in part]
    finally:
        _worker_linter = None
