"""Merge fields in templates: find them, name them, mask them so the sentence still parses.

    {{first_name}}  {{ company | default("your team") }}  {first_name}  [First Name]
    <Company>  %FIRSTNAME%  *|FNAME|*

A mask has the placeholder's exact length, so offsets into the text stay valid. A name field
becomes a person's name ("Hi {{first_name}}," reads "Hi Priya Lindgren,"), any other field an
organisation-like proper noun, so the parser sees a noun where the value will be. Template
logic ({% if %}, {# comment #}) is blanked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import lexicon


def _pattern(lists: lexicon.Lists) -> re.Pattern[str]:
    """Every merge-field syntax above; "<first_name>"-style fields are a known word before
    "name" (rules/lists/name-field-words.yaml), "<company>", "<name>" or a snake_case name."""
    return re.compile(
        r"\{\{-?\s*(?P<jinja>[A-Za-z_][\w.]*)[^{}\n]{0,80}?-?\}\}"
        r"|\{(?P<brace>[A-Za-z_]\w{0,30})\}"
        r"|\[(?P<bracket>[A-Z][A-Za-z]*(?:[ _][A-Za-z]+){0,3})\](?![(\[:])"
        r"|<(?P<angle>[A-Z][A-Za-z]*(?:[ _][A-Za-z]+){0,3}|[a-z]+_[a-z_]+|"
        + lexicon.alternation(lists["name-field-words"]) + r"_?name|company|name)>"
        r"|%(?P<percent>[A-Z][A-Z0-9_]{1,30})%"
        r"|\*\|(?P<merge>[A-Z][A-Z0-9_]{1,30})\|\*"
    )


def pattern() -> re.Pattern[str]:
    """The merge-field pattern of the current lists."""
    return lexicon.compiled(_pattern)


# Template logic, never shown to a reader: Jinja/Liquid tags and comments, and server-side
# code in a mail view (PHP "<?php echo $team['name']; ?>", ERB/JSP/ASP "<%= @user.name %>").
# A tag's body never runs past the next opener, so a text full of openers with no closer is
# read in linear time.
_SERVER_CODE = re.compile(r"<\?(?:php\b|=)(?:[^?<]|\?(?!>)|<(?!\?)){0,2000}\?>"
                          r"|<%(?:[^%<]|%(?!>)|<(?!%)){0,2000}%>")
_LOGIC = re.compile(r"\{%(?:[^%{]|%(?!\})|\{(?!%))*%\}|\{#(?:[^#{]|#(?!\})|\{(?!#))*#\}|"
                    + _SERVER_CODE.pattern)
# a Ruby mailer's interpolation of an instance variable: "Hi #{@user.handle},"
_RUBY_FIELD = re.compile(r"#\{@[A-Za-z_][\w.]{0,60}\}")
_INTERPOLATION = re.compile(r"[#$]\{[^{}\n]{1,80}\}")
_ALIASES = {
    "fname": "firstname", "first": "firstname", "givenname": "firstname",
    "lname": "lastname", "last": "lastname", "surname": "lastname", "familyname": "lastname",
    "companyname": "company", "organization": "company", "organisation": "company",
    "org": "company", "account": "company", "accountname": "company",
}


class _Fields:
    """Field-name vocabularies of the current lists (rules/lists/*.yaml)."""

    def __init__(self, lists: lexicon.Lists) -> None:
        self.impersonal = frozenset(lists["impersonal-fields"])
        self.impersonal_prefixes = tuple(lists["impersonal-field-prefixes"])
        self.org_hints = tuple(lists["org-field-hints"])


def _fields() -> _Fields:
    return lexicon.compiled(_Fields)


_PEOPLE = ("A", "Al", "Ann", "Dana", "Priya", "Miriam", "Beatriz", "Isabella", "Alexandra",
           "Maximilian")
_SURNAMES = ("O", "Oh", "Orr", "Vega", "Okoro", "Larsen", "Navarro", "Lindgren", "Castellan",
             "Richardson")
_ORGS = ("A", "Co", "Oak", "Acme", "Zenco", "Globex", "Initech", "Umbrella", "Northwind",
         "Blackstone")
_ORG_TAILS = ("A", "Co", "Lab", "Labs", "Group", "Supply", "Systems", "Partners", "Logistics",
              "Industries")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One merge field: where it is and its normalised name."""

    start: int
    end: int
    field: str


def normalise(name: str) -> str:
    """first_name, First Name, FIRSTNAME, FNAME -> firstname; company_name -> company."""
    key = re.sub(r"[^a-z0-9]", "", name.lower().rsplit(".", 1)[-1])
    return _ALIASES.get(key, key)


def is_person(field: str) -> bool:
    """Whether a (normalised) field holds a person's name (anyone's)."""
    return ("name" in field or field in {"recipient", "contact"}) and not is_org(field)


def is_name(field: str) -> bool:
    """Whether a (normalised) field holds the recipient's name."""
    return is_person(field) and is_personal(field)


def is_org(field: str) -> bool:
    """Whether a (normalised) field holds an organisation."""
    return any(hint in field for hint in _fields().org_hints)


def is_personal(field: str) -> bool:
    """Whether a field makes the email differ per recipient (sender and link fields do not)."""
    names = _fields()
    return field not in names.impersonal and not field.startswith(names.impersonal_prefixes)


def personal(fields: Iterable[str]) -> list[str]:
    """The personalising fields among some."""
    return [f for f in fields if is_personal(f)]


def find(text: str) -> list[Placeholder]:
    """Every merge field in a text, in order."""
    out = []
    for match in pattern().finditer(text):
        raw = next(g for g in match.groups() if g)
        out.append(Placeholder(match.start(), match.end(), normalise(raw)))
    return out


_SENDER_FIELDS = re.compile(r"^(your|my|sender|from|rep|agent)(first|last|full)?name$|^signature$")
# A field that speaks of the reader in the third person ("[their company]") or a spelled-out
# slot ("[SHORT_ONE_SENTENCE_SUMMARY]") is the template author's note to whoever fills it in.
_AUTHOR_NOTE = re.compile(r"\[(?:their|his|her)\b[^\]\n]{1,60}\]|\[[A-Z]+(?:_[A-Z]+){2,}\]"
                          r"|\{\{\s*[a-z]+(?:_[a-z]+){3,}\s*\}\}")
TEMPLATE_FIELDS = 4  # distinct merge fields that make a file a template, not a draft with a slip


# a file that says it is a template: "TEMPLATE - for the mail-merge tool ... Do not send as is."
_DECLARED = re.compile(r"^[ \t*_#>]*TEMPLATE\b(?![-'’])"
                       r"|\b(?:do not|don't|don’t) send (?:this )?as[- ]is\b", re.MULTILINE)


def declared_template(text: str) -> str | None:
    """The words by which a text says it is a template, or None."""
    found = _DECLARED.search(text)
    return f"it says so ({found.group(0).strip(' *_#>')})" if found else None


def template_reason(text: str) -> str | None:
    """Why a text reads as a template rather than a draft with an unfilled field, or None.

    A draft meant to be sent can keep a field by mistake ("Hi [Name],"), but nobody forgets
    their own name: a field for the sender's name ("[Your Name]") is written into templates
    on purpose. So are four or more different fields, and server-side template code.
    """
    declared = declared_template(text)
    if declared:
        return declared
    code = _SERVER_CODE.search(text) or _RUBY_FIELD.search(text)
    if code:
        shown = " ".join(code.group(0).split())
        return f"it has template code ({shown[:40]}{'...' if len(shown) > 40 else ''})"
    fields = {p.field for p in find(text)}
    sender = sorted(f for f in fields if _SENDER_FIELDS.match(f))
    if sender:
        return f"it has a field for the sender's name ({sender[0]})"
    authored = _AUTHOR_NOTE.search(text)
    if authored:
        return f"it has a note from its author ({authored.group(0)})"
    if len(fields) >= TEMPLATE_FIELDS:
        return f"it has {len(fields)} different merge fields"
    return None


def _fill(length: int, heads: tuple[str, ...], tails: tuple[str, ...]) -> str:
    """Capitalised words joined by spaces, exactly `length` characters long."""
    if length <= len(heads):
        return heads[length - 1] if length > 0 else ""
    first = min(len(heads) - 1, length - 4)  # leave at least three letters for the next word
    return heads[first - 1] + " " + _fill(length - first - 1, tails, tails)


def mask_for(field: str, length: int) -> str:
    """A name-like token of the placeholder's length for a field."""
    if is_person(field):
        return _fill(length, _PEOPLE, _SURNAMES)
    return _fill(length, _ORGS, _ORG_TAILS)


FIELD_WIDTH = 10  # characters a filled-in merge field is taken to show (a first name, a company)


def shown_length(text: str) -> int:
    """How long a template's line reads once filled in: template logic ({% if %}) shows
    nothing and each merge field about FIELD_WIDTH characters, whatever its name's length."""
    bare = _LOGIC.sub("", text)
    spans = [(h.start, h.end) for h in find(bare)]
    # a Ruby or JavaScript interpolation in a mailer's subject ("#{@payment.purpose}",
    # "${name}") is a field too - here only, where it can only shorten a template's line: in
    # a draft's text "${HOME}" is as likely a shell variable under discussion
    spans += [m.span() for m in _INTERPOLATION.finditer(bare)
              if not any(a < m.end() and m.start() < b for a, b in spans)]
    return len(bare) - sum(b - a for a, b in spans) + FIELD_WIDTH * len(spans)


def mask(text: str) -> tuple[str, tuple[str, ...], str | None]:
    """(masked text, the fields found, the first name-field mask or None)."""
    chars = list(text)
    for match in _LOGIC.finditer(text):
        for i in range(match.start(), match.end()):
            if chars[i] not in "\r\n":
                chars[i] = " "
    fields: list[str] = []
    name: str | None = None
    for holder in find(text):
        if "\n" in text[holder.start : holder.end]:
            continue
        token = mask_for(holder.field, holder.end - holder.start)
        chars[holder.start : holder.end] = token
        if holder.field not in fields:
            fields.append(holder.field)
        if name is None and is_name(holder.field):
            name = token
    return "".join(chars), tuple(fields), name
