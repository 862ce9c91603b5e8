"""Measure rules against hand-labelled drafts: per-category precision, recall and F1."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .engine import Linter
from .model import FileReport, InputError, Report, Severity
from .rulebook import CATEGORIES
from .runner import run


@dataclass
class CategoryScore:
    """Counts for one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """The result of `followup-lint eval`.

    Per category; then over the whole set ("email level": one (email, category) pair is one
    decision); the share of emails carrying a category their label does not have; and per
    rule, how often a draft it fired on (at warning or above) carries its category.
    """

    scores: dict[str, CategoryScore]
    clean_total: int = 0
    clean_flagged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    emails: int = 0
    emails_with_false_alarm: int = 0
    rules: dict[str, CategoryScore] = field(default_factory=dict)

    @property
    def clean_flag_rate(self) -> float:
        return self.clean_flagged / self.clean_total if self.clean_total else 0.0

    @property
    def overall(self) -> CategoryScore:
        """All categories pooled: email-level precision and recall."""
        return CategoryScore(sum(s.tp for s in self.scores.values()),
                             sum(s.fp for s in self.scores.values()),
                             sum(s.fn for s in self.scores.values()))

    @property
    def false_alarm_rate(self) -> float:
        return self.emails_with_false_alarm / self.emails if self.emails else 0.0


@dataclass(frozen=True)
class Label:
    """One draft's label: the categories an editor would flag, and the borderline ones."""

    labels: tuple[str, ...]
    either: tuple[str, ...] = ()


def load_labels(directory: Path) -> dict[str, list[str]]:
    """labels.yaml (and any labels-*.yaml) -> file name -> categories; InputError if malformed."""
    return {name: list(label.labels) for name, label in load_label_sets(directory).items()}


def load_label_sets(directory: Path) -> dict[str, Label]:
    """labels.yaml (and any labels-*.yaml) -> file name -> Label; InputError if malformed."""
    files = sorted(directory.glob("labels*.yaml"))
    if not files:
        raise InputError(f"{directory}: no labels.yaml")
    labels: dict[str, Label] = {}
    for path in files:
        from . import safeyaml
        from .safeio import read_text

        text = read_text(path, 16 * 1024 * 1024, f"{path}: cannot read")
        try:
            data = safeyaml.load(text) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: must map file names to {{labels: [...]}}")
        for name, entry in data.items():
            cats = entry.get("labels") if isinstance(entry, dict) else None
            either = entry.get("either", []) if isinstance(entry, dict) else None
            for key, value in (("labels", cats), ("either", either)):
                if not isinstance(value, list) or any(c not in CATEGORIES for c in value):
                    raise InputError(f"{path}: {name}: {key} must be a list drawn from "
                                     f"{', '.join(CATEGORIES)}")
            if not (directory / name).is_file():
                raise InputError(f"{path}: {name}: no such draft in {directory}")
            assert isinstance(cats, list) and isinstance(either, list)  # checked above
            labels[str(name)] = Label(tuple(cats), tuple(c for c in either if c not in cats))
    return labels


def flagged(report: FileReport) -> dict[str, list[str]]:
    """Category -> rules that fired at warning or above."""
    out: dict[str, list[str]] = {}
    for f in report.findings:
        if f.severity >= Severity.WARNING and f.category in CATEGORIES:
            out.setdefault(f.category, [])
            if f.rule not in out[f.category]:
                out[f.category].append(f.rule)
    return out


def score(labels: Mapping[str, Sequence[str] | Label], report: Report) -> Evaluation:
    """Compare findings with labels. A category under `either` counts neither way."""
    result = Evaluation({c: CategoryScore() for c in CATEGORIES})
    for file_report in report.files:
        name = Path(file_report.path).name
        label = labels[name]
        if not isinstance(label, Label):
            label = Label(tuple(label))
        expected = set(label.labels)
        got = {c: r for c, r in flagged(file_report).items() if c not in label.either}
        result.emails += 1
        result.emails_with_false_alarm += bool(set(got) - expected)
        for rules in got.values():
            for rule in rules:
                tally = result.rules.setdefault(rule, CategoryScore())
                if rule.split(".")[0] in expected:
                    tally.tp += 1
                else:
                    tally.fp += 1
        if not expected:
            result.clean_total += 1
            result.clean_flagged += bool(got)
        for category in CATEGORIES:
            if category in label.either:
                continue
            s = result.scores[category]
            if category in expected and category in got:
                s.tp += 1
            elif category in got:
                s.fp += 1
                result.errors.append({"file": name, "kind": "FP", "category": category,
                                      "rules": got[category]})
            elif category in expected:
                s.fn += 1
                result.errors.append({"file": name, "kind": "FN", "category": category,
                                      "rules": []})
    return result


def evaluate(directory: str, linter: Linter) -> Evaluation:
    """Lint every labelled draft in a folder and score the findings."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError(f"{directory}: not a folder")
    labels = load_label_sets(root)
    report = run([str(root / name) for name in sorted(labels)], linter)
    return score(labels, report)


def as_dict(ev: Evaluation) -> dict[str, Any]:
    """Plain data for --format json."""
    return {
        "categories": {c: {"tp": s.tp, "fp": s.fp, "fn": s.fn,
                           "precision": round(s.precision, 3), "recall": round(s.recall, 3),
                           "f1": round(s.f1, 3)} for c, s in ev.scores.items()},
        "clean": {"total": ev.clean_total, "flagged": ev.clean_flagged,
                  "rate": round(ev.clean_flag_rate, 3)},
        "overall": {"tp": ev.overall.tp, "fp": ev.overall.fp, "fn": ev.overall.fn,
                    "precision": round(ev.overall.precision, 3),
                    "recall": round(ev.overall.recall, 3)},
        "emails": {"total": ev.emails, "with_false_alarm": ev.emails_with_false_alarm,
                   "rate": round(ev.false_alarm_rate, 3)},
        "rules": {r: {"right": s.tp, "wrong": s.fp, "precision": round(s.precision, 3)}
                  for r, s in sorted(ev.rules.items())},
        "errors": ev.errors,
    }


def render(ev: Evaluation, fmt: str = "text") -> str:
    """The evaluation table, then every false positive and false negative."""
    if fmt == "json":
        return json.dumps(as_dict(ev), indent=2, sort_keys=True) + "\n"
    lines = [f"{'category':<10} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}"]
    for c, s in ev.scores.items():
        lines.append(f"{c:<10} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>6.2f} "
                     f"{s.recall:>6.2f} {s.f1:>6.2f}")
    o = ev.overall
    lines.append(f"{'all':<10} {o.tp:>4} {o.fp:>4} {o.fn:>4} {o.precision:>6.2f} "
                 f"{o.recall:>6.2f} {o.f1:>6.2f}")
    lines.append(f"clean drafts with any warning or error: {ev.clean_flagged}/{ev.clean_total} "
                 f"({ev.clean_flag_rate:.1%})")
    lines.append(f"emails with a false alarm: {ev.emails_with_false_alarm}/{ev.emails} "
                 f"({ev.false_alarm_rate:.1%})")
    if ev.rules:
        lines.append("rule (drafts it flagged at warning or above: right / wrong)")
        for rule, s in sorted(ev.rules.items()):
            lines.append(f"  {rule:<32} {s.tp:>4} {s.fp:>4} {s.precision:>6.2f}")
    for e in ev.errors:
        rules = f" [{', '.join(e['rules'])}]" if e["rules"] else ""
        lines.append(f"{e['kind']} {e['category']:<10} {e['file']}{rules}")
    return "\n".join(lines) + "\n"
