"""`notice diff`: does a published notice still state what policy/ states, and only that?

Compared fact by fact (facts.py reads the typed facts of a text):

- `facts(policy, lang)` lists the statements of policy/ a published notice must contain,
  each with its kind (a duration, a country, an e-mail address, a right, ...) and how to
  find it in the published text;
- `diff(policy, text, lang)` looks for each, and reads the published text's own facts the
  other way: a fact of the text that policy/ does not hold (in its fields, its text or its
  render) is *added*; an added fact that took the place of a missing one of the same kind
  ("kuukauden kuluessa" -> "kolmen kuukauden kuluessa", USA -> Kanada, MailChimp ->
  Sendinblue) is *changed*; a sentence made of words policy/ never uses is an added
  sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import LABELS, LAWFUL_BASES, RIGHT_NAMES, country_name, duration_parts, humanise_duration
from .facts import (_TOKEN, RIGHT_TERMS, SAFEGUARD_TERMS, Stated, Vocabulary, added_sentences,
                    countries_in, durations_in, email_key, normalise, phone_key, same_phone,
                    stated, url_key)

__all__ = ["Fact", "Change", "Addition", "DiffResult", "PublishedText", "facts", "diff",
           "published_text", "read_published", "durations_in", "RIGHT_TERMS",
           "SAFEGUARD_TERMS"]

# A missing fact of a kind may have been replaced by a stated fact of these kinds.
REPLACED_BY = {"duration": ("duration",), "date": ("date",), "email": ("email",),
               "phone": ("phone",), "url": ("url",), "country": ("country",),
               "safeguard": ("safeguard",), "basis": ("basis",),
               "business_id": ("business_id", "number"), "address": ("number", "name"),
               "name": ("name",)}
KIND_NAMES = {"duration": "duration", "date": "date", "email": "e-mail address",
              "phone": "phone number", "url": "web address", "business_id": "business id",
              "number": "number", "country": "country", "name": "name", "right": "right",
              "basis": "lawful basis", "safeguard": "transfer safeguard"}


def text_in(value, lang: str) -> str:
    """A text field's value in `lang` ("" when absent): `model.text.text_in`, never the
    text of another language."""
    from ..model.text import text_in as translated
    return translated(value, lang) or ""


@dataclass(frozen=True)
class Fact:
    """One statement of the policy the published text must contain."""
    what: str                    # e.g. "controller e-mail"
    shown: str                   # the value as the policy states it
    location: tuple | None       # (path, line, column) in policy/
    found: object                # callable(PublishedText) -> bool
    kind: str | None = None      # what may replace it (REPLACED_BY); None: free text
    context: str = ""            # policy text around it, to find where it was expected

    def where(self) -> str:
        if not self.location:
            return "policy"
        path, line, *_ = self.location
        return f"{path}:{line}"


@dataclass(frozen=True)
class Change:
    """A fact of policy/ the published text states differently."""
    fact: Fact
    now: Stated

    def line(self) -> int:
        return self.now.line


@dataclass(frozen=True)
class Addition:
    """A fact or a sentence of the published text that policy/ does not hold."""
    kind: str                    # a `Stated.kind`, or "sentence"
    shown: str
    line: int
    detail: str = ""             # for a sentence: the words policy/ never uses


@dataclass
class DiffResult:
    facts: list[Fact]
    missing: list[Fact]
    changed: list[Change] = field(default_factory=list)
    added: list[Addition] = field(default_factory=list)
    expected_at: dict = field(default_factory=dict)   # id(fact) -> published line

    @property
    def drift(self) -> bool:
        return bool(self.missing or self.changed or self.added)


_ELISION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…|(?<=[.!?])\s+(?=[^\W\d_])")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+|\s+[-–•]\s+")


class PublishedText:
    """The published notice, normalised once for every fact's look-up."""

    def __init__(self, raw: str, lang: str):
        self.raw = raw
        self.lang = lang
        self.lower = normalise(raw).casefold()
        # obfuscated addresses: info(at)example.fi, info [at] example.fi
        self.lower = re.sub(r"\s*[\(\[]\s*at\s*[\)\]]\s*", "@", self.lower)
        matches = list(_TOKEN.finditer(self.lower))
        self.tokens = [m.group(0) for m in matches]
        self.token_lines = _lines_of(self.lower, matches)
        self.sentences = [_TOKEN.findall(s) for s in _SENTENCE.split(self.lower)]
        # where each word starts with given four letters: a phrase is tried only where its
        # first word is (same() never matches words whose first four letters differ)
        self.by_prefix: dict[str, list[int]] = {}
        for i, token in enumerate(self.tokens):
            self.by_prefix.setdefault(token[:4], []).append(i)
        self.facts = stated(raw, lang)
        self.phones = {s.value for s in self.facts if s.kind == "phone"}

    # token matching: exact, or with a different ending (Finnish inflection, English plural)
    def same(self, want: str, word: str) -> bool:
        if want == word:
            return True
        if any(c.isdigit() for c in want):   # numbers do not inflect
            return False
        if self.lang == "fi":
            return len(want) > 5 and word.startswith(want[:max(5, len(want) - 3)])
        return len(want) >= 4 and word.startswith(want) and len(word) - len(want) <= 2

    def _want(self, phrase: str, exact: bool = False) -> list[str | None]:
        """The phrase's tokens; None for a country or a number in it, which match any word:
        they are facts of their own, compared on their own, so a changed country is one
        change and not also a changed description. `exact`: no such wildcards."""
        phrase = normalise(phrase)
        if exact:
            return [m.group(0).casefold() for m in _TOKEN.finditer(phrase)]
        masked = [span for span, _, _ in countries_in(phrase)]
        out = []
        for match in _TOKEN.finditer(phrase):
            inside = any(a <= match.start() < b for a, b in masked)
            out.append(None if inside or match.group(0).isdigit() else match.group(0).casefold())
        return out if any(w is not None for w in out) else \
            [m.group(0).casefold() for m in _TOKEN.finditer(phrase)]

    def _hits(self, want: str) -> list[int]:
        return [i for i in self.by_prefix.get(want[:4], ()) if self.same(want, self.tokens[i])]

    def has_phrase(self, phrase: str, exact: bool = False) -> bool:
        want = self._want(phrase, exact)
        if not want:
            return True
        tokens, n = self.tokens, len(want)
        k = next(j for j, w in enumerate(want) if w is not None)
        for hit in self._hits(want[k]):
            i = hit - k
            if 0 <= i <= len(tokens) - n and all(
                    w is None or self.same(w, tokens[i + j]) for j, w in enumerate(want)):
                return True
        return False

    def expected_line(self, phrase: str) -> int | None:
        """The line where most of `phrase` appears (at least 60 % of its words, in order):
        where a fact of it was expected when the fact itself is not there."""
        want = [w for w in self._want(phrase) if w is not None][:40]
        if len(want) < 2:
            return None
        votes: dict[int, int] = {}   # window start -> words of the phrase in place there
        for j, w in enumerate(want):
            for hit in self._hits(w):
                if hit - j >= 0:
                    votes[hit - j] = votes.get(hit - j, 0) + 1
        if not votes:
            return None
        start = min(votes, key=lambda i: (-votes[i], i))
        return self.token_lines[start] if votes[start] * 5 >= len(want) * 3 else None

    def has_text(self, text: str) -> bool:
        """A name or description: each of its sentences must appear, and `[...]`, `...`
        and `…` mark elisions (each part around one must appear)."""
        parts = [p for p in _ELISION.split(text) if _TOKEN.search(p)]
        return bool(parts) and all(self.has_phrase(p) for p in parts)

    def has_any(self, texts) -> bool:
        return any(self.has_text(t) for t in texts if t)

    def has_email(self, email: str) -> bool:
        email = email_key(email)
        return re.search(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", self.lower) is not None

    def has_url(self, url: str) -> bool:
        core = url_key(url)
        pattern = rf"(?:(?<=www\.)|(?<![\w.-])){re.escape(core)}(?![\w-]|[./]\w)"
        return re.search(pattern, self.lower) is not None

    def has_phone(self, phone: str) -> bool:
        want = phone_key(phone)
        if len(want) < 5:
            return self.has_phrase(phone)
        return any(same_phone(want, found) for found in self.phones)

    def has_right(self, right: str) -> bool:
        terms = RIGHT_TERMS[self.lang]
        right_words, stems = terms["_right"], terms[right]
        for words in self.sentences:
            if any(w.startswith(r) for w in words for r in right_words) and \
                    any(w.startswith(s) for w in words for s in stems):
                return True
        return False

    def has_stated(self, kind: str, value: str) -> bool:
        return any(s.kind == kind and s.value == value for s in self.facts)

    def has_duration(self, duration: str) -> bool:
        if re.search(rf"(?<![\w]){re.escape(duration.casefold())}(?![\w])", self.lower):
            return True
        stated_parts = {(n, u) for _, n, u, _ in durations_in(self.raw, self.lang)}
        return all(part in stated_parts for part in duration_parts(duration))

    def has_date(self, day) -> bool:
        return self.has_stated("date", day.isoformat())

    def has_word_cased(self, word: str) -> bool:
        """An upper-case code such as US or USA, as written (`us` is an English word), not
        inside a compound ("EU-US Data Privacy Framework" names no transfer to the US)."""
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", self.raw) is not None

    def has_country(self, code: str) -> bool:
        return self.has_stated("country", code) or self.has_word_cased(code)


def _lines_of(text: str, matches) -> list[int]:
    """Line of each match, in one pass (large pages)."""
    lines, line, pos = [], 1, 0
    for m in matches:
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def facts(policy, lang: str) -> list[Fact]:
    """The key statements of `policy` a published notice must contain, in policy order."""
    out: list[Fact] = []

    def add(what, shown, location, found, kind=None, context=""):
        if shown:
            out.append(Fact(what, str(shown), location, found, kind, text_in(context, lang)))

    def loc(obj, name=None):
        if obj is None:
            return None
        return obj.field_location(name) if name else obj.location

    def t(value):
        return text_in(value, lang)

    notice = policy.notice
    for field_name in ("published", "updated"):
        day = getattr(notice, field_name, None) if notice is not None else None
        if day is not None:
            add(f"notice date ({field_name})", day.isoformat(), loc(notice, field_name),
                lambda p, d=day: p.has_date(d), "date")
    controller = policy.controller
    if controller is not None:
        name = t(controller.name)
        add("controller name", name, loc(controller, "name"),
            lambda p, v=name: p.has_text(v), "name")
        add("controller business id", controller.business_id, loc(controller, "business_id"),
            lambda p, v=controller.business_id: p.has_phrase(v), "business_id")
        address = t(controller.address)
        if address:
            parts = [part.strip() for part in address.split(",") if part.strip()]
            add("controller address", address, loc(controller, "address"),
                lambda p, ps=parts: all(p.has_phrase(x, exact=True) for x in ps),
                "address", address)
        for key, what in (("contact", "contact"), ("dpo", "DPO"),
                          ("representative", "representative")):
            _contact_facts(add, getattr(controller, key), what, loc, t)
    authority = policy.supervisory_authority
    if authority is not None:
        add("supervisory authority", t(authority.name), loc(authority, "name"),
            lambda p, v=t(authority.name): p.has_text(v), "name")
        if authority.url:
            add("supervisory authority web address", authority.url, loc(authority, "url"),
                lambda p, v=authority.url: p.has_url(v), "url")
    for kind, items in (("register", policy.registers), ("purpose", policy.purposes),
                        ("recipient", policy.recipients)):
        for item in items:
            texts = [v for v in (t(item.name), t(item.description)) if v]
            add(f"{kind} {item.id}", texts[0] if texts else item.id, loc(item),
                lambda p, vs=texts: p.has_any(vs), "name",
                texts[-1] if texts else "")
    recipients = {r.id: r for r in policy.recipients}
    for transfer in policy.transfers:
        recipient = recipients.get(transfer.recipient)
        context = t(transfer.description) or (t(recipient.description) if recipient else "")
        for country in transfer.countries:
            add(f"transfer to {transfer.recipient}: country",
                f"{country} ({country_name(country, lang)})", loc(transfer, "countries"),
                lambda p, c=country: p.has_country(c), "country", context)
        if transfer.safeguard and transfer.safeguard != "none":
            terms = SAFEGUARD_TERMS[lang][transfer.safeguard]
            add(f"transfer to {transfer.recipient}: safeguard",
                f"{transfer.safeguard} ({' / '.join(terms)})", loc(transfer, "safeguard"),
                lambda p, m=transfer.safeguard: p.has_stated("safeguard", m), "safeguard",
                context)
    for register in policy.registers:
        if register.retention is not None and register.retention.period:
            period = register.retention.period
            add(f"retention of {register.id}",
                f"{period} ({humanise_duration(period, lang)})",
                loc(register.retention, "period"), lambda p, d=period: p.has_duration(d),
                "duration", t(register.retention.description) or t(register.name))
    bases = {}
    for purpose in policy.purposes:
        for basis in purpose.lawful_basis:
            bases.setdefault(basis, purpose)
    for basis, purpose in bases.items():
        add(f"lawful basis {basis}", LAWFUL_BASES[lang][basis],
            loc(purpose, "lawful_basis"), lambda p, b=basis: p.has_stated("basis", b),
            "basis")
    rights = policy.rights
    if rights is not None:
        from ..model.types import RIGHTS
        for right in RIGHTS:
            statement = getattr(rights, right)
            if statement is None or not statement.stated:
                continue
            add(f"right {right}", RIGHT_NAMES[lang][right], loc(statement),
                lambda p, r=right, s=statement: p.has_right(r)
                or bool(t(s.description) and p.has_text(t(s.description))), "right",
                t(rights.description))
        if rights.response_time:
            add("response time to requests",
                f"{rights.response_time} ({humanise_duration(rights.response_time, lang)})",
                loc(rights, "response_time"),
                lambda p, d=rights.response_time: p.has_duration(d), "duration",
                t(rights.description) or LABELS[lang]["response_time"])
    notification = policy.notice.indirect_notification if policy.notice else None
    if notification is not None and notification.within:
        add("when people are informed of data from other sources",
            f"{notification.within} ({humanise_duration(notification.within, lang)})",
            loc(notification, "within"), lambda p, d=notification.within: p.has_duration(d),
            "duration", t(notification.description))
    return out


def _contact_facts(add, contact, what, loc, t):
    if contact is None:
        return
    name = t(contact.name)
    add(f"{what} name", name, loc(contact, "name"), lambda p, v=name: p.has_text(v), "name")
    add(f"{what} phone", contact.phone, loc(contact, "phone"),
        lambda p, v=contact.phone: p.has_phone(v), "phone", name)
    add(f"{what} e-mail", contact.email, loc(contact, "email"),
        lambda p, v=contact.email: p.has_email(v), "email", name)
    add(f"{what} web address", contact.url, loc(contact, "url"),
        lambda p, v=contact.url: p.has_url(v), "url", name)



def policy_texts(policy) -> list[str]:
    """Every text policy/ holds, in every language it has."""
    from pydantic import BaseModel
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name != "section":   # where the encoder found it, not notice text
                    walk(getattr(value, name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(policy)
    return out


@dataclass(frozen=True)
class Held:
    """What policy/ holds, by kind: its fields, its texts and its render."""
    values: dict            # kind -> set of values
    durations: set          # (number, unit) parts
    phones: tuple
    vocabulary: Vocabulary

    def holds(self, fact: Stated) -> bool:
        if fact.kind == "duration":
            return all(part in self.durations for part in duration_parts(fact.value))
        if fact.kind == "phone":
            return any(same_phone(fact.value, p) for p in self.phones)
        if fact.kind == "name":
            return self.vocabulary.known(fact.shown)
        return fact.value in self.values.get(fact.kind, ())


def held(policy, lang: str) -> Held:
    from . import LANGS, render
    texts = policy_texts(policy)
    rendered = render(policy, lang, "markdown")
    values: dict = {}
    for fact in stated("\n".join(texts), lang) + stated(rendered, lang):
        values.setdefault(fact.kind, set()).add(fact.value)
    durations = {part for d in values.get("duration", ()) for part in duration_parts(d)}
    for value in _policy_durations(policy):
        durations.update(duration_parts(value))
    notice, controller = policy.notice, policy.controller
    extra = {"date": [d.isoformat() for d in (notice.published, notice.updated) if d]
             if notice else [],
             "country": [c for t in policy.transfers for c in t.countries]
             + [x.country for x in (controller, policy.supervisory_authority)
                if x is not None and x.country],
             "basis": [b for p in policy.purposes for b in p.lawful_basis],
             "safeguard": [t.safeguard for t in policy.transfers if t.safeguard],
             "business_id": [controller.business_id] if controller and controller.business_id
             else []}
    contacts = [c for c in (getattr(controller, k, None) for k in
                            ("contact", "dpo", "representative")) if c is not None]
    extra["email"] = [email_key(c.email) for c in contacts if c.email]
    extra["url"] = [url_key(u) for u in [c.url for c in contacts]
                    + [notice.url if notice else None,
                       policy.supervisory_authority.url if policy.supervisory_authority
                       else None] if u]
    if policy.rights is not None:
        from ..model.types import RIGHTS
        extra["right"] = [r for r in RIGHTS if getattr(policy.rights, r) is not None
                          and getattr(policy.rights, r).stated]
    for kind, items in extra.items():
        values.setdefault(kind, set()).update(items)
    values.setdefault("number", set()).update(re.findall(r"\d+(?:\.\d+)?", "\n".join(texts)))
    phones = tuple(values.get("phone", ())) + tuple(phone_key(c.phone) for c in contacts
                                                    if c.phone)
    vocabulary = Vocabulary(texts + [render(policy, other, "markdown") for other in LANGS],
                            lang)
    return Held(values, durations, phones, vocabulary)


def _policy_durations(policy) -> list[str]:
    """Every duration policy/ holds in its fields."""
    values = [policy.rights.response_time if policy.rights else None]
    values += [r.retention.period for r in policy.registers if r.retention is not None]
    if policy.notice is not None and policy.notice.indirect_notification is not None:
        values.append(policy.notice.indirect_notification.within)
    return [v for v in values if v]


def diff(policy, text: str, lang: str = "en") -> DiffResult:
    """Compare the published `text` (plain text: `published_text` of the page) with
    `policy`, fact by fact: what is missing, what changed, what was added."""
    from . import in_language
    # Every text in `lang` only: the page is compared with the policy's texts in its
    # language, never another's (`notice diff` and the ND checks of `check` alike).
    policy = in_language(policy, lang)[0]
    published = PublishedText(text, lang)
    every = facts(policy, lang)
    missing = [f for f in every if not f.found(published)]
    missing += _outnumbered(published, [f for f in every if f not in missing])
    missing += _safeguards_outnumbered(published, [f for f in every if f not in missing],
                                       policy, lang)
    missing.sort(key=every.index)
    what_policy_holds = held(policy, lang)
    additions = [s for s in published.facts
                 if s.kind != "right" and not what_policy_holds.holds(s)]
    additions += _added_rights(published, what_policy_holds)
    expected = {id(f): _expected_line(published, f) for f in missing}
    changed, unpaired = _pair(missing, additions, expected)
    # the new value, wherever else the text repeats it ("(Kanada) ... Kanadassa"), is
    # part of the change
    paired = {(c.now.kind, c.now.value) for c in changed}
    added = [Addition(s.kind, s.shown, s.line) for s in additions
             if (s.kind, s.value) not in paired]
    # a sentence whose new words are those of a fact reported on its line says nothing more
    reported: dict = {}
    for item in [*added, *(Addition(c.now.kind, c.now.shown, c.now.line) for c in changed)]:
        reported.setdefault(item.line, []).append(item.shown.casefold())
    for line, sentence, words in added_sentences(text, what_policy_holds.vocabulary):
        new = [w for w in words if not any(w.casefold() in shown
                                           for shown in reported.get(line, ()))]
        if len(new) >= 2:
            added.append(Addition("sentence", sentence, line, ", ".join(new)))
    added.sort(key=lambda a: (a.line, a.kind != "sentence", a.kind, a.shown))
    return DiffResult(facts=every, missing=unpaired, changed=changed, added=added,
                      expected_at={id(f): expected[id(f)] for f in unpaired})


def _outnumbered(published: PublishedText, found: list[Fact]) -> list[Fact]:
    """Durations policy/ states more often than the page does: "1 month" for a retention
    period and for the response time, and the page says it once ("3 months" for the
    response), so one of them is missing although "1 month" is found. Each fact claims the
    occurrence nearest to where it was expected; of those left, the ones expected where no
    occurrence is are missing first, those whose place is unknown take what remains."""
    by_value: dict = {}
    for fact in found:
        if fact.kind == "duration":
            by_value.setdefault(fact.shown.split(" ")[0], []).append(fact)
    out = []
    for value, facts_of_value in by_value.items():
        parts = sorted(duration_parts(value))
        lines = [s.line for s in published.facts
                 if s.kind == "duration" and sorted(duration_parts(s.value)) == parts]
        if len(lines) >= len(facts_of_value) or not lines:
            continue
        expected = {id(f): _expected_line(published, f) for f in facts_of_value}
        claimed: set = set()
        keep = []
        for fact in sorted(facts_of_value, key=lambda f: expected[id(f)] is None):
            line = expected[id(fact)]
            near = [i for i, at in enumerate(lines) if i not in claimed and line is not None
                    and abs(at - line) <= 3]
            if near:
                claimed.add(min(near, key=lambda i: abs(lines[i] - line)))
                keep.append(fact)
        rest = sorted((f for f in facts_of_value if f not in keep),
                      key=lambda f: expected[id(f)] is not None)
        free = len(lines) - len(claimed)
        out += rest[free:] if free > 0 else rest
    return out


def _safeguards_outnumbered(published: PublishedText, found: list[Fact], policy,
                            lang) -> list[Fact]:
    """A transfer's safeguard the page names less often than policy/ does: once for the
    field, once more for each description on the page that names it ("certified under
    the Data Privacy Framework"). Else a description that mentions the mechanism would
    hide the safeguard's own statement being removed or replaced."""
    from .facts import safeguards_in
    texts = [f.context for f in found if f.kind == "name" and f.context]
    texts += [d for d in (text_in(t.description, lang) for t in policy.transfers)
              if d and published.has_text(d)]
    out = []
    for fact in found:
        if fact.kind != "safeguard":
            continue
        mechanism = fact.shown.split(" ")[0]
        expected = 1 + sum(1 for text in texts
                           for _, m, _ in safeguards_in(text, lang) if m == mechanism)
        stated_here = sum(1 for s in published.facts
                          if s.kind == "safeguard" and s.value == mechanism)
        if stated_here < expected:
            out.append(fact)
    return out


def _added_rights(published: PublishedText, what_policy_holds: Held) -> list[Stated]:
    """One addition per right the text names that policy/ does not state."""
    seen, out = set(), []
    for fact in published.facts:
        if fact.kind == "right" and not what_policy_holds.holds(fact) and fact.value not in seen:
            seen.add(fact.value)
            out.append(fact)
    return out


def _expected_line(published: PublishedText, fact: Fact) -> int | None:
    for text in (fact.context, fact.shown):
        if text:
            line = published.expected_line(text)
            if line is not None:
                return line
    return None


def _pair(missing: list[Fact], additions: list[Stated], expected: dict):
    """Each missing fact with the addition that took its place: one of a kind that can
    replace it, on the nearest line to where it was expected (at most three lines away);
    or, where neither side has another of that kind, the only one."""
    changed, unpaired, used = [], [], set()
    for fact in sorted(missing, key=lambda f: expected[id(f)] is None):
        kinds = REPLACED_BY.get(fact.kind or "", ())
        candidates = [s for s in additions if s.kind in kinds and id(s) not in used]
        line = expected[id(fact)]
        choice = None
        if line is not None:
            near = [s for s in candidates if abs(s.line - line) <= 3]
            if near:
                choice = min(near, key=lambda s: (abs(s.line - line), kinds.index(s.kind)))
        if choice is None and len(candidates) == 1 and sum(
                1 for f in missing if f.kind == fact.kind) == 1:
            choice = candidates[0]
        if choice is None:
            unpaired.append(fact)
        else:
            used.add(id(choice))
            changed.append(Change(fact, choice))
    order = {id(f): i for i, f in enumerate(missing)}
    changed.sort(key=lambda c: order[id(c.fact)])
    unpaired.sort(key=lambda f: order[id(f)])
    return changed, unpaired


def published_text(raw: str, name: str = "") -> str:
    """The readable text of a published notice: HTML without tags, Markdown unescaped."""
    import html
    if name.lower().endswith((".html", ".htm")) or re.match(r"\s*<(!doctype|html)\b", raw, re.I):
        raw = _strip_html(raw)
    else:
        raw = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~])", r"\1", raw)   # Markdown escapes
        raw = html.unescape(raw)
    return raw


def _strip_html(raw: str) -> str:
    """The text of a page. Where it has a <main> element, only the text inside it: the
    site's header, menus and footer around the notice are not the notice (and would be
    reported as added). <nav>, scripts, styles and templates are never text."""
    from html.parser import HTMLParser

    blocks = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
              "td", "th", "section", "article", "header", "footer", "dd", "dt", "table",
              "blockquote", "pre", "hr", "title"}

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.main: list[str] = []
            self.skip = 0
            self.in_main = 0
            self.has_main = False

        def add(self, text):
            self.parts.append(text)
            if self.in_main:
                self.main.append(text)

        def handle_starttag(self, tag, attrs):
            if tag == "main":
                self.in_main += 1
                self.has_main = True
            if tag in ("script", "style", "template", "nav"):
                self.skip += 1
            elif tag in blocks:
                self.add("\n")
            if tag == "a" and not self.skip:   # mailto: addresses written only in the link
                href = dict(attrs).get("href") or ""
                if href.startswith("mailto:"):
                    self.add(f" {href[7:]} ")

        def handle_endtag(self, tag):
            if tag in ("script", "style", "template", "nav"):
                self.skip = max(0, self.skip - 1)
            elif tag in blocks:
                self.add("\n")
            if tag == "main":
                self.in_main = max(0, self.in_main - 1)

        def handle_data(self, data):
            if not self.skip:
                self.add(data)

    parser = Text()
    parser.feed(raw)
    parser.close()
    return "".join(parser.main if parser.has_main else parser.parts)


# A published notice is read whole and each fact looked for in it: the file may come from
# an untrusted pull request, so its size is bounded (a notice's page, scripts and styles
# included, is some hundreds of kilobytes at most).
MAX_PUBLISHED_BYTES = 4 * 2**20
MAX_PUBLISHED_TEXT = 2**20      # characters of text once tags are stripped: ~7 s to compare


def read_published(path: str | Path, shown: str | None = None) -> str:
    """Read FILE as UTF-8 text; a binary or wrongly encoded file is an input error (named
    `shown`, default the path as given)."""
    from ..errors import InputError
    path = Path(path)
    shown = shown or str(path)
    try:
        if path.stat().st_size > MAX_PUBLISHED_BYTES:   # before reading it into memory
            raise InputError(f"the published notice is larger than "
                             f"{MAX_PUBLISHED_BYTES // 2**20} MiB; a privacy notice page is "
                             f"far smaller (is this the right file?)", shown)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the published notice: {exc.strerror}", shown) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("the published notice is not UTF-8 text (save it as UTF-8)",
                         shown, line) from None
    if "\x00" in text:
        raise InputError("the published notice is a binary file; expected text, Markdown "
                         "or HTML", shown)
    if not text.strip():
        raise InputError("the published notice is empty", shown, 1)
    text = published_text(text, path.name)
    if len(text) > MAX_PUBLISHED_TEXT:
        raise InputError(f"the published notice holds more than {MAX_PUBLISHED_TEXT:,} "
                         f"characters of text; a privacy notice is far shorter (is this the "
                         f"right file?)", shown)
    return text




# -- the readable diff ---------------------------------------------------------------------

def change_text(change: Change) -> str:
    now = change.now
    value = f" ({now.value})" if now.kind in ("duration", "country") else ""
    return (f"{change.fact.what}: \"{_short(now.shown)}\"{value}; policy/ states "
            f"{_short(change.fact.shown)} at {change.fact.where()}")


def addition_text(addition: Addition) -> str:
    if addition.kind == "sentence":
        return (f"sentence \"{_short(addition.shown)}\" (words policy/ never uses: "
                f"{addition.detail})")
    return f"{KIND_NAMES.get(addition.kind, addition.kind)} \"{_short(addition.shown)}\""


def missing_text(fact: Fact) -> str:
    return f"{fact.what}: {_short(fact.shown)}"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def lines(result: DiffResult, file: str) -> list[str]:
    """The diff, one line per fact, each starting with the place to open: changed and
    added facts at their line of the published file, missing ones at policy/'s line."""
    out = [f"{file}:{c.line()}: changed: {change_text(c)}" for c in result.changed]
    out += [f"{fact.where()}: missing from {file}: {missing_text(fact)}"
            for fact in result.missing]
    out += [f"{file}:{a.line}: added: {addition_text(a)}" for a in result.added]
    return out


def summary(result: DiffResult, file: str) -> str:
    if not result.drift:
        return (f"all {len(result.facts)} statements of policy/ are in {file}, and it states "
                f"nothing policy/ does not hold")
    return (f"{file} differs from policy/: {len(result.changed)} changed, "
            f"{len(result.missing)} missing, {len(result.added)} added "
            f"({len(result.facts)} statements of policy/ compared)")
