"""Output formats: each module has `render(report, **options) -> str`, registered here."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from . import github, json_format, junit, sarif, text

Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}


def render(name: str, report: Report, **options: object) -> str:
    """Render a report in the named format."""
    return FORMATTERS[name](report, **options)
