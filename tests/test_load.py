"""Load: 5,000 generated drafts in one run, in bounded memory, with the same findings as
linting them one by one.

The run happens in a child process so that its peak resident memory (ru_maxrss) is its own:
one spaCy pipeline, 5,000 sources, drafts and reports. It takes about a minute and a half
here (~18 ms a draft in one process), so it is marked `slow`; it still runs by default, and
`-m "not slow"` leaves it out. docs/robustness.md records the numbers.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from followup_lint.formatters.json_format import file_dict

DRAFTS = 5_000
PEAK_RSS_LIMIT_MB = 1_500
SAMPLE_EVERY = 100  # drafts linted one by one to compare: 50 of them

GREETINGS = ["Hi Dana,", "Hello Sam,", "Dear Ms. Okoro,", "Hey Priya,", "Good morning Alex,", ""]
SENTENCES = [
    "Just checking in on the proposal.", "Thanks for Tuesday's call about the Acme pilot.",
    "The pricing for {n} seats is attached.", "I need an answer by Friday!!",
    "Could we confirm the start date on Thursday at 2 pm?", "Per my last email, see below.",
    "Touching base about the kickoff.", "Thx for the help yesterday, gonna push the fix lol.",
    "This is your LAST CHANCE to lock in the price.", "Hope this email finds you well.",
    "I attached the revised budget with the {n} line items you asked about.",
    "Would a 20-minute call next Wednesday work?", "Please advise ASAP.",
    "We shipped version {n}.2 of the dashboard this morning.",
]
SIGN_OFFS = ["Best,\nSam", "Thanks,\nAlex", "Cheers,\nJo", "Regards,\nPat Lee", ""]
CONTEXTS = ["sales", "job-interview", "meeting", "networking", "colleague", "client",
            "personal"]


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` short drafts, varied and reproducible: .md and .txt, some with front matter."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        body = " ".join(rng.choice(SENTENCES).format(n=rng.randint(2, 90))
                        for _ in range(rng.randint(1, 4)))
        parts = [rng.choice(GREETINGS), body, rng.choice(SIGN_OFFS)]
        text = "\n\n".join(p for p in parts if p) + "\n"
        if rng.random() < 0.5:
            meta = [f"context: {rng.choice(CONTEXTS)}"]
            if rng.random() < 0.3:
                meta.append(f"followup: {rng.randint(1, 4)}")
            if rng.random() < 0.3:
                meta.append(f"last_contact: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
                meta.append("date: 2026-10-01")
            text = "---\n" + "\n".join(meta) + "\n---\n" + text
        path = folder / f"{i // 500:02}" / f"draft-{i:05}{rng.choice(['.md', '.txt'])}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


CHILD = """
import json, resource, sys, time
from followup_lint import load_rules
from followup_lint.engine import Linter
from followup_lint.formatters.json_format import file_dict
from followup_lint.runner import run

folder, out = sys.argv[1], sys.argv[2]
linter = Linter(load_rules())
started = time.monotonic()
report = run([folder], linter, jobs=1)
seconds = time.monotonic() - started
with open(out, "w", encoding="utf-8") as handle:
    json.dump([file_dict(r) for r in report.files], handle)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
print(json.dumps({"drafts": len(report.files), "seconds": round(seconds, 1),
                  "peak_rss_mb": round(peak)}))
"""


@pytest.mark.slow
def test_five_thousand_drafts_in_bounded_memory_same_as_one_by_one(tmp_path, linter):
    paths = generate(tmp_path / "drafts", DRAFTS)
    out = tmp_path / "report.json"
    child = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "drafts"), str(out)],
                           capture_output=True, text=True, timeout=900)
    assert child.returncode == 0, child.stderr[-3000:]
    numbers = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"\n5,000 drafts: {numbers}")  # shown with -s; recorded in docs/robustness.md
    assert numbers["drafts"] == DRAFTS
    assert numbers["peak_rss_mb"] < PEAK_RSS_LIMIT_MB
    batch = {r["path"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert set(batch) == {str(p) for p in paths}
    assert sum(len(r["findings"]) for r in batch.values()) > DRAFTS  # they do find things
    for path in sorted(paths)[::SAMPLE_EVERY]:
        [alone] = linter.lint([(str(path), path.read_text(encoding="utf-8"))])
        assert file_dict(alone) == batch[str(path)], path
