"""What the notes and the quoted thread say about the reader's time: the date they said they
would answer or deliver, and whether they are going through a hard time.

Both read only `prior` (notes of the earlier conversation, written by the sender about the
reader, so a sentence in the first person is the sender's own) and the quoted thread (written
by the reader or others, so the first person counts). No model: a regular expression per date
form, resolved against `last_contact` (the day the words were said) or the send date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import lexicon

_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"


def month_pattern(lists: lexicon.Lists) -> str:
    """The names of rules/lists/months.yaml as (?P<month>...), longest first, with an
    optional dot (readers/thread.py reads dates with it too)."""
    names = sorted(lists["months"], key=len, reverse=True)
    return r"(?P<month>" + "|".join(map(re.escape, names)) + r")\.?"


def _date_pattern(lists: lexicon.Lists) -> re.Pattern[str]:
    """One alternative per date form; a form's groups say how to resolve it."""
    month = month_pattern(lists)
    weekday = r"(?P<weekday>" + "|".join(map(re.escape, lists["weekdays"])) + r")\.?"
    return re.compile(
        r"\b(?:"
        r"(?P<iso>20\d\d-[01]\d-[0-3]\d)"
        r"|(?:(?:" + weekday + r",?\s+)?(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + month + _YEAR
        + r")"
        r"|(?:(?:" + weekday.replace("weekday", "weekday2") + r",?\s+)?" + month.replace(
            "month", "month2") + r"\s+" + _DAY.replace("day", "day2")
        + _YEAR.replace("year", "year2") + r")"
        r"|(?:(?:" + weekday.replace("weekday", "weekday3") + r"\s+)?the\s+" + _DAY.replace(
            "day", "day3") + r"(?!\s*(?:century|floor|time|anniversary|percent|%)))"
        r"|(?P<next>next\s+)?" + weekday.replace("weekday", "weekday4")
        + r"|(?P<eom>end of (?:the |this )?month)"
        r"|end of " + month.replace("month", "month3") +
        r"|(?P<eonm>end of next month)"
        r"|(?P<eow>end of (?:the |this )?week)"
        r"|(?P<nextweek>next week|end of next week)"
        r"|(?P<weekend>(?:the |this |next )weekend)"
        r"|(?P<tomorrow>tomorrow)"
        r"|in\s+(?P<n>a|one|two|three|four|five|six|\d)\s+(?P<unit>days?|weeks?)"
        r")\b",
        re.IGNORECASE,
    )


_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _first_person(lists: lexicon.Lists) -> re.Pattern[str]:
    """A sentence opening in the first person (rules/lists/first-person-openers.yaml)."""
    return re.compile(r"^\W*" + lexicon.alternation(lists["first-person-openers"]) + r"\b",
                      re.IGNORECASE)


_SENTENCE = re.compile(r"[^.!?\n;]+(?:[.!?;]+|$)", re.MULTILINE)


@dataclass(frozen=True)
class Promise:
    """A date the reader gave: the words that say it, and the day it resolves to."""

    words: str
    day: dt.date


def _weekday_index(name: str) -> int:
    return int(lexicon.weights("weekdays")[name.lower().rstrip(".")])


def _resolve(m: re.Match[str], anchor: dt.date) -> dt.date | None:
    """The day a date expression means, said on `anchor`."""
    g = m.groupdict()
    try:
        if g["iso"]:
            return dt.date.fromisoformat(g["iso"])
        for month, day, year in (("month", "day", "year"), ("month2", "day2", "year2")):
            if g[month]:
                when = dt.date(int(g[year]) if g[year] else anchor.year,
                               int(lexicon.weights("months")[g[month].lower().rstrip(".")]),
                               int(g[day]))
                if not g[year] and when < anchor - dt.timedelta(days=60):
                    when = when.replace(year=when.year + 1)
                return when
        if g["day3"]:
            nth = int(g["day3"])
            if nth >= anchor.day:
                return dt.date(anchor.year, anchor.month, nth)
            carry, next_month = divmod(anchor.month, 12)
            return dt.date(anchor.year + carry, next_month + 1, nth)
    except ValueError:  # 31 February and the like
        return None
    if g["weekday4"]:
        ahead = (_weekday_index(g["weekday4"]) - anchor.weekday()) % 7 or 7
        if g["next"] and ahead + anchor.weekday() < 7:  # "next Friday" said on a Monday
            ahead += 7
        return anchor + dt.timedelta(days=ahead)
    if g["month3"]:  # "the end of May": its last day, this year or (long past) the next
        last = int(lexicon.weights("months")[g["month3"].lower().rstrip(".")])
        end = dt.date(anchor.year, last, calendar.monthrange(anchor.year, last)[1])
        if end < anchor - dt.timedelta(days=60):  # as for "May 3": a recent month is this year's
            end = dt.date(anchor.year + 1, last, calendar.monthrange(anchor.year + 1, last)[1])
        return end
    if g["eom"]:
        return anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
    if g["eonm"]:
        first = (anchor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if g["eow"]:
        return anchor + dt.timedelta(days=4 - anchor.weekday() if anchor.weekday() < 5 else 0)
    if g["weekend"]:  # its Sunday: this coming one, or the one after for "next weekend"
        sunday = anchor + dt.timedelta(days=6 - anchor.weekday())
        return sunday + dt.timedelta(days=7 if g["weekend"].lower().startswith("next") else 0)
    if g["nextweek"]:
        return anchor + dt.timedelta(days=11 - anchor.weekday())  # Friday of next week
    if g["tomorrow"]:
        return anchor + dt.timedelta(days=1)
    if g["n"]:
        count = _NUMBERS.get(g["n"].lower()) or int(g["n"])
        return anchor + dt.timedelta(days=count * (7 if g["unit"].lower().startswith("w") else 1))
    return None


def _cue(sentence: str) -> bool:
    return _cue_pattern(lexicon.get("promise-cues")).search(sentence) is not None


@functools.lru_cache(maxsize=4)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of the cues, as whole words, longest first."""
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(c) for c in sorted(
        cues, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def _sentences(notes: Sequence[str], quoted: str) -> Iterable[tuple[str, bool]]:
    """(sentence, written by the reader's side) for the notes and the quoted thread."""
    for note in notes:
        for m in _SENTENCE.finditer(note[:20_000]):
            yield m.group(0), False
    for m in _SENTENCE.finditer(quoted[:50_000]):
        yield m.group(0), True


_DEADLINE = re.compile(r"\b(?:by|before|until|till|after|within|no later than)\s+(?:the\s+)?$",
                       re.IGNORECASE)


def promised(notes: Sequence[str], quoted: str, anchor: dt.date) -> Promise | None:
    """The latest date the reader said they would answer or deliver by, if any."""
    best: Promise | None = None
    first_person, dates = lexicon.compiled(_first_person), lexicon.compiled(_date_pattern)
    for sentence, theirs in _sentences(notes, quoted):
        if (not theirs and first_person.match(sentence)) or not _cue(sentence):
            continue
        found = list(dates.finditer(sentence))
        # "confirm by the weekend whether he can drive her to the reunion on 11 April": a
        # date after "by" (before, until...) is the promise, the others what it is about
        due = [m for m in found if _DEADLINE.search(sentence, 0, m.start())]
        for m in due or found:
            day = _resolve(m, anchor)
            if day is not None and day >= anchor and (best is None or day > best.day):
                best = Promise(" ".join(m.group(0).split()), day)
    return best


def hardship(notes: Sequence[str], quoted: str) -> str | None:
    """Words in the notes or the thread saying the reader is going through a hard time."""
    terms = lexicon.get("reader-hardship")
    pattern = _hardship_pattern(terms)
    first_person = lexicon.compiled(_first_person)
    for sentence, theirs in _sentences(notes, quoted):
        if not theirs and first_person.match(sentence):
            continue
        m = pattern.search(sentence)
        if m:
            return m.group(0)
    return None


_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _hardship_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    if terms not in _CACHE:
        _CACHE[terms] = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(
            terms, key=len, reverse=True)) + r")\b", re.IGNORECASE)
    return _CACHE[terms]
