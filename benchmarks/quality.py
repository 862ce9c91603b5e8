"""Quality in one run: eval on the labelled sets, politeness AUC on the Stanford Politeness
Corpus, and the pushy rules on the dark-pattern texts.

    python benchmarks/quality.py [--shared ../shared] [--limit N] [--test-splits]

The sets, from least to most independent of the people who wrote the rules:
  tests/corpus, benchmarks/holdout, benchmarks/blind   the project's own drafts (tuned on)
  benchmarks/blind2-dev    drafts written by the labelling guide, rules unseen (tuned on)
  benchmarks/real/dev      real emails and public templates written elsewhere (tuned on)
  benchmarks/blind2-test, benchmarks/real/test   held out once (results in benchmarks/results/),
  benchmarks/blind3, benchmarks/real2,           then tuned on: only with --test-splits
  benchmarks/blind4, benchmarks/real3,
  benchmarks/blind5, benchmarks/real4,
  benchmarks/blind6, benchmarks/real5,
  benchmarks/blind7, benchmarks/real6,
  benchmarks/blind8, benchmarks/real7,
  benchmarks/blind9, benchmarks/real8,
  benchmarks/blind10, benchmarks/blind11, benchmarks/real9,
  benchmarks/blind12, benchmarks/real10, benchmarks/blind13,
  benchmarks/blind14, benchmarks/real11/dev, benchmarks/blind15,
  benchmarks/real12, benchmarks/blind16, benchmarks/real11/test
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from followup_lint import load_rules  # noqa: E402
from followup_lint.engine import Linter  # noqa: E402
from followup_lint.evaluate import evaluate, render  # noqa: E402


def dark_patterns(path: Path, limit: int | None) -> dict[str, float]:
    """Recall of the pushy rules on Urgency/Scarcity texts; share of clean texts flagged."""
    rules = [r for r in load_rules() if r.category == "pushy"]
    linter = Linter(rules)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))[:limit]
    texts = [(f"row{i}", row["text"]) for i, row in enumerate(rows)]
    reports = linter.lint(texts, context="sales")
    hit = {"pressure": 0, "pressure_n": 0, "clean": 0, "clean_n": 0}
    for row, report in zip(rows, reports, strict=True):
        flagged = any(f.category == "pushy" for f in report.findings)
        if row["Pattern Category"] in ("Urgency", "Scarcity"):
            hit["pressure_n"] += 1
            hit["pressure"] += flagged
        elif row["label"] == "0":
            hit["clean_n"] += 1
            hit["clean"] += flagged
    return {"urgency_scarcity_recall": hit["pressure"] / max(hit["pressure_n"], 1),
            "urgency_scarcity_n": hit["pressure_n"],
            "clean_flagged": hit["clean"] / max(hit["clean_n"], 1), "clean_n": hit["clean_n"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--limit", type=int, default=None, help="rows of each data set")
    parser.add_argument("--test-splits", action="store_true",
                        help="also the sets held out once and now spent "
                             "(their held-out figures are in benchmarks/results/)")
    args = parser.parse_args()
    shared = Path(args.shared)
    linter = Linter(load_rules())
    sets = ["tests/corpus", "benchmarks/holdout", "benchmarks/blind", "benchmarks/blind2-dev",
            "benchmarks/real/dev"]
    if args.test_splits:
        sets += ["benchmarks/blind2-test", "benchmarks/real/test", "benchmarks/blind3",
                 "benchmarks/blind4", "benchmarks/real2", "benchmarks/real3",
                 "benchmarks/blind5", "benchmarks/real4", "benchmarks/blind6",
                 "benchmarks/real5", "benchmarks/blind7", "benchmarks/real6",
                 "benchmarks/blind8", "benchmarks/real7", "benchmarks/blind9",
                 "benchmarks/real8", "benchmarks/blind10", "benchmarks/blind11",
                 "benchmarks/real9", "benchmarks/blind12", "benchmarks/real10",
                 "benchmarks/blind13", "benchmarks/blind14", "benchmarks/real11/dev",
                 "benchmarks/blind15", "benchmarks/real12", "benchmarks/blind16",
                 "benchmarks/real11/test"]
    for name in sets:
        print(f"== eval {name}")
        print(render(evaluate(str(ROOT / name), linter)).split("\nFP")[0].split("\nFN")[0])
    if not shared.is_dir():
        print(f"== {shared}: not found; the politeness and dark-pattern checks need ../shared/data")
        return
    from benchmarks.fit_politeness import evaluate_auc

    politeness = shared / "data" / "politeness" / "wikipedia.annotated.csv"
    result = evaluate_auc(str(politeness), limit=args.limit)
    print(f"== politeness: ROC AUC top vs bottom quartile = {result['auc']:.3f} "
          f"(n={result['n']}; target >= 0.85)")
    dark = dark_patterns(shared / "data" / "darkpatterns" / "dev.tsv", args.limit)
    print(f"== dark patterns: pushy recall on Urgency+Scarcity = "
          f"{dark['urgency_scarcity_recall']:.2f} (n={dark['urgency_scarcity_n']}; target >= 0.6); "
          f"not-manipulative texts flagged = {dark['clean_flagged']:.1%} "
          f"(n={dark['clean_n']}; target <= 5%)")


if __name__ == "__main__":
    main()
