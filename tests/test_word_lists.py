"""Word lists live in rules/lists/*.yaml, one per concept (lexicon.py): none is written in
Python, no two are the same concept, a malformed file is one clear error, the regexes built
from them are linear, and a project's rule folder extends the lists the Python code reads."""

from __future__ import annotations

import ast
import itertools
import json
import random
import re
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from followup_lint import cache, lexicon
from followup_lint.model import InputError

PACKAGE = ROOT / "followup_lint"
LISTS = ROOT / "rules" / "lists"
MAX_WORDS = 8
_WORD = re.compile(r"^[a-z]+(?:['’ -][a-z]+)*$")
# Alternations of plain words inside a regular expression: "hi|hello|hey|...".
_ALTERNATION = re.compile(r"(?<![\w\\])([a-z][a-z' ]*(?:\|[a-z][a-z' ]*){" + str(MAX_WORDS)
                          + r",})(?![\w])", re.IGNORECASE)

# Collections of lower-case words that are syntax, not vocabulary: keys of a file format or a
# protocol, names in the code. (module, first item) -> why.
SYNTAX = {
    ("client.py", "op"): "the server protocol's request keys",
    ("config.py", "rules"): "config file keys",
    ("config.py", "file"): "config keys as `followup-lint config` shows them",
    ("document.py", "context"): "front matter keys",
    ("kinds/__init__.py", "phrase"): "rule kind names",
    ("readers/html.py", "div"): "HTML block tags",
    ("readers/html.py", "br"): "HTML void tags",
    ("readers/placeholders.py", "fname"): "merge-field name aliases (identifiers, not words)",
    ("rulebook.py", "name"): "rule file keys",
    ("evidence.py", "declared-context"): "the evidence names rule files use",
    ("scores.py", "gratitude"): "politeness feature names",
    ("scores.py", "forms"): "__slots__",
    ("readers/thread.py", "From"): "e-mail header names (RFC 5322 and their translations)",
}


def _strings(nodes: list[ast.expr]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _word_collections() -> list[tuple[str, int, list[str]]]:
    """(module, line, words) of every literal collection or regex alternation of more than
    MAX_WORDS lower-case English-looking words under followup_lint/."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            items: list[str] = []
            if isinstance(node, ast.Set | ast.List | ast.Tuple):
                items = _strings(node.elts)
            elif isinstance(node, ast.Dict):
                items = _strings([k for k in node.keys if k is not None])
            elif isinstance(node, ast.Call):  # "a b c".split(), _wordset("""a b ...""")
                func = node.func
                blocks = _strings([func.value]) if isinstance(func, ast.Attribute) and (
                    func.attr == "split") else [a for a in _strings(node.args) if "\n" in a]
                for block in blocks:
                    if all(_WORD.match(w) for w in block.split()):
                        items = block.split()
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                for m in _ALTERNATION.finditer(node.value):
                    found.append((module, node.lineno, m.group(1).split("|")))
            words = [i for i in items if _WORD.match(i)]
            if len(words) > MAX_WORDS:
                found.append((module, node.lineno, words))
    return found


def test_no_module_writes_a_word_list_in_python():
    offending = [f"{module}:{line}: {words[:6]}" for module, line, words in _word_collections()
                 if (module, words[0]) not in SYNTAX]
    assert not offending, ("word lists belong in rules/lists/<concept>.yaml, read with "
                           "lexicon.get/weights/compiled:\n" + "\n".join(offending))


def test_the_syntax_allow_list_has_no_stale_entries():
    seen = {(module, words[0]) for module, _, words in _word_collections()}
    assert set(SYNTAX) <= seen, set(SYNTAX) - seen


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def test_no_two_lists_are_the_same_concept():
    lists = lexicon.merge([ROOT / "rules"])
    pairs = [(x, y, round(_overlap(set(lists[x]), set(lists[y])), 2))
             for x, y in itertools.combinations(sorted(lists), 2)]
    near = [p for p in pairs if p[2] > 0.6]
    assert not near, f"lists sharing over 60% of their items (one concept, two lists?): {near}"


def test_every_list_has_a_description_and_is_used():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    rules = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "rules").rglob("*.yaml")
                      if p.parent != LISTS)
    listed = "\n".join(p.read_text(encoding="utf-8") for p in LISTS.glob("*.yaml"))
    for path in sorted(LISTS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^description: \|?\n?\s*\S", text, re.MULTILINE), path.name
        name = path.stem
        used = (f'"{name}"' in sources or f"@{name}" in rules
                or (name.startswith("situation-") and "situation-{}" in sources)
                or f"@{name}" in listed)  # named by another list's description as its partner
        assert used, f"{name}: no rule (@{name}) and no Python code reads it"


@pytest.mark.parametrize(("content", "message"), [
    ("description: d\n", "give either 'items'"),
    ("description: d\nitems: [a]\nweights: {a: 1}\n", "give either 'items'"),
    ("description: d\nitems: []\n", "'items' must be a non-empty list of strings"),
    ("description: d\nweights: [a, b]\n", "'weights' must be a non-empty mapping"),
    ("description: d\nweights: {a: high}\n", "'weights' must be a non-empty mapping"),
    ("description: d\nweights: {a: true}\n", "'weights' must be a non-empty mapping"),
    ("description: d\nitems: [a\n", "cannot read"),
])
def test_a_malformed_list_is_one_clear_error(tmp_path, content, message):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "mine.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        lexicon.read(tmp_path)
    text = str(err.value)
    assert message in text and "mine.yaml: word list:" in text and "\n" not in text


def test_a_project_list_keeps_the_form_of_the_builtin_one(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "situation-sales.yaml").write_text("items: [widget]\n",
                                                             encoding="utf-8")
    with pytest.raises(InputError, match="is given with 'weights' elsewhere"):
        lexicon.merge([ROOT / "rules", tmp_path])


def test_weights_add_and_override(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "situation-sales.yaml").write_text(
        "weights: {demo: 5, widget: 2}\n", encoding="utf-8")
    merged = lexicon.merge([ROOT / "rules", tmp_path])
    assert lexicon.builtin().weights("situation-sales")["demo"] == 3
    assert merged.weights("situation-sales")["demo"] == 5
    assert merged["situation-sales"][0] == "pricing"  # a weighted list's items: its words
    assert merged["situation-sales"][-1] == "widget"
    assert lexicon.weights("months")["sept"] == 9


def test_lists_of_a_run_are_current_only_inside_using(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "slang-words.yaml").write_text("items: [wibble]\n", encoding="utf-8")
    mine = lexicon.for_folders((str(tmp_path),))
    assert mine is not None and "wibble" in mine["slang-words"]
    assert lexicon.for_folders((str(tmp_path / "nothing-here"),)) is None
    with lexicon.using(mine):
        assert "wibble" in lexicon.get("slang-words")
    assert "wibble" not in lexicon.get("slang-words")


def test_the_lists_are_part_of_the_cache_key(tmp_path):
    from followup_lint.engine import Linter

    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "slang-words.yaml").write_text("items: [wibble]\n", encoding="utf-8")
    plain = cache.digest(cache.linter_state(Linter(())))
    mine = cache.digest(cache.linter_state(Linter((), lists=lexicon.for_folders(
        (str(tmp_path),)))))
    assert plain != mine


def _hostile() -> dict[str, str]:
    size = 100_000
    rng = random.Random(13)
    return {"spaces": " " * size, "words": "Hi there, checking in! " * (size // 23),
            "mixed": "".join(rng.choice("  aZ.,!?:;-'\"\t()") for _ in range(size)),
            "dates": "Monday the 9th of March 2026, " * (size // 30),
            "names": "<first " * (size // 7), "braces": "{{" * (size // 2),
            **{f"run of {c}": c * size for c in "!?.{[<(*-_'\"#@:A"}}


def test_regexes_built_from_lists_are_linear():
    from followup_lint import document, timeline
    from followup_lint.readers import placeholders, thread

    patterns = {"greeting": lexicon.compiled(document._greeting),
                "sign-off": lexicon.compiled(document._sign_off),
                "dates": lexicon.compiled(timeline._date_pattern),
                "first person": lexicon.compiled(timeline._first_person),
                "merge fields": placeholders.pattern(),
                **{f"thread date {k}": p for k, p in enumerate(lexicon.compiled(thread._dates))}}
    slow = {}
    for name, pattern in patterns.items():
        for kind, text in _hostile().items():
            started = time.monotonic()
            for _ in pattern.finditer(text):
                pass
            pattern.match(text)
            if time.monotonic() - started > 0.4:
                slow[(name, kind)] = round(time.monotonic() - started, 2)
    assert not slow, slow


DRAFT = """---
context: colleague
---
Hi Sam,

The wibble build is done and the wibble notes are in the wiki; wibble me if anything breaks.

Sam
"""


def _metrics(folder: Path) -> dict:
    result = run_cli("check", "--format", "json", "--no-cache", "d.md", cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["files"][0]["metrics"]


def test_a_project_rule_folder_extends_the_lists_the_scores_read(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "d.md").write_text(DRAFT, encoding="utf-8")
    project = tmp_path / "project"
    (project / "house-rules" / "lists").mkdir(parents=True)
    (project / "d.md").write_text(DRAFT, encoding="utf-8")
    (project / ".followup-lint.yaml").write_text("rules: [house-rules]\n", encoding="utf-8")
    (project / "house-rules" / "lists" / "slang-words.yaml").write_text(
        "description: our slang\nitems: [wibble]\n", encoding="utf-8")
    before, after = _metrics(plain), _metrics(project)
    assert after["formality"] < before["formality"], (before, after)
    assert {k: v for k, v in after.items() if k != "formality"} == {
        k: v for k, v in before.items() if k != "formality"}


def test_a_project_vocabulary_changes_the_inferred_situation(tmp_path):
    project = tmp_path / "project"
    (project / "rules" / "lists").mkdir(parents=True)
    text = "Hi Sam,\n\nThe wibble and the wobble are ready for you.\n\nBest,\nAlex\n"
    (project / "d.md").write_text(text, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", "d.md", cwd=project)
    assert json.loads(result.stdout)["files"][0]["context_inferred"] is True
    before = json.loads(result.stdout)["files"][0]["context"]
    (project / "rules" / "lists" / "situation-sales.yaml").write_text(
        "description: our products\nweights: {wibble: 3, wobble: 3}\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", "--rules", "rules", "d.md",
                     cwd=project)
    assert result.returncode in (0, 1), result.stderr
    after = json.loads(result.stdout)["files"][0]["context"]
    assert (before, after) == ("meeting", "sales")
