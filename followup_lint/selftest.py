"""Run rule examples as tests: for pytest and `followup-lint rules test`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from . import contexts
from .document import parse_draft
from .engine import Linter
from .model import Example, Finding, Rule, Severity


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example."""

    id: str
    passed: bool
    reason: str = ""


def example_ids(rule: Rule) -> list[tuple[str, Example]]:
    """Stable ids like 'pushy.ultimatum-bad-0' for each example of a rule."""
    counters = {True: 0, False: 0}
    out = []
    for example in rule.examples:
        kind = "good" if example.good else "bad"
        out.append((f"{rule.id}-{kind}-{counters[example.good]}", example))
        counters[example.good] += 1
    return out


def example_context(rule: Rule, example: Example) -> str | None:
    """The situation to lint an example in: its own, its front matter's, or one the rule runs in."""
    if example.context:
        return example.context
    if parse_draft(example.text).context:
        return None
    allowed = [c for c in contexts.CONTEXTS if rule.applies_to(c)]
    return contexts.DEFAULT_CONTEXT if contexts.DEFAULT_CONTEXT in allowed else allowed[0]


def check_example(rule: Rule, example: Example, findings: Sequence[Finding]) -> str:
    """'' when the example behaves as declared, else why not.

    A bad example must give the rule's findings at the rule's severity; a good one must give
    none at it (an info suggestion from a warning rule that lacks its evidence is allowed).
    """
    own = [f for f in findings if f.rule == rule.id
           and f.severity >= min(rule.severity, Severity.WARNING)]
    if example.good:
        return "" if not own else "unexpected: " + "; ".join(
            f"{f.span.line}:{f.span.column} {f.text!r}" for f in own)
    if not own:
        return "expected a finding, got none"
    if not example.expect:
        return ""
    got = {(f.span.line, f.span.column, " ".join(f.text.split())) for f in own}
    for item in example.expect:
        want = [g for g in got if g[0] == item.get("line", g[0])
                and g[1] == item.get("column", g[1]) and g[2] == item.get("match", g[2])]
        if not want:
            return f"expected {dict(item)}, got {sorted(got)}"
    if len(own) != len(example.expect):
        return f"expected {len(example.expect)} finding(s), got {sorted(got)}"
    return ""


def run_examples(rules: Sequence[Rule], model: str | None = None) -> Iterator[ExampleResult]:
    """Lint each rule's examples with that rule alone and compare with what they declare."""
    for rule in rules:
        linter = Linter([rule], model)
        for example_id, example in example_ids(rule):
            context = example_context(rule, example)
            report = linter.lint([("<example>", example.text)], context)[0]
            reason = check_example(rule, example, report.findings)
            yield ExampleResult(example_id, not reason, reason)
