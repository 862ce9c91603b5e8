"""--diff against a real temporary git repository, and baselines that round-trip."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from followup_lint.cli import main
from followup_lint.gitdiff import changed_lines

HEAD = "---\ncontext: sales\n---\nHi Dana,\n\n"
ULTIMATUM = "I need an answer by Friday.\n"
OPENER = "Just checking in on the pilot again.\n"
CLEAN = "The pilot pricing you asked about is attached.\n"
TAIL = "\nBest,\nSam\n"
SELECT = ["--select", "pushy.ultimatum,generic.stock-opener"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo, check=True, capture_output=True, text=True).stdout


def check(*args: str, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, ["check", "--format", "json", *SELECT, *args])


def found(result) -> list[tuple[str, str, int]]:
    data = json.loads(result.stdout)
    return [(Path(file["path"]).name, f["rule"], f["line"])
            for file in data["files"] for f in file["findings"]]


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "a.md").write_text(HEAD + ULTIMATUM + TAIL, encoding="utf-8")
    (tmp_path / "same.md").write_text(HEAD + OPENER + TAIL, encoding="utf-8")
    (tmp_path / "moved.md").write_text(HEAD + ULTIMATUM + TAIL, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "templates")
    return tmp_path


# --- --diff ------------------------------------------------------------------------------


def test_changed_lines_from_hunks():
    hunks = ("diff --git a/x b/x\n@@ -3 +3 @@\n-a\n+b\n@@ -10,0 +11,2 @@\n+c\n+d\n"
             "@@ -20,3 +21,0 @@\n-e\n")
    assert changed_lines(hunks) == {3, 11, 12}


def test_diff_reports_only_changed_lines(repo):
    (repo / "a.md").write_text(HEAD + OPENER + ULTIMATUM + TAIL, encoding="utf-8")
    full = check(str(repo))
    assert ("a.md", "pushy.ultimatum", 7) in found(full)
    assert ("same.md", "generic.stock-opener", 6) in found(full)
    result = check(str(repo), "--diff", "HEAD")
    assert result.exit_code == 1, result.output
    assert found(result) == [("a.md", "generic.stock-opener", 6)]
    alias = check(str(repo / "a.md"), "--changed-since", "HEAD")
    assert found(alias) == [("a.md", "generic.stock-opener", 6)]


def test_diff_untracked_is_all_new_and_renamed_is_not(repo):
    (repo / "new.md").write_text(HEAD + OPENER + ULTIMATUM + TAIL, encoding="utf-8")
    (repo / ".gitignore").write_text("scratch.md\n", encoding="utf-8")
    (repo / "scratch.md").write_text(HEAD + ULTIMATUM + TAIL, encoding="utf-8")
    git(repo, "mv", "moved.md", "renamed.md")
    result = check(str(repo), "--diff", "HEAD")
    assert sorted(found(result)) == [("new.md", "generic.stock-opener", 6),
                                     ("new.md", "pushy.ultimatum", 7),
                                     ("scratch.md", "pushy.ultimatum", 6)]


def test_diff_against_an_older_commit(repo):
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "same.md").write_text(HEAD + OPENER + "\n" + ULTIMATUM + TAIL, encoding="utf-8")
    git(repo, "commit", "-qam", "more")
    assert found(check(str(repo / "same.md"), "--diff", first)) == [
        ("same.md", "pushy.ultimatum", 8)]
    assert found(check(str(repo / "same.md"), "--diff", "HEAD")) == []
    assert check(str(repo / "same.md"), "--diff", "HEAD").exit_code == 0


def test_diff_outside_a_repo_or_bad_ref_exit_2(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("plain")
    (outside / "a.md").write_text(HEAD + ULTIMATUM + TAIL, encoding="utf-8")
    result = check(str(outside / "a.md"), "--diff", "HEAD")
    assert result.exit_code == 2 and "is not inside a git repository" in result.stderr
    result = check(str(repo / "a.md"), "--diff", "no-such-branch")
    assert result.exit_code == 2 and "no-such-branch: not a commit" in result.stderr
    assert result.stderr.strip().count("\n") == 0


# --- baselines ---------------------------------------------------------------------------


def test_baseline_round_trip_moves_and_new_findings(tmp_path, monkeypatch):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    draft = drafts / "a.md"
    draft.write_text(HEAD + OPENER + ULTIMATUM + TAIL, encoding="utf-8")
    base = tmp_path / "ci" / "baseline.json"
    base.parent.mkdir()
    wrote = check("drafts", "--write-baseline", str(base), cwd=tmp_path, monkeypatch=monkeypatch)
    assert wrote.exit_code == 0 and found(wrote) == []
    assert "wrote 2 findings to" in wrote.stderr
    data = json.loads(base.read_text(encoding="utf-8"))
    assert [(e["path"], e["rule"], e["count"]) for e in data["findings"]] == [
        ("../drafts/a.md", "generic.stock-opener", 1), ("../drafts/a.md", "pushy.ultimatum", 1)]
    assert data["findings"][1]["text"] == "I need an answer by Friday"
    first = base.read_bytes()
    again = check(str(draft), "--write-baseline", str(base), cwd=drafts, monkeypatch=monkeypatch)
    assert again.exit_code == 0 and base.read_bytes() == first  # any cwd, same file

    known = check(str(draft), "--baseline", str(base))
    assert known.exit_code == 0 and found(known) == []
    assert json.loads(known.stdout)["files"][0]["metrics"]["baselined"] == 2

    # Moving the text down (new clean lines above it) keeps the baseline valid.
    draft.write_text(HEAD + CLEAN + CLEAN + "\n" + OPENER + ULTIMATUM + TAIL, encoding="utf-8")
    moved = check(str(draft), "--baseline", str(base))
    assert moved.exit_code == 0 and found(moved) == []
    text = CliRunner().invoke(main, ["check", str(draft), "--baseline", str(base), *SELECT])
    assert "2 in the baseline" in text.stdout

    # A second identical ultimatum and an edited opener are new.
    draft.write_text(HEAD + "Just checking in on the quote again.\n" + ULTIMATUM + ULTIMATUM
                     + TAIL, encoding="utf-8")
    new = check(str(draft), "--baseline", str(base))
    assert new.exit_code == 1
    assert found(new) == [("a.md", "generic.stock-opener", 6), ("a.md", "pushy.ultimatum", 8)]


def test_bad_baseline_exit_2(tmp_path):
    draft = tmp_path / "a.md"
    draft.write_text(HEAD + ULTIMATUM + TAIL, encoding="utf-8")
    for content in ("not json", '{"version": 99, "findings": []}', '{"version": 1, '
                    '"findings": [{"path": "a.md"}]}'):
        (tmp_path / "b.json").write_text(content, encoding="utf-8")
        result = check(str(draft), "--baseline", str(tmp_path / "b.json"))
        assert result.exit_code == 2 and "b.json" in result.stderr, result.output
    missing = check(str(draft), "--baseline", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "cannot read baseline" in missing.stderr
