"""Quality floors on the labelled sets, so they cannot silently regress.

- tests/corpus: the project's own drafts (written with the first rules; their labels count
  some advice LABELS.md no longer calls a mistake, such as a short email or one with no next
  step, so only precision is held at 0.90; recall floors sit just under today's figures).
- benchmarks/blind2-dev: drafts written by the labelling guide by a writer who never saw the
  rules; tuned on (its twin blind2-test is not, and is not tested here).
- benchmarks/real/dev: real emails and public templates written outside the project; tuned on
  (its test third is measured once, by benchmarks/quality.py, never in a test).
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from followup_lint.evaluate import evaluate

CATEGORIES = ["generic", "reference", "pushy", "tone", "timing", "structure"]
CORPUS_RECALL = {"generic": 0.75, "reference": 0.30, "pushy": 0.85, "tone": 0.90,
                 "timing": 0.90, "structure": 0.15}


@pytest.fixture(scope="module")
def evaluation(linter):
    return evaluate(str(ROOT / "tests" / "corpus"), linter)


@pytest.fixture(scope="module")
def blind_dev(linter):
    return evaluate(str(ROOT / "benchmarks" / "blind2-dev"), linter)


@pytest.mark.parametrize("category", CATEGORIES)
def test_corpus_precision_and_recall_floors(evaluation, category):
    score = evaluation.scores[category]
    assert score.precision >= 0.90, (category, score, evaluation.errors)
    assert score.recall >= CORPUS_RECALL[category], (category, score, evaluation.errors)


def test_few_clean_drafts_flagged(evaluation):
    assert evaluation.clean_total >= 35
    assert evaluation.clean_flag_rate <= 0.10, [e for e in evaluation.errors if e["kind"] == "FP"]


def test_corpus_size_and_coverage(evaluation):
    totals = {c: s.tp + s.fn for c, s in evaluation.scores.items()}
    assert all(n >= 15 for n in totals.values()), totals


@pytest.mark.parametrize("category", CATEGORIES)
def test_blind_dev_floors(blind_dev, category):
    score = blind_dev.scores[category]
    assert score.tp + score.fn >= 9, (category, score)  # each category is really measured
    assert score.precision >= 0.90, (category, score, blind_dev.errors)
    assert score.recall >= 0.80, (category, score, blind_dev.errors)


def test_blind_dev_clean_drafts(blind_dev):
    assert blind_dev.clean_total >= 20
    assert blind_dev.clean_flag_rate <= 0.10, [e for e in blind_dev.errors if e["kind"] == "FP"]


@pytest.fixture(scope="module")
def real_dev(linter):
    return evaluate(str(ROOT / "benchmarks" / "real" / "dev"), linter)


def test_real_dev_few_false_alarms(real_dev):
    assert real_dev.emails >= 130
    assert real_dev.false_alarm_rate <= 0.05, [e for e in real_dev.errors if e["kind"] == "FP"]


# The sets that were held out once and are now spent (measured, then tuned on): held here so
# that the fixes made after their measurement cannot silently regress. The figures of their one
# held-out measurement are in benchmarks/results/.
SPENT = ["benchmarks/blind2-test", "benchmarks/blind3", "benchmarks/blind4", "benchmarks/blind5",
         "benchmarks/real/test", "benchmarks/real2", "benchmarks/real3", "benchmarks/real4",
         "benchmarks/blind7", "benchmarks/blind9", "benchmarks/real8", "benchmarks/blind10",
         "benchmarks/blind11", "benchmarks/blind12", "benchmarks/blind13", "benchmarks/blind14",
         "benchmarks/blind15", "benchmarks/blind16"]


@pytest.fixture(scope="module", params=SPENT)
def spent(request, linter):
    return request.param, evaluate(str(ROOT / request.param), linter)


# Rounds 5 to 7, spent too but short of the floors above after their fixes; held at what they
# reach now so that nothing regresses: (pooled precision, emails with a false alarm). real6 has
# too few mistakes in it (7 of 94 emails) for its precision to say much, nor has real7 (8 of
# 103): their false alarms are what is held. blind8's are four drafts whose labeller and the
# guide's wording part ways (a draft naming none of the notes' points, labelled generic only).
# real9 (round 9) has 2 mistakes in 45 emails: its 3 false alarms are what is held; real10
# (round 10) has none in 7; real11's dev split (round 11) 5 in 100 and real12 4 in 150, held
# at no false alarm; real11's test split, measured once at the end of round 11, 3 in 50.
SPENT_SHORT = {"benchmarks/blind6": (0.93, 3), "benchmarks/real5": (0.50, 6),
               "benchmarks/real6": (0.0, 2), "benchmarks/blind8": (0.92, 4),
               "benchmarks/real7": (0.60, 1), "benchmarks/real9": (0.0, 3),
               "benchmarks/real10": (0.0, 0), "benchmarks/real11/dev": (0.80, 0),
               "benchmarks/real12": (0.80, 0), "benchmarks/real11/test": (0.90, 0)}


@pytest.mark.parametrize("name", sorted(SPENT_SHORT))
def test_short_spent_sets_do_not_regress(name, linter):
    result = evaluate(str(ROOT / name), linter)
    pooled = sum(s.tp for s in result.scores.values())
    wrong = sum(s.fp for s in result.scores.values())
    floor, alarms = SPENT_SHORT[name]
    assert pooled / max(1, pooled + wrong) >= floor, (name, result.errors)
    flagged = {e["file"] for e in result.errors if e["kind"] == "FP"}
    assert len(flagged) <= alarms, (name, sorted(flagged))


def test_spent_sets_precision_and_false_alarms(spent):
    name, result = spent
    pooled = sum(s.tp for s in result.scores.values())
    wrong = sum(s.fp for s in result.scores.values())
    assert pooled / max(1, pooled + wrong) >= 0.90, (name, result.errors)
    assert result.false_alarm_rate <= 0.05, (name, [e for e in result.errors if e["kind"] == "FP"])
