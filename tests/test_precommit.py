"""The pre-commit hook end to end: `pre-commit try-repo` of this project against temporary git
repositories of templates. It fails on a bad template and passes on a good one.

try-repo installs the hook into a fresh virtualenv with `pip install .`. Installing spaCy and
its model there from the registry takes a minute or more per run, so by default the hook's
virtualenv borrows the dependencies already installed for the tests (PYTHONPATH) and pip
installs only followup-lint itself, offline (no index, no build isolation): the hook manifest,
its entry point, file selection and exit codes are what is under test. Set
FOLLOWUP_LINT_PRECOMMIT_FULL=1 to let pip install everything from the package registry instead
(skipped, with pip's reason, when the registry is unreachable).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

BAD = ("---\ncontext: sales\n---\nHi Dana,\n\nJust checking in. I need an answer by Friday!!\n")
GOOD = ("---\ncontext: colleague\n---\nHey Sam,\n\nThanks for pairing on the flaky login test "
        "yesterday. I pushed the retry fix to the auth branch; could you review it on Monday?\n"
        "\nCheers,\nAlex\n")
README = "# Templates\n\nOur follow-up templates.\n"
HIJACK = "--output=README.md"  # a file name that reads as an option without the entry's --
HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "followup_lint", "rules")
NETWORK_TROUBLE = re.compile(
    r"^.*(Could not find a version|No matching distribution|NewConnectionError|"
    r"Temporary failure in name resolution|Network is unreachable|ConnectionError|"
    r"Failed to establish a new connection).*$", re.MULTILINE)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=repo, check=True, capture_output=True)


def hook_repo(target: Path) -> Path:
    """A committed copy of the project as a hook repository (the work tree may be dirty)."""
    target.mkdir()
    for name in HOOK_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "hook")
    return target


def templates_repo(target: Path, draft: str) -> Path:
    """A git repo with one template staged, and files the hook must not pick up."""
    (target / "templates").mkdir(parents=True)
    (target / "templates" / "followup.md").write_text(draft, encoding="utf-8")
    (target / "tool.py").write_text("print('Just checking in. I need an answer by Friday!!')\n",
                                    encoding="utf-8")
    (target / ".followup-lint.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    git(target, "init", "-q")
    git(target, "add", "-A")
    return target


def pre_commit() -> str:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
        "pre-commit")
    if not exe:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return exe


def hook_env() -> dict[str, str]:
    """The environment for pre-commit: shared dependencies and offline pip unless FULL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(PIP_NO_COMPILE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    if os.environ.get("FOLLOWUP_LINT_PRECOMMIT_FULL"):
        return env
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("hatchling is not installed, so the hook cannot be built offline; "
                    "set FOLLOWUP_LINT_PRECOMMIT_FULL=1 to install from the registry")
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    # PIP_NO_BUILD_ISOLATION=0 means "no build isolation" (pip reads the negated option).
    env.update(PYTHONPATH=os.pathsep.join(paths), PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0")
    return env


def test_try_repo_fails_on_bad_template_and_passes_on_good(tmp_path):
    exe = pre_commit()
    hooks = hook_repo(tmp_path / "hook")
    env = hook_env()
    runs = {}
    for name, draft in (("bad", BAD), ("good", GOOD)):
        work = templates_repo(tmp_path / name, draft)
        if name == "bad":  # a staged file whose name is an option must be linted as a file
            (work / "README.md").write_text(README, encoding="utf-8")
            (work / HIJACK).write_text(BAD, encoding="utf-8")
            git(work, "add", "-A")
        runs[name] = subprocess.Popen(
            [exe, "try-repo", str(hooks), "followup-lint", "--all-files", "--verbose"],
            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = {name: proc.communicate(timeout=900)[0] for name, proc in runs.items()}
    codes = {name: proc.returncode for name, proc in runs.items()}
    trouble = NETWORK_TROUBLE.search(out["bad"] + out["good"])
    if trouble and codes["good"] != 0:
        pytest.skip(f"the package registry is unreachable, so pre-commit cannot install the "
                    f"hook: {trouble.group(0).strip()}")
    assert codes["bad"] == 1, out["bad"][-3000:]
    assert "templates/followup.md:6:19: error [pushy.ultimatum]" in out["bad"]
    assert "tool.py" not in out["bad"]
    assert f"{HIJACK}:6:19: error [pushy.ultimatum]" in out["bad"], out["bad"][-3000:]
    assert (tmp_path / "bad" / "README.md").read_text(encoding="utf-8") == README
    assert codes["good"] == 0, out["good"][-3000:]
    assert re.search(r"followup-lint\.+Passed", out["good"]), out["good"][-3000:]


def test_hook_manifest_is_valid_and_selects_drafts_only():
    from identify.identify import tags_from_filename
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "followup-lint" and hook["entry"] == "followup-lint check --"
    assert hook["language"] == "python" and hook["require_serial"]
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def picked(name: str) -> bool:
        return bool(files.search(name)) and not exclude.search(name) and (
            set(hook["types"]) <= tags_from_filename(name) or name.endswith(".eml"))

    for name in ("templates/a.md", "b.txt", "c.yaml", "d.yml", "e.eml", "f.html", "g.htm"):
        assert picked(name), name
    for name in ("tool.py", "data.json", ".pre-commit-config.yaml", ".followup-lint.yaml",
                 ".github/workflows/ci.yml", "sub/.followup-lint.yml"):
        assert not picked(name), name


def test_the_hook_entry_lints_a_file_named_like_an_option(tmp_path):
    """What pre-commit runs: the manifest's entry, then the staged names. A file named
    --output=README.md is linted, and README.md is left alone (no --: it was overwritten)."""
    import shlex

    from conftest import cli_command
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    entry = shlex.split(hook["entry"])
    assert entry[0] == "followup-lint" and entry[-1] == "--"
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    (tmp_path / HIJACK).write_text(BAD, encoding="utf-8")
    result = subprocess.run([*cli_command(), *entry[1:], HIJACK], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert f"{HIJACK}:6:19: error [pushy.ultimatum]" in result.stdout
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".followup_lint_cache") == [
        HIJACK, "README.md"]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_recipes_parse_and_use_real_options(name):
    import shlex

    import yaml

    from followup_lint.cli import main

    text = (ROOT / "examples" / "ci" / name).read_text(encoding="utf-8")
    yaml.safe_load(text)
    commands = re.findall(r"followup-lint (check [^|\n]*)", text)
    assert commands
    check = main.commands["check"]
    for command in commands:
        args = shlex.split(command.replace("${{ github.base_ref }}", "main"))[1:]
        check.make_context("check", args)  # raises on an unknown option or a bad choice
    if name.startswith("github"):
        assert "github/codeql-action/upload-sarif" in text and "--format sarif" in text
    else:
        assert "junit: followup-lint.xml" in text and "--format junit" in text
