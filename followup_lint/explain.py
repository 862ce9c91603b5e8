"""Render a rule's documentation from its file: the same text the tests run."""

from __future__ import annotations

from .model import Rule


def explain_rule(rule: Rule) -> str:
    """A rule's id, what it flags, why, what to do, where it applies, and its examples."""
    lines = [f"{rule.id} ({rule.severity.label}, kind {rule.kind})", "",
             f"Message: {rule.message}", "", rule.description.strip(), ""]
    if rule.suggest:
        lines += [f"What to do: {rule.suggest}", ""]
    lines.append(f"Reads: {', '.join(rule.scope)}")
    if rule.contexts_only:
        lines.append(f"Only in: {', '.join(rule.contexts_only)}")
    if rule.contexts_except:
        lines.append(f"Not in: {', '.join(rule.contexts_except)}")
    for good, title in ((False, "Flagged"), (True, "Fine")):
        examples = [e for e in rule.examples if e.good == good]
        lines += ["", f"{title}:"]
        for example in examples:
            context = f" [{example.context}]" if example.context else ""
            lines.append(f"  -{context} " + example.text.replace("\n", "\n    "))
    lines.append(f"\nDefined in {rule.path}")
    return "\n".join(lines)
