"""Hostile inputs and untrusted rules: each case with the exact error or finding the user sees.

- Limits: a file over --max-bytes (input.too-large), a draft too long to parse, a draft that
  runs past --draft-timeout (input.timeout), a regex that backtracks catastrophically.
- A folder walk that meets a symlink loop, a dangling link, an unreadable file or folder, a
  FIFO or a socket reports it and goes on (a FIFO is never opened: reading it would block).
- Rule files are data: a "billion laughs" file is refused, a !!python tag runs nothing.
- Nothing is written to linted files; output and cache files are written atomically; two runs
  at once over one tree and one cache give the right results and leave the cache intact.
- Inputs that took minutes (quadratic regexes and parsers) now take well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import cli_command, run_cli

from followup_lint import cache as cachemod
from followup_lint import lint_paths, lint_text, nlp
from followup_lint.engine import MAX_DRAFT_TOKENS, Linter
from followup_lint.kinds.base import LintInput
from followup_lint.output import write_atomic
from followup_lint.readers import read
from followup_lint.runner import run

GOOD = ("Hi Dana,\n\nThanks for Tuesday's call about the Acme pilot. The pricing for 50 seats "
        "is attached; could we confirm the start date on Thursday at 2 pm?\n\nBest,\nSam\n")
BAD = "Hi Dana,\n\nJust checking in on the proposal. I need an answer by Friday!!\n"


def check(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`followup-lint check ARGS` with a time limit, as a user runs it."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run([*cli_command(), "check", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=timeout)


def findings(result: subprocess.CompletedProcess[str]) -> dict[str, list[tuple[str, str]]]:
    """{file name: [(rule, message)]} from --format json output."""
    data = json.loads(result.stdout)
    return {Path(f["path"]).name: [(x["rule"], x["message"]) for x in f["findings"]]
            for f in data["files"]}


# --- size limits ----------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_too_large_and_the_others_are_linted(tmp_path):
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "big.txt").write_text("Hi Dana,\n\n" + "word " * 400, encoding="utf-8")
    result = check(".", "--max-bytes", "1K", "--format", "json", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = findings(result)
    assert found["big.txt"] == [("input.too-large", "cannot lint: file is 2010 bytes, over the "
                                 "1024-byte limit (see --max-bytes)")]
    assert all(rule != "input.too-large" for rule, _ in found["ok.txt"])


def test_the_only_file_too_large_exits_2_with_one_line(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # 200 MB that take no disk space and are never read
        handle.truncate(200 * 1024 * 1024)
    result = check("big.txt", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("followup-lint: error: big.txt: cannot lint: file is 209715200 "
                             "bytes, over the 5242880-byte limit (see --max-bytes)\n")


def test_max_bytes_from_the_config_and_stdin_over_the_limit(tmp_path):
    (tmp_path / ".followup-lint.yaml").write_text("max-bytes: 100\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    result = check("d.txt", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"followup-lint: error: d.txt: cannot lint: file is {len(GOOD)} "
                             "bytes, over the 100-byte limit (see --max-bytes)\n")
    piped = run_cli("check", "-", "--max-bytes", "100", "--no-cache", stdin=GOOD.encode(),
                    cwd=tmp_path)
    assert piped.returncode == 2
    assert piped.stderr == (b"followup-lint: error: -: cannot lint: input is over the 100-byte"
                            b" limit (see --max-bytes)\n")


@pytest.mark.parametrize(("flag", "config", "message"), [
    (["--max-bytes", "lots"], None, "--max-bytes must be a size in bytes, like 5000000 or 5M"),
    ([], "max-bytes: -3\n", ".followup-lint.yaml: max-bytes must be a size in bytes, like "
                            "5000000 or 5M"),
    ([], "draft-timeout: soon\n", ".followup-lint.yaml: draft-timeout must be a number of "
                                  "seconds (0: no limit)"),
])
def test_bad_limits_exit_2(tmp_path, flag, config, message):
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    if config:
        (tmp_path / ".followup-lint.yaml").write_text(config, encoding="utf-8")
    result = check("d.txt", *flag, "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("followup-lint: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_draft_too_long_to_parse_is_too_large(builtin_rules):
    text = "Hi Dana,\n\n" + "!" * (MAX_DRAFT_TOKENS + 1000)
    started = time.monotonic()
    report = lint_text(text)
    assert time.monotonic() - started < 60  # tokenized, not parsed (minutes before)
    [finding] = report.findings
    assert (finding.rule, finding.span.line) == ("input.too-large", 1)
    assert finding.message.startswith("cannot lint: the draft is ")
    assert finding.message.endswith(f"tokens (words and punctuation marks), over the "
                                    f"{MAX_DRAFT_TOKENS}-token limit for one draft")
    short = Linter(builtin_rules, max_tokens=5).lint(
        [("a.txt", "Hi Dana,\n\nThe pilot starts Monday.\n")])
    assert [f.message for f in short[0].findings] == [
        "cannot lint: the draft is 10 tokens (words and punctuation marks), over the 5-token "
        "limit for one draft"]


# --- time limits ----------------------------------------------------------------------------


def test_draft_timeout_stops_checking_with_a_finding(tmp_path):
    (tmp_path / "d.txt").write_text(BAD, encoding="utf-8")
    cache = str(tmp_path / "cache")
    result = check("d.txt", "--draft-timeout", "0.000001", "--select", "generic.stock-opener",
                   "--format", "json", "--cache-dir", cache, cwd=tmp_path)
    assert result.returncode == 1
    assert findings(result)["d.txt"] == [
        ("input.timeout", "stopped checking this draft after 1e-06 s, the time limit per "
                          "draft (--draft-timeout): 1 rule not run")]
    # a result cut short is not cached: with time to spare the next run checks the draft
    again = check("d.txt", "--select", "generic.stock-opener", "--format", "json",
                  "--cache-dir", cache, cwd=tmp_path)
    assert [rule for rule, _ in findings(again)["d.txt"]] == ["generic.stock-opener"]


def test_draft_timeout_from_the_config_and_zero_means_no_limit(tmp_path, builtin_rules):
    (tmp_path / ".followup-lint.yaml").write_text("draft-timeout: 0.000001\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text(BAD, encoding="utf-8")
    result = check("d.txt", "--format", "json", "--no-cache", cwd=tmp_path)
    assert [rule for rule, _ in findings(result)["d.txt"]] == ["input.timeout"]
    unlimited = check("d.txt", "--draft-timeout", "0", "--format", "json", "--no-cache",
                      cwd=tmp_path)
    assert "input.timeout" not in {rule for rule, _ in findings(unlimited)["d.txt"]}
    assert Linter(builtin_rules, draft_timeout=None).lint([("d.txt", BAD)])[0].findings


def write_rule(folder: Path, name: str, body: str) -> Path:
    """A user rule file tone/<name>.yaml under `folder`."""
    path = folder / "tone" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def regex_rule(pattern: str) -> str:
    return (f"name: backtrack\nseverity: warning\nkind: regex\nmessage: 'Matched \"{{match}}\"'\n"
            f"description: A user's regular expression.\npattern: '{pattern}'\n"
            "case_sensitive: true\nexamples:\n  good: [\"Hi Dana,\\n\\nThe pilot is live.\"]\n"
            "  bad: [\"Hi Dana,\\n\\naaaa\"]\n")


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_catastrophic_backtracking_in_a_user_rule_times_out(tmp_path, pattern):
    write_rule(tmp_path / "rules", "backtrack", regex_rule(pattern))
    (tmp_path / "d.txt").write_text("Hi Dana,\n\n" + "a" * 5000 + "b\n", encoding="utf-8")
    started = time.monotonic()
    result = check("d.txt", "--rules", "rules", "--select", "tone.backtrack", "--no-cache",
                   cwd=tmp_path)
    assert time.monotonic() - started < 60  # 0.5 s for the search, not 2^5000 steps
    assert result.returncode == 1
    assert result.stdout.startswith(
        "d.txt:1:1: error [input.timeout] rule tone.backtrack ran past its time limit on this "
        "draft\n")


# --- untrusted YAML ------------------------------------------------------------------------

LAUGHS = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 9) if b else ', '.join(['lol'] * 9)}]\n"
    for a, b in zip("abcdefghi", ["", *"abcdefgh"], strict=True))
CODE = '!!python/object/apply:os.system ["touch {marker}"]'


def test_billion_laughs_rule_file_is_refused(tmp_path):
    path = write_rule(tmp_path / "rules", "laughs", LAUGHS)
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    started = time.monotonic()
    result = check("d.txt", "--rules", "rules", "--no-cache", cwd=tmp_path)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    assert result.stderr == (f"followup-lint: error: {path}: rule laughs: invalid YAML at line "
                             "5: its aliases expand to more than 100792 values and characters "
                             "(refusing to expand)\n")


def test_a_python_tag_in_a_rule_file_runs_nothing(tmp_path):
    marker = tmp_path / "PWNED"
    path = write_rule(tmp_path / "rules", "code", "name: code\nseverity: warning\nkind: regex\n"
                      f"message: m\ndescription: d\npattern: {CODE.format(marker=marker)}\n"
                      "examples: {good: [a], bad: [b]}\n")
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    result = check("d.txt", "--rules", "rules", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"followup-lint: error: {path}: rule code: invalid YAML at line 6:"
                             " could not determine a constructor for the tag "
                             "'tag:yaml.org,2002:python/object/apply:os.system'\n")
    assert not marker.exists()


def test_laughs_and_code_in_drafts_collections_and_config(tmp_path):
    marker = tmp_path / "PWNED"
    code = CODE.format(marker=marker)
    (tmp_path / "laughs.md").write_text(f"---\n{LAUGHS}---\n{GOOD}", encoding="utf-8")
    (tmp_path / "code.md").write_text(f"---\nprior: {code}\n---\n{GOOD}", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(f"- name: a\n  body: Hi\n  prior: {code}\n",
                                     encoding="utf-8")
    result = check("laughs.md", "code.md", "c.yaml", "--format", "json", "--no-cache",
                   cwd=tmp_path)
    found = findings(result)
    assert ("input.front-matter", "front matter is not valid YAML: its aliases expand to more "
            "than 100790 values and characters (refusing to expand)") in found["laughs.md"]
    assert ("input.front-matter", "front matter is not valid YAML: could not determine a "
            "constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
            ) in found["code.md"]
    assert found["c.yaml"] == [("input.unreadable", "cannot lint: not valid YAML/JSON: could "
                                "not determine a constructor for the tag "
                                "'tag:yaml.org,2002:python/object/apply:os.system'")]
    (tmp_path / ".followup-lint.yaml").write_text(LAUGHS, encoding="utf-8")
    config = check("code.md", "--no-cache", cwd=tmp_path)
    assert config.returncode == 2
    assert config.stderr == (f"followup-lint: error: {tmp_path / '.followup-lint.yaml'}: "
                             "invalid YAML at line 5: its aliases expand to more than 100792 "
                             "values and characters (refusing to expand)\n")
    assert not marker.exists()


# --- walking folders ------------------------------------------------------------------------


def test_a_walk_reports_links_fifos_and_sockets_and_goes_on(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tree / "sub" / "loop").symlink_to(tree, target_is_directory=True)  # a folder loop
    (tree / "a.txt").symlink_to(tree / "b.txt")  # a file loop
    (tree / "b.txt").symlink_to(tree / "a.txt")
    (tree / "gone.txt").symlink_to(tree / "nowhere.txt")
    os.mkfifo(tree / "pipe.txt")  # nobody writes to it: opening it to read would block
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tree / "sock.txt"))
        result = check("tree", "--format", "json", "--no-cache", cwd=tmp_path, timeout=120)
    assert result.returncode == 1, result.stderr
    found = findings(result)
    assert found["a.txt"] == found["b.txt"] == [
        ("input.unreadable", "cannot lint: cannot read: Too many levels of symbolic links")]
    assert found["gone.txt"] == [("input.unreadable",
                                  "cannot lint: cannot read: No such file or directory")]
    assert found["pipe.txt"] == [("input.unreadable", "cannot lint: a FIFO, not a regular file "
                                  "(to lint what it carries, pipe it in with '-')")]
    assert found["sock.txt"] == [("input.unreadable",
                                  "cannot lint: a socket, not a regular file")]
    assert "ok.txt" in found
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert len(paths) == len(set(paths)) == 6  # the loop is walked once


def test_a_fifo_named_on_the_command_line_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    result = check("pipe.txt", "--no-cache", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("followup-lint: error: pipe.txt: cannot lint: a FIFO, not a regular"
                             " file (to lint what it carries, pipe it in with '-')\n")


def test_an_unreadable_file_and_folder_are_reported(tmp_path, monkeypatch, builtin_rules):
    # Tests run as root, who reads anything: the refusal is simulated where the OS gives it
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")

    def refusing(real):
        def call(path, *args, **kwargs):
            if Path(os.fsdecode(path)).name in ("secret.txt", "locked"):
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        return call

    for name in ("open", "scandir", "listdir"):  # reading a file, walking, naming the error
        monkeypatch.setattr(os, name, refusing(getattr(os, name)))
    report = lint_paths([str(tmp_path)], rules=builtin_rules)
    by_name = {Path(r.path).name: [(f.rule, f.message) for f in r.findings]
               for r in report.files}
    assert by_name["secret.txt"] == [("input.unreadable",
                                      "cannot lint: cannot read: Permission denied")]
    assert by_name["locked"] == [("input.unreadable",
                                  "cannot lint: folder not readable (Permission denied)")]
    assert "ok.txt" in by_name and "inside.txt" not in by_name


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_chmod_000_file_is_reported(tmp_path):
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD, encoding="utf-8")
    secret.chmod(0)
    result = check(".", "--format", "json", "--no-cache", cwd=tmp_path)
    assert findings(result)["secret.txt"] == [("input.unreadable",
                                               "cannot lint: cannot read: Permission denied")]


# --- nothing written, atomic writes, concurrent runs ----------------------------------------


def _tree(root: Path, drafts: int = 12) -> list[Path]:
    """A folder of drafts in every format."""
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(drafts):
        path = root / f"d{i:02}.md"
        path.write_text(f"---\ncontext: sales\n---\nHi Dana,\n\nJust checking in on draft {i}."
                        f" I need an answer by Friday!!\n", encoding="utf-8")
        files.append(path)
    extra = {
        "reply.eml": "Subject: Pilot\nFrom: Sam <s@x.com>\nTo: Dana <d@x.com>\n\nHi Dana,\n\n"
                     "Just checking in.\n\nOn Tue, May 5, 2026, Dana wrote:\n> The pilot?\n",
        "mail.html": "<html><title>Pilot</title><p>Hi Dana,</p><p>Touching base on the "
                     "pilot.</p></html>",
        "templates.yaml": "- name: one\n  body: |\n    Hi {{first_name}},\n\n    Just checking "
                          "in on {{company}}.\n",
        "plain.txt": BAD,
    }
    for name, text in extra.items():
        (root / name).write_text(text, encoding="utf-8")
        files.append(root / name)
    return files


def _fingerprint(files: list[Path]) -> dict[str, tuple[str, int, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                     p.stat().st_mode) for p in files}


def test_nothing_is_written_to_linted_files(tmp_path):
    files = _tree(tmp_path / "drafts")
    for path in files:
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an mtime any write would change
    before = _fingerprint(files)
    listing = sorted(p.name for p in (tmp_path / "drafts").iterdir())
    for args in (["--format", "json", "--output", "out.json"],
                 ["--write-baseline", "baseline.json"], ["--baseline", "baseline.json"],
                 ["--format", "sarif", "--output", "out.sarif", "--jobs", "2"], []):
        result = check("drafts", "--cache-dir", "cache", *args, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        assert _fingerprint(files) == before, args
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == listing
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob(".tmp-*"))


@pytest.mark.parametrize("flag", ["--output", "--write-baseline"])
def test_writing_over_a_linted_file_is_refused(tmp_path, flag):
    files = _tree(tmp_path / "drafts", drafts=2)
    before = _fingerprint(files)
    result = check("drafts", flag, "drafts/plain.txt", "--no-cache", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("followup-lint: error: drafts/plain.txt: is one of the files being "
                             "linted; not writing over it\n")
    assert _fingerprint(files) == before


def test_output_and_cache_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old report\n", encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomic(target, "new report\n")
    with pytest.raises(OSError):
        cachemod.write_atomic(tmp_path / "entry.json", b"{}")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old report\n"  # the old one, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary left


def test_two_runs_at_once_share_a_cache_and_agree(tmp_path):
    _tree(tmp_path / "drafts", drafts=30)
    reference = check("drafts", "--format", "json", "--no-cache", cwd=tmp_path)
    assert reference.returncode == 1, reference.stderr
    command = [*cli_command(), "check", "drafts", "--format", "json", "--cache-dir", "cache",
               "--jobs", "1"]
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [r.communicate(timeout=300) for r in runs]
    for (stdout, stderr), process in zip(outputs, runs, strict=True):
        assert process.returncode == 1, stderr
        assert stdout == reference.stdout
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 34  # one entry per file, each whole and well formed
    for entry in entries:
        data = json.loads(entry.read_bytes())
        assert data["format"] == cachemod.FORMAT and data["key"] == entry.stem
    assert not list((tmp_path / "cache").rglob(".tmp-*"))
    third = check("drafts", "--format", "json", "--cache-dir", "cache", cwd=tmp_path)
    assert third.stdout == reference.stdout


def test_same_output_whatever_the_hash_seed(tmp_path):
    _tree(tmp_path / "drafts", drafts=3)
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([*cli_command(), "check", "drafts", "--format", "json",
                                 "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                                env=env, timeout=120)
        outputs.add(result.stdout)
    assert len(outputs) == 1


# --- inputs that took minutes ---------------------------------------------------------------


@pytest.mark.parametrize(("path", "text", "before"), [
    ("d.md", "[" * 100_000, "hours: the link regex rescanned the line from every ["),
    ("d.md", "[a](" * 25_000, "hours: the link target regex, the same way"),
    ("d.md", "*a " * 33_000, "hours: the emphasis regex, from every *"),
    ("d.md", "<!--" * 25_000, "minutes: the comment regex, from every <!--"),
    ("d.txt", "<!-- followup-lint disable " * 4_000, "minutes: the suppression regex"),
    ("d.html", "<a" * 50_000, "hours: html.parser looked for > from every <"),
    ("d.html", "</" * 50_000, "hours: the same for end tags"),
    ("d.html", "<!--" * 25_000 + ">", "hours: the same for comments"),
    ("d.eml", "Subject: " + "word " * 400_000 + "\n\nHi\n", "minutes: a 2 MB header"),
])
def test_readers_take_linear_time(path, text, before):
    started = time.monotonic()
    try:
        read(path, text)
    except Exception as exc:  # the .eml is refused, quickly
        assert "header" in str(exc)
    assert time.monotonic() - started < 60, before


@pytest.mark.parametrize("run", ["!", "$", "😀", "’"])
def test_tokenizing_a_run_of_punctuation_takes_linear_time(linter, run):
    # spaCy strips prefixes and suffixes one at a time: 50,000 "!" took about 7 minutes
    text = "Hi Dana,\n\n" + run * 50_000
    started = time.monotonic()
    doc = linter.nlp.tokenizer(nlp.parseable(text))
    assert time.monotonic() - started < 30
    assert len(doc.text) == len(text)


def test_a_star_pattern_on_a_run_of_capitals_takes_linear_time(linter):
    # pushy.shouting's {IS_UPPER: true, OP: "*"}: 1,300 words in capitals took 7 s, 5,000 minutes
    # (a run of capitals needs a word of five letters)
    doc = next(nlp.parse(linter.nlp, ["Hi Dana,\n\n" + "ABCDE " * 3_000]))
    [shouting] = [c for c in linter.compiled() if c.rule.id == "pushy.shouting"]
    draft = read("d.txt", doc.text)[0]
    started = time.monotonic()
    hits = shouting.matcher.hits(LintInput(draft, doc, "sales", {}, [(0, len(doc.text))]))
    # Quadratic matching took minutes here; linear takes well under a second. The bound is
    # generous so a busy CI machine cannot make it flaky.
    assert time.monotonic() - started < 30
    assert hits and all(0 <= h.start < h.end <= len(doc.text) for h in hits)


@pytest.mark.parametrize("note", ["Beth " * 20_000, "Beth " * 4_000 + "Bethx", "Beth's " * 3_000])
def test_the_sender_named_in_the_notes_takes_linear_time(note):
    # the notes kind reads the sender's name as "me": a run of names retried from every word
    # took 4 s on 20 kB of notes (quadratic); one pass takes milliseconds
    from followup_lint.kinds.notes import _as_first_person
    started = time.monotonic()
    [out] = _as_first_person([note], "Beth Doyle " * 100_000)
    assert time.monotonic() - started < 10
    assert out.startswith(("me", "my"))


def test_runner_lints_good_files_next_to_hostile_ones(tmp_path, builtin_rules):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "deep.eml").write_text("".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n" for i in range(2000)),
        encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- name: a\n  body: hi\n  date: 2026-13-40\n",
                                       encoding="utf-8")
    report = run([str(tmp_path / n) for n in ("good.md", "binary.txt", "deep.eml",
                                              "bad.yaml")], Linter(builtin_rules))
    by_name = {Path(r.path).name: [(f.rule, f.message) for f in r.findings] for r in report.files}
    assert by_name["binary.txt"] == [("input.unreadable", "cannot lint: binary file (contains "
                                      "NUL bytes), not a text draft")]
    assert by_name["deep.eml"] == [("input.unreadable",
                                    "cannot lint: MIME parts are nested too deeply to read")]
    assert by_name["bad.yaml"] == [("input.unreadable", "cannot lint: not valid YAML/JSON: "
                                    "invalid value (month must be in 1..12)")]
    assert report.files[0].metrics and by_name["good.md"] == [
        (f.rule, f.message) for f in lint_text(GOOD, path="good.md").findings]
