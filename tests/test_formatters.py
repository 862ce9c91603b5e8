"""Every output format against golden files; SARIF against the official 2.1.0 schema.

The report is built by hand (no spaCy), so a golden file changes only when a formatter does.
Regenerate after an intended change with: UPDATE_GOLDEN=1 python -m pytest tests/test_formatters.py
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from followup_lint.formatters import FORMATTERS, render
from followup_lint.formatters.github import escape_data, escape_property
from followup_lint.formatters.sarif import artifact_uri
from followup_lint.model import FileReport, Finding, Report, Rule, Severity, Span

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

SOURCE_A = ("---\ncontext: sales\n---\nHi Dana,\n\nJust checking in, 50% off: I need an answer "
            "by Friday!!\n\nCafé ☕ talk soon\n")
SOURCE_B = "Hi Sam,\n\nThanks for the review on Tuesday.\n"
SOURCE_C = ("templates:\n  - name: demo-recap\n    body: |\n      Hi {{first_name}},\n\n"
            "      I need an answer by Friday.\n")


def _rule(rule_id: str, severity: Severity, message: str, suggest: str | None) -> Rule:
    category, name = rule_id.split(".")
    return Rule(id=rule_id, name=name, category=category, severity=severity, kind="phrase",
                message=message, description=f"Why {name} matters.\nSecond line.",
                path=f"rules/{category}/{name}.yaml", params={}, suggest=suggest)


RULES = (
    _rule("generic.stock-opener", Severity.WARNING, '"{match}" says nothing.', "Lead with news."),
    _rule("pushy.ultimatum", Severity.ERROR, '"{match}" sets an ultimatum.', None),
    _rule("tone.emoji", Severity.INFO, "Emoji {match} in a formal email.", "Drop it."),
)


def _finding(rule: Rule, path: str, source: str, start: int, end: int, message: str,
             suggestion: str | None = None) -> Finding:
    before = source[:start]
    line = before.count("\n") + 1
    column = start - (before.rfind("\n") + 1) + 1
    end_before = source[:end]
    end_line = end_before.count("\n") + 1
    end_column = end - (end_before.rfind("\n") + 1) + 1
    return Finding(rule.id, rule.category, rule.severity, message, path,
                   Span(start, end, line, column, end_line, end_column), source[start:end],
                   suggestion)


def sample_report() -> Report:
    """Three files: findings with awkward characters, a clean file, an unreadable file."""
    a = "templates/sales, Q3/a.md"
    opener = SOURCE_A.index("Just checking in")
    ultimatum = SOURCE_A.index("I need an answer by Friday")
    emoji = SOURCE_A.index("☕")
    ultimatum_c = SOURCE_C.index("I need")
    findings = (
        _finding(RULES[0], a, SOURCE_A, opener, opener + 16,
                 '"Just checking in" says nothing: 50% of readers skip it,\nreally.',
                 "Lead with news."),
        _finding(RULES[1], a, SOURCE_A, ultimatum, ultimatum + 26,
                 '"I need an answer by Friday" sets an ultimatum.'),
        _finding(RULES[2], a, SOURCE_A, emoji, emoji + 1, "Emoji ☕ in a formal email\x07.",
                 "Drop it."),
    )
    metrics = {"words": 14, "reading_grade": 3.1, "pressure": 20.0, "suppressed": 1}
    return Report((
        FileReport(a, "sales", False, metrics, findings, SOURCE_A),
        FileReport("templates/b.md", "colleague", True,
                   {"words": 7, "reading_grade": 2.0, "pressure": 0.0, "suppressed": 0}, (),
                   SOURCE_B),
        FileReport("templates/c.txt", None, False, {}, (Finding(
            "input.unreadable", "input", Severity.ERROR, "cannot lint: binary file",
            "templates/c.txt", Span(0, 0, 1, 1, 1, 1), ""),)),
        FileReport("templates/outreach.yaml", "sales", False,
                   {"words": 5, "reading_grade": 1.0, "pressure": 40.0, "suppressed": 0},
                   (replace(_finding(RULES[1], "templates/outreach.yaml", SOURCE_C, ultimatum_c,
                                     ultimatum_c + 26, '"I need an answer by Friday" sets an '
                                     "ultimatum."), template="demo-recap"),),
                   SOURCE_C, template="demo-recap"),
    ))


GOLDEN_FILES = {"text": "report.txt", "json": "report.json", "sarif": "report.sarif",
                "github": "report.github.txt", "junit": "report.junit.xml"}


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_golden(fmt):
    out = render(fmt, sample_report(), rules=RULES, information_uri="https://example.org/fl",
                 color=False)
    golden = GOLDEN / GOLDEN_FILES[fmt]
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8", newline="")
    assert out == golden.read_text(encoding="utf-8"), f"{fmt} output differs from {golden}"


def test_every_registered_format_has_a_golden_file():
    assert set(FORMATTERS) == set(GOLDEN_FILES)


def test_sarif_is_schema_valid_with_rules_and_regions():
    data = json.loads(render("sarif", sample_report(), rules=RULES))
    jsonschema.Draft4Validator(SCHEMA).validate(data)
    run = data["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and "input.unreadable" in ids and "pushy.ultimatum" in ids
    ultimatum = run["tool"]["driver"]["rules"][ids.index("pushy.ultimatum")]
    assert ultimatum["defaultConfiguration"]["level"] == "error"
    assert ultimatum["fullDescription"]["text"].startswith("Why ultimatum matters.")
    emoji = next(r for r in run["results"] if r["ruleId"] == "tone.emoji")
    region = emoji["locations"][0]["physicalLocation"]["region"]
    # ☕ is one code point after "Café " (é is one code point too): column 6, end 7.
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (8, 6, 7)
    assert region["snippet"]["text"] == "☕" and emoji["level"] == "note"
    uri = emoji["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "templates/sales%2C%20Q3/a.md"
    assert ids[emoji["ruleIndex"]] == "tone.emoji"


def test_sarif_uri_is_relative_with_forward_slashes(tmp_path):
    assert artifact_uri(str(tmp_path / "a b" / "x.md"), str(tmp_path)) == "a%20b/x.md"
    assert artifact_uri("dir\\x.md") == "dir/x.md"
    assert artifact_uri("/elsewhere/x.md", str(tmp_path)).startswith("file:///elsewhere/")


def test_github_escapes_data_and_properties():
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a,b: c%") == "a%2Cb%3A c%25"
    lines = render("github", sample_report()).splitlines()
    assert lines[0].startswith("::error file=templates/c.txt,line=1,col=1,")
    assert any(line.startswith("::warning file=templates/sales%2C Q3/a.md,line=6,col=1,"
                               "endLine=6,endColumn=16,title=generic.stock-opener::")
               for line in lines)
    assert any(line.startswith("::notice ") for line in lines)
    assert all("\n" not in line for line in lines)


def test_junit_one_testcase_per_file_one_failure_per_finding():
    root = ET.fromstring(render("junit", sample_report()).encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["templates/sales, Q3/a.md", "templates/b.md",
                                             "templates/c.txt",
                                             "templates/outreach.yaml#demo-recap"]
    assert [len(c.findall("failure")) for c in cases] == [3, 0, 1, 1]
    assert suites[0].get("tests") == "4" and suites[0].get("failures") == "3"
    assert "\ufffd" in cases[0].findall("failure")[2].get("message")  # BEL is not XML


def test_cli_sarif_to_output_file_is_schema_valid(tmp_path, monkeypatch):
    from followup_lint.cli import main

    draft = tmp_path / "bad draft.md"
    draft.write_text("---\ncontext: sales\n---\nHi Dana,\n\nJust checking in. I need an answer "
                     "by Friday!!\n", encoding="utf-8")
    out = tmp_path / "report.sarif"
    out.write_text("old", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "bad draft.md", "--format", "sarif",
                                       "--output", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(data)
    results = data["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"generic.stock-opener", "pushy.ultimatum"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               == "bad%20draft.md" for r in results)
    rules = {r["id"]: r for r in data["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["pushy.ultimatum"]["help"]["text"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []
