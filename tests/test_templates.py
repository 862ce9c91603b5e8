"""Templates and merge fields: masking, personalisation, --templates, --require-field,
collections reported per template, and the shipped examples."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli

from followup_lint.engine import Linter
from followup_lint.readers import placeholders, read
from followup_lint.runner import run


@pytest.fixture(scope="module")
def lint(builtin_rules):
    """lint(path, text) -> all findings, with the real spaCy pipeline."""
    linter = Linter(builtin_rules)

    def go(path: str, text: str, context: str | None = "sales"):
        return [f for r in linter.lint([(path, text)], context) for f in r.findings]

    return go


def rules(findings):
    return {f.rule for f in findings}


@pytest.mark.parametrize(("written", "field"), [
    ("{{first_name}}", "firstname"),
    ('{{ company | default("your team") }}', "company"),
    ("{{contact.first_name}}", "firstname"),
    ("{first_name}", "firstname"),
    ("[First Name]", "firstname"),
    ("<Company>", "company"),
    ("%FIRSTNAME%", "firstname"),
    ("*|FNAME|*", "firstname"),
])
def test_every_placeholder_syntax_is_found_and_named(written, field):
    text = f"Hi {written}, thanks."
    found = placeholders.find(text)
    assert [(p.start, p.end, p.field) for p in found] == [(3, 3 + len(written), field)]


@pytest.mark.parametrize("text", [
    "See [the deck](https://x.example) and [PDF, 2 pages].",
    "Line one<br>line two <p>para</p>",
    "The {draft} label",  # a brace word is a field only in a template, never masked in drafts
])
def test_look_alikes_that_are_not_fields(text):
    fields = [p.field for p in placeholders.find(text)]
    assert "br" not in fields and "p" not in fields and "pdf2pages" not in fields
    assert all(f != "thedeck" for f in fields)


def test_masks_keep_length_and_read_as_names():
    text = 'Dear {{first_name}}, welcome to {{ company | default("your team") }}. {% if x %}'
    masked, fields, name = placeholders.mask(text)
    assert len(masked) == len(text)
    assert fields == ("firstname", "company")
    assert name and masked.startswith(f"Dear {name},") and name[0].isupper()
    assert "{" not in masked and "%" not in masked


def test_a_template_masks_fields_and_keeps_them_for_the_reader():
    text = "---\ntemplate: true\n---\nHi {{first_name}},\n\nSee you at {{company}}."
    draft = read("t.md", text)[0]
    assert draft.is_template and draft.fields == ("firstname", "company")
    assert "{{" not in draft.text and len(draft.text) == len(draft.source)
    assert draft.meta["recipient"] == draft.text[draft.text.index("Hi ") + 3 :].split(",")[0]


def test_placeholder_is_an_error_in_a_draft_but_expected_in_a_template(lint):
    body = "Hi {{first_name}},\n\nThanks for the demo of the Okta integration at {{company}}."
    draft = lint("draft.md", body)
    assert [f.text for f in draft if f.rule == "generic.placeholder"] == [
        "{{first_name}}", "{{company}}"]
    template = lint("tpl.md", "---\ntemplate: true\n---\n" + body)
    assert not rules(template) & {"generic.placeholder", "generic.no-name",
                                  "generic.template-no-fields"}


def test_a_name_field_counts_as_naming_the_recipient(lint):
    text = "---\ntemplate: true\n---\n{{first_name}}, thanks for the Okta demo on Tuesday."
    assert "generic.no-name" not in rules(lint("t.md", text))
    assert "generic.no-name" in rules(lint("t.md", text.replace("{{first_name}}", "Friend")))


def test_a_template_without_personal_fields_is_generic(lint):
    text = ("---\ntemplate: true\n---\nHi there,\n\nThanks for the Okta demo on Tuesday.\n\n"
            "Best,\n{{sender_name}}")
    findings = [f for f in lint("t.md", text) if f.rule == "generic.template-no-fields"]
    assert [(f.span.line, f.span.column) for f in findings] == [(4, 1)]
    assert "sendername" in findings[0].message


def test_templates_glob_marks_files_as_templates(tmp_path, builtin_rules):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "welcome.md").write_text("Hi {{first_name}},\n\nThanks for the Okta demo.\n")
    (tmp_path / "draft.md").write_text("Hi {{first_name}},\n\nThanks for the Okta demo.\n")
    report = run([str(tmp_path)], Linter(builtin_rules), context="sales",
                 templates=["templates/*.md"])
    by_file = {r.path.rsplit("/", 1)[-1]: rules(r.findings) for r in report.files}
    assert "generic.placeholder" in by_file["draft.md"]
    assert "generic.placeholder" not in by_file["welcome.md"]


def test_require_field_demands_the_field_in_every_template(builtin_rules, tmp_path):
    path = tmp_path / "outreach.yaml"
    path.write_text("- name: has\n  body: |\n    Hi {{first_name}}, thanks.\n"
                    "- name: lacks\n  body: |\n    Hi {{company}} team, thanks.\n")
    report = run([str(path)], Linter(builtin_rules), require_fields=["first_name"])
    missing = [(f.template, f.span.line) for f in report.findings
               if f.rule == "input.required-field"]
    assert missing == [("lacks", 6)]


def test_a_collection_gives_one_report_per_template_naming_it(builtin_rules):
    path = ROOT / "examples" / "templates" / "outreach.yaml"
    report = run([str(path)], Linter(builtin_rules))
    names = [r.template for r in report.files]
    assert len(names) >= 15 and len(set(names)) == len(names)
    assert all(f.template == r.template for r in report.files for f in r.findings)
    by_name = {r.template: rules(r.findings) for r in report.files}
    assert "generic.stock-subject" in by_name["quick-question"]
    assert "structure.subject-caps" in by_name["final-notice"]
    assert "structure.subject-reply-prefix" in by_name["fake-reply"]
    assert "structure.subject-length" in by_name["long-subject"]
    assert "generic.template-no-fields" in by_name["generic-blast"]
    for clean in ("demo-recap", "pricing-after-call", "webinar-thanks", "conference-coffee"):
        assert not by_name[clean], (clean, by_name[clean])
    assert not any("generic.placeholder" in r for r in by_name.values())


def test_check_examples_lints_every_format_and_names_templates():
    result = run_cli("check", "examples/", "--format", "json")
    assert result.returncode == 1, result.stderr
    files = json.loads(result.stdout)["files"]
    paths = {f["path"] for f in files}
    assert {"examples/reply-with-thread.eml", "examples/newsletter-followup.html",
            "examples/templates/outreach.yaml"} <= paths
    assert sum(f["path"].endswith("outreach.yaml") for f in files) >= 15
    eml = next(f for f in files if f["path"].endswith(".eml"))
    points = [x for x in eml["findings"] if x["rule"] == "reference.missing-points"]
    assert points and "Snowflake" in points[0]["message"]
    assert eml["metrics"]["days_since_contact"] == 1  # Date header minus the quoted date
    quoted = [x for x in eml["findings"] if "Frankfurt" in x["text"] or "wrote" in x["text"]]
    assert not quoted
    template = next(x for f in files for x in f["findings"] if x.get("template"))
    assert template["template"]


def test_cli_templates_and_require_field_flags(tmp_path):
    (tmp_path / "welcome.md").write_text("Hi {{company}} team,\n\nThanks for the Okta demo.\n")
    result = run_cli("check", str(tmp_path / "welcome.md"), "--templates", "*.md",
                     "--require-field", "first_name", "--context", "sales")
    assert result.returncode == 1
    assert "input.required-field" in result.stdout and "generic.placeholder" not in result.stdout


def test_text_output_names_the_template(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("- name: nudge\n  subject: Checking in\n  body: |\n"
                    "    Hi {{first_name}},\n\n    Just checking in on the pilot.\n")
    result = run_cli("check", str(path), "--context", "sales")
    header = [line for line in result.stdout.splitlines() if "[generic.stock-subject]" in line]
    assert header and header[0].startswith(f"{path}:2:12: ")
    assert "(template nudge)" in result.stdout


def test_a_file_that_says_it_is_a_template_is_one_even_when_addressed(lint):
    head = "---\nrecipient: Volunteer list\ndate: 2025-09-29\n---\n"
    body = "Hi {{first_name}},\n\nYou're down for {{shift_day}} at the church hall."
    said = lint("tpl.md", head + "TEMPLATE - for the mail-merge tool. Do not send as is.\n\n"
                + body)
    assert "generic.placeholder" not in rules(said)
    # addressed and silent about it: a draft with its fields left in (blind8 k72)
    assert "generic.placeholder" in rules(lint("d.md", head + body))
    # "template" in a sentence is no declaration
    about = lint("d.md", head + "The template for the drive is attached.\n\n" + body)
    assert "generic.placeholder" in rules(about)
