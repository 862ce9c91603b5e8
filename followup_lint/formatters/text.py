"""Human output: path:line:col: severity [rule] message, the line with the match marked."""

from __future__ import annotations

import re
from collections import Counter

from ..model import FileReport, Finding, Report, Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _excerpt(f: Finding, source_lines: list[str] | None, color: bool) -> list[str]:
    if not source_lines or f.span.line > len(source_lines):
        return []
    line = source_lines[f.span.line - 1].rstrip("\r\n")
    width = len(str(f.span.line))
    end = f.span.end_column if f.span.end_line == f.span.line else len(line) + 1
    marks = "^" * max(1, end - f.span.column)
    return [
        f"  {f.span.line} | {line}",
        f"  {' ' * width} | {' ' * (f.span.column - 1)}{_paint(marks, '1;31', color)}",
    ]


def _summary_line(r: FileReport) -> str:
    m = r.metrics
    if not m:
        return ""
    parts = [f"context {r.context}{' (inferred)' if r.context_inferred else ''}",
             f"{m.get('words', 0)} words", f"grade {m.get('reading_grade', 0)}"]
    for key in ("politeness", "formality", "pressure"):
        if key in m and m[key] is not None:
            parts.append(f"{key} {m[key]}")
    name = f"#{r.template}" if r.template else ""
    return f"{r.path}{name}: " + " · ".join(parts) + _legend(r)


def _legend(r: FileReport) -> str:
    """One line saying what the scores mean and what suits this situation."""
    from ..contexts import FORMALITY_SUITS

    m = r.metrics
    if m.get("politeness") is None and m.get("formality") is None:
        return ""
    low, high = FORMALITY_SUITS.get(r.context or "", (None, None))
    suits = (f"{low:g}+" if low is not None else f"up to {high:g}") if (
        low is not None or high is not None) else "any"
    return ("\n  = scores: politeness -1 (blunt) to 1 (courteous), 0 or more reads as polite; "
            f"formality 0 (chatty) to 100 (stiff), {suits} suits {r.context}; "
            "pressure = weight of pushy findings per 100 words, 0 is best")


def _hidden(report: Report) -> str:
    """'; 2 suppressed, 3 in the baseline' for findings kept out of the report, else ''."""
    suppressed = sum(r.metrics.get("suppressed", 0) or 0 for r in report.files)
    baselined = sum(r.metrics.get("baselined", 0) or 0 for r in report.files)
    parts = ([f"{suppressed} suppressed"] if suppressed else []) + (
        [f"{baselined} in the baseline"] if baselined else [])
    return "; " + ", ".join(parts) if parts else ""


def render(report: Report, *, color: bool = False, **_: object) -> str:
    """All findings, each with its line and suggestion, then per-file and overall summaries."""
    out: list[str] = []
    for r in report.files:
        source_lines = re.split(r"\r\n|\r|\n", r.source) if r.source else None
        for f in r.findings:
            sev = _paint(f.severity.label, _COLOURS[f.severity], color)
            where = f" (template {f.template})" if f.template else ""
            out.append(f"{f.path}:{f.span.line}:{f.span.column}: {sev} [{f.rule}] {f.message}"
                       f"{where}")
            out += _excerpt(f, source_lines, color)
            if f.suggestion:
                out.append(f"  = suggestion: {f.suggestion}")
        summary = _summary_line(r)
        if summary and r.findings:
            out.append(_paint(summary, "2", color))
            out.append("")
    counts = Counter(f.severity for f in report.findings)
    flagged = sum(1 for r in report.files if r.findings)
    total = sum(counts.values())
    if total:
        detail = ", ".join(f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}"
                           for s in sorted(counts, reverse=True))
        out.append(f"Found {total} problem{'s' if total != 1 else ''} ({detail}) in {flagged} of "
                   f"{len(report.files)} file{'s' if len(report.files) != 1 else ''}"
                   f"{_hidden(report)}.")
    else:
        out.append(f"All clean: {len(report.files)} file{'s' if len(report.files) != 1 else ''} "
                   f"checked, no problems{_hidden(report)}.")
    return "\n".join(out) + "\n"
