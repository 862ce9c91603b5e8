"""Shared helpers: the installed CLI as a subprocess, and one spaCy load per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A warm server the developer left running must not answer for the code under test: every
# test lints in its own process, except tests/test_server.py, which removes this.
os.environ["FOLLOWUP_LINT_NO_SERVER"] = "1"


def cli_command() -> list[str]:
    """The installed `followup-lint` script (falls back to `python -m followup_lint`)."""
    exe = shutil.which("followup-lint", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "followup_lint"]


def run_cli(*args: str, cwd: str | Path | None = None, stdin: bytes | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would; text output."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [*cli_command(), *args], cwd=cwd or ROOT, input=stdin, capture_output=True,
        env=full_env, timeout=300,
    ) if stdin is not None else subprocess.run(
        [*cli_command(), *args], cwd=cwd or ROOT, capture_output=True, text=True,
        env=full_env, timeout=300,
    )


def write_rule(root: Path, category: str, name: str, body: str) -> Path:
    """A one-rule folder <root>/<category>/<name>.yaml with stock message, description and
    examples after `body` (kind and its parameters); returns root, for --rules."""
    folder = root / category
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(
        f"name: {name}\nseverity: warning\n{body}\nmessage: m\ndescription: d\n"
        "examples: {good: [a], bad: [b]}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def builtin_rules():
    """The built-in rules, loaded once."""
    from followup_lint import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def linter(builtin_rules):
    """A Linter over the built-in rules with the real spaCy pipeline."""
    from followup_lint.engine import Linter

    return Linter(builtin_rules)
