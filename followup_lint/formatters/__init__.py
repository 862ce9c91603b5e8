"""Output formats: each module has `render(report, **options) -> str`, registered here."""

from __future__ import annotations

import dataclasses
import os
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


def display_path(path: str) -> str:
    """A file name as reports show it: an undecodable byte (a lone surrogate, from a name that
    is not UTF-8) as its escape, caf\\xe9.txt, so every format stays valid UTF-8 and JSON."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def _displayable(report: Report) -> Report:
    files = []
    for file in report.files:
        if display_path(file.path) == file.path:
            files.append(file)
            continue
        shown = display_path(file.path)
        findings = tuple(dataclasses.replace(f, path=shown) for f in file.findings)
        files.append(dataclasses.replace(file, path=shown, findings=findings))
    return Report(tuple(files))


def render(name: str, report: Report, **options: object) -> str:
    """Render a report in the named format. SARIF percent-encodes a file name's own bytes in
    its URIs; the other formats show undecodable bytes escaped (display_path)."""
    if name != "sarif":
        report = _displayable(report)
    return FORMATTERS[name](report, **options)
