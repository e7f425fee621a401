"""`notice diff`: does a published notice still state what policy/ states?

`facts(policy, lang)` lists the key statements of the policy and how to find each in the
published text; `diff` looks for each, and (drift.py) compares the typed facts found in
the published text the other way, so a changed or added fact is reported too.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import MONTHS_EN, RIGHT_NAMES, _translate, country_name, duration_parts, humanise_duration

@dataclass(frozen=True)
class Fact:
    """One statement of the policy the published text must contain."""
    what: str                    # e.g. "controller e-mail"
    shown: str                   # the value as the policy states it
    location: tuple | None       # (path, line, column) in policy/
    found: object                # callable(PublishedText) -> bool

    def where(self) -> str:
        if not self.location:
            return "policy"
        path, line, *_ = self.location
        return f"{path}:{line}"


@dataclass
class DiffResult:
    facts: list[Fact]
    missing: list[Fact]
    # durations the published text states that policy/ does not hold: (line, shown)
    added: list[tuple[int, str]] = field(default_factory=list)


_TOKEN = re.compile(r"[^\W_]+")
_ELISION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…|(?<=[.!?])\s+(?=[^\W\d_])")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+|\s+[-–•]\s+")


class PublishedText:
    """The published notice, normalised once for every fact's look-up."""

    def __init__(self, raw: str, lang: str):
        self.raw = raw
        self.lang = lang
        self.lower = unicodedata.normalize("NFKC", raw).casefold()
        # obfuscated addresses: info(at)example.fi, info [at] example.fi
        self.lower = re.sub(r"\s*[\(\[]\s*at\s*[\)\]]\s*", "@", self.lower)
        self.tokens = _TOKEN.findall(self.lower)
        self.sentences = [_TOKEN.findall(s) for s in _SENTENCE.split(self.lower)]
        self.phones = {re.sub(r"\D", "", m) for m in
                       re.findall(r"\+?\d[\d\s().-]{4,}\d", unicodedata.normalize("NFKC", raw))}

    # token matching: exact, or with a different ending (Finnish inflection, English plural)
    def same(self, want: str, word: str) -> bool:
        if want == word:
            return True
        if self.lang == "fi":
            return len(want) > 5 and word.startswith(want[:max(5, len(want) - 3)])
        return len(want) >= 4 and word.startswith(want) and len(word) - len(want) <= 2

    def has_phrase(self, phrase: str) -> bool:
        want = _TOKEN.findall(unicodedata.normalize("NFKC", phrase).casefold())
        if not want:
            return True
        tokens, n = self.tokens, len(want)
        for i in range(len(tokens) - n + 1):
            if all(self.same(w, tokens[i + j]) for j, w in enumerate(want)):
                return True
        return False

    def has_text(self, text: str) -> bool:
        """A name or description: each of its sentences must appear, and `[...]`, `...`
        and `…` mark elisions (each part around one must appear)."""
        parts = [p for p in _ELISION.split(text) if _TOKEN.search(p)]
        return bool(parts) and all(self.has_phrase(p) for p in parts)

    def has_any(self, texts) -> bool:
        return any(self.has_text(t) for t in texts if t)

    def has_word_cased(self, word: str) -> bool:
        """An upper-case code such as US or USA, as written (`us` is an English word)."""
        return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", self.raw) is not None

    def has_email(self, email: str) -> bool:
        email = email.strip().casefold()
        return re.search(rf"(?<![\w.+-]){re.escape(email)}(?![\w-]|\.\w)", self.lower) is not None

    def has_url(self, url: str) -> bool:
        core = re.sub(r"^[a-z]+://", "", url.strip().casefold())
        core = re.sub(r"^www\.", "", core).rstrip("/")
        pattern = rf"(?:(?<=www\.)|(?<![\w.-])){re.escape(core)}(?![\w-]|[./]\w)"
        return re.search(pattern, self.lower) is not None

    def has_phone(self, phone: str) -> bool:
        want = re.sub(r"\D", "", phone).lstrip("0")
        if len(want) < 5:
            return self.has_phrase(phone)
        return any(found.lstrip("0").endswith(want)
                   or (want.endswith(found.lstrip("0")) and len(found.lstrip("0")) >= 7)
                   for found in self.phones)

    def has_right(self, right: str) -> bool:
        terms = RIGHT_TERMS[self.lang]
        right_words, stems = terms["_right"], terms[right]
        for words in self.sentences:
            if any(w.startswith(r) for w in words for r in right_words) and \
                    any(w.startswith(s) for w in words for s in stems):
                return True
        return False

    def has_duration(self, duration: str) -> bool:
        if re.search(rf"(?<![\w]){re.escape(duration.casefold())}(?![\w])", self.lower):
            return True
        stated = {(n, u) for _, n, u in durations_in(self.raw, self.lang)}
        return all(part in stated for part in duration_parts(duration))

    def has_date(self, day) -> bool:
        forms = [day.isoformat(), f"{day.day}.{day.month}.{day.year}",
                 f"{day.day:02d}.{day.month:02d}.{day.year}", f"{day.day}/{day.month}/{day.year}"]
        month = MONTHS_EN[day.month - 1].casefold()
        forms += [f"{day.day} {month} {day.year}", f"{month} {day.day}, {day.year}",
                  f"{day.day}. {month} {day.year}"]
        text = re.sub(r"\s+", " ", self.lower)
        return any(re.search(rf"(?<![\d]){re.escape(f)}(?![\d])", text) for f in forms)


RIGHT_TERMS = {  # stems: a word starting with one of them names the right
    "en": {"_right": ("right",), "access": ("access",), "rectification": ("rectif", "correct"),
           "erasure": ("erase", "erasure", "delet"), "restriction": ("restrict",),
           "portability": ("portab",), "objection": ("object",),
           "withdraw_consent": ("withdraw",), "complaint": ("complain", "lodge"),
           "no_automated_decision": ("automat",)},
    "fi": {"_right": ("oikeu",), "access": ("tarkast", "tarkist", "pääsy"),
           "rectification": ("oikai", "korja"), "erasure": ("poist",),
           "restriction": ("rajoit",), "portability": ("siirt",), "objection": ("vastust",),
           "withdraw_consent": ("peruu", "peru"), "complaint": ("valit",),
           "no_automated_decision": ("automaat",)},
}

SAFEGUARD_TERMS = {
    "en": {"adequacy": ("adequacy",), "dpf": ("data privacy framework",),
           "scc": ("standard contractual clauses", "standard data protection clauses", "scc"),
           "bcr": ("binding corporate rules", "bcr"), "code_of_conduct": ("code of conduct",),
           "certification": ("certification",),
           "derogation": ("derogation", "article 49", "art 49")},
    "fi": {"adequacy": ("riittävyyspäätös",),
           "dpf": ("tietosuojakehys", "data privacy framework"),
           "scc": ("vakiosopimuslauseke", "mallisopimuslauseke", "vakiolauseke", "scc"),
           "bcr": ("sitovat säännöt", "sitovat yrityssäännöt", "bcr"),
           "code_of_conduct": ("käytännesäännöt",), "certification": ("sertifiointi",),
           "derogation": ("poikkeus", "49 artikla")},
}

_NUMBER_WORDS = {
    "en": ["one|a|an", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
    "fi": ["yksi|yhden", "kaksi|kahden", "kolme|kolmen", "neljä|neljän", "viisi|viiden",
           "kuusi|kuuden", "seitsemän", "kahdeksan", "yhdeksän", "kymmenen",
           "yksitoista|yhdentoista", "kaksitoista|kahdentoista"],
}
_UNIT_WORDS = {
    "en": {"Y": r"years?", "M": r"months?", "W": r"weeks?", "D": r"days?", "H": r"hours?",
           "TM": r"minutes?", "S": r"seconds?"},
    "fi": {"Y": r"vuo(?:si|tta|den|deksi|tena|sien)", "M": r"kuukau\w*", "W": r"viik[ko]\w*",
           "D": r"(?:päiv\w*|vuorokau\w*)", "H": r"tunt\w*", "TM": r"minuut\w*",
           "S": r"sekunt\w*"},
}


def facts(policy, lang: str) -> list[Fact]:
    """The key statements of `policy` a published notice must contain, in policy order."""
    out: list[Fact] = []

    def add(what, shown, location, found):
        if shown:
            out.append(Fact(what, str(shown), location, found))

    def loc(obj, name=None):
        if obj is None:
            return None
        return obj.field_location(name) if name else obj.location

    notice = policy.notice
    if notice is not None and (notice.updated or notice.published):
        field_name = "updated" if notice.updated else "published"
        day = getattr(notice, field_name)
        add(f"notice date ({field_name})", day.isoformat(), loc(notice, field_name),
            lambda t, d=day: t.has_date(d))
    controller = policy.controller
    if controller is not None:
        add("controller name", controller.name, loc(controller, "name"),
            lambda t, v=controller.name: t.has_text(v))
        add("controller business id", controller.business_id, loc(controller, "business_id"),
            lambda t, v=controller.business_id: t.has_phrase(v))
        if controller.address:
            parts = [p.strip() for p in controller.address.split(",") if p.strip()]
            add("controller address", controller.address, loc(controller, "address"),
                lambda t, ps=parts: all(t.has_phrase(p) for p in ps))
        for key, what in (("contact", "contact"), ("dpo", "DPO"),
                          ("representative", "representative")):
            _contact_facts(add, getattr(controller, key), what, loc)
    authority = policy.supervisory_authority
    if authority is not None:
        add("supervisory authority", authority.name, loc(authority, "name"),
            lambda t, v=authority.name: t.has_text(v))
        if authority.url:
            add("supervisory authority web address", authority.url, loc(authority, "url"),
                lambda t, v=authority.url: t.has_url(v))
    for kind, items in (("register", policy.registers), ("purpose", policy.purposes),
                        ("recipient", policy.recipients)):
        for item in items:
            texts = [v for v in (item.name, item.description) if v]
            add(f"{kind} {item.id}", texts[0] if texts else item.id, loc(item),
                lambda t, vs=texts: t.has_any(vs))
    for transfer in policy.transfers:
        for country in transfer.countries:
            add(f"transfer to {transfer.recipient}: country",
                f"{country} ({country_name(country, lang)})", loc(transfer, "countries"),
                lambda t, c=country: _has_country(t, c))
        if transfer.safeguard and transfer.safeguard != "none":
            terms = SAFEGUARD_TERMS[lang][transfer.safeguard]
            add(f"transfer to {transfer.recipient}: safeguard",
                f"{transfer.safeguard} ({' / '.join(terms)})", loc(transfer, "safeguard"),
                lambda t, ts=terms: any(t.has_phrase(x) for x in ts))
    for register in policy.registers:
        if register.retention is not None and register.retention.period:
            period = register.retention.period
            add(f"retention of {register.id}",
                f"{period} ({humanise_duration(period, lang)})",
                loc(register.retention, "period"), lambda t, p=period: t.has_duration(p))
    rights = policy.rights
    if rights is not None:
        from ..model.types import RIGHTS
        for right in RIGHTS:
            statement = getattr(rights, right)
            if statement is None or not statement.stated:
                continue
            add(f"right {right}", RIGHT_NAMES[lang][right], loc(statement),
                lambda t, r=right, s=statement: t.has_right(r)
                or bool(s.description and t.has_text(s.description)))
        if rights.response_time:
            add("response time to requests",
                f"{rights.response_time} ({humanise_duration(rights.response_time, lang)})",
                loc(rights, "response_time"),
                lambda t, p=rights.response_time: t.has_duration(p))
    return out


def _contact_facts(add, contact, what, loc):
    if contact is None:
        return
    add(f"{what} name", contact.name, loc(contact, "name"),
        lambda t, v=contact.name: t.has_text(v))
    add(f"{what} phone", contact.phone, loc(contact, "phone"),
        lambda t, v=contact.phone: t.has_phone(v))
    add(f"{what} e-mail", contact.email, loc(contact, "email"),
        lambda t, v=contact.email: t.has_email(v))
    add(f"{what} web address", contact.url, loc(contact, "url"),
        lambda t, v=contact.url: t.has_url(v))


_COUNTRY_ALIASES = {"US": ("USA", "U.S.", "U.S.A."), "GB": ("UK", "U.K.", "Britain",
                                                           "Iso-Britannia", "Britannia")}


def _has_country(text: PublishedText, code: str) -> bool:
    import pycountry
    if text.has_word_cased(code):
        return True
    country = pycountry.countries.get(alpha_2=code)
    names = set(_COUNTRY_ALIASES.get(code, ()))
    if country is not None:
        if text.has_word_cased(country.alpha_3):
            return True
        names |= {n for n in (country.name, getattr(country, "common_name", None),
                              getattr(country, "official_name", None)) if n}
        names.add(_translate(country.name, "fi"))
    return any((n.isupper() and text.has_word_cased(n)) or (not n.isupper() and text.has_phrase(n))
               for n in sorted(names))


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
    from html.parser import HTMLParser

    blocks = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
              "td", "th", "section", "article", "header", "footer", "dd", "dt", "table",
              "blockquote", "pre", "hr", "title"}

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style", "template"):
                self.skip += 1
            elif tag in blocks:
                self.parts.append("\n")
            if tag == "a":   # keep mailto:/http addresses written only in the link
                href = dict(attrs).get("href") or ""
                if href.startswith("mailto:"):
                    self.parts.append(f" {href[7:]} ")

        def handle_endtag(self, tag):
            if tag in ("script", "style", "template"):
                self.skip = max(0, self.skip - 1)
            elif tag in blocks:
                self.parts.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(raw)
    parser.close()
    return "".join(parser.parts)


def read_published(path: str | Path) -> str:
    """Read FILE as UTF-8 text; a binary or wrongly encoded file is an input error."""
    from ..errors import InputError
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the published notice: {exc.strerror}", str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("the published notice is not UTF-8 text (save it as UTF-8)",
                         str(path), line) from None
    if "\x00" in text:
        raise InputError("the published notice is a binary file; expected text, Markdown "
                         "or HTML", str(path))
    if not text.strip():
        raise InputError("the published notice is empty", str(path), 1)
    return published_text(text, path.name)


def durations_in(raw: str, lang: str) -> list[tuple[int, str, str]]:
    """Every duration a text states, as (line, number, ISO unit), in text order.

    A number (digits or a number word) before a unit word is that many units; in Finnish
    a bare unit in the genitive before "kuluessa"/"sisällä"/"ajan" is one unit
    ("kuukauden kuluessa": within one month), so "kolmen kuukauden kuluessa" is three
    months and never also one."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    found = []
    for unit, words in _UNIT_WORDS[lang].items():
        numbers = "|".join([r"\d+(?:\.\d+)?"] + _NUMBER_WORDS[lang])
        pattern = rf"(?<![\w.])(?:({numbers})[\s-]*)?(?<!\w)({words})(?!\w)"
        for match in re.finditer(pattern, text):
            number = match.group(1)
            if number is None:
                if not (lang == "fi" and re.match(r"\s+(?:kuluessa|sisällä|ajan|ajaksi)\b",
                                                  text[match.end():])):
                    continue
                number = "1"
            elif not number[0].isdigit():
                number = str(next(i + 1 for i, alts in enumerate(_NUMBER_WORDS[lang])
                                  if re.fullmatch(alts, number)))
            found.append((text.count("\n", 0, match.start()) + 1, number, unit))
    return sorted(found)


def _policy_durations(policy) -> set[tuple[str, str]]:
    """Every duration policy/ holds, as (number, ISO unit) parts."""
    values = [policy.rights.response_time if policy.rights else None]
    values += [r.retention.period for r in policy.registers if r.retention is not None]
    if policy.notice is not None and policy.notice.indirect_notification is not None:
        values.append(policy.notice.indirect_notification.within)
    return {part for value in values if value for part in duration_parts(value)}


def diff(policy, text: str, lang: str = "en") -> DiffResult:
    published = PublishedText(text, lang)
    every = facts(policy, lang)
    held = _policy_durations(policy)
    added = [(line, humanise_duration(f"P{'T' if u == 'TM' else ''}{n}{u[-1]}", lang))
             for line, n, u in durations_in(text, lang) if (n, u) not in held]
    return DiffResult(facts=every, missing=[f for f in every if not f.found(published)],
                      added=added)
