"""--jobs N: the same reports, in the same order, as one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from followup_lint import parallel
from followup_lint.runner import run

CORPUS = sorted((ROOT / "tests" / "corpus").glob("*.md"))[:24] + sorted(
    (ROOT / "examples").glob("*.md"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drafts")
    for path in CORPUS:
        shutil.copy(path, out / path.name)
    return out


def test_jobs_two_gives_the_same_report_as_one(folder, linter):
    one = run([str(folder)], linter, jobs=1)
    two = run([str(folder)], linter, jobs=2)
    assert two == one
    assert [r.source for r in two.files] == [r.source for r in one.files]
    assert [r.path for r in two.files] == sorted(str(folder / p.name) for p in CORPUS)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_cli_output_is_byte_for_byte_the_same(folder, method):
    args = ["check", str(folder), "--format", "json", "--no-cache"]
    one = run_cli(*args, "--jobs", "1")
    two = run_cli(*args, "--jobs", "2", env={parallel.START_METHOD_VARIABLE: method})
    assert one.returncode == two.returncode == 1, two.stderr
    assert two.stdout == one.stdout


def test_choose_jobs(monkeypatch):
    monkeypatch.setattr(parallel, "cpu_count", lambda: 4)
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    assert parallel.choose_jobs(None, 1) == 1
    assert parallel.choose_jobs(None, parallel.MIN_DRAFTS_PER_JOB * 2) == 2
    assert parallel.choose_jobs(None, 10_000) == 4
    assert parallel.choose_jobs(3, 10_000) == 3
    assert parallel.choose_jobs(8, 2) == 2  # never more processes than drafts
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (2.6, 0.0, 0.0))
    assert parallel.choose_jobs(None, 10_000) == 1  # the other CPUs are busy
    assert parallel.choose_jobs(4, 10_000) == 4  # asked for: as asked
    monkeypatch.setattr(parallel.os, "getloadavg", lambda: (9.0, 0.0, 0.0))
    assert parallel.choose_jobs(None, 10_000) == 1


def test_chunks_keep_order_and_cover_everything():
    items = list(range(203))
    chunks = parallel._chunks(items, 2)  # type: ignore[arg-type]
    assert [x for chunk in chunks for x in chunk] == items
    assert max(len(c) for c in chunks) <= parallel.MAX_CHUNK
    assert len(chunks) >= 8
