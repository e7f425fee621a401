"""Fidelity of the rendered notice to the seed (issue 11, item 5).

The seed is 3DTech Oy's published tietosuojaseloste (tests/fixtures/notices/). FACTS below
were extracted from it by hand, one per statement a reader relies on. The Finnish render
of policy/ must state each of them in the seed's words; it must say nothing the seed does
not (every sentence of it is the seed's, in the seed's order within one of its sections,
or a heading or label of the renderer); and the English render must carry the same facts:
the same statements in the same places, and the same names, numbers, dates and countries.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdpr_check.load import load_project
from gdpr_check.notice import (LABELS, LAWFUL_BASES, RIGHT_NAMES, SOURCE_KINDS, build,
                               country_name, render)

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).parent / "fixtures" / "notices" / "tietosuojaseloste-3dtech.txt"

# (fact, as the Finnish render must state it: the seed's words)
FACTS = [
    ("title", "EU:n tietosuoja-asetuksen mukainen tietosuojaseloste"),
    ("drawn up", "25.5.2018"),
    ("updated", "21.9.2018"),
    ("published at", "https://3dtech.fi"),
    # 1. Rekisterinpitäjä
    ("controller", "3DTech Oy"),
    ("street address", "Hyvoninkatu 1"),
    ("postal code and town", "24240 Salo"),
    ("business id", "2573198-5"),
    # 2. Rekisteriasioista vastaava ja yhteyshenkilö
    ("contact person", "Marko Piira"),
    ("contact person's position", "Toimitusjohtaja"),
    ("phone", "0453459980"),
    ("e-mail", "info@3dtech.fi"),
    ("website", "www.3dtech.fi"),
    # 3. Rekisteröidyt
    ("the three registers", "Rekisterinpitäjä ylläpitää asiakas-, markkinointi- ja "
                            "sidosryhmärekistereitä."),
    ("customer defined", "Asiakkaalla tarkoitetaan niiden yritysten ja tahojen "
                         "yhteyshenkilöitä, joiden kanssa rekisterinpitäjällä on asiakassuhde."),
    ("potential customer defined", "Potentiaalisella asiakkaalla (markkinointirekisteri, voi "
                                   "sisältää myös olemassa olevia asiakkaita ja sidosryhmiä)"),
    ("stakeholder defined", "joiden kanssa rekisterinpitäjällä on yhteistyösuhde tai muu "
                            "asiallinen yhteys"),
    # 4. Rekisterin pitämisen peruste ja käyttötarkoitus: each purpose
    ("purpose: orders", "tilausten"), ("purpose: credit", "luototuksen"),
    ("purpose: invoicing", "laskutuksen"), ("purpose: debt collection", "perinnän"),
    ("purpose: contacts", "yhteydenottojen"), ("purpose: transactions", "asioinnin"),
    ("purpose: customer surveys", "asiakaskyselyiden"),
    ("purpose: service development", "palveluiden kehittämisen"),
    ("purpose: reporting", "raportoinnin"),
    ("purpose: other customer-relationship measures",
     "muiden asiakassuhteen ylläpitämiseen liittyvien toimenpiteiden takia"),
    ("purpose: informing about services and news",
     "Markkinointirekisteriä pidetään yrityksen palveluista ja uutisista tiedottamiseen"),
    ("purpose: acquiring new customers", "uusasiakashankintaan"),
    ("purpose: stakeholder orders and informing",
     "Sidosryhmien rekisterin tarkoituksena on tilausten teko ja tiedottaminen."),
    ("use: as the law permits", "voidaan käyttää lainsäädännön sallimalla tavalla"),
    ("use: informing, marketing", "tiedottamiseen, markkinointiin"),
    ("use: targeting and profiling",
     "palvelun ja markkinoinnin kohdentamiseen ja sen edellyttämään profilointiin"),
    ("use: handling contacts", "yhteydenottojen hoitamiseen"),
    ("use: other similar purposes", "muihin vastaaviin tarkoituksiin"),
    ("basis: contract", "tarve sopimuksen täytäntöön paneminen"),
    ("basis: legitimate interests", "liiketoimintaan liittyvän oikeutetun edun toteutuminen"),
    ("legitimate interests named", "kuten suoramarkkinointi ja myynti sekä asiakaspalvelu ei- "
                                   "asiakkaille"),
    ("basis: consent, 'may'", "Henkilötietojen käsittely voi perustua yhteen tai useampaan "
                              "tarkoitukseen annettuun suostumukseen."),
    # 5. Rekisterin tietosisältö ja henkilötietoryhmät
    ("groups: current and former contacts", "olevan tai olleen työnantajayhteisön "
                                            "yhteyshenkilöt"),
    ("groups: people who contacted", "rekisterinpitäjään yhteydessä olleet henkilöt"),
    ("groups: marketing permission", "markkinointiluvan antaneet"),
    ("categories not exhaustive", "Rekisterissä voidaan käsitellä muun muassa seuraaviin "
                                  "tietoryhmiin"),
    ("category a)", "kuten yrityksen nimi / organisaatio ja yhteystiedot (osoite, "
                    "sähköpostiosoite, puhelinnumero) sekä yhteyshenkilön nimi ja yhteystiedot"),
    ("category b)", "tieto käyttäytymisestä verkkosivustoilla sekä muut vastaavat "
                    "ryhmittelytiedot"),
    ("category b) contacts", "yhteydenotot 3DTechin työntekijöihin ja palveluihin"),
    ("category b) newsletter", "uutiskirjeen tilaamiseen liittyvät tiedot"),
    ("category c)", "c) markkinointirekisteri (uutiskirjeen jakelu) sisältää markkinointiluvan "
                    "antaneen henkilön nimen ja sähköpostiosoitteen"),
    # 6. Rekisterin säännönmukaiset tietolähteet (with the seed's "laskituksen")
    ("sources: customers and partners", "asiakkaiden ja yhteistyökumppaneiden ilmoittamia "
                                        "tietoja"),
    ("sources: invoicing database", "laskituksen tietokantaa"),
    ("sources: CRM systems", "asiakkuudenhallinta- ja asiakaspalvelujärjestelmien tietoja"),
    ("sources: website usage", "verkkosivustojen ja uutiskirjeiden käyttö- ja "
                               "asiointitietoja"),
    ("sources: companies and authorities", "henkilötietoja koskevia palveluja tarjoavia "
                                           "yrityksiä ja viranomaisia"),
    # 7. Tietolähteet
    ("collected from the person", "Tiedot kerätään rekisteröidyltä itseltään palvelun "
                                  "tilauksen yhteydessä"),
    ("collection channels", "verkkosivun yhteystietolomakkeella, sähköpostilla, puhelimitse, "
                            "sopimuksista, asiakasyrityksen verkkosivuilta"),
    ("also from", "Lisäksi henkilötietoja kerätään viranomaisilta, julkisista rekistereistä ja "
                  "henkilötietohakemistoista, tiedotusvälineistä"),
    ("search engines and social media", "kuten internetin hakukoneista tai sosiaalisen median "
                                        "palveluiden kautta"),
    # 8. Säännönmukaiset tietojen luovutukset
    ("disclosure at discretion", "Tietoja voidaan rekisterinpitäjän harkinnan perusteella "
                                 "luovuttaa"),
    ("disclosure unless prohibited", "jollei rekisteröity ole kieltänyt tietojen "
                                     "luovuttamista"),
    ("disclosure: leads", "esimerkiksi liidin antaminen ja täten kaupan lisääminen "
                          "asiakkaidemme kesken"),
    ("participant lists", "Osallistujalistoja ja osallistujien yhteystietoja voidaan jakaa "
                          "rekisterinpitäjän tilaisuuksissa, jos osallistujat ovat sen "
                          "sallineet."),
    ("processor on a service contract", "Rekisteritietoja siirretään määritellylle "
                                        "henkilötietojen käsittelijälle palvelusopimuksen "
                                        "perusteella."),
    ("processor functions", "esim. viestintä ja kampanjat (uutiskirjeet), laskutus, "
                            "maksamattomien saatavien perintä tai suoramarkkinointi"),
    ("processor protection promise", "Rekisterinpitäjä varmistaa, että henkilötietojen "
                                     "käsittelijä suojaa henkilötiedot tietosuojasetuksen "
                                     "mukaisesti."),
    ("transfer outside the EU", "säilytetään palveluntarjoajien palvelimilla myös EU:n "
                                "ulkopuolella"),
    ("transfer recipient", "MailChimp (USA)"),
    ("transfer country", "jonka palvelimet sijaitsevat Yhdysvalloissa"),
    # 9. Rekisterin suojauksen periaatteet
    ("security: password", "käyttäjätunnuksen ja salasanan käyttöä"),
    ("security: predetermined employees", "vain ennalta määrätyt rekisterinpitäjän "
                                          "työntekijät"),
    ("security: accounting firm, part of the data", "(esim. tilitoimisto) ja lukuun toimivien "
                                                    "yritysten työntekijöillä on pääsy osaan"),
    # 9. Oikeus tarkistaa ja muokata rekisterin tietoja
    ("right of access", "Rekisterin henkilöllä on oikeus tarkastaa, mitä tietoja hänestä on "
                        "rekisterissä."),
    ("requests in writing", "Pyyntö tulee suorittaa kirjallisena rekisterin pitäjälle."),
    ("identity", "voi pyytää tarvittaessa pyynnön esittäjää todistamaan henkilöllisyytensä"),
    ("deadline", "EU:n tietosuoja-asetuksessa säädettyssä ajassa (pääsääntöisesti kuukauden "
                 "kuluessa)"),
    ("right: check", "Oikeus tarkistaa tallentamamme henkilötiedot"),
    ("right: rectification", "Oikeus pyytää kyseisten tietojen oikaisemista"),
    ("right: erasure", "Oikeus pyytää tietojen poistamista"),
    ("right: restriction", "Oikeus pyytää käsittelyn rajoittamista esim. "
                           "suoramarkkinointikielto"),
    ("right: complaint to the authority", "Oikeus tehdä valitus henkilötiedon käsittelystä "
                                          "Tietosuojavaltuutetulle"),
    ("erasure without request", "Rekisteritietoja voidaan poistaa myös 3DTech Oy:n toimesta "
                                "ilman pyyntöä."),
    ("newsletter self-service", "Uutiskirjeen osalta henkilö voi muuttaa tietojaan palvelussa "
                                "myös itse."),
]

# What the English render must carry unchanged: names, numbers, dates (in its own form),
# addresses, countries.
EN_FACTS = ["3DTech Oy", "Hyvoninkatu 1", "24240 Salo", "2573198-5", "Marko Piira",
            "0453459980", "info@3dtech.fi", "www.3dtech.fi", "https://3dtech.fi",
            "25 May 2018", "21 September 2018", "MailChimp (USA)", "United States (US)",
            "3DTech's", "3DTech Oy without a request", "within one month",
            "Data Protection Ombudsman", "Managing Director", "c) the marketing register"]


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents():
    policy = load_project(ROOT).policy
    return {lang: build(policy, lang) for lang in ("fi", "en")}


def texts(document):
    """(text, kind) of everything the document shows; kind 'content' for the policy's
    words, 'label' for the renderer's own headings and labels."""
    yield document.title, "content"
    for line in document.meta:
        yield line.label, "label"
        yield line.text, "content"
    for section in document.sections:
        yield section.title, "label"
        for kind, body in section.blocks:
            if kind == "h3":
                yield body, "label"
                continue
            for line in [body] if kind == "p" else body:
                if line.label:
                    yield line.label, "label"
                yield line.text, "content"
                for label, value in line.details:
                    yield label, "label"
                    yield value, "content"


@pytest.mark.parametrize("fact, words", FACTS, ids=[f for f, _ in FACTS])
def test_each_fact_of_the_seed_is_in_the_finnish_render(fact, words):
    seed = plain(SEED.read_text(encoding="utf-8")).casefold()   # its title is in capitals
    assert plain(words).casefold() in seed, f"{fact}: not the seed's words"
    rendered = plain(render(load_project(ROOT).policy, "fi", "markdown").replace("\\", ""))
    assert plain(words) in rendered, fact


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _seed_sections() -> list[list[str]]:
    """The seed's words, section by section (its numbered headings split it)."""
    parts = re.split(r"\n\d+\. [^\n]+\n", SEED.read_text(encoding="utf-8"))
    return [_words(part) for part in parts]


def _in_order(words: list[str], within: list[str]) -> bool:
    position = 0
    for word in words:
        try:
            position = within.index(word, position) + 1
        except ValueError:
            return False
    return True


def _vocabulary(lang: str) -> set[str]:
    """The renderer's own wording: headings, labels and the names of bases and rights."""
    words = set(LABELS[lang].values()) | set(LAWFUL_BASES[lang].values()) | \
        set(RIGHT_NAMES[lang].values()) | set(SOURCE_KINDS[lang].values())
    return {plain(w) for w in words}


# A name policy/ gives in the nominative where the seed only inflects it: the same name.
NOMINATIVES = {"Tietosuojavaltuutettu": "Tietosuojavaltuutetulle"}


def test_the_finnish_render_says_nothing_the_seed_does_not(documents):
    sections = _seed_sections()
    vocabulary = _vocabulary("fi")
    seed = SEED.read_text(encoding="utf-8")
    assert all(inflected in seed for inflected in NOMINATIVES.values())
    untraced = []
    for text, kind in texts(documents["fi"]):
        if text in NOMINATIVES:
            continue
        if plain(text) in vocabulary or text == country_name("US", "fi") + " (US)":
            continue  # a basis or country named by the renderer, from policy/'s codes
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", plain(text)):
            if not any(_in_order(_words(sentence), section) for section in sections):
                untraced.append(sentence)
    assert untraced == [], "sentences of the render that the seed does not say:\n" + \
        "\n".join(untraced)


def test_the_traceability_check_would_catch_an_addition(documents):
    """The check above is not vacuous: an invented sentence, a reordered one and an
    English name inside the Finnish text are each untraceable."""
    sections = _seed_sections()
    for invented in ("Tietoja säilytetään kuusi vuotta.",
                     "Yhdysvalloissa sijaitsevat palvelimet MailChimp",
                     "Handling contacts and customer transactions"):
        assert not any(_in_order(_words(invented), s) for s in sections), invented


def test_the_english_render_carries_the_same_statements(documents):
    fi, en = documents["fi"], documents["en"]
    assert fi.missing == [] and en.missing == []     # complete in both languages

    def shape(document):
        return [(s.key, [(kind, len(body) if kind == "ul" else 1) for kind, body in s.blocks])
                for s in document.sections]
    assert shape(en) == shape(fi)   # the same statements, in the same places
    text = plain(render(load_project(ROOT).policy, "en", "markdown").replace("\\", ""))
    for fact in EN_FACTS:
        assert fact in text, fact


def test_the_english_render_has_no_finnish_text(documents):
    # Words the seed shares with English: names, codes, numbers.
    shared = {"3dtech", "oy", "hyvoninkatu", "1", "24240", "salo", "2573198", "5", "marko",
              "piira", "0453459980", "info", "fi", "www", "https", "mailchimp", "usa", "eu",
              "25", "2018", "21", "9", "a", "b", "c", "s", "on"}   # "on": Finnish "is"
    seed_words = {w for s in _seed_sections() for w in s} - shared
    english = {w for text, _ in texts(documents["en"]) for w in _words(text)}
    assert sorted(english & seed_words) == []
