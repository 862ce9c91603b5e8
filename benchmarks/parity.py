"""Did a refactor change what followup-lint reports? Record, then compare.

    python benchmarks/parity.py record OUT_DIR     # before the change
    python benchmarks/parity.py compare OUT_DIR    # after: exit 1 on any difference

Runs `followup-lint check --format json --no-cache --no-server --jobs 1` over every
labelled set (each folder on its own) and keeps the raw JSON. `compare` runs again and
reports, per folder, whether the output is byte-identical, else the first differences.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SETS = ("tests/corpus", "benchmarks/blind", "benchmarks/holdout", "benchmarks/blind2-dev",
        "benchmarks/blind2-test", "benchmarks/real/dev", "benchmarks/real/test", "examples")
EXE = Path(sys.executable).with_name("followup-lint")


def run(folder: str) -> str:
    proc = subprocess.run(
        [str(EXE), "check", "--format", "json", "--no-cache", "--no-server", "--jobs", "1",
         folder], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{folder}: exit {proc.returncode}\n{proc.stderr}")
    json.loads(proc.stdout)  # must be JSON
    return proc.stdout


def name(folder: str) -> str:
    return folder.replace("/", "__") + ".json"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "compare"):
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    bad = 0
    for folder in SETS:
        now = run(folder)
        if argv[0] == "record":
            (out / name(folder)).write_text(now, encoding="utf-8")
            files = json.loads(now)["files"]
            print(f"recorded {folder}: {len(files)} reports, "
                  f"{sum(len(f['findings']) for f in files)} findings")
            continue
        before = (out / name(folder)).read_text(encoding="utf-8")
        if before == now:
            print(f"identical {folder}")
            continue
        bad += 1
        print(f"DIFFERENT {folder}")
        diff = difflib.unified_diff(before.splitlines(), now.splitlines(), "before", "after",
                                    lineterm="", n=1)
        for i, line in enumerate(diff):
            if i >= 40:
                print("  ...")
                break
            print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
