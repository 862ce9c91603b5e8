"""How fast is followup-lint, next to spaCy alone (the floor) and to proselint (the peer)?

One run measures, each step in its own process as a user would run it:

  (a) floor     spaCy alone, same components, parsing exactly what followup-lint parses
                (each draft's text, front matter and quotes blanked, and each distinct prior
                note); with 1 process and with --jobs processes
  (b) cold      followup-lint check on the corpus, empty cache
  (c) warm      the same again: every draft unchanged, every result from the cache
  (d) one       followup-lint check one.md: a draft changed since the last run, and unchanged;
                without a server (--no-server: a new process loads spaCy), and through a warm
                server (followup-lint server start, in the benchmark's folder, stopped after)
  (e) jobs      cold with --jobs N next to --jobs 1 (and the floor with N processes)
  (f) proselint proselint on the same files, when it is installed
  --version     followup-lint --version

with peak memory for each: of the largest process (ru_maxrss from os.wait4) and of the whole
process tree (sum of RSS, and of PSS, which counts pages shared after fork once), sampled from
/proc every 20 ms. Machines are noisy: read the ratios. --repeat N keeps the fastest of N.

    python benchmarks/speed.py                 # 400 generated drafts
    python benchmarks/speed.py --corpus DIR    # your own drafts
    python benchmarks/speed.py --tiny          # 20 drafts: proves it works (CI)

The corpus is generated deterministically (--seed) from sentence templates across the seven
situations, 50-250 words each, with front matter. Subprocesses may write bytecode (as an
installed package has it); one untimed warm-up run comes first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from followup_lint.client import DIR_VARIABLE as SERVER_DIR  # noqa: E402
from followup_lint.client import DISABLE_VARIABLE as NO_SERVER  # noqa: E402
from followup_lint.parallel import START_METHOD_VARIABLE  # noqa: E402

TARGETS = {"cold/floor": 1.15, "warm/proselint": 1.0, "one draft s": 1.5, "--version s": 0.3,
           "peak MB, --jobs 2": 500.0}
ROWS = ("(a) floor, 1 process", "(a) floor, {n} processes", "(a) floor, one draft",
        "(b) cold, --jobs 1", "(c) warm, --jobs 1", "(d) one draft, changed, no server",
        "(d) one draft, unchanged, no server", "(d) one draft, changed, server",
        "(d) one draft, unchanged, server", "(e) cold, --jobs {n}", "(f) proselint",
        "--version")
(FLOOR, FLOOR_N, FLOOR_ONE, COLD, WARM, ONE, ONE_WARM, ONE_SERVED, ONE_WARM_SERVED, COLD_N, PEER,
 VERSION) = ROWS
SERVED = (ONE_SERVED, ONE_WARM_SERVED)  # the rows run while a warm server is up
WIDTH = 36


# --- corpus ---------------------------------------------------------------------------

FIRST = ["Dana", "Priya", "Marcus", "Elena", "Tomasz", "Aisha", "Jordan", "Mei", "Luis", "Sofia",
         "Kwame", "Hannah", "Ravi", "Ingrid", "Omar", "Claire", "Diego", "Yuki", "Nadia", "Sam"]
LAST = ["Okafor", "Lindqvist", "Patel", "Moreau", "Nakamura", "Brennan", "Castillo", "Weber",
        "Haddad", "Kowalski", "Fischer", "Osei", "Alvarez", "Sato", "Murphy", "Rossi"]
COMPANIES = ["Northwind Logistics", "Brightpath Health", "Kestrel Analytics", "Lakeside Physio",
             "Harbor & Pine", "Quillon Labs", "Meridian Foods", "Atlas Robotics", "Juniper Legal",
             "Copperleaf Energy", "Bluestem Schools", "Vantage Freight"]
PRODUCTS = ["the scheduling module", "the analytics dashboard", "the onboarding portal",
            "the inventory API", "the reporting add-on", "the mobile app", "the billing service"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "April", "May", "June", "September", "October"]

SITUATIONS: dict[str, dict[str, list[str]]] = {
    "job-interview": {
        "subject": ["Thank you for the {role} interview", "Following up on the {role} role",
                    "Our conversation on {day}"],
        "prior": ["{role} position on the {team} team", "discussed the {project} migration",
                  "start date flexible until {month}", "asked about my experience with {skill}"],
        "open": ["Thank you for taking the time to meet with me on {day} about the {role} role.",
                 "I enjoyed our conversation on {day} about the {role} position.",
                 "Thanks again for walking me through the {team} team's plans on {day}."],
        "body": ["You mentioned that the {project} migration is the priority for the next quarter, "
                 "and I have led two similar projects with teams of {n} engineers.",
                 "When we discussed {skill}, I did not mention that I maintained our internal "
                 "tooling for it for {n} years.",
                 "I have attached a short write-up of how I would approach the first {n} weeks.",
                 "The way your team reviews designs before building sounded like a good fit for "
                 "how I like to work.",
                 "I would be glad to send code samples or references from {company}.",
                 "My notice period is {n} weeks, so a start in {month} would work well.",
                 "I remain very interested in the role and in the problems your team is solving."],
        "ask": ["Is there anything else I can send to help with your decision?",
                "Would it help if I spoke with someone from the {team} team as well?",
                "Please let me know if you need anything further from me."],
    },
    "sales": {
        "subject": ["Pricing for {company}", "Next steps on {product}",
                    "Your questions from the demo"],
        "prior": ["demo of {product} on {day}", "{company} has {n} seats across two offices",
                  "asked whether {product} integrates with their payroll provider",
                  "budget review in {month}"],
        "open": ["Thanks for joining the demo of {product} on {day}.",
                 "Following up on the pricing you asked about for {company}.",
                 "I promised to come back to you on the integration question from {day}."],
        "body": ["For {n} seats the annual plan comes to ${price}, including onboarding.",
                 "The payroll integration is live for three providers, including the one you use.",
                 "A pilot for one office would take about {n} days to set up.",
                 "I have attached a one-page summary you can share with your finance team.",
                 "Two customers of a similar size cut scheduling time by {pct}% in a month.",
                 "Just checking in to see if you had any thoughts on the proposal.",
                 "Prices go up next month, so this is the best time to decide.",
                 "We can also start with a smaller plan and add seats when you need them."],
        "ask": ["Would a 20-minute call on {day} work to go through the numbers?",
                "Could you let me know who else should see the proposal?",
                "Should I set up the pilot for the {team} office?"],
    },
    "meeting": {
        "subject": ["Notes from {day}'s meeting", "Action items: {project}",
                    "Agenda for next week"],
        "prior": ["agreed to move the {project} deadline to {month}", "{name} owns the budget item",
                  "open question about vendor selection", "next sync on {day}"],
        "open": ["Thanks everyone for the productive meeting on {day}.",
                 "Here is a short recap of what we agreed on {day}.",
                 "Following our meeting about {project}, here are the action items."],
        "body": ["We agreed to move the {project} deadline to the end of {month}.",
                 "{name} will own the budget item and share numbers by {day}.",
                 "The vendor question is still open; I will collect two more quotes.",
                 "The minutes are in the shared folder under {project}.",
                 "We have {n} open items, down from {m} last week.",
                 "If I missed anything from the discussion, please reply here."],
        "ask": ["Can everyone confirm their items before {day}?",
                "Does the new timeline work for your team?",
                "Please add anything missing to the agenda for the next sync."],
    },
    "networking": {
        "subject": ["Great meeting you at {event}", "Following up from {event}",
                    "Coffee next month?"],
        "prior": ["met at the {event} booth", "talked about {skill} in {industry}",
                  "offered an introduction to {name}"],
        "open": ["It was great meeting you at {event} last week.",
                 "Thanks for stopping by our booth at {event}.",
                 "I enjoyed our chat about {skill} at {event}."],
        "body": ["Your talk on {skill} in {industry} gave me a few ideas for our own team.",
                 "You mentioned you might know {name}, who works on similar problems.",
                 "I have been reading the article you recommended and it is excellent.",
                 "We are hosting a small meetup in {month} and you would be welcome.",
                 "I would love to hear how the {project} project turns out."],
        "ask": ["Would you be open to a coffee in {month}?",
                "Could you introduce me to {name} if you think it makes sense?",
                "Shall we connect on LinkedIn to stay in touch?"],
    },
    "client": {
        "subject": ["{project}: status and next milestone", "Invoice {n} and deliverables",
                    "Kickoff follow-up"],
        "prior": ["milestone two due {day}", "invoice {n} sent on {month} 3",
                  "asked for a weekly status report", "support ticket about login errors"],
        "open": ["Here is this week's status on {project}.",
                 "Following up on the kickoff for {project} on {day}.",
                 "Thank you for the feedback on the first deliverable."],
        "body": ["Milestone two is on track for {day}, and the test environment is ready.",
                 "The login errors from the support ticket were caused by an expired certificate.",
                 "Invoice {n} covers the work through the end of {month}.",
                 "We have finished {n} of the {m} deliverables in the statement of work.",
                 "The retainer hours for this month are {pct}% used.",
                 "Your team's comments on the design are reflected in version {n}."],
        "ask": ["Could you confirm the acceptance criteria for milestone three?",
                "Would {day} work for the review session?",
                "Please let us know who should sign off on the deliverable."],
    },
    "colleague": {
        "subject": ["Re: {project} PR", "Quick question about the retro", "Handoff notes"],
        "prior": ["PR {n} needs a second review", "retro moved to {day}",
                  "deploy blocked on the config change"],
        "open": ["Hey {first}, quick follow-up on the {project} PR.",
                 "Thanks for covering the standup on {day}.",
                 "Following up on what we talked about after the retro."],
        "body": ["PR {n} still needs a second review before we can deploy.",
                 "The config change is merged, so the deploy is unblocked.",
                 "I moved the retro to {day} since half the team is out.",
                 "The flaky test is fixed on the branch, but I have not merged it yet.",
                 "Lunch on {day} is still on if you are around."],
        "ask": ["Could you take a look when you get a chance?",
                "Can you ping me on Slack once it is merged?",
                "Does {day} still work for you?"],
    },
    "personal": {
        "subject": ["Dinner on {day}?", "Photos from the trip", "Happy birthday!"],
        "prior": ["dinner at the new place on {day}", "trip to the coast in {month}",
                  "birthday party for the kids"],
        "open": ["It was so good to see you at dinner on {day}!",
                 "Thanks again for having us over last weekend.",
                 "I finally sorted the photos from our trip in {month}."],
        "body": ["The kids have not stopped talking about the beach.",
                 "I found the recipe you asked about and wrote it down for you.",
                 "Mom says hi and wants to know when you are visiting.",
                 "We are thinking of going back to the coast in {month}.",
                 "The party is at our place, starting at {n} in the afternoon."],
        "ask": ["Are you free for dinner again on {day}?",
                "Want me to send the rest of the photos?",
                "Let me know if you can make it!"],
    },
}
GREETINGS = ["Hi {first},", "Hello {first},", "Dear {title} {last},", "Hey {first},",
             "Good morning {first},"]
SIGN_OFFS = ["Best regards,", "Thanks,", "Kind regards,", "Cheers,", "Best,", "Sincerely,"]
SLOTS = {
    "role": ["Data Analyst", "Senior Engineer", "Product Designer", "Postdoc", "Account Manager"],
    "team": ["platform", "growth", "research", "payments", "support"],
    "project": ["Atlas", "Harbor", "billing", "onboarding", "warehouse", "Q3 launch"],
    "skill": ["Kubernetes", "survey design", "demand forecasting", "accessibility audits",
              "contract law"],
    "event": ["PyCon", "the Logistics Summit", "the HR Tech Expo", "the Design Systems meetup"],
    "industry": ["healthcare", "logistics", "retail", "education", "energy"],
}


def _fill(template: str, rng: random.Random, person: dict[str, str]) -> str:
    values = {
        "first": person["first"], "last": person["last"], "title": person["title"],
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "company": rng.choice(COMPANIES),
        "product": rng.choice(PRODUCTS), "day": rng.choice(DAYS), "month": rng.choice(MONTHS),
        "n": str(rng.randint(2, 40)), "m": str(rng.randint(41, 90)),
        "pct": str(rng.randint(5, 60)), "price": f"{rng.randint(3, 90) * 1000:,}",
        **{k: rng.choice(v) for k, v in SLOTS.items()},
    }
    return template.format(**values)


MIN_WORDS, MAX_WORDS = 50, 250


def draft(index: int, rng: random.Random) -> str:
    """One realistic draft of 50-250 words (greeting to signature), with front matter."""
    context = list(SITUATIONS)[index % len(SITUATIONS)]
    bank = SITUATIONS[context]
    person = {"first": rng.choice(FIRST), "last": rng.choice(LAST),
              "title": rng.choice(["Ms.", "Mr.", "Dr."])}
    meta = [f"context: {context}" if rng.random() < 0.8 else None,
            f"recipient: {person['title']} {person['first']} {person['last']}",
            f"sender: {rng.choice(FIRST)} {rng.choice(LAST)}",
            f"subject: {_fill(rng.choice(bank['subject']), rng, person)}"]
    if rng.random() < 0.7:
        points = rng.sample(bank["prior"], k=min(len(bank["prior"]), rng.randint(1, 3)))
        meta.append("prior:\n" + "\n".join(f"  - {_fill(p, rng, person)}" for p in points))
    if rng.random() < 0.6:
        day = rng.randint(1, 20)
        meta += [f"last_contact: 2026-03-{day:02d}", f"date: 2026-03-{day + rng.randint(1, 8):02d}"]
    if rng.random() < 0.5:
        meta.append(f"followup: {rng.randint(1, 3)}")
    greeting = _fill(rng.choice(GREETINGS), rng, person)
    signature = f"{rng.choice(SIGN_OFFS)}\n{rng.choice(FIRST)}"
    ask = _fill(rng.choice(bank["ask"]), rng, person)
    target = rng.randint(MIN_WORDS, MAX_WORDS)  # words of the letter: greeting to signature
    sentences = [_fill(rng.choice(bank["open"]), rng, person)]
    pool = bank["body"] * 3
    rng.shuffle(pool)
    fixed = len(greeting.split()) + len(signature.split()) + len(ask.split())
    words = fixed + len(sentences[0].split())
    while words < target:
        sentence = _fill(pool.pop() if pool else rng.choice(bank["body"]), rng, person)
        if words + len(sentence.split()) > MAX_WORDS:
            if words >= MIN_WORDS:
                break
            continue  # too long to end on: another one
        sentences.append(sentence)
        words += len(sentence.split())
    sentences.append(ask)
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    front = "\n".join(m for m in meta if m)
    return f"---\n{front}\n---\n{greeting}\n\n" + "\n\n".join(paragraphs) + f"\n\n{signature}\n"


def generate(folder: Path, count: int, seed: int) -> list[Path]:
    """Write `count` drafts into `folder`; the same seed gives the same files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"draft-{i:04d}.md"
        path.write_text(draft(i, rng), encoding="utf-8")
        paths.append(path)
    return paths


# --- measuring a process ----------------------------------------------------------------


@dataclass
class Measure:
    """One step: wall time, peak memory, output."""

    seconds: float
    maxrss_mb: float  # the largest single process (ru_maxrss)
    cpu: float = 0.0  # user + system seconds of the process and its children
    tree_rss_mb: float = 0.0  # peak of the summed RSS over the process tree
    tree_pss_mb: float = 0.0  # peak of the summed PSS (shared pages counted once)
    stdout: bytes = field(default=b"", repr=False)
    returncode: int = 0


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            out.setdefault(ppid, []).append(int(entry))
    return out


def _tree_memory(root: int) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) in MB over a process and its descendants."""
    children, todo, rss, pss = _children(), [root], 0, 0
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss / 1024, pss / 1024


def run_measured(cmd: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Measure:
    """Run a command; its wall time and peak memory (os.wait4 and /proc sampling)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        peak = [0.0, 0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = _tree_memory(proc.pid) if os.path.isdir("/proc") else (0.0, 0.0)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                         f"{(stderr or stdout).decode(errors='replace')[-3000:]}")
    maxrss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Measure(seconds, maxrss, usage.ru_utime + usage.ru_stime, peak[0], peak[1], stdout,
                   proc.returncode)


# --- the floor: spaCy alone ---------------------------------------------------------------


def floor_main(texts_file: str, jobs: int, model: str | None, exclude: list[str]) -> None:
    """Parse the texts with the same pipeline (loaded as followup-lint loads it), nothing else."""
    from followup_lint import nlp as nlpmod
    from followup_lint import parallel

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    nlp = nlpmod.load(model, tuple(exclude))
    if jobs <= 1:
        tokens = sum(len(doc) for doc in nlpmod.parse(nlp, texts))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _FLOOR_NLP
        _FLOOR_NLP = nlp
        chunks = parallel._chunks(texts, jobs)
        method = parallel.default_start_method()
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                                 initializer=None if method == "fork" else _floor_init,
                                 initargs=() if method == "fork" else (model, exclude)) as pool:
            tokens = sum(pool.map(_floor_chunk, chunks))
    print(json.dumps({"texts": len(texts), "tokens": tokens}))


_FLOOR_NLP = None


def _floor_init(model: str | None, exclude: list[str]) -> None:
    global _FLOOR_NLP
    from followup_lint import nlp as nlpmod

    _FLOOR_NLP = nlpmod.load(model, tuple(exclude))


def _floor_chunk(texts: list[str]) -> int:
    from followup_lint import nlp as nlpmod

    return sum(len(doc) for doc in nlpmod.parse(_FLOOR_NLP, texts))


def floor_texts(paths: Sequence[Path], out: Path) -> tuple[int, list[str]]:
    """Write what followup-lint hands to spaCy for these files; (texts, excluded pipes)."""
    from followup_lint import load_rules
    from followup_lint.engine import Linter
    from followup_lint.readers import read

    drafts = [d for p in paths for d in read(str(p), p.read_text(encoding="utf-8"))]
    notes = list(dict.fromkeys(n for d in drafts for n in d.prior))
    texts = notes + [d.text for d in drafts]
    out.write_text(json.dumps(texts), encoding="utf-8")
    return len(texts), list(Linter(load_rules()).exclude)


# --- the run -------------------------------------------------------------------------------


def _cli() -> list[str]:
    exe = shutil.which("followup-lint", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "followup_lint"]


def _proselint() -> tuple[list[str], str] | None:
    """The proselint command for files, and its version; None when not installed."""
    exe = shutil.which("proselint", path=str(Path(sys.executable).parent)) or shutil.which(
        "proselint")
    if not exe:
        return None
    for args, check in ((["version"], [exe, "check"]), (["--version"], [exe])):
        result = subprocess.run([exe, *args], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            return check, result.stdout.strip().splitlines()[-1]  # 0.16: `proselint check`
    return None


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",
                                                            "FORCE_COLOR", NO_SERVER)}
    env["PYTHONHASHSEED"] = "0"
    env[SERVER_DIR] = str(tmp / "server")  # our own server; never one the user left running
    return env


class WarmServer:
    """The benchmark's `followup-lint server`: up for the server rows, down for the others.
    Counts the checks it ran, so that a row that quietly ran without it is caught."""

    def __init__(self, cli: list[str], env: dict[str, str]) -> None:
        self.cli, self.env = cli, env
        self.pid: int | None = None
        self.served = 0  # checks run by the servers that have been stopped
        self.rss_mb = 0.0  # the largest server's RSS, after its checks

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.cli, "server", *args], env=self.env, capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=120)

    def up(self) -> None:
        if self.pid is not None:
            return
        started = self._run("start")
        if started.returncode != 0:
            raise SystemExit(f"followup-lint server start failed: {started.stderr.strip()}")
        self.pid = int(started.stdout.split("pid ")[1].split(",")[0])

    def down(self) -> None:
        if self.pid is None:
            return
        pid, self.pid, stopped = self.pid, None, False
        try:
            found = re.search(r"(\d+) requests? served", self._run("status").stdout)
            self.served += int(found.group(1)) if found else 0
            if os.path.isdir("/proc"):
                self.rss_mb = max(self.rss_mb, _tree_memory(pid)[0])
            stopped = self._run("stop").returncode == 0  # 0: it has exited
        finally:
            if not stopped:  # never leave it running
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _row(label: str, m: Measure | None, note: str = "") -> str:
    if m is None:
        return f"{label:{WIDTH}} {'-':>8} {'-':>8} {'-':>8} {'-':>9} {'-':>9}  {note}"
    return (f"{label:{WIDTH}} {m.seconds:8.2f} {m.cpu:8.2f} {m.maxrss_mb:8.0f} "
            f"{m.tree_rss_mb:9.0f} {m.tree_pss_mb:9.0f}  {note}")


def _ratio(name: str, value: float, target: float | None, lower_is_better: bool = True) -> str:
    if target is None:
        return f"  {name:34} {value:8.2f}   (no target)"
    ok = value <= target if lower_is_better else value >= target
    return f"  {name:34} {value:8.2f}   target {'<' if lower_is_better else '>'} {target:g}" \
           f"   {'ok' if ok else 'MISSED'}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="lint these drafts instead of generating")
    parser.add_argument("--drafts", type=int, default=400, help="drafts to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tiny", action="store_true", help="20 drafts, one pass: for CI")
    parser.add_argument("--jobs", type=int, default=2, help="N for the parallel rows")
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of N runs")
    parser.add_argument("--start-method", choices=["fork", "spawn"], help="for --jobs N")
    parser.add_argument("--check-targets", action="store_true", help="exit 1 when one is missed")
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--exclude", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        floor_main(args.floor, args.jobs, args.model, [e for e in args.exclude.split(",") if e])
        return 0
    if args.tiny:
        args.drafts, args.repeat = 20, 1
    with tempfile.TemporaryDirectory(prefix="followup-speed-") as tmp:
        return _bench(args, Path(tmp))


def _bench(args: argparse.Namespace, tmp: Path) -> int:
    env, cli, jobs = _env(tmp), _cli(), args.jobs
    if args.start_method:
        env[START_METHOD_VARIABLE] = args.start_method
    if args.corpus:
        paths = sorted(p for p in args.corpus.rglob("*") if p.suffix in (".md", ".txt"))
        corpus, origin = args.corpus, f"{args.corpus} ({len(paths)} drafts)"
    else:
        corpus = tmp / "corpus"
        paths = generate(corpus, args.drafts, args.seed)
        origin = f"{len(paths)} generated drafts (seed {args.seed})"
    words = [len(p.read_text(encoding="utf-8").split("---\n", 2)[-1].split()) for p in paths]
    n_texts, exclude = floor_texts(paths, tmp / "texts.json")
    one = tmp / "one" / "one.md"
    one.parent.mkdir()
    shutil.copy(paths[len(paths) // 2], one)
    floor_texts([one], tmp / "one.json")

    def check(*extra: str, cache: str | None = None, target: Path = corpus,
              server: bool = False) -> Measure:
        flags = ["--cache-dir", cache] if cache else ["--no-cache"]
        flags += [] if server else ["--no-server"]
        return run_measured([*cli, "check", str(target), "--format", "json", *flags, *extra],
                            env, cwd=tmp)

    def floor(n: int, texts: str = "texts.json") -> Measure:
        return run_measured([sys.executable, __file__, "--floor", str(tmp / texts),
                             "--jobs", str(n), "--exclude", ",".join(exclude)], env, cwd=tmp)

    fresh = iter(range(1_000_000))
    run_measured([*cli, "--version"], env)  # warm-up: bytecode, disk cache
    check("--jobs", "1", target=one)
    print(f"corpus: {origin}, {min(words)}-{max(words)} words each; {n_texts} texts to parse; "
          f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}", flush=True)
    cold_cache, one_cache = str(tmp / "cache-cold"), str(tmp / "cache-one-warm")
    check(cache=one_cache, target=one)
    peer = _proselint()

    def cold1() -> Measure:
        shutil.rmtree(cold_cache, ignore_errors=True)
        return check("--jobs", "1", cache=cold_cache)

    steps: dict[str, Callable[[], Measure]] = {
        FLOOR: lambda: floor(1),
        COLD: cold1,
        WARM: lambda: check("--jobs", "1", cache=cold_cache),
        FLOOR_N: lambda: floor(jobs),
        COLD_N: lambda: check("--jobs", str(jobs), cache=str(tmp / f"cache-n-{next(fresh)}")),
        FLOOR_ONE: lambda: floor(1, "one.json"),
        ONE: lambda: check(cache=str(tmp / f"cache-one-{next(fresh)}"), target=one),
        ONE_WARM: lambda: check(cache=one_cache, target=one),
        ONE_SERVED: lambda: check(cache=str(tmp / f"cache-one-{next(fresh)}"), target=one,
                                  server=True),
        ONE_WARM_SERVED: lambda: check(cache=one_cache, target=one, server=True),
        VERSION: lambda: run_measured([*cli, "--version"], env),
    }
    if peer:
        steps[PEER] = lambda: run_measured([*peer[0], *map(str, paths)], env, cwd=tmp)
    # Rounds, not one step after another: each step and its floor see the machine in the same
    # state, and the fastest of the rounds is kept. The short steps get a few tries a round.
    runs: dict[str, list[Measure]] = {label: [] for label in steps}
    server = WarmServer(cli, env)
    try:
        for _ in range(max(1, args.repeat)):
            for label, step in steps.items():
                if label in SERVED:
                    server.up()
                else:
                    server.down()
                short = (FLOOR_ONE, ONE, ONE_WARM, *SERVED, VERSION)
                tries = 1 if args.tiny or label not in short else 3
                runs[label] += [step() for _ in range(tries)]
            server.down()
    finally:
        server.down()
    if server.served != sum(len(runs[label]) for label in SERVED):
        raise SystemExit(f"the server ran {server.served} checks, not every server row's")
    results: dict[str, Measure | None] = {label: min(runs.get(label, []), default=None,
                                                    key=lambda m: m.seconds) for label in ROWS}
    for label, measures in runs.items():  # least CPU time of the rounds, for the CPU ratios
        results[label].cpu = min(m.cpu for m in measures)  # type: ignore[union-attr]
    outputs = [results[k].stdout for k in (COLD, WARM, COLD_N)]  # type: ignore[union-attr]
    singles = {results[k].stdout for k in (ONE, ONE_WARM, *SERVED)}  # type: ignore[union-attr]
    return _print(results, jobs, peer[1] if peer else None, len(set(outputs)) == 1,
                  args.check_targets, len(singles) == 1, server.rss_mb)


def _print(results: dict[str, Measure | None], jobs: int, peer: str | None, same: bool,
           check_targets: bool, same_served: bool = True, server_mb: float = 0.0) -> int:
    print(f"\n{'step':{WIDTH}} {'wall s':>8} {'cpu s':>8} {'max MB':>8} {'tree RSS':>9} "
          f"{'tree PSS':>9}")
    print(f"{'':{WIDTH}} {'fastest':>8} {'least':>8}   (memory: of the fastest run)")
    served = f"cpu and memory: the client's; the server's RSS {server_mb:.0f} MB"
    notes = {PEER: peer or "not installed: pip install proselint", ONE_SERVED: served}
    for label in ROWS:
        print(_row(label.format(n=jobs), results[label], notes.get(label, "")))
    r = {k: v for k, v in results.items() if v is not None}
    print(f"\nresults of cold, warm and --jobs {jobs} identical: {'yes' if same else 'NO'}")
    print(f"results of one draft with and without the server identical: "
          f"{'yes' if same_served else 'NO'}")
    print("ratios and targets:")
    checks: list[tuple[str, float, float | None]] = [
        ("cold/floor, 1 process", r[COLD].seconds / r[FLOOR].seconds, TARGETS["cold/floor"]),
        ("  the same in CPU time", r[COLD].cpu / r[FLOOR].cpu, TARGETS["cold/floor"]),
        (f"cold/floor, {jobs} processes", r[COLD_N].seconds / r[FLOOR_N].seconds,
         TARGETS["cold/floor"]),
        ("  the same in CPU time", r[COLD_N].cpu / r[FLOOR_N].cpu, TARGETS["cold/floor"]),
        (f"--jobs {jobs} / --jobs 1", r[COLD_N].seconds / r[COLD].seconds, 1.0),
        ("warm/cold", r[WARM].seconds / r[COLD].seconds, 1.0),
    ]
    if PEER in r:
        checks.append(("warm/proselint", r[WARM].seconds / r[PEER].seconds,
                       TARGETS["warm/proselint"]))
    checks += [
        ("one draft, changed, server (s)", r[ONE_SERVED].seconds, TARGETS["one draft s"]),
        ("  the same without a server (s)", r[ONE].seconds, None),
        ("  its floor, spaCy alone (s)", r[FLOOR_ONE].seconds, None),
        ("--version (s)", r[VERSION].seconds, TARGETS["--version s"]),
        (f"peak MB with --jobs {jobs} (tree PSS)", r[COLD_N].tree_pss_mb,
         TARGETS["peak MB, --jobs 2"]),
        (f"peak MB with --jobs {jobs} (tree RSS)", r[COLD_N].tree_rss_mb,
         TARGETS["peak MB, --jobs 2"]),
    ]
    for name, value, target in checks:
        print(_ratio(name, value, target))
    missed = not same or not same_served or any(
        target is not None and value > target for _, value, target in checks)
    return 1 if check_targets and missed else 0


if __name__ == "__main__":
    sys.exit(main())
