"""The result cache: hits, what invalidates an entry, entries not to be trusted, two writers."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, cli_command, run_cli

from followup_lint import cache as cachemod
from followup_lint.engine import Linter
from followup_lint.model import Severity
from followup_lint.runner import run

DRAFTS = {
    "a.md": "---\ncontext: sales\nsubject: Pricing\n---\nHi Dana,\n\nJust checking in on the "
            "proposal. Please respond ASAP!!\n\nBest,\nSam\n",
    "b.md": "---\nprior:\n  - demo of the scheduling module\nlast_contact: 2026-03-02\n"
            "date: 2026-03-05\n---\nHi Priya,\n\nThanks for the demo on Tuesday. The 40 seats "
            "you asked about come to $12,000 a year.\n\nWould Thursday work for a call?\n\n"
            "Best,\nSam\n",
    "c.txt": "Hello Marcus,\n\nFollowing up on our meeting about the Atlas launch: the test "
             "plan is attached.\n\nThanks,\nAisha\n",
}
UNDATED = "---\nlast_contact: 2026-03-02\n---\nHi Dana,\n\nThe pricing is attached.\n\nBest,\nSam\n"


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    folder = tmp_path / "drafts"
    folder.mkdir()
    for name, text in DRAFTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class Counting:
    """Wraps Linter.lint_drafts to record how many drafts were actually linted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.linted: list[str] = []
        original = Linter.lint_drafts

        def lint_drafts(linter, drafts, context=None):  # type: ignore[no-untyped-def]
            self.linted += [d.path for d in drafts]
            return original(linter, drafts, context)

        monkeypatch.setattr(Linter, "lint_drafts", lint_drafts)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a == b
    assert [r.source for r in a.files] == [r.source for r in b.files]


def test_second_run_is_all_hits_with_identical_results(drafts, tmp_path, linter, monkeypatch):
    cache = tmp_path / "cache"
    first = run([str(drafts)], linter, cache=cache)
    count = Counting(monkeypatch)
    second = run([str(drafts)], linter, cache=cache)
    assert count.linted == []
    _same(first, second)
    assert (cache / "CACHEDIR.TAG").is_file() and (cache / ".gitignore").is_file()
    assert len(list(cache.rglob("*.json"))) == len(DRAFTS)


def test_no_cache_folder_means_no_cache(drafts, tmp_path, linter, monkeypatch):
    run([str(drafts)], linter)
    count = Counting(monkeypatch)
    run([str(drafts)], linter)
    assert len(count.linted) == len(DRAFTS)


def test_changed_content_relints_that_file_only(drafts, tmp_path, linter, monkeypatch):
    cache = tmp_path / "cache"
    run([str(drafts)], linter, cache=cache)
    (drafts / "a.md").write_text(DRAFTS["a.md"].replace("ASAP", "soon"), encoding="utf-8")
    count = Counting(monkeypatch)
    report = run([str(drafts)], linter, cache=cache)
    assert count.linted == [str(drafts / "a.md")]
    assert report == run([str(drafts)], linter)


def test_renamed_draft_is_a_hit_with_its_new_path(drafts, tmp_path, linter, monkeypatch):
    cache = tmp_path / "cache"
    run([str(drafts)], linter, cache=cache)
    (drafts / "a.md").rename(drafts / "renamed.md")
    count = Counting(monkeypatch)
    report = run([str(drafts / "renamed.md")], linter, cache=cache)
    assert count.linted == []
    assert report.files[0].findings
    assert {f.path for f in report.files[0].findings} == {str(drafts / "renamed.md")}
    assert report.files[0].path == str(drafts / "renamed.md")


def _relinted(drafts, cache, monkeypatch, linter, **options) -> int:  # type: ignore[no-untyped-def]
    run([str(drafts)], linter, cache=cache)
    count = Counting(monkeypatch)
    run([str(drafts)], options.pop("other", linter), cache=cache, **options)
    return len(count.linted)


def test_rules_invalidate(drafts, tmp_path, linter, builtin_rules, monkeypatch):
    fewer = Linter(builtin_rules[:-1], linter.model)
    assert _relinted(drafts, tmp_path / "c", monkeypatch, linter, other=fewer) == len(DRAFTS)
    stricter = Linter([dataclasses.replace(r, severity=Severity.ERROR) for r in builtin_rules],
                      linter.model)
    assert _relinted(drafts, tmp_path / "d", monkeypatch, linter, other=stricter) == len(DRAFTS)
    other = Linter(builtin_rules, linter.model, report_unused_suppressions=True)
    assert _relinted(drafts, tmp_path / "e", monkeypatch, linter, other=other) == len(DRAFTS)


@pytest.mark.parametrize("options", [{"context": "client"}, {"prior": ["the Atlas launch"]},
                                     {"require_fields": ["first_name"]}, {"template": True}])
def test_run_options_invalidate(drafts, tmp_path, linter, monkeypatch, options):
    assert _relinted(drafts, tmp_path / "c", monkeypatch, linter, **options) == len(DRAFTS)


@pytest.mark.parametrize("ingredient", ["version", "code", "model", "libraries", "lists"])
def test_version_code_and_model_invalidate(drafts, tmp_path, linter, monkeypatch, ingredient):
    cache = tmp_path / "cache"
    run([str(drafts)], linter, cache=cache)
    if ingredient == "version":
        monkeypatch.setattr(cachemod, "_package_version", lambda: "999.0")
    elif ingredient == "code":
        monkeypatch.setattr(cachemod, "code_fingerprint", lambda: "edited")
    elif ingredient == "model":
        monkeypatch.setattr(cachemod, "model_identity",
                            lambda name: {"name": "en_core_web_sm", "meta": "v2"})
    elif ingredient == "lists":  # a built-in word list edited in a checkout: no code changed
        from followup_lint import lexicon

        edited = lexicon.Lists({**lexicon.builtin().entries, "reader-hardship": ("pneumonia",)})
        monkeypatch.setattr(cachemod, "_builtin_lists", lambda: edited)
    else:
        monkeypatch.setattr(cachemod, "library_versions", lambda: {"spacy": "9.9"})
    count = Counting(monkeypatch)
    run([str(drafts)], linter, cache=cache)
    assert len(count.linted) == len(DRAFTS)


def test_result_that_used_today_is_valid_today_only(tmp_path, linter, monkeypatch):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "undated.md").write_text(UNDATED, encoding="utf-8")
    (folder / "dated.md").write_text(DRAFTS["b.md"], encoding="utf-8")
    cache = tmp_path / "cache"
    run([str(folder)], linter, cache=cache)
    monkeypatch.setattr(cachemod, "today", lambda: "2999-01-01")
    count = Counting(monkeypatch)
    run([str(folder)], linter, cache=cache)
    assert count.linted == [str(folder / "undated.md")]


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / f"v{cachemod.SCHEMA}").rglob("*.json"))


def _rewrite(entry: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(entry.read_text(encoding="utf-8"))
    change(data)
    if "reports" in data and isinstance(data, dict):
        data["checksum"] = cachemod._checksum(data["reports"])  # a well-formed forgery
    entry.write_text(json.dumps(data), encoding="utf-8")


def _break_span(data: dict) -> None:
    data["reports"][0]["findings"][0]["span"][1] = 10**9


CORRUPTIONS = {
    "garbage": lambda p: p.write_bytes(b"\x00\xff not json"),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "foreign": lambda p: p.write_text('["some", "other", "tool"]'),
    "other schema": lambda p: _rewrite(p, lambda d: d.update(schema=99)),
    "other key": lambda p: _rewrite(p, lambda d: d.update(key="0" * 64)),
    "bad checksum": lambda p: p.write_text(p.read_text().replace('"checksum":"', '"checksum":"x')),
    "span out of the source": lambda p: _rewrite(p, _break_span),
    "wrong type": lambda p: _rewrite(p, lambda d: d["reports"][0].update(context_inferred="no")),
    "unknown field": lambda p: _rewrite(p, lambda d: d["reports"][0].update(extra=1)),
    "bad severity": lambda p: _rewrite(
        p, lambda d: d["reports"][0]["findings"][0].update(severity="fatal")),
    "a folder": lambda p: (p.unlink(), p.mkdir()),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_untrustworthy_entry_is_ignored_and_replaced(tmp_path, linter, monkeypatch, corruption):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.md").write_text(DRAFTS["a.md"], encoding="utf-8")
    cache = tmp_path / "cache"
    expected = run([str(folder)], linter, cache=cache)
    (entry,) = _entries(cache)
    CORRUPTIONS[corruption](entry)
    count = Counting(monkeypatch)
    _same(run([str(folder)], linter, cache=cache), expected)
    assert len(count.linted) == 1
    if entry.is_file():  # rewritten whole: the next run is a hit again
        count.linted.clear()
        _same(run([str(folder)], linter, cache=cache), expected)
        assert count.linted == []


def test_results_cut_short_by_a_time_limit_are_not_kept(drafts, tmp_path, builtin_rules):
    hurried = Linter(builtin_rules, draft_timeout=1e-9)
    report = run([str(drafts)], hurried, cache=tmp_path / "cache")
    assert all(any(f.rule == "input.timeout" for f in r.findings) for r in report.files)
    assert _entries(tmp_path / "cache") == []


def test_unwritable_cache_folder_still_lints(drafts, tmp_path, linter):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    _same(run([str(drafts)], linter, cache=blocker), run([str(drafts)], linter))


def test_reports_round_trip_exactly(drafts, linter):
    report = run([str(drafts)], linter)
    for r in report.files:
        text = Path(r.path).read_text(encoding="utf-8")
        encoded = json.loads(json.dumps(cachemod.encode_report(r, text)))
        back = cachemod.decode_report(encoded, r.path, text)
        assert back == r and back.source == r.source
        assert all(isinstance(f.severity, Severity) for f in back.findings)


def test_key_does_not_depend_on_the_path_but_on_the_reader(linter, tmp_path):
    store = cachemod.ResultCache(tmp_path, linter, context=None)
    assert store.key("x/a.md", "text") == store.key("y/b.md", "text")
    assert store.key("a.md", "text") != store.key("a.txt", "text")
    assert store.key("a.md", "text") != store.key("a.md", "text ")
    assert store.key("a.md", "text") != store.key("a.md", "text", template=True)


# --- two processes at once --------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from followup_lint.cache import write_atomic
    target, payload = Path(sys.argv[1]), sys.argv[2].encode() * 20000
    for _ in range(300):
        write_atomic(target, payload)
""")


def test_atomic_writes_never_show_a_partial_entry(tmp_path):
    target = tmp_path / "v1" / "ab" / "entry.json"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(target), letter], cwd=ROOT)
               for letter in "xy"]
    whole = {letter.encode() * 20000 for letter in "xy"}
    seen = 0
    while any(w.poll() is None for w in writers):
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            continue
        assert data in whole
        seen += 1
    assert all(w.returncode == 0 for w in writers)
    assert seen > 0
    assert [p.name for p in target.parent.iterdir()] == ["entry.json"]  # no temp files left


def test_two_cli_runs_at_once_share_one_cache(drafts, tmp_path, linter, monkeypatch):
    cache = tmp_path / "cache"
    args = ["check", str(drafts), "--format", "json", "--cache-dir", str(cache), "--jobs", "1"]
    procs = [subprocess.Popen([*cli_command(), *args], stdout=subprocess.PIPE, text=True,
                              cwd=tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [1, 1]
    assert outputs[0] == outputs[1]
    assert run_cli(*args, cwd=tmp_path).stdout == outputs[0]
    count = Counting(monkeypatch)
    run([str(drafts)], linter, cache=cache)
    assert count.linted == []  # every entry is whole and valid
