"""Output formats: each module has `render(report, **options) -> str`, registered here."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from . import json_format, text

Formatter = Callable[..., str]
FORMATTERS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
}


def render(name: str, report: Report, **options: object) -> str:
    """Render a report in the named format."""
    return FORMATTERS[name](report, **options)
