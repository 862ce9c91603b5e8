"""JSON: stable keys and order, no timestamps."""

from __future__ import annotations

import json
from typing import Any

from ..model import FileReport, Finding, Report


def finding_dict(f: Finding) -> dict[str, Any]:
    """One finding as plain data ("template" only for a template in a collection file)."""
    data = {
        "rule": f.rule, "category": f.category, "severity": f.severity.label,
        "message": f.message, "line": f.span.line, "column": f.span.column,
        "end_line": f.span.end_line, "end_column": f.span.end_column, "text": f.text,
        "suggestion": f.suggestion,
    }
    return data | ({"template": f.template} if f.template else {})


def file_dict(r: FileReport) -> dict[str, Any]:
    """One file's report as plain data ("template" only for a template in a collection)."""
    data = {
        "path": r.path, "context": r.context, "context_inferred": r.context_inferred,
        "metrics": dict(r.metrics), "findings": [finding_dict(f) for f in r.findings],
    }
    return data | ({"template": r.template} if r.template else {})


def render(report: Report, **_: object) -> str:
    """The documented JSON document."""
    data = {"files": [file_dict(r) for r in report.files]}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
