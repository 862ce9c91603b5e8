"""The installed CLI as a subprocess: exit codes, errors, formats, any working directory."""

from __future__ import annotations

import json
import sys

from conftest import ROOT, run_cli, write_rule

BAD = "---\ncontext: sales\n---\nHi Dana,\n\nJust checking in. I need an answer by Friday!!\n"
GOOD = ("---\ncontext: colleague\n---\nHey Sam,\n\nThanks for pairing on the flaky login test "
        "yesterday. I pushed the retry fix to the auth branch; could you review it on Monday?\n"
        "\nCheers,\nAlex\n")


def test_findings_exit_1_with_file_line_col(tmp_path):
    draft = tmp_path / "bad.md"
    draft.write_text(BAD, encoding="utf-8")
    result = run_cli("check", str(draft), "--no-color")
    assert result.returncode == 1
    assert f"{draft}:6:1: warning [generic.stock-opener]" in result.stdout
    assert "Found" in result.stdout


def test_clean_exit_0(tmp_path):
    draft = tmp_path / "good.md"
    draft.write_text(GOOD, encoding="utf-8")
    result = run_cli("check", str(draft))
    assert result.returncode == 0, result.stdout
    assert "All clean" in result.stdout


def test_fail_on_error_ignores_warnings(tmp_path):
    draft = tmp_path / "bad.md"
    draft.write_text("Hi Dana,\n\nJust checking in on the pilot from the call.\n",
                     encoding="utf-8")
    assert run_cli("check", str(draft), "--fail-on", "error").returncode == 0


def test_json_output_shape(tmp_path):
    draft = tmp_path / "bad.md"
    draft.write_text(BAD, encoding="utf-8")
    result = run_cli("check", str(draft), "--format", "json")
    data = json.loads(result.stdout)
    file = data["files"][0]
    assert list(file) == ["context", "context_inferred", "findings", "metrics", "path"]
    assert file["context"] == "sales" and file["context_inferred"] is False
    assert {"words", "sentences", "reading_grade", "questions"} <= set(file["metrics"])
    finding = file["findings"][0]
    assert set(finding) == {"rule", "category", "severity", "message", "line", "column",
                            "end_line", "end_column", "text", "suggestion"}


def test_stdin(tmp_path):
    result = run_cli("check", "-", "--context", "sales", stdin=BAD.encode())
    assert result.returncode == 1
    assert b"<stdin>" in result.stdout or b"-:" in result.stdout


def test_missing_path_exit_2_one_line(tmp_path):
    result = run_cli("check", str(tmp_path / "nope.md"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_context_exit_2_lists_valid(tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text(GOOD, encoding="utf-8")
    result = run_cli("check", str(draft), "--context", "wedding")
    assert result.returncode == 2
    assert "unknown context 'wedding'" in result.stderr and "job-interview" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_malformed_rule_file_exit_2(tmp_path):
    folder = tmp_path / "myrules" / "pushy"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("name: broken\nseverity: warning\nkind: phrase\n"
                                        "patterns: [x]\nmessage: m\n", encoding="utf-8")
    draft = tmp_path / "d.md"
    draft.write_text(GOOD, encoding="utf-8")
    result = run_cli("check", str(draft), "--rules", str(tmp_path / "myrules"))
    assert result.returncode == 2
    assert "broken.yaml: rule broken: missing required field 'description'" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_pattern_spacy_rejects_exit_2(tmp_path):
    write_rule(tmp_path / "myrules", "tone", "odd", "kind: pattern\npatterns: [[{COLOUR: red}]]")
    draft = tmp_path / "d.md"
    draft.write_text(GOOD, encoding="utf-8")
    result = run_cli("check", str(draft), "--rules", str(tmp_path / "myrules"))
    assert result.returncode == 2
    assert "odd.yaml: rule odd: spaCy rejects the pattern" in result.stderr


def test_binary_and_non_utf8_exit_2_and_untouched(tmp_path):
    binary = tmp_path / "a.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    latin = tmp_path / "b.md"
    latin.write_bytes("Caf\xe9 on Tuesday".encode("latin-1"))
    for path, reason in ((binary, "binary file"), (latin, "not UTF-8")):
        before = path.read_bytes()
        result = run_cli("check", str(path))
        assert result.returncode == 2, result.stdout
        assert reason in result.stderr and "Traceback" not in result.stderr
        assert path.read_bytes() == before


def test_unreadable_file_among_good_ones_is_a_finding(tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfa")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 1
    assert "[input.unreadable]" in result.stdout


def test_works_from_another_directory_and_as_module(tmp_path):
    draft = tmp_path / "bad.md"
    draft.write_text(BAD, encoding="utf-8")
    result = run_cli("check", "bad.md", cwd=tmp_path)
    assert result.returncode == 1 and "generic.stock-opener" in result.stdout
    import subprocess

    module = subprocess.run([sys.executable, "-m", "followup_lint", "--version"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert module.returncode == 0 and "followup-lint" in module.stdout


def test_rules_list_explain_and_rules_test():
    listing = run_cli("rules")
    assert listing.returncode == 0 and "pushy.ultimatum" in listing.stdout
    explain = run_cli("explain", "pushy.ultimatum")
    assert explain.returncode == 0
    assert "reader set" in explain.stdout.lower() or "READER" in explain.stdout
    assert run_cli("explain", "nope.nope").returncode == 2
    selftest = run_cli("rules", "test", str(ROOT / "rules"))
    assert selftest.returncode == 0, selftest.stdout[-2000:]
    assert " passed, 0 failed" in selftest.stdout


def test_examples_folder_all_categories(tmp_path):
    result = run_cli("check", str(ROOT / "examples"), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    bad_categories = set()
    for file in data["files"]:
        name = file["path"].rsplit("/", 1)[-1]
        serious = [f for f in file["findings"] if f["severity"] in ("warning", "error")]
        if name.startswith("good-"):
            assert not serious, (name, serious)
        elif name.startswith("bad-"):
            bad_categories |= {f["category"] for f in serious}
    assert {"generic", "reference", "pushy", "tone", "timing", "structure"} <= bad_categories
