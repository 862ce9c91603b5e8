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
    """The result of `followup-lint eval`."""

    scores: dict[str, CategoryScore]
    clean_total: int = 0
    clean_flagged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def clean_flag_rate(self) -> float:
        return self.clean_flagged / self.clean_total if self.clean_total else 0.0


def load_labels(directory: Path) -> dict[str, list[str]]:
    """labels.yaml (and any labels-*.yaml) -> file name -> categories; InputError if malformed."""
    files = sorted(directory.glob("labels*.yaml"))
    if not files:
        raise InputError(f"{directory}: no labels.yaml")
    labels: dict[str, list[str]] = {}
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
            if not isinstance(cats, list) or any(c not in CATEGORIES for c in cats):
                raise InputError(f"{path}: {name}: labels must be a list drawn from "
                                 f"{', '.join(CATEGORIES)}")
            if not (directory / name).is_file():
                raise InputError(f"{path}: {name}: no such draft in {directory}")
            labels[str(name)] = list(cats)
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


def score(labels: Mapping[str, Sequence[str]], report: Report) -> Evaluation:
    """Compare findings with labels."""
    result = Evaluation({c: CategoryScore() for c in CATEGORIES})
    for file_report in report.files:
        name = Path(file_report.path).name
        expected = set(labels[name])
        got = flagged(file_report)
        if not expected:
            result.clean_total += 1
            result.clean_flagged += bool(got)
        for category in CATEGORIES:
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
    labels = load_labels(root)
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
    lines.append(f"clean drafts with any warning or error: {ev.clean_flagged}/{ev.clean_total} "
                 f"({ev.clean_flag_rate:.1%})")
    for e in ev.errors:
        rules = f" [{', '.join(e['rules'])}]" if e["rules"] else ""
        lines.append(f"{e['kind']} {e['category']:<10} {e['file']}{rules}")
    return "\n".join(lines) + "\n"
