"""Every built-in rule's good and bad examples, run as tests through the real pipeline."""

from __future__ import annotations

import pytest

from followup_lint import load_rules
from followup_lint.engine import Linter
from followup_lint.selftest import check_example, example_context, example_ids

CASES = [(rule, example_id, example) for rule in load_rules()
         for example_id, example in example_ids(rule)]
_LINTERS: dict[str, Linter] = {}


@pytest.mark.parametrize(("rule", "example_id", "example"), CASES,
                         ids=[case[1] for case in CASES])
def test_example(rule, example_id, example):
    linter = _LINTERS.setdefault(rule.id, Linter([rule]))
    report = linter.lint([("<example>", example.text)], example_context(rule, example))[0]
    reason = check_example(rule, example, report.findings)
    assert not reason, f"{example_id}: {reason}"
