"""Quality floors on the labelled corpus, so they cannot silently regress."""

from __future__ import annotations

import pytest
from conftest import ROOT

from followup_lint.evaluate import evaluate


@pytest.fixture(scope="module")
def evaluation(linter):
    return evaluate(str(ROOT / "tests" / "corpus"), linter)


@pytest.mark.parametrize("category", ["generic", "reference", "pushy", "tone", "timing",
                                      "structure"])
def test_precision_and_recall_floors(evaluation, category):
    score = evaluation.scores[category]
    assert score.precision >= 0.90, (category, score, evaluation.errors)
    assert score.recall >= 0.80, (category, score, evaluation.errors)


def test_few_clean_drafts_flagged(evaluation):
    assert evaluation.clean_total >= 35
    assert evaluation.clean_flag_rate <= 0.10, [e for e in evaluation.errors if e["kind"] == "FP"]


def test_corpus_size_and_coverage(evaluation):
    totals = {c: s.tp + s.fn for c, s in evaluation.scores.items()}
    assert all(n >= 15 for n in totals.values()), totals
