"""SARIF 2.1.0 for code-scanning tools: rule metadata, levels, locations in code points."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import Finding, Report, Rule, Severity

SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json")
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "followupLint/v1"


def artifact_uri(path: str, root: str | None = None) -> str:
    """A relative URI with forward slashes; a file:// URI only for a file outside `root`."""
    if path == "-":
        return "stdin"
    native = Path(path)
    if native.is_absolute():
        base = Path(root or os.getcwd())
        try:
            native = native.relative_to(base)
        except ValueError:
            try:
                return native.as_uri()
            except UnicodeEncodeError:  # a name that is not UTF-8: its own bytes
                return "file://" + quote(os.fsencode(native.as_posix()), safe="/")
    # the name's own bytes, percent-encoded: a name that is not UTF-8 has no text form
    return quote(os.fsencode(native.as_posix().replace("\\", "/")), safe="/")


def _rule_dict(rule: Rule) -> dict[str, Any]:
    help_text = rule.description + (f"\n\nWhat to do: {rule.suggest}" if rule.suggest else "")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.description},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }


def _input_rule(rule_id: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": rule_id.split(".", 1)[-1],
        "shortDescription": {"text": "A problem with the input itself, not with its wording."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"category": "input", "tags": ["input"]},
    }


def _result(f: Finding, index: int, root: str | None, fingerprint: str) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": f.span.line, "startColumn": f.span.column,
        "endLine": f.span.end_line, "endColumn": f.span.end_column,
    }
    if f.text:
        region["snippet"] = {"text": f.text}
    text = f.message + (f"\nSuggestion: {f.suggestion}" if f.suggestion else "")
    extra = {"properties": {"template": f.template}} if f.template else {}
    return {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(f.path, root)},
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        **extra,
    }


def render(report: Report, *, rules: Sequence[Rule] = (), root: str | None = None,
           information_uri: str | None = None, **_: object) -> str:
    """One SARIF run; `rules` (the loaded rules) supplies the rule metadata."""
    from .. import __version__
    from ..baseline import fingerprint

    metadata = {r.id: _rule_dict(r) for r in rules}
    for f in report.findings:
        metadata.setdefault(f.rule, _input_rule(f.rule))
    order = sorted(metadata)
    index = {rule_id: i for i, rule_id in enumerate(order)}
    results = [_result(f, index[f.rule], root, fingerprint(f, file.source))
               for file in report.files for f in sorted(file.findings, key=Finding.sort_key)]
    driver: dict[str, Any] = {"name": "followup-lint", "version": __version__,
                              "semanticVersion": __version__}
    if information_uri:
        driver["informationUri"] = information_uri
    driver["rules"] = [metadata[rule_id] for rule_id in order]
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    data = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
