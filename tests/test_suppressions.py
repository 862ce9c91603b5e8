"""Each suppression form: disable/enable blocks, disable-next-line, front matter; counting,
unused suppressions and malformed ones."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from followup_lint.cli import main
from followup_lint.engine import Linter

HEAD = "---\ncontext: sales\n---\nHi Dana,\n\n"
OPENER = "Just checking in on the pricing again.\n"
ULTIMATUM = "I need an answer by Friday.\n"
BANG = "The Elk Grove slot is open!!\n"
TAIL = "\nBest,\nSam\n"


@pytest.fixture(scope="module")
def strict(builtin_rules):
    """A linter that also reports unused suppressions (shares the session's spaCy model)."""
    return Linter(builtin_rules, report_unused_suppressions=True)


def lint(linter, text):
    report = linter.lint([("d.md", text)])[0]
    return {f.rule for f in report.findings}, report


def test_without_suppressions_all_three_fire(linter):
    rules, report = lint(linter, HEAD + OPENER + ULTIMATUM + BANG + TAIL)
    assert {"generic.stock-opener", "pushy.ultimatum", "pushy.stacked-exclamations"} <= rules
    assert report.metrics["suppressed"] == 0


def test_disable_enable_block_by_rule_id(linter):
    text = (HEAD + OPENER + "<!-- followup-lint disable pushy.ultimatum -->\n" + ULTIMATUM
            + BANG + "<!-- followup-lint enable -->\nI need an answer by Monday.\n" + TAIL)
    rules, report = lint(linter, text)
    ultimatums = [f for f in report.findings if f.rule == "pushy.ultimatum"]
    assert [f.span.line for f in ultimatums] == [11]  # only the one after `enable`
    assert {"generic.stock-opener", "pushy.stacked-exclamations"} <= rules
    assert report.metrics["suppressed"] == 1


def test_disable_by_category_and_list(linter):
    text = (HEAD + "<!-- followup-lint disable pushy, generic.stock-opener -->\n" + OPENER
            + ULTIMATUM + BANG + TAIL)
    rules, report = lint(linter, text)
    assert not any(r.startswith("pushy.") for r in rules) and "generic.stock-opener" not in rules
    assert report.metrics["suppressed"] >= 3


def test_disable_without_names_is_everything_to_the_end(linter):
    text = HEAD + OPENER + "<!-- followup-lint disable -->\n" + ULTIMATUM + BANG + TAIL
    rules, _ = lint(linter, text)
    assert "generic.stock-opener" in rules
    assert "pushy.ultimatum" not in rules and "pushy.stacked-exclamations" not in rules


def test_enable_one_name_keeps_the_others_disabled(linter):
    text = (HEAD + "<!-- followup-lint disable pushy.ultimatum, pushy.stacked-exclamations -->\n"
            + OPENER + "<!-- followup-lint enable pushy.ultimatum -->\n" + ULTIMATUM + BANG
            + TAIL)
    rules, _ = lint(linter, text)
    assert "pushy.ultimatum" in rules and "pushy.stacked-exclamations" not in rules


def test_disable_next_line(linter):
    text = (HEAD + "<!-- followup-lint disable-next-line generic.stock-opener -- as agreed -->\n"
            + OPENER
            + "Just checking in about the install too.\n" + ULTIMATUM + TAIL)
    _, report = lint(linter, text)
    openers = [f.span.line for f in report.findings if f.rule == "generic.stock-opener"]
    assert openers == [8]  # line 7 is suppressed, line 8 is not
    assert any(f.rule == "pushy.ultimatum" for f in report.findings)


def test_front_matter_ignore(linter):
    text = ("---\ncontext: sales\nfollowup-lint: {ignore: [pushy, structure]}\n---\nHi Dana,\n\n"
            + OPENER + ULTIMATUM + BANG + TAIL)
    rules, report = lint(linter, text)
    assert not any(r.startswith(("pushy.", "structure.")) for r in rules)
    assert "generic.stock-opener" in rules and report.metrics["suppressed"] >= 2
    assert not any(r.startswith("input.") for r in rules)


def test_unused_suppressions_reported_only_when_asked(linter, strict):
    text = (HEAD + "<!-- followup-lint disable-next-line tone.emoji -->\n" + OPENER
            + "<!-- followup-lint disable pushy.ultimatum -->\n" + ULTIMATUM + TAIL)
    rules, _ = lint(linter, text)
    assert "input.unused-suppression" not in rules
    _, report = lint(strict, text)
    unused = [f for f in report.findings if f.rule == "input.unused-suppression"]
    assert [(f.span.line, f.severity.label) for f in unused] == [(6, "warning")]
    assert "tone.emoji" in unused[0].message


def test_unused_front_matter_suppression(strict):
    text = ("---\ncontext: sales\nfollowup-lint:\n  ignore: [tone.slang]\n---\nHi Dana,\n\n"
            + OPENER + TAIL)
    _, report = lint(strict, text)
    unused = [f for f in report.findings if f.rule == "input.unused-suppression"]
    assert [f.span.line for f in unused] == [3]


@pytest.mark.parametrize("text", [
    HEAD + "<!-- followup-lint disable Pushy!! -->\n" + ULTIMATUM + TAIL,
    "---\nfollowup-lint: {ignore: 3}\n---\nHi Dana,\n\n" + ULTIMATUM + TAIL,
    "---\nfollowup-lint: {skip: [pushy]}\n---\nHi Dana,\n\n" + ULTIMATUM + TAIL,
])
def test_malformed_suppression_is_a_warning_and_suppresses_nothing(linter, text):
    rules, _ = lint(linter, text)
    assert "input.bad-suppression" in rules and "pushy.ultimatum" in rules


def test_cli_counts_suppressed_and_flags_unused(tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text(HEAD + "<!-- followup-lint disable pushy.ultimatum -->\n" + ULTIMATUM
                     + "<!-- followup-lint disable-next-line tone.emoji -->\nSee you then.\n"
                     + TAIL, encoding="utf-8")
    runner = CliRunner()
    plain = runner.invoke(main, ["check", str(draft), "--select", "pushy,tone"])
    assert plain.exit_code == 0, plain.output
    assert "no problems; 1 suppressed." in plain.stdout
    strict = runner.invoke(main, ["check", str(draft), "--select", "pushy,tone",
                                  "--report-unused-suppressions"])
    assert strict.exit_code == 1 and "[input.unused-suppression]" in strict.stdout
    assert f"{draft}:8:1:" in strict.stdout


def test_collection_template_ignore_field(tmp_path):
    import json

    collection = tmp_path / "outreach.yaml"
    body = "    body: |\n      Hi {{first_name}},\n\n      I need an answer by Friday!!\n"
    collection.write_text("templates:\n  - name: quiet\n    context: sales\n"
                          "    ignore: [pushy]\n" + body + "  - name: loud\n    context: sales\n"
                          + body, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(collection), "--format", "json",
                                       "--select", "pushy"])
    files = json.loads(result.stdout)["files"]
    assert len(files) == 2, result.output
    quiet, loud = ([f["rule"] for f in file["findings"]] for file in files)
    assert quiet == [] and files[0]["metrics"]["suppressed"] >= 2
    assert "pushy.ultimatum" in loud
