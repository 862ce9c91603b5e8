"""benchmarks/speed.py runs end to end on a tiny corpus (CI proves it works; no timing asserts)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

ROWS = ("(a) floor, 1 process", "(a) floor, 2 processes", "(a) floor, one draft",
        "(b) cold, --jobs 1",
        "(c) warm, --jobs 1", "(d) one draft, changed, no server",
        "(d) one draft, unchanged, no server", "(d) one draft, changed, server",
        "(d) one draft, unchanged, server",
        "(e) cold, --jobs 2", "(f) proselint", "--version",
        "results of cold, warm and --jobs 2 identical: yes",
        "results of one draft with and without the server identical: yes",
        "cold/floor, 1 process", "warm/proselint", "one draft, changed, server (s)",
        "peak MB with --jobs 2")


def test_tiny_benchmark_prints_every_row():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--tiny"],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ROWS:
        assert row in result.stdout, f"missing {row!r} in:\n{result.stdout}"


def test_generated_corpus_is_deterministic_and_in_range(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import speed
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    first = [p.read_text() for p in speed.generate(tmp_path / "a", 30, seed=3)]
    again = [p.read_text() for p in speed.generate(tmp_path / "b", 30, seed=3)]
    assert first == again
    assert len({text.split("context: ")[1].split("\n")[0] for text in first
                if "context: " in text}) == 7
    for text in first:
        body = text.split("---\n", 2)[2]
        assert text.startswith("---\n") and 40 <= len(body.split()) <= 290
