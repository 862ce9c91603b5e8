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


MAX_BYTES = 256 * 1024 * 1024
MAX_COUNT = 1_000_000  # findings of one kind in one file, far more than any report has


def load(source: str | Path) -> Counter[Key]:
    """The entries of a baseline file; InputError naming the file when it is not one."""
    from .safeio import NotRead, read_bytes

    try:
        raw = read_bytes(source, MAX_BYTES)
    except NotRead as exc:
        raise InputError(f"{source}: cannot read baseline ({exc.reason})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{source}: not a followup-lint baseline ({exc})") from None
    except (ValueError, RecursionError) as exc:  # 5,000-digit numbers, nesting too deep
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"{source}: not a followup-lint baseline ({reason})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(
            data.get("findings"), list):
        raise InputError(f"{source}: not a followup-lint baseline (version {VERSION})")
    counts: Counter[Key] = Counter()
    for entry in data["findings"]:
        try:
            key = (entry["path"], entry["rule"], entry["text"], entry["fingerprint"])
            if not all(isinstance(k, str) for k in key):
                raise TypeError
            count = entry.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or not (
                    0 <= count <= MAX_COUNT):
                raise ValueError
            counts[key] += count  # type: ignore[index]
        except (TypeError, KeyError, ValueError, AttributeError):
            raise InputError(f"{source}: baseline entry {_short(entry)} needs path, rule, text, "
                             f"fingerprint (strings) and a count from 0 to {MAX_COUNT}") from None
    return counts


def _short(entry: object) -> str:
    """An entry as shown in an error: at most 200 characters."""
    try:
        text = repr(entry)
    except (RecursionError, ValueError):
        text = f"<a {type(entry).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


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
