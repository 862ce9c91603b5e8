"""Paths -> Report: read sources, lint the readable ones, report the unreadable ones."""

from __future__ import annotations

from collections.abc import Sequence

from .engine import Linter
from .model import FileReport, Finding, InputError, Report, Severity, Span
from .sources import DEFAULT_MAX_BYTES, expand_paths, read_source


def unreadable(path: str, error: str) -> FileReport:
    """A report for a file that could not be read as text."""
    finding = Finding("input.unreadable", "input", Severity.ERROR, f"cannot lint: {error}", path,
                      Span(0, 0, 1, 1, 1, 1), "")
    return FileReport(path, None, False, {}, (finding,))


def run(
    paths: Sequence[str],
    linter: Linter,
    *,
    context: str | None = None,
    prior: Sequence[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:
    """Lint every file under the paths, in order."""
    files = expand_paths(paths)
    if not files:
        raise InputError("no .txt or .md drafts found in " + ", ".join(paths))
    sources = [read_source(p, max_bytes) for p in files]
    good = [(s.path, s.text) for s in sources if s.text is not None]
    linted = iter(linter.lint(good, context, prior)) if good else iter(())
    reports = [next(linted) if s.text is not None else unreadable(s.path, s.error or "unreadable")
               for s in sources]
    return Report(tuple(reports))
