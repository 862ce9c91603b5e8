"""How well the politeness score ranks emails that people rated, on an email corpus from elsewhere.

The politeness model is fitted on Wikipedia requests (``benchmarks/fit_politeness.py``); this
checks it across domains on the document-level human politeness scores of Alipanah, Barriere
and Baier, "A Synthetic Request-Reply Email Corpus Annotated with Document-Level Politeness and
Sentence-Level Face Acts" (Findings of EMNLP 2026), repository
alipanahroshad-oss/email-politeness-corpus, file
``data/corpus/email_text_gold_three_dimensions_politeness_score_with_seed_correct.csv``
(480 request and reply emails, three gold dimensions rated 1-5 by annotators).

The corpus is CC BY-NC-SA 4.0, so it is not copied into this repository: bring it yourself
(for example with ``git clone``) and pass its path. Nothing is downloaded here.

    python benchmarks/politeness_email.py PATH/TO/email_text_gold_...csv

Prints Spearman's rank correlation between the score and the mean of the gold dimensions, and
the ROC AUC of telling the top quartile (most polite) from the bottom quartile, the measure
the Stanford Politeness Corpus paper uses.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from followup_lint import load_rules  # noqa: E402
from followup_lint.engine import Linter  # noqa: E402


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting half."""
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho (average ranks are not needed for a rough figure: ties broken by order)."""
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def as_draft(email_id: str, text: str) -> tuple[str, str]:
    """The corpus puts 'Subject: ...' on the first line: move it into front matter."""
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject = json.dumps(first[len("subject:"):].strip())
        text = f"---\nsubject: {subject}\n---\n{rest.lstrip()}"
    return f"e{email_id}.md", text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the corpus's gold CSV")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    drafts, gold = [], []
    for row in rows:
        values = [float(v) for k, v in row.items() if k.endswith("__GOLD") and v not in ("", None)]
        if values:
            drafts.append(as_draft(row["email_id"], row["text_email"]))
            gold.append(sum(values) / len(values))
    reports = Linter(load_rules()).lint(drafts)
    score = np.array([r.metrics["politeness"] for r in reports], dtype=float)
    truth = np.array(gold)
    low, high = np.quantile(truth, [0.25, 0.75])
    print(f"emails: {len(truth)}")
    print(f"Spearman (score vs mean gold politeness): {spearman(score, truth):.3f}")
    print(f"AUC, top vs bottom quartile: {auc(score[truth >= high], score[truth <= low]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
