"""GitHub Actions workflow commands: one ::warning / ::error / ::notice annotation a finding."""

from __future__ import annotations

from ..model import Finding, Report, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message as the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """One workflow command. Columns are only given for a one-line span (GitHub's rule);
    endColumn is the last character's column, as GitHub's annotation ranges are inclusive."""
    props = [("file", f.path), ("line", str(f.span.line))]
    if f.span.end_line == f.span.line:
        props.append(("col", str(f.span.column)))
        props += [("endLine", str(f.span.end_line)),
                  ("endColumn", str(max(f.span.column, f.span.end_column - 1)))]
    else:
        props.append(("endLine", str(f.span.end_line)))
    props.append(("title", f.rule))
    where = f"(template {f.template}) " if f.template else ""
    message = where + f.message + (f"\nSuggestion: {f.suggestion}" if f.suggestion else "")
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[f.severity]} {joined}::{escape_data(message)}"


def render(report: Report, **_: object) -> str:
    """Every finding as an annotation, in sorted order."""
    return "".join(annotation(f) + "\n" for f in report.findings)
