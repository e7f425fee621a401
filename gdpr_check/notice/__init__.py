"""The privacy notice as a document (SPEC §8 `notice render`, `notice diff`).

`render(policy, lang, fmt)` writes the notice that `policy/` encodes, sections in the
order of Art. 13 and 14: controller and contact, DPO, purposes and legal bases, legitimate
interests, registers and categories of data, recipients, transfers and their safeguards,
retention, the data subject's rights, the complaint to the supervisory authority, whether
the data must be provided, the sources of the data, automated decisions and profiling,
then security. `lang` chooses the headings and labels (Finnish or English); the content is
what the policy holds: an item's `description`, falling back to its `name`. Nothing is
invented: an item the GDPR requires but the policy lacks is left out (`check` reports it).

`diff(policy, text, lang)` answers "does this published notice still say what policy/
says?": it lists the policy's key facts (names, e-mail addresses, phone numbers, web
addresses, countries, durations, dates, the rights stated, purposes, recipients, ...) and
looks for each in the published text, normalised; `gdpr-check notice diff --help` states
how matching works and what it cannot see.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

LANGS = ("fi", "en")
FORMATS = ("markdown", "html")

# Headings and labels; the content comes from the policy.
LABELS = {
    "en": {
        "title": "Privacy notice", "contents": "Contents",
        "published": "Published", "updated": "Updated", "url": "Published at",
        "controller": "Controller",
        "business_id": "Business ID", "address": "Address", "country": "Country",
        "contact": "Contact person for matters concerning the register",
        "representative": "Representative in the EU",
        "name": "Name", "role": "Position", "how": "How", "phone": "Phone", "email": "E-mail",
        "website": "Website",
        "dpo": "Data protection officer",
        "purposes": "Purposes and legal basis of the processing",
        "lawful_basis": "Legal basis", "special_condition": "Special categories (Art. 9(2))",
        "authorising_law": "Authorised by (Art. 9(2), 10)",
        "legitimate_interests": "Legitimate interests",
        "purposes_of": "Purposes",
        "data": "Data subjects and categories of personal data",
        "registers": "Registers", "data_subjects": "Data subjects",
        "data_categories": "Categories of personal data",
        "special": "special category of personal data (Art. 9)",
        "criminal": "personal data relating to criminal convictions and offences (Art. 10)",
        "recipients": "Recipients and regular disclosures of personal data",
        "recipient_role": "Role",
        "transfers": "Transfers outside the EU/EEA",
        "countries": "Countries", "safeguard": "Safeguard",
        "copy_available": "Copy of the safeguards",
        "retention": "Retention periods", "from": "from",
        "rights": "Your rights", "rights_intro": "A person in the register has:",
        "missing": "text missing in English",
        "request_channel": "How to make a request",
        "identity_verification": "Identity verification",
        "identity_verified": "The controller may ask you to prove your identity.",
        "response_time": "Response time",
        "complaint": "Right to lodge a complaint with a supervisory authority",
        "authority": "Supervisory authority",
        "provision": "Whether you must provide the data",
        "consequences": "If the data is not provided",
        "sources": "Sources of the data", "source_kind": "Kind of source",
        "indirect_notification": "When you are informed",
        "within": "At the latest within",
        "automated": "Automated decision-making and profiling",
        "processing_kind": "Processing", "profiling": "profiling",
        "automated_decision": "automated decision-making",
        "logic": "Logic involved, significance and consequences",
        "security": "Security of processing", "measures": "Measures",
        "authentication": "Authentication", "allowed_principals": "Who has access",
        "scope": "Access",
    },
    "fi": {
        "title": "Tietosuojaseloste", "contents": "Sisällys",
        "published": "Laadittu", "updated": "Päivitetty", "url": "Julkaistu osoitteessa",
        "controller": "Rekisterinpitäjä",
        "business_id": "Y-tunnus", "address": "Osoite", "country": "Maa",
        "contact": "Yhteyshenkilö rekisteriä koskevissa asioissa",
        "representative": "Edustaja EU:ssa",
        "name": "Nimi", "role": "Tehtävä", "how": "Miten", "phone": "Puhelin",
        "email": "Sähköposti",
        "website": "Verkkosivut",
        "dpo": "Tietosuojavastaavan yhteystiedot",
        "purposes": "Henkilötietojen käsittelyn tarkoitukset ja oikeusperuste",
        "lawful_basis": "Oikeusperuste",
        "special_condition": "Erityiset henkilötietoryhmät (9 artiklan 2 kohta)",
        "authorising_law": "Käsittelyn sallii (9 artiklan 2 kohta, 10 artikla)",
        "legitimate_interests": "Oikeutetut edut",
        "purposes_of": "Käyttötarkoitukset",
        "data": "Rekisteröidyt ja rekisterin tietosisältö",
        "registers": "Rekisterit", "data_subjects": "Rekisteröidyt",
        "data_categories": "Henkilötietoryhmät",
        "special": "erityinen henkilötietoryhmä (9 artikla)",
        "criminal": "rikostuomioihin ja rikkomuksiin liittyvä henkilötieto (10 artikla)",
        "recipients": "Säännönmukaiset tietojen luovutukset ja vastaanottajat",
        "recipient_role": "Rooli",
        "transfers": "Tietojen siirto EU:n tai ETA:n ulkopuolelle",
        "countries": "Maat", "safeguard": "Suojatoimi",
        "copy_available": "Kopio suojatoimista",
        "retention": "Tietojen säilytysaika", "from": "alkaen",
        "rights": "Rekisteröidyn oikeudet", "rights_intro": "Rekisterissä olevalla henkilöllä on:",
        "missing": "teksti puuttuu suomeksi",
        "request_channel": "Pyyntöjen esittäminen",
        "identity_verification": "Henkilöllisyyden tarkistaminen",
        "identity_verified": "Rekisterinpitäjä voi pyytää todistamaan henkilöllisyyden.",
        "response_time": "Vastausaika",
        "complaint": "Oikeus tehdä valitus valvontaviranomaiselle",
        "authority": "Valvontaviranomainen",
        "provision": "Henkilötietojen antaminen",
        "consequences": "Jos tietoja ei anneta",
        "sources": "Säännönmukaiset tietolähteet", "source_kind": "Lähteen tyyppi",
        "indirect_notification": "Milloin rekisteröidylle ilmoitetaan",
        "within": "Viimeistään",
        "automated": "Automaattinen päätöksenteko ja profilointi",
        "processing_kind": "Käsittely", "profiling": "profilointi",
        "automated_decision": "automaattinen päätöksenteko",
        "logic": "Käsittelyyn liittyvä logiikka, merkitys ja seuraukset",
        "security": "Rekisterin suojauksen periaatteet", "measures": "Suojaustoimet",
        "authentication": "Tunnistautuminen", "allowed_principals": "Pääsy tietoihin",
        "scope": "Pääsy",
    },
}

LAWFUL_BASES = {
    "en": {"consent": "consent (Art. 6(1)(a))",
           "contract": "performance of a contract (Art. 6(1)(b))",
           "legal_obligation": "legal obligation (Art. 6(1)(c))",
           "vital_interests": "vital interests (Art. 6(1)(d))",
           "public_task": "public task (Art. 6(1)(e))",
           "legitimate_interests": "legitimate interests (Art. 6(1)(f))"},
    "fi": {"consent": "suostumus (6 artiklan 1 kohdan a alakohta)",
           "contract": "sopimuksen täytäntöönpano (6 artiklan 1 kohdan b alakohta)",
           "legal_obligation": "lakisääteinen velvoite (6 artiklan 1 kohdan c alakohta)",
           "vital_interests": "elintärkeät edut (6 artiklan 1 kohdan d alakohta)",
           "public_task": "yleistä etua koskeva tehtävä (6 artiklan 1 kohdan e alakohta)",
           "legitimate_interests": "oikeutettu etu (6 artiklan 1 kohdan f alakohta)"},
}

SPECIAL_CONDITIONS = {
    "en": {"explicit_consent": "explicit consent",
           "employment_social_security": "employment and social security law",
           "vital_interests": "vital interests", "nonprofit_body": "a not-for-profit body",
           "made_public": "data made public by the data subject",
           "legal_claims": "legal claims", "substantial_public_interest":
           "substantial public interest", "health_care": "health or social care",
           "public_health": "public health", "archiving_research":
           "archiving, research or statistics"},
    "fi": {"explicit_consent": "nimenomainen suostumus",
           "employment_social_security": "työoikeus ja sosiaaliturva",
           "vital_interests": "elintärkeät edut",
           "nonprofit_body": "voittoa tavoittelematon yhteisö",
           "made_public": "rekisteröidyn itse julkistamat tiedot",
           "legal_claims": "oikeusvaateet", "substantial_public_interest":
           "tärkeä yleinen etu", "health_care": "terveyden- tai sosiaalihuolto",
           "public_health": "kansanterveys", "archiving_research":
           "arkistointi, tutkimus tai tilastointi"},
}

ROLES = {
    "en": {"processor": "processor", "third_party": "third party",
           "joint_controller": "joint controller", "authority": "authority"},
    "fi": {"processor": "henkilötietojen käsittelijä", "third_party": "kolmas osapuoli",
           "joint_controller": "yhteisrekisterinpitäjä", "authority": "viranomainen"},
}

# Each label contains one of the right's terms in RIGHT_TERMS, so a rendered notice diffs
# clean against its own policy.
RIGHT_NAMES = {
    "en": {"access": "Right of access",
           "rectification": "Right to rectification",
           "erasure": "Right to erasure",
           "restriction": "Right to restriction of processing",
           "portability": "Right to data portability",
           "objection": "Right to object",
           "withdraw_consent": "Right to withdraw consent",
           "complaint": "Right to lodge a complaint with a supervisory authority",
           "no_automated_decision": "Right not to be subject to a decision based solely on "
                                    "automated processing"},
    "fi": {"access": "Oikeus tarkastaa omat tietonsa",
           "rectification": "Oikeus tietojen oikaisemiseen",
           "erasure": "Oikeus tietojen poistamiseen",
           "restriction": "Oikeus käsittelyn rajoittamiseen",
           "portability": "Oikeus siirtää tiedot järjestelmästä toiseen",
           "objection": "Oikeus vastustaa käsittelyä",
           "withdraw_consent": "Oikeus peruuttaa suostumus",
           "complaint": "Oikeus tehdä valitus valvontaviranomaiselle",
           "no_automated_decision": "Oikeus olla joutumatta pelkästään automaattiseen "
                                    "käsittelyyn perustuvan päätöksen kohteeksi"},
}

MECHANISMS = {
    "en": {"adequacy": "adequacy decision of the European Commission (Art. 45)",
           "dpf": "EU-US Data Privacy Framework (adequacy decision, Art. 45)",
           "scc": "standard contractual clauses (Art. 46(2)(c))",
           "bcr": "binding corporate rules (Art. 47)",
           "code_of_conduct": "approved code of conduct (Art. 46(2)(e))",
           "certification": "approved certification mechanism (Art. 46(2)(f))",
           "derogation": "derogation for specific situations (Art. 49)",
           "none": "none"},
    "fi": {"adequacy": "Euroopan komission riittävyyspäätös (45 artikla)",
           "dpf": "EU:n ja Yhdysvaltojen välinen tietosuojakehys, Data Privacy Framework "
                  "(45 artikla)",
           "scc": "vakiosopimuslausekkeet (46 artiklan 2 kohdan c alakohta)",
           "bcr": "yritystä koskevat sitovat säännöt, BCR (47 artikla)",
           "code_of_conduct": "hyväksytyt käytännesäännöt (46 artiklan 2 kohdan e alakohta)",
           "certification": "hyväksytty sertifiointimekanismi (46 artiklan 2 kohdan f alakohta)",
           "derogation": "poikkeus erityistilanteissa (49 artikla)",
           "none": "ei suojatoimia"},
}

SOURCE_KINDS = {
    "en": {"data_subject": "the data subject", "public": "publicly available source",
           "third_party": "third party", "internal": "the controller's own systems"},
    "fi": {"data_subject": "rekisteröity itse", "public": "julkinen lähde",
           "third_party": "kolmas osapuoli", "internal": "rekisterinpitäjän omat järjestelmät"},
}

PROVISIONS = {
    "en": {"contractual": "a contractual requirement", "statutory": "a statutory requirement",
           "voluntary": "voluntary"},
    "fi": {"contractual": "sopimukseen perustuva vaatimus",
           "statutory": "lakisääteinen vaatimus", "voluntary": "vapaaehtoista"},
}

SCOPES = {"en": {"full": "all data", "partial": "part of the data", "read": "read only"},
          "fi": {"full": "kaikki tiedot", "partial": "osa tiedoista", "read": "vain luku"}}

AUTH = {"en": {"password": "user name and password", "mfa": "multi-factor authentication",
               "sso": "single sign-on", "api_key": "API key", "none": "none"},
        "fi": {"password": "käyttäjätunnus ja salasana", "mfa": "monivaiheinen tunnistautuminen",
               "sso": "kertakirjautuminen", "api_key": "API-avain", "none": "ei tunnistautumista"}}

UNITS = {  # ISO 8601 designator -> (singular, plural)
    "en": {"Y": ("year", "years"), "M": ("month", "months"), "W": ("week", "weeks"),
           "D": ("day", "days"), "H": ("hour", "hours"), "TM": ("minute", "minutes"),
           "S": ("second", "seconds")},
    "fi": {"Y": ("vuosi", "vuotta"), "M": ("kuukausi", "kuukautta"), "W": ("viikko", "viikkoa"),
           "D": ("päivä", "päivää"), "H": ("tunti", "tuntia"), "TM": ("minuutti", "minuuttia"),
           "S": ("sekunti", "sekuntia")},
}
AND = {"en": "and", "fi": "ja"}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


# -- small formatting helpers (shared with ropa.py) --------------------------------------

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")


def duration_parts(duration: str) -> list[tuple[str, str]]:
    """'P1Y6M' -> [('1', 'Y'), ('6', 'M')]; minutes are 'TM' to tell them from months."""
    date_part, _, time_part = duration[1:].partition("T")
    parts = [(n, u) for n, u in _DURATION_PART.findall(date_part)]
    parts += [(n, "TM" if u == "M" else u) for n, u in _DURATION_PART.findall(time_part)]
    return parts


def humanise_duration(duration: str | None, lang: str = "en") -> str:
    """'P6Y' -> '6 years' / '6 vuotta'; 'P1Y6M' -> '1 year and 6 months'."""
    if not duration:
        return ""
    words = [f"{n} {UNITS[lang][u][0 if n == '1' else 1]}" for n, u in duration_parts(duration)]
    if not words:
        return duration
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {AND[lang]} {words[-1]}"


def format_date(day, lang: str) -> str:
    if day is None:
        return ""
    if lang == "fi":
        return f"{day.day}.{day.month}.{day.year}"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@lru_cache(maxsize=None)
def country_name(code: str, lang: str = "en") -> str:
    """The country's short name in `lang` (pycountry and its ISO 3166 translations)."""
    import pycountry
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if lang != "en":
        name = _translate(country.name, lang)
    return name


def _translate(name: str, lang: str) -> str:
    import gettext

    import pycountry
    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        return catalogue.gettext(name)
    except OSError:
        return name


def text_of(item) -> str:
    """What an item says: its `description`, else its `name`, else its id."""
    return (getattr(item, "description", None) or getattr(item, "name", None)
            or getattr(item, "id", None) or "")


# -- the document --------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One statement: an optional bold label, the text, optional labelled details."""
    text: str
    label: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    href: str | None = None


def _said(text: str) -> str:
    """A text as compared for repetition: case, spacing and punctuation at its ends
    ignored."""
    return " ".join(text.casefold().split()).strip(" .,:;")


_PIECE_BREAK = re.compile(r"\s*\[\s*(?:\.\.\.|…)\s*\]\s*|(?<=[.!?])\s+")


def _pieces(text: str) -> list[str]:
    """The pieces of a quote: its sentences, cut again where "[...]" skips words."""
    return [p for p in (_said(piece) for piece in _PIECE_BREAK.split(text)) if p]


def _contains(haystack: str, pieces: list[str]) -> bool:
    start = 0
    for piece in pieces:
        found = haystack.find(piece, start)
        if found < 0:
            return False
        start = found + len(piece)
    return True


@dataclass
class Section:
    """A section of the notice. A statement the section has already made (a text
    contained in an earlier block: the same sentence under several fields of the policy)
    is not made twice."""
    key: str
    title: str
    blocks: list = field(default_factory=list)   # ("p", Line) | ("ul", [Line]) | ("h3", str)
    _said_so_far: tuple = field(default=(0, ""), repr=False, compare=False)

    def says(self, text: str) -> bool:
        """Whether the section already states `text`: each of its sentences, in order, in
        what the section says so far (a quote with "[...]" counts when its pieces are)."""
        pieces = _pieces(text)
        return bool(pieces) and _contains(self._heard(), pieces)

    def _heard(self) -> str:
        """What the section says so far, normalised; extended block by block rather than
        joined again for every item (a policy of thousands of items stays linear)."""
        done, heard = self._said_so_far
        if done != len(self.blocks):
            new = [_said(t) for t in self._texts(self.blocks[done:])]
            heard = " ".join([heard, *new]) if heard else " ".join(new)
            self._said_so_far = (len(self.blocks), heard)
        return heard

    def _texts(self, blocks):
        for kind, body in blocks:
            if kind == "p":
                yield body.text
            elif kind == "ul":
                for line in body:
                    yield line.text
                    yield from (value for _, value in line.details)

    def para(self, text, label=None, details=(), href=None, repeat=False):
        """A paragraph; a text of several lines (YAML's blank line in `>-`) is several.
        `repeat`: write it even if the section says it already (a label of our own)."""
        if not text or (not repeat and self.says(text)):
            return
        paragraphs = [p for p in str(text).split("\n") if p.strip()]
        for index, paragraph in enumerate(paragraphs):
            last = index == len(paragraphs) - 1
            self.blocks.append(("p", Line(without_elisions(paragraph),
                                          label if index == 0 else None,
                                          tuple(details) if last else (),
                                          _href(href or paragraph))))

    def bullets(self, lines, repeat=False):
        """A list; an item the section already states is left out, unless it carries a
        detail not stated yet (a purpose's own basis is never lost). `repeat`: keep every
        item (names and labelled facts, which a sentence may contain without listing)."""
        kept = []
        for line in lines:
            details = tuple((k, v) for k, v in line.details if repeat or not self.says(v))
            if not line.text or (not repeat and self.says(line.text) and not details):
                continue
            kept.append(replace(line, text=without_elisions(line.text), details=details))
        if kept:
            self.blocks.append(("ul", kept))

    def listed(self, items, line_of, repeat=False):
        """The items as lists, each run of items with the same `lead_in` under it."""
        run, lead_in = [], None
        for item in items:
            current = getattr(item, "lead_in", None) or None
            if run and current != lead_in:
                self._run(lead_in, run, repeat)
                run = []
            lead_in = current
            run.append(line_of(item))
        if run:
            self._run(lead_in, run, repeat)

    def _run(self, lead_in, lines, repeat):
        if lead_in:
            self.para(lead_in)
        self.bullets(lines, repeat)

    def heading(self, text):
        self.blocks.append(("h3", text))


@dataclass
class Document:
    lang: str
    title: str
    meta: list[Line]
    sections: list[Section]
    # Where a text of the policy has no translation into `lang` ("policy/x.yaml:12
    # (purposes[0].name)"); the document shows a placeholder there instead.
    missing: list[str] = field(default_factory=list)


_ELIDED = re.compile(r"\s*\[\s*(?:\.\.\.|…)\s*\]")


def without_elisions(text: str) -> str:
    """Policy descriptions quote the notice with "[...]" where a quote skips words (the
    diff needs to know); a published notice must not show the marks (issue 11)."""
    return re.sub(r"\s+([.,;:])", r"\1", _ELIDED.sub("", text)).strip()


def _href(text: str | None) -> str | None:
    """Only plain http(s) addresses become links."""
    if text and re.fullmatch(r"https?://[^\s<>\"']+", text):
        return text
    return None


def _contact_lines(contact, lang) -> list[Line]:
    L = LABELS[lang]
    if contact is None:
        return []
    return [Line(v, L[k], href=_mailto(v) if k == "email" else _href(v)) for k, v in (
        ("name", contact.name), ("role", contact.role), ("address", contact.address),
        ("phone", contact.phone), ("email", contact.email), ("website", contact.url)) if v]


def _mailto(text: str) -> str | None:
    """A plain e-mail address becomes a mailto: link (nothing else: no header injection)."""
    if re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", text):
        return f"mailto:{text}"
    return None


def in_language(policy, lang: str):
    """`policy` with every text in `lang` only, and where texts lack a translation into it
    ("policy/x.yaml:12 (purposes[0].name)"); those read as a visible placeholder."""
    from ..model.text import in_language as project
    missing: list[str] = []

    def placeholder(obj, name):
        field_name = name.split("[")[0]
        where = obj.field_location(field_name) or obj.location
        place = f"{where[0]}:{where[1]}" if where else "policy/"
        missing.append(f"{place} ({getattr(obj, 'KIND', 'object')}.{name})")
        return f"[{LABELS[lang]['missing']}: {place}]"

    return project(policy, lang, placeholder), missing


def build(policy, lang: str = "en") -> Document:
    """The notice's sections, in the order of Art. 13 and 14, from what `policy` states,
    every text in `lang` (a text without a translation shows where it is missing)."""
    policy, missing = in_language(policy, lang)
    L = LABELS[lang]
    notice = policy.notice
    meta = []
    if notice is not None:
        meta = [Line(v, L[k], href=_href(v)) for k, v in (
            ("published", format_date(notice.published, lang)),
            ("updated", format_date(notice.updated, lang)), ("url", notice.url)) if v]
    purposes = _purposes(policy, lang)
    sections = [s for s in (
        _controller(policy, lang), _dpo(policy, lang), purposes,
        _interests(policy, lang, purposes), _data(policy, lang), _recipients(policy, lang),
        _transfers(policy, lang), _retention(policy, lang), _rights(policy, lang),
        _complaint(policy, lang), _provision(policy, lang), _sources(policy, lang),
        _automated(policy, lang), _security(policy, lang)) if s.blocks]
    title = (notice.title if notice is not None and notice.title else None) or L["title"]
    return Document(lang=lang, title=title, meta=meta, sections=sections, missing=missing)


def _controller(policy, lang) -> Section:
    """Name, address and business id. The country is not shown: `controller.country` may
    be inferred from the address (3DTech's is), and the address already says it."""
    L = LABELS[lang]
    section = Section("controller", L["controller"])
    controller = policy.controller
    if controller is None:
        return section
    section.para(controller.name, repeat=True)
    section.bullets([Line(v, L[k]) for k, v in (
        ("address", controller.address), ("business_id", controller.business_id)) if v],
        repeat=True)
    for key, contact in (("contact", controller.contact),
                         ("representative", controller.representative)):
        lines = _contact_lines(contact, lang)
        if lines:
            section.heading(L[key])
            section.bullets(lines, repeat=True)
    return section


def _dpo(policy, lang) -> Section:
    section = Section("dpo", LABELS[lang]["dpo"])
    if policy.controller is not None:
        section.bullets(_contact_lines(policy.controller.dpo, lang), repeat=True)
    return section


def _bases(bases, lang) -> str:
    return ", ".join(LAWFUL_BASES[lang][b] for b in bases)


def _purposes(policy, lang) -> Section:
    """Each purpose in the notice's words. Where the notice states its bases for all
    processing at once (`lawful_basis_statement`), those words are shown once, and a
    purpose resting on exactly those bases is not shown as resting on each of them:
    only a purpose with bases of its own gets a basis line (issue 11)."""
    L = LABELS[lang]
    section = Section("purposes", L["purposes"])
    statement = policy.lawful_basis_statement
    general = set(statement.bases) if statement is not None else None

    def line(purpose) -> Line:
        details = []
        if purpose.lawful_basis and set(purpose.lawful_basis) != general:
            details.append((L["lawful_basis"], _bases(purpose.lawful_basis, lang)))
        if purpose.special_condition:
            details.append((L["special_condition"],
                            SPECIAL_CONDITIONS[lang][purpose.special_condition]))
        if purpose.authorising_law:
            details.append((L["authorising_law"], purpose.authorising_law))
        return Line(text_of(purpose), details=tuple(details))
    section.listed(policy.purposes, line)
    if statement is not None:
        if statement.description:
            section.para(statement.description)
        elif statement.bases:
            section.para(_bases(statement.bases, lang), L["lawful_basis"])
    return section


def _interests(policy, lang, purposes: Section) -> Section:
    """The legitimate interests, each with the purposes pursuing it; an interest the
    notice already states in its words on the bases is not repeated."""
    L = LABELS[lang]
    section = Section("legitimate_interests", L["legitimate_interests"])
    interests: dict[str, list[str]] = {}
    for purpose in policy.purposes:
        interest = purpose.legitimate_interest
        if interest and not purposes.says(interest):
            interests.setdefault(interest, []).append(purpose.name or purpose.id)
    section.bullets([Line(interest, details=((L["purposes_of"], ", ".join(names)),))
                     for interest, names in interests.items()])
    return section


def _data(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("data", L["data"])
    if policy.registers:
        section.heading(L["registers"])
        # By name (what a register is for is the purposes section's to say); registers
        # under a `lead_in` are named by it ("maintains customer, marketing and
        # stakeholder registers"), in the notice's words, and not listed again.
        section.listed(policy.registers, lambda r: Line("" if r.lead_in else r.name or r.id),
                       repeat=True)
    if policy.data_subjects:
        section.heading(L["data_subjects"])
        section.listed(policy.data_subjects, lambda s: Line(text_of(s)))
    if policy.data_categories:
        section.heading(L["data_categories"])

        def category(item) -> Line:
            marks = [L[k] for k in ("special", "criminal") if getattr(item, k)]
            return Line(text_of(item) + (f" ({'; '.join(marks)})" if marks else ""))
        section.listed(policy.data_categories, category)
    return section


def _recipients(policy, lang) -> Section:
    """Each recipient in the notice's words, under the words that introduce them. The
    `role` is not shown: it is how the policy classifies a recipient for the rules, and
    the notice's own words say what it is."""
    section = Section("recipients", LABELS[lang]["recipients"])
    section.listed(policy.recipients, lambda r: Line(text_of(r)))
    return section


def _transfers(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("transfers", L["transfers"])
    recipients = {r.id: r for r in policy.recipients}
    lines = []
    for transfer in policy.transfers:
        recipient = recipients.get(transfer.recipient)
        name = (recipient.name if recipient is not None else None) or transfer.recipient
        details = []
        if transfer.countries:
            details.append((L["countries"], ", ".join(
                f"{country_name(c, lang)} ({c})" for c in transfer.countries)))
        if transfer.safeguard:
            details.append((L["safeguard"], MECHANISMS[lang][transfer.safeguard]))
        if transfer.copy_available:
            details.append((L["copy_available"], transfer.copy_available))
        text = transfer.description or (text_of(recipient) if recipient is not None else name)
        lines.append(Line(text, name if transfer.description else None, tuple(details)))
    section.bullets(lines)
    return section


def _retention(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("retention", L["retention"])
    lines = []
    for register in policy.registers:
        retention = register.retention
        if retention is None:
            continue
        parts = [humanise_duration(retention.period, lang)]
        if retention.trigger:
            parts.append(f"{L['from']} {retention.trigger}" if lang == "en"
                         else f"{retention.trigger} {L['from']}")
        text = ", ".join(p for p in parts if p)
        if retention.description:
            text = f"{text}. {retention.description}" if text else retention.description
        lines.append(Line(text, register.name or register.id))
    section.bullets(lines)
    return section


def _right_lines(rights, names, lang) -> list[Line]:
    """A right in the notice's words where it has them, else by its name."""
    lines = []
    for right in names:
        statement = getattr(rights, right)
        if statement is None or not statement.stated:
            continue
        how = ((LABELS[lang]["how"], statement.how),) if statement.how else ()
        lines.append(Line(statement.description or RIGHT_NAMES[lang][right], details=how))
    return lines


def _rights(policy, lang) -> Section:
    from ..model.types import RIGHTS
    L = LABELS[lang]
    section = Section("rights", L["rights"])
    rights = policy.rights
    if rights is None:
        return section
    section.para(rights.description)
    verification = rights.identity_verification
    if verification is True:
        verification = L["identity_verified"]
    response = rights.response_time_description or \
        humanise_duration(rights.response_time, lang)
    section.bullets([Line(v, L[k]) for k, v in (
        ("request_channel", rights.request_channel),
        ("identity_verification", verification if isinstance(verification, str) else None),
        ("response_time", response)) if v])
    lines = _right_lines(rights, [r for r in RIGHTS if r != "complaint"], lang)
    if lines:
        section.para(L["rights_intro"], repeat=True)
        section.bullets(lines)
    return section


def _complaint(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("complaint", L["complaint"])
    if policy.rights is not None:
        section.bullets(_right_lines(policy.rights, ["complaint"], lang))
    authority = policy.supervisory_authority
    if authority is not None and (authority.name or authority.url):
        section.heading(L["authority"])
        section.bullets([Line(v, L[k], href=_href(v)) for k, v in (
            ("name", authority.name), ("website", authority.url)) if v], repeat=True)
    return section


def _provision(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("provision", L["provision"])
    lines = []
    for purpose in policy.purposes:
        details = []
        if purpose.provision:
            details.append((L["provision"], PROVISIONS[lang][purpose.provision]))
        if purpose.consequences:
            details.append((L["consequences"], purpose.consequences))
        if details:
            lines.append(Line(text_of(purpose), details=tuple(details)))
    section.bullets(lines)
    return section


def _sources(policy, lang) -> Section:
    """Each source in the notice's words, under the words that introduce them. Only a
    publicly accessible source is marked as such (Art. 14(2)(f) asks for that); the other
    kinds classify sources for the rules."""
    L = LABELS[lang]
    section = Section("sources", L["sources"])
    section.listed(policy.sources, lambda s: Line(
        text_of(s), details=((L["source_kind"], SOURCE_KINDS[lang][s.kind]),)
        if s.kind == "public" and not s.lead_in else ()))
    notification = policy.notice.indirect_notification if policy.notice else None
    if notification is not None:
        details = []
        if notification.within:
            details.append((L["within"], humanise_duration(notification.within, lang)))
        text = notification.description or ""
        if text or details:
            section.heading(L["indirect_notification"])
            if text:
                section.para(text, details=details)
            else:
                section.bullets([Line(v, k) for k, v in details])
    return section


def _automated(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("automated", L["automated"])
    lines = []
    for purpose in policy.purposes:
        kinds = [L[k] for k in ("profiling", "automated_decision") if getattr(purpose, k)]
        if not kinds:
            continue
        details = [(L["processing_kind"], ", ".join(kinds))]
        if purpose.logic:
            details.append((L["logic"], purpose.logic))
        lines.append(Line(text_of(purpose), details=tuple(details)))
    section.bullets(lines)
    return section


def _security(policy, lang) -> Section:
    L = LABELS[lang]
    section = Section("security", L["security"])
    security = policy.security
    if security is None:
        return section
    if security.description:  # the notice's own paragraph says it all
        section.para(security.description)
        return section
    section.bullets([Line(m) for m in security.measures])
    if security.authentication:
        section.para(", ".join(AUTH[lang][a] for a in security.authentication),
                     L["authentication"])
    # A principal named by id (the list form) comes with no scope the notice states.
    principals = [Line(text_of(p), details=((L["scope"], SCOPES[lang][p.scope]),)
                       if p.kind is not None else ())
                  for p in security.allowed_principals]
    if principals:
        section.heading(L["allowed_principals"])
        section.bullets(principals)
    return section


# -- Markdown and HTML -------------------------------------------------------------------

def render(policy, lang: str = "en", fmt: str = "markdown") -> str:
    document = build(policy, lang)
    return to_html(document) if fmt == "html" else to_markdown(document)


def to_markdown(document: Document) -> str:
    from ..report.markdown import escape

    def line(item: Line, start: bool) -> str:
        text = escape(item.text, line_start=start and not item.label)
        if item.label:
            text = f"**{escape(item.label)}:** {text}"
        for label, value in item.details:
            text += f"\\\n  *{escape(label)}:* {escape(value)}"
        return text

    out = [f"# {escape(document.title)}", ""]
    if document.meta:
        out += [line(m, True) + ("  " if i < len(document.meta) - 1 else "")
                for i, m in enumerate(document.meta)] + [""]
    for number, section in enumerate(document.sections, 1):
        out += [f"## {number}. {escape(section.title)}", ""]
        for kind, body in section.blocks:
            if kind == "h3":
                out += [f"### {escape(body)}", ""]
            elif kind == "p":
                out += [line(body, True), ""]
            else:
                if out[-2:-1] and out[-2].startswith("- "):
                    out += ["<!-- -->", ""]  # two lists in a row: CommonMark would join them
                out += [f"- {line(item, False)}" for item in body] + [""]
    return "\n".join(out).rstrip() + "\n"


# Accessible (a `lang`, one h1, h2 per section named by its heading, a table of contents
# in a labelled nav, links that say where they go) and printable (`@media print`: no
# navigation, black on white, link targets written out, no heading left at a page foot).
HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ doc.lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ doc.title }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2rem; } h3 { font-size: 1.05rem; }
.meta { color: #4a4a4a; } li { margin: .35rem 0; } .detail { color: #333; }
a { color: #0b57d0; } a:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
nav ol { padding-left: 1.5rem; }
@media print {
  @page { margin: 2cm; }
  body { max-width: none; margin: 0; padding: 0; font-family: Georgia, "Times New Roman", serif;
         font-size: 11pt; color: #000; }
  nav { display: none; }
  a { color: #000; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  li, p { break-inside: avoid; page-break-inside: avoid; }
}
</style>
</head>
<body>
<main>
<header>
<h1>{{ doc.title }}</h1>
{% if doc.meta %}
<p class="meta">{% for m in doc.meta %}{{ line(m) }}{% if not loop.last %}<br>{% endif %}{% endfor %}</p>
{% endif %}
</header>
<nav aria-labelledby="contents-title">
<h2 id="contents-title">{{ labels.contents }}</h2>
<ol>
{% for section in doc.sections %}
<li><a href="#{{ section.key }}">{{ section.title }}</a></li>
{% endfor %}
</ol>
</nav>
{% for section in doc.sections %}
<section id="{{ section.key }}" aria-labelledby="{{ section.key }}-title">
<h2 id="{{ section.key }}-title">{{ loop.index }}. {{ section.title }}</h2>
{% for kind, body in section.blocks %}
{% if kind == "h3" %}
<h3>{{ body }}</h3>
{% elif kind == "p" %}
<p>{{ line(body) }}</p>
{% else %}
<ul>
{% for item in body %}
<li>{{ line(item) }}</li>
{% endfor %}
</ul>
{% endif %}
{% endfor %}
</section>
{% endfor %}
</main>
</body>
</html>
"""

LINE_MACRO = """{% macro line(item) -%}
{% if item.label %}<strong>{{ item.label }}:</strong> {% endif -%}
{% if item.href %}<a href="{{ item.href }}">{{ item.text }}</a>{% else %}{{ item.text }}{% endif -%}
{% for label, value in item.details %}<br><span class="detail"><em>{{ label }}:</em> {{ value }}</span>{% endfor -%}
{%- endmacro %}"""


def to_html(document: Document) -> str:
    """One self-contained page; every text from the policy is escaped by autoescaping."""
    import jinja2
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    return env.from_string(LINE_MACRO + HTML_TEMPLATE).render(
        doc=document, labels=LABELS[document.lang]).rstrip() + "\n"



from .diff import (DiffResult, Fact, PublishedText, diff, facts,  # noqa: E402,F401
                   published_text, read_published)
