"""--diff REF: keep only findings on lines changed since a git ref (untracked files: all new)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .model import FileReport, InputError, Report
from .sources import real_path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
ALL_LINES = None  # an untracked or added file: every line is new
ALWAYS = frozenset({"input.unreadable"})


def _git(args: Sequence[str], cwd: Path) -> str:
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd,
                                capture_output=True, text=True, encoding="utf-8",
                                errors="surrogateescape", timeout=120)
    except FileNotFoundError:
        raise InputError("--diff needs git, and git is not installed") from None
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(f"--diff: {reason}")
    return result.stdout


def changed_lines(hunks: str) -> set[int]:
    """New-side line numbers added or changed by a `git diff --unified=0` output."""
    lines: set[int] = set()
    for match in _HUNK.finditer(hunks):
        start, count = int(match.group(1)), int(match.group(2) or 1)
        lines.update(range(start, start + count))
    return lines


class Changes:
    """Which lines of which files changed since a ref, asked of git once per repository."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self._repos: dict[Path, tuple[dict[str, str], set[str]]] = {}  # changes, tracked
        self._tops: dict[Path, Path] = {}

    def _top(self, folder: Path) -> Path:
        if folder not in self._tops:
            try:
                top = _git(["rev-parse", "--show-toplevel"], folder).strip()
            except InputError:
                raise InputError(f"--diff {self.ref}: {folder} is not inside a git repository"
                                 ) from None
            self._tops[folder] = Path(top).resolve()
        return self._tops[folder]

    def _repo(self, folder: Path) -> tuple[Path, dict[str, str], set[str]]:
        top = self._top(folder)
        if top not in self._repos:
            try:
                _git(["rev-parse", "--verify", "--quiet", f"{self.ref}^{{commit}}"], top)
            except InputError:
                raise InputError(f"--diff {self.ref}: not a commit, branch or tag in {top}"
                                 ) from None
            status = _git(["diff", "--name-status", "-z", "--find-renames", self.ref, "--"], top)
            tracked = _git(["ls-files", "-z"], top)
            self._repos[top] = (_renames(status), set(filter(None, tracked.split("\0"))))
        return (top, *self._repos[top])

    def lines(self, path: str) -> set[int] | None:
        """Changed 1-based lines of a file; None when the whole file is new."""
        file = real_path(path)
        top, changed, tracked = self._repo(file.parent)
        if not file.is_relative_to(top):
            raise InputError(f"--diff {self.ref}: {path} is outside the git repository {top}")
        relative = file.relative_to(top).as_posix()
        if relative not in tracked:  # untracked, or ignored by git: all new
            return ALL_LINES
        if relative not in changed:
            return set()
        old = changed[relative]
        if old == "":
            return ALL_LINES
        specs = [relative] if old == relative else [old, relative]
        out = _git(["diff", "--no-color", "--no-ext-diff", "--unified=0", "--find-renames",
                    self.ref, "--", *specs], top)
        return changed_lines(out)


def _renames(status: str) -> dict[str, str]:
    """new path -> old path ('' for an added file) from `git diff --name-status -z`."""
    fields = status.split("\0")
    out: dict[str, str] = {}
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i]
        if code[0] in "RC":
            out[fields[i + 2]] = fields[i + 1]
            i += 3
        else:
            if code[0] != "D":
                out[fields[i + 1]] = "" if code[0] == "A" else fields[i + 1]
            i += 2
    return out


def _touches(span_line: int, end_line: int, lines: set[int]) -> bool:
    return any(line in lines for line in range(span_line, end_line + 1))


def apply(report: Report, ref: str) -> Report:
    """The report with only the findings on lines changed since `ref`."""
    changes = Changes(ref)
    files: list[FileReport] = []
    for file in report.files:
        if file.path == "-" or not os.path.exists(file.path):
            files.append(file)
            continue
        lines = changes.lines(file.path)
        if lines is ALL_LINES:
            files.append(file)
            continue
        kept = tuple(f for f in file.findings
                     if f.rule in ALWAYS or _touches(f.span.line, f.span.end_line, lines))
        files.append(replace(file, findings=kept))
    return Report(tuple(files))
