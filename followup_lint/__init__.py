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

    chosen = tuple(rules) if rules is not None else None
    # A Rule holds dicts and cannot be hashed: key on the rules' identity. The Linter kept
    # here holds them, so no id is reused while its entry lives; the built-in rules are
    # loaded once. A few entries at most, so a caller passing new rules each time cannot
    # grow this without bound.
    key = (None if chosen is None else tuple(map(id, chosen)), model)
    if key not in _LINTERS:
        if len(_LINTERS) >= 8:
            _LINTERS.clear()
        _LINTERS[key] = Linter(chosen if chosen is not None else load_rules(), model)
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
