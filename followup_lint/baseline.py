"""Baselines: accept today's findings, fail only on new ones.

An entry is keyed by path, rule, matched text and a fingerprint of the text of the lines the
finding sits on (not their numbers), so moving a paragraph keeps its entry, while editing the
sentence makes the finding new. Entries are counted: two identical findings need two entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .model import FileReport, Finding, InputError, Report
from .output import write_atomic
from .sources import real_path

VERSION = 1
Key = tuple[str, str, str, str]


def fingerprint(finding: Finding, source: str) -> str:
    """A line-number-free hash of the rule, the match and the text of its lines."""
    lines = re.split(r"\r\n|\r|\n", source) if source else []
    around = "\n".join(lines[finding.span.line - 1 : finding.span.end_line])
    basis = "\0".join((finding.rule, _norm(finding.text), _norm(around) or finding.message))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _relative(path: str, base: Path) -> str:
    if path == "-":
        return path
    return os.path.relpath(real_path(path), base).replace(os.sep, "/")


def _keys(report: FileReport, base: Path) -> list[Key]:
    path = _relative(report.path, base) + (f"#{report.template}" if report.template else "")
    return [(path, f.rule, _norm(f.text), fingerprint(f, report.source)) for f in report.findings]


def write(target: str | Path, report: Report) -> int:
    """Write every finding of the report as the baseline; returns how many."""
    base = Path(target).resolve().parent
    counts: Counter[Key] = Counter(k for r in report.files for k in _keys(r, base))
    entries = [{"path": p, "rule": r, "text": t, "fingerprint": fp, "count": n}
               for (p, r, t, fp), n in sorted(counts.items())]
    data = {"tool": "followup-lint", "version": VERSION, "findings": entries}
    write_atomic(target, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return sum(counts.values())


def load(source: str | Path) -> Counter[Key]:
    """The entries of a baseline file; InputError naming the file when it is not one."""
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{source}: cannot read baseline ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{source}: not a followup-lint baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(
            data.get("findings"), list):
        raise InputError(f"{source}: not a followup-lint baseline (version {VERSION})")
    counts: Counter[Key] = Counter()
    for entry in data["findings"]:
        try:
            key = (entry["path"], entry["rule"], entry["text"], entry["fingerprint"])
            counts[tuple(str(k) for k in key)] += int(entry.get("count", 1))  # type: ignore[index]
        except (TypeError, KeyError, ValueError):
            raise InputError(f"{source}: baseline entry {entry!r} needs path, rule, text, "
                             "fingerprint") from None
    return counts


def apply(report: Report, source: str | Path) -> Report:
    """The report without the findings the baseline accepts (counted as `baselined`)."""
    remaining = load(source)
    base = Path(source).resolve().parent
    files = []
    for file in report.files:
        kept = []
        for finding, key in zip(file.findings, _keys(file, base), strict=True):
            if remaining[key] > 0:
                remaining[key] -= 1
            else:
                kept.append(finding)
        metrics = {**file.metrics, "baselined": len(file.findings) - len(kept)} \
            if file.metrics else file.metrics
        files.append(replace(file, findings=tuple(kept), metrics=metrics))
    return Report(tuple(files))
