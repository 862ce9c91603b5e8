"""Human output: path:line:col: severity [rule] message, the line with the match marked."""

from __future__ import annotations

import re
from collections import Counter

from ..model import FileReport, Finding, Report, Severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
# What a terminal would act on rather than show: C0 controls but tab (ESC starts CSI and OSC
# sequences: colours, the window title, hyperlinks, clipboard writes), DEL, C1 controls (\x9b
# is a one-byte CSI, \x9d an OSC), bidirectional overrides and isolates (which reorder what
# is shown), line and paragraph separators, and lone surrogates (undecodable bytes).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                      "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_SHORT = {"\n": "\\n", "\r": "\\r"}


def _escape_one(match: re.Match[str]) -> str:
    if match.group(0) in _SHORT:
        return _SHORT[match.group(0)]
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """Text safe to print on a terminal: every control character shown as its escape
    (ESC as \\x1b, U+202E as \\u202e), so no sequence in a draft or a file name acts."""
    return _CONTROL.sub(_escape_one, text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _excerpt(f: Finding, source_lines: list[str] | None, color: bool) -> list[str]:
    if not source_lines or f.span.line > len(source_lines):
        return []
    line = source_lines[f.span.line - 1].rstrip("\r\n")
    width = len(str(f.span.line))
    end = f.span.end_column if f.span.end_line == f.span.line else len(line) + 1
    before = escape(line[: f.span.column - 1])  # escapes are wider: the marks follow them
    marks = "^" * max(1, len(escape(line[f.span.column - 1 : end - 1])))
    return [
        f"  {f.span.line} | {escape(line)}",
        f"  {' ' * width} | {' ' * len(before)}{_paint(marks, '1;31', color)}",
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
    return escape(f"{r.path}{name}: " + " · ".join(parts)) + _legend(r)


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
            where = f" (template {escape(f.template)})" if f.template else ""
            out.append(f"{escape(f.path)}:{f.span.line}:{f.span.column}: {sev} "
                       f"[{escape(f.rule)}] {escape(f.message)}{where}")
            out += _excerpt(f, source_lines, color)
            if f.suggestion:
                out.append(f"  = suggestion: {escape(f.suggestion)}")
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
