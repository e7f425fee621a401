"""`notice render --draft`: the notice with every gap `check` finds shown where it goes.

The draft is the render of policy/ (`build`) with one visible placeholder per gap, in the
section the missing statement belongs to, naming what must be added, for whom and the
article that requires it, so a DPO can write the corrected notice from it. It is never
presented as a finished notice: the title says DRAFT/LUONNOS, a banner opens it, and the
HTML page carries `<meta name="robots" content="noindex">`, a `gdpr-check-draft` meta and
body class, and each placeholder is a `<mark class="gdpr-check-placeholder">`.

`GAPS` is the one list of notice-completeness rules: the rules whose finding means the
notice leaves out a statement the GDPR requires (Art. 12-14, 27, 37), each with the section
its placeholder goes to. Left out on purpose, because the notice says something wrong or
vague rather than nothing, so there is no blank to fill: NT025 and TR012 (a safeguard that
does not apply), NT027 (an open-ended purpose), RI011 (a response time beyond one month);
NT006 is a record to keep (the DPO assessment), not a statement of the notice. A test
keeps the draft's placeholders equal to the findings of these rules on 3DTech, so a new
notice rule without a placeholder fails it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

# rule -> (section key of `build`, what must be added: en, fi). "{name}" is the subject.
GAPS = {
    "NT001": ("controller", "the controller's identity with a postal address and an e-mail "
              "address or phone number", "rekisterinpitäjän nimi, postiosoite sekä "
              "sähköpostiosoite tai puhelinnumero"),
    "NT002": ("controller", "the EU representative and their contact details",
              "edustaja EU:ssa ja hänen yhteystietonsa"),
    "NT003": ("dpo", "the contact details of the data protection officer",
              "tietosuojavastaavan yhteystiedot"),
    "NT004": ("dpo", "the data protection officer and their contact details (required by "
              "the processing in {name})", "tietosuojavastaava ja hänen yhteystietonsa "
              "(pakollinen käsittelyn vuoksi: {name})"),
    "NT005": ("dpo", "the data protection officer and their contact details (processing "
              "rests on a public task: {name})", "tietosuojavastaava ja hänen yhteystietonsa "
              "(käsittely perustuu yleisen edun mukaiseen tehtävään: {name})"),
    "NT007": ("purposes", "the lawful basis of the purpose {name}",
              "käsittelyn oikeusperuste tarkoitukselle {name}"),
    "LB005": ("purposes", "which one lawful basis applies to the purpose {name} (several are "
              "listed)", "mikä yksi oikeusperuste koskee tarkoitusta {name} (nyt useita)"),
    "LB001": ("purposes", "the purpose {name}, which the processing has, with its lawful "
              "basis", "käsittelyn tarkoitus {name} oikeusperusteineen"),
    "LB009": ("legitimate_interests", "the legitimate interest pursued for the purpose "
              "{name}", "oikeutettu etu, johon tarkoitus {name} perustuu"),
    "NT008": ("data", "the purposes of the register {name}", "rekisterin {name} "
              "käyttötarkoitukset"),
    "NT020": ("data", "the categories of personal data of the register {name}",
              "rekisterin {name} henkilötietoryhmät"),
    "LB002": ("data", "the category of personal data {name}, which the processing has",
              "henkilötietoryhmä {name}"),
    "LB003": ("data", "the data subjects {name}, whose data is processed",
              "rekisteröityjen ryhmä {name}"),
    "LB004": ("data", "the register {name}, which a system holds", "rekisteri {name}"),
    "NT009": ("recipients", "the recipients or categories of recipients ({name})",
              "vastaanottajat tai vastaanottajaryhmät ({name})"),
    "NT010": ("recipients", "the name and role of the recipient {name}",
              "vastaanottajan {name} nimi ja rooli"),
    "PR005": ("recipients", "the recipient {name}, which receives personal data",
              "vastaanottaja {name}, jolle henkilötietoja luovutetaan"),
    "NT011": ("transfers", "the countries and the safeguard (adequacy decision, standard "
              "contractual clauses, ...) of the transfer to {name}", "siirron "
              "vastaanottajalle {name} kohdemaat ja suojatoimi (riittävyyspäätös, "
              "vakiosopimuslausekkeet, ...)"),
    "NT012": ("transfers", "how to obtain a copy of the safeguards of the transfer to {name}",
              "miten saa jäljennöksen siirron vastaanottajalle {name} suojatoimista"),
    "TR011": ("transfers", "the transfer outside the EU/EEA to {name}, with its countries and "
              "safeguard", "siirto EU:n tai ETA:n ulkopuolelle vastaanottajalle {name} "
              "kohdemaineen ja suojatoimineen"),
    "NT013": ("retention", "the retention period of the register {name}, or the criteria "
              "that set it", "rekisterin {name} säilytysaika tai sen määrittämisen "
              "kriteerit"),
    "RI001": ("rights", "the right of access", "oikeus tarkastaa tiedot"),
    "RI002": ("rights", "the right to rectification", "oikeus tietojen oikaisemiseen"),
    "RI003": ("rights", "the right to erasure", "oikeus tietojen poistamiseen"),
    "RI004": ("rights", "the right to restriction of processing",
              "oikeus käsittelyn rajoittamiseen"),
    "RI005": ("rights", "the right to data portability", "oikeus siirtää tiedot "
              "järjestelmästä toiseen"),
    "RI006": ("rights", "the right to object to processing based on legitimate interests",
              "oikeus vastustaa oikeutettuun etuun perustuvaa käsittelyä"),
    "RI007": ("rights", "the right to object to direct marketing at any time",
              "oikeus vastustaa suoramarkkinointia milloin tahansa"),
    "RI008": ("rights", "the right to withdraw consent at any time",
              "oikeus peruuttaa suostumus milloin tahansa"),
    "RI010": ("rights", "the rights on automated decisions (human intervention, to express "
              "a view, to contest)", "automaattisia päätöksiä koskevat oikeudet "
              "(ihmisen osallistuminen, kanta, päätöksen riitauttaminen)"),
    "RI012": ("rights", "where and how to send requests to exercise the rights",
              "minne ja miten oikeuksia koskevat pyynnöt lähetetään"),
    "NT026": ("rights", "an easy means to make requests besides letters (e-mail, a web form)",
              "helppo tapa esittää pyynnöt kirjeen lisäksi (sähköposti, lomake)"),
    "RI009": ("complaint", "the right to lodge a complaint with a supervisory authority",
              "oikeus tehdä valitus valvontaviranomaiselle"),
    "NT014": ("complaint", "the supervisory authority people can complain to",
              "valvontaviranomainen, jolle valituksen voi tehdä"),
    "NT015": ("complaint", "the web address or other contact of the supervisory authority",
              "valvontaviranomaisen verkko-osoite tai muu yhteystieto"),
    "NT016": ("provision", "whether providing the data for {name} is a statutory or "
              "contractual requirement, and whether it is obligatory",
              "onko tietojen antaminen tarkoitukseen {name} lakisääteinen tai sopimukseen "
              "perustuva vaatimus, ja onko se pakollista"),
    "NT017": ("provision", "what follows if the data for {name} is not provided",
              "mitä seuraa, jos tietoja tarkoitukseen {name} ei anneta"),
    "NT021": ("sources", "the name of the source {name} and whether it is publicly "
              "accessible", "tietolähteen {name} nimi ja onko se yleisesti saatavilla"),
    "NT022": ("sources", "the source {name} among the register's sources",
              "tietolähde {name} rekisterin tietolähteisiin"),
    "NT028": ("sources", "when people whose data comes from other sources are informed (at "
              "the latest within one month)", "milloin muualta kuin rekisteröidyltä "
              "saaduista tiedoista ilmoitetaan (viimeistään kuukauden kuluessa)"),
    "NT018": ("automated", "meaningful information about the logic, significance and "
              "consequences of the automated decisions of {name}", "merkitykselliset "
              "tiedot tarkoituksen {name} automaattisten päätösten logiikasta, "
              "merkityksestä ja seurauksista"),
    "NT019": ("automated", "what the profiling for {name} does and what follows from it",
              "mitä tarkoituksen {name} profilointi tekee ja mitä siitä seuraa"),
    "NT024": ("meta", "the date of the notice and where it is published",
              "selosteen päiväys ja julkaisupaikka"),
}

# Rules about the notice that get no placeholder, and why (a test holds every rule of the
# notice area, and every "The notice states ..." rule, to one of the two lists).
NOT_GAPS = {
    "NT006": "a record to keep (whether a DPO is needed), not a statement of the notice",
    "NT025": "the notice names a safeguard that does not apply: correct it, nothing to add",
    "NT027": "the notice states an open-ended purpose: rewrite it, nothing to add",
    "TR012": "the notice names another safeguard than the one used: correct it",
    "RI011": "the notice states a response time beyond one month: correct it",
    "NT023": "the recorded time to inform people is beyond Art. 14(3)'s month: correct it",
    "NT029": "the render itself marks each missing translation in place, with its file:line",
}

# The sections of `build`, in its order: a placeholder for a section the policy leaves
# empty opens that section in its place.
SECTION_ORDER = ("controller", "dpo", "purposes", "legitimate_interests", "data",
                 "recipients", "transfers", "retention", "rights", "complaint", "provision",
                 "sources", "automated", "security")

WORDS = {
    "en": {"draft": "DRAFT", "add": "TO ADD",
           "banner": "Draft, not for publication: each [TO ADD] marks a statement the GDPR "
                     "requires that policy/ does not make (`gdpr-check check`). Write them, "
                     "record them in policy/, and publish the render without --draft."},
    "fi": {"draft": "LUONNOS", "add": "LISÄTTÄVÄ",
           "banner": "Luonnos, ei julkaistavaksi: jokainen [LISÄTTÄVÄ] on tieto, jonka "
                     "tietosuoja-asetus edellyttää mutta jota policy/ ei sisällä "
                     "(`gdpr-check check`). Kirjoita ne, lisää ne policy/-kansioon ja "
                     "julkaise seloste ilman --draft-valintaa."},
}
# Placeholders are written between these (private-use characters no policy text holds),
# then shown as **[...]** in Markdown and <mark> in HTML once the document is rendered.
OPEN, CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class Placeholder:
    """One statement to add: a rule's findings on the same thing, in one section."""
    rule: str
    section: str
    name: str | None
    subjects: tuple            # ((subject kind, subject id), ...) of the findings
    articles: tuple

    def text(self, lang: str) -> str:
        en, fi = GAPS[self.rule][1:]
        what = (fi if lang == "fi" else en).replace("{name}", self.name or "")
        articles = ", ".join(cite(a, lang) for a in self.articles)
        return f"{OPEN}{WORDS[lang]['add']} ({self.rule}; {articles}): {what}{CLOSE}"


def placeholders(findings, policy=None, lang: str = "en") -> list[Placeholder]:
    """The placeholders for the notice-completeness findings among `findings` (waived ones
    are accepted gaps, left out): one per rule and thing named, in finding order. Items of
    `policy` are named in `lang` where it has them."""
    grouped: dict = {}
    for finding in findings:
        if finding.rule not in GAPS or finding.waived:
            continue
        name = _name(finding, policy, lang)
        key = (finding.rule, name)
        if key not in grouped:
            grouped[key] = (finding, [])
        grouped[key][1].append((finding.subject_kind, finding.subject_id))
    return [Placeholder(rule, GAPS[rule][0], name, tuple(subjects), tuple(first.articles))
            for (rule, name), (first, subjects) in grouped.items()]


def _name(finding, policy, lang) -> str | None:
    """What a placeholder names: the thing the inventory has and the notice lacks (quoted
    in the message: "purpose 'recruitment'"), else the subject's name (the policy's, in
    `lang`) or id; nothing for findings about the notice as a whole."""
    if finding.rule in ("LB001", "LB002", "LB003", "LB004"):
        quoted = re.search(r"'([^']+)'", finding.message)
        if quoted:
            return quoted.group(1)
    if finding.subject_kind == "policy":
        return None
    item = _policy_item(policy, finding.subject_kind, finding.subject_id)
    if item is not None:
        from .diff import text_in
        return text_in(getattr(item, "name", None), lang) or finding.subject_id
    return finding.subject_name or finding.subject_id


def _policy_item(policy, kind: str, item_id: str):
    if policy is None:
        return None
    if kind == "transfer":       # a transfer is named by its recipient
        kind = "recipient"
    items = {"purpose": policy.purposes, "register": policy.registers,
             "recipient": policy.recipients, "source": policy.sources,
             "data_subject": policy.data_subjects,
             "data_category": policy.data_categories}.get(kind, ())
    return next((i for i in items if i.id == item_id), None)


def cite(article: str, lang: str) -> str:
    """"Art. 13(2)(a)" as the language cites it: "13 artiklan 2 kohdan a alakohta"."""
    if lang != "fi":
        return article
    match = re.fullmatch(r"Art\. (\d+)(?:\((\d+)\))?(?:\(([a-z])\))?", article)
    if not match:
        return article
    number, paragraph, point = match.groups()
    if point:
        return f"{number} artiklan {paragraph} kohdan {point} alakohta"
    if paragraph:
        return f"{number} artiklan {paragraph} kohta"
    return f"{number} artikla"


def build_draft(policy, findings, lang: str = "en"):
    """The notice of `policy` as `build` writes it, with a placeholder for each gap of
    `findings` at the end of its section (the section opened where the policy has none)."""
    from . import LABELS, Document, Line, Section, build
    document = build(policy, lang)
    gaps = placeholders(findings, policy, lang)
    sections = {s.key: s for s in document.sections}
    meta = [Line(f"{OPEN}{WORDS[lang]['draft']}{CLOSE} {WORDS[lang]['banner']}")]
    meta += list(document.meta)
    for key in SECTION_ORDER:
        lines = [Line(p.text(lang)) for p in gaps if p.section == key]
        if not lines:
            continue
        if key not in sections:
            sections[key] = Section(key, LABELS[lang][key])
        sections[key].blocks.append(("ul", lines))
    meta += [Line(p.text(lang)) for p in gaps if p.section == "meta"]
    known = [k for k in SECTION_ORDER if k in sections]
    ordered = [sections[k] for k in known]
    ordered += [s for s in document.sections if s.key not in SECTION_ORDER]  # the renderer's own
    return replace(document, title=f"{document.title} ({WORDS[lang]['draft']})", meta=meta,
                   sections=ordered)


def render_draft(policy, findings, lang: str = "en", fmt: str = "markdown") -> str:
    """The draft as Markdown (placeholders in bold brackets) or one HTML page (each a
    <mark>, the page marked as a draft and not to be indexed)."""
    from . import to_html, to_markdown
    document = build_draft(policy, findings, lang)
    if fmt == "html":
        page = to_html(document)
        page = page.replace(OPEN, '<mark class="gdpr-check-placeholder">[').replace(
            CLOSE, "]</mark>")
        count = len(placeholders(findings, policy, lang))
        head = (f'\n<meta name="robots" content="noindex">\n<meta name="gdpr-check-draft" '
                f'content="{count} placeholders">\n<style>.gdpr-check-placeholder '
                f'{{ background: #fff3b0; font-weight: 600; }}</style>')
        where = r"(<meta charset[^>]*>)" if re.search(r"<meta charset", page) else \
            r"(<head\b[^>]*>)"
        page = re.sub(where, lambda m: m.group(1) + head, page, count=1)
        return re.sub(r"<body\b([^>]*)>", lambda m: f'<body class="gdpr-check-draft"'
                      f'{m.group(1)}>', page, count=1)
    return to_markdown(document).replace(OPEN, "**[").replace(CLOSE, "]**")
