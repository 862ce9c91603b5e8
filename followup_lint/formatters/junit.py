"""JUnit XML for CI test reports: one testsuite, one testcase per file (per template in a
collection, named path#template), a failure per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import FileReport, Finding, Report

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure(parent: ET.Element, f: Finding) -> None:
    where = f"{f.path}:{f.span.line}:{f.span.column}"
    failure = ET.SubElement(parent, "failure", {
        "type": f.rule, "message": _clean(f"{where}: {f.severity.label} [{f.rule}] {f.message}"),
    })
    lines = [f"{where}: {f.severity.label} [{f.rule}] {f.message}"]
    if f.text:
        lines.append(f"matched: {f.text}")
    if f.suggestion:
        lines.append(f"suggestion: {f.suggestion}")
    failure.text = _clean("\n".join(lines))


def _testcase(suite: ET.Element, file: FileReport) -> None:
    name = file.path + (f"#{file.template}" if file.template else "")
    case = ET.SubElement(suite, "testcase", {"classname": "followup-lint",
                                             "name": _clean(name), "file": _clean(file.path)})
    for f in file.findings:
        _failure(case, f)


def render(report: Report, **_: object) -> str:
    """The report as a JUnit XML document."""
    tests = str(len(report.files))
    failures = str(sum(1 for r in report.files if r.findings))
    counts = {"tests": tests, "failures": failures, "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "followup-lint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "followup-lint", **counts})
    for file in report.files:
        _testcase(suite, file)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
