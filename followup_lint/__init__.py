"""followup-lint: check follow-up emails before they go out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .model import FileReport, Finding, InputError, Report, Rule, Severity, Span
from .rulebook import load_rules

if TYPE_CHECKING:
    from .engine import Linter

__version__ = "0.1.0"
__all__ = ["FileReport", "Finding", "InputError", "Report", "Rule", "Severity", "Span",
           "lint_paths", "lint_text", "load_rules", "__version__"]

_LINTERS: dict[tuple[object, ...], Linter] = {}


def _linter(rules: Sequence[Rule] | None, model: str | None) -> Linter:
    from .engine import Linter

    rules = tuple(rules) if rules is not None else load_rules()
    key = (rules, model)
    if key not in _LINTERS:
        _LINTERS[key] = Linter(rules, model)
    return _LINTERS[key]


def lint_text(
    text: str,
    context: str | None = None,
    prior: Sequence[str] | str | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    model: str | None = None,
    path: str = "<text>",
) -> Report:
    """Lint one draft given as text. Never prints or exits; InputError for bad arguments."""
    from .document import require_text

    points = [prior] if isinstance(prior, str) else list(prior or [])
    reports = _linter(rules, model).lint([(path, require_text(text))], context, points)
    return Report(tuple(reports))


def lint_paths(
    paths: Sequence[str],
    context: str | None = None,
    prior: Sequence[str] | None = None,
    *,
    rules: Sequence[Rule] | None = None,
    model: str | None = None,
) -> Report:
    """Lint files and folders; unreadable files become `input.unreadable` findings."""
    from .runner import run

    return run(paths, _linter(rules, model), context=context, prior=prior or ())
