"""The rule data itself: schema, ids, examples, near misses, no duplicate patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup_lint import InputError, load_rules
from followup_lint.rulebook import CATEGORIES, builtin_rules_dir, load_rule_file

RULES = load_rules()


def test_every_category_has_rules():
    assert {r.category for r in RULES} == set(CATEGORIES)


def test_ids_unique_and_match_file_names():
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        path = Path(rule.path)
        assert rule.id == f"{path.parent.name}.{path.stem}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_good_and_bad_examples_and_a_near_miss(rule):
    good = [e for e in rule.examples if e.good]
    bad = [e for e in rule.examples if not e.good]
    assert good and bad
    # a near miss: a good example that shares at least one word with the rule's patterns or
    # bad examples, so the rule is shown not to fire on look-alikes
    bad_words = {w.lower().strip(".,!?") for e in bad for w in e.text.split()}
    assert any(bad_words & {w.lower().strip(".,!?") for w in e.text.split()} for e in good)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_explanation(rule):
    assert len(rule.description.split()) >= 15
    assert rule.suggest


def _write(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "pushy"
    folder.mkdir(exist_ok=True)
    path = folder / "bad-rule.yaml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """name: bad-rule
severity: warning
kind: phrase
patterns: [right now]
message: m
description: d
examples: {good: ["fine"], bad: ["right now"]}
"""


@pytest.mark.parametrize(("change", "expected"), [
    (("kind: phrase", "kind: sparkle"), "unknown kind 'sparkle'"),
    (("patterns: [right now]", "patterns: [right now]\ncolour: red"), "unknown key(s) colour"),
    (("severity: warning", "severity: loud"), "unknown severity 'loud'"),
    (("message: m\n", ""), "missing required field 'message'"),
    (("examples: {good: [\"fine\"], bad: [\"right now\"]}", "examples: {good: [\"fine\"]}"),
     "examples.bad must be a non-empty list"),
    (("name: bad-rule", "name: other"), "must match the file name"),
    (("kind: phrase\npatterns: [right now]", "kind: regex\npattern: '(unclosed'"),
     "invalid regular expression"),
    (("patterns: [right now]", "patterns: [right now\n"), "invalid YAML"),
])
def test_broken_rule_files_name_file_rule_and_problem(tmp_path, change, expected):
    path = _write(tmp_path, BASE.replace(*change))
    with pytest.raises(InputError) as info:
        load_rule_file(path, tmp_path)
    message = str(info.value)
    assert str(path) in message and "bad-rule" in message and expected in message
    assert "\n" not in message


def test_yes_and_no_stay_words_in_rule_files(tmp_path):
    path = _write(tmp_path, BASE.replace("patterns: [right now]", "patterns: [no, on, yes]"))
    rule = load_rule_file(path, tmp_path)
    assert rule.params["patterns"] == ["no", "on", "yes"]


def test_builtin_rules_dir_exists():
    assert any(builtin_rules_dir().rglob("*.yaml"))
