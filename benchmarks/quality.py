"""Quality in one run: eval on the corpus (and the held-out set), politeness AUC on the
Stanford Politeness Corpus, and the pushy rules on the dark-pattern texts.

    python benchmarks/quality.py [--shared ../shared] [--limit N]
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
    args = parser.parse_args()
    shared = Path(args.shared)
    linter = Linter(load_rules())
    for name in ("tests/corpus", "benchmarks/holdout", "benchmarks/blind"):
        print(f"== eval {name}")
        print(render(evaluate(str(ROOT / name), linter)).split("\nFP")[0].split("\nFN")[0])
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
