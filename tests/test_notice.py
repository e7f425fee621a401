"""`gdpr-check notice render` and `notice diff`: the notice written from policy/, and a
published notice compared with policy/."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gdpr_check.cli import main
from gdpr_check.load import load_project
from gdpr_check.notice import diff, published_text, render

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent      # the 3DTech Oy sample project
BASE = Path(__file__).parent / "fixtures" / "base"
SEED = Path(__file__).parent / "fixtures" / "notices" / "tietosuojaseloste-3dtech.txt"

MAILCHIMP_PARAGRAPH = (
    "Rekisterinpitäjä käyttää toiminnassaan ulkopuolisia palveluntarjoajia, jolloin "
    "käyttäjien antamia tietoja säilytetään palveluntarjoajien palvelimilla myös EU:n "
    "ulkopuolella, kun käytetään järjestelmää MailChimp (USA), jonka palvelimet sijaitsevat "
    "Yhdysvalloissa. Rekisterinpitäjä varmistaa, että henkilötietojen käsittelijä suojaa "
    "henkilötiedot tietosuojasetuksen mukaisesti.\n")


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def headings(markdown: str) -> list[str]:
    return [re.sub(r"^\d+\. ", "", h) for h in re.findall(r"^## (.+)$", markdown, re.M)]


# -- render ------------------------------------------------------------------------------

FI_HEADINGS = [
    "Rekisterinpitäjä",
    "Henkilötietojen käsittelyn tarkoitukset ja oikeusperuste",
    "Rekisteröidyt ja rekisterin tietosisältö",
    "Säännönmukaiset tietojen luovutukset ja vastaanottajat",
    "Tietojen siirto EU:n tai ETA:n ulkopuolelle",
    "Rekisteröidyn oikeudet",
    "Oikeus tehdä valitus valvontaviranomaiselle",
    "Säännönmukaiset tietolähteet",
    "Automaattinen päätöksenteko ja profilointi",
    "Rekisterin suojauksen periaatteet",
]


def test_3dtech_in_finnish_follows_art_13_order_and_omits_what_the_notice_lacks(capsys):
    code, out, err = run(capsys, "notice", "render", ROOT)   # the notice's language: fi
    assert code == 0 and err == ""
    assert out.startswith("# EU:n tietosuoja-asetuksen mukainen tietosuojaseloste\n")
    # the headings a Finnish tietosuojaseloste uses (the seed's own, where it has one)
    assert headings(out) == FI_HEADINGS
    # The seed names no DPO, no retention and no transfer safeguard: nothing is invented.
    assert "Tietosuojavastaava" not in out and "Säilytysaika" not in out
    assert "Suojatoimi" not in out
    # the content is the policy's own (Finnish) text
    assert "**Sähköposti:** info@3dtech.fi" in out
    assert "kun käytetään järjestelmää MailChimp (USA)" in out
    assert "*Maat:* Yhdysvallat (US)" in out
    assert "- Oikeus pyytää tietojen poistamista\n" in out
    # rights the notice does not state are not listed
    assert "Oikeus siirtää tiedot" not in out and "Oikeus vastustaa" not in out


def test_each_purpose_shows_the_basis_the_notice_states_for_it(capsys):
    """The seed states its three bases for all processing at once ("voi perustua"): the
    render says so once, in the seed's words, and shows a basis line only for the purpose
    the notice ties a basis to (the participants' permission)."""
    for lang, consent, contract in (("fi", "*Oikeusperuste:* suostumus", "sopimuksen täytäntöönpano"),
                                    ("en", "*Legal basis:* consent (Art. 6(1)(a))",
                                     "performance of a contract")):
        code, out, _ = run(capsys, "notice", "render", ROOT, "--lang", lang)
        assert code == 0
        assert out.count(consent) == 1, out
        assert contract not in out     # no purpose is shown as resting on all three bases
    _, fi, _ = run(capsys, "notice", "render", ROOT, "--lang", "fi")
    assert ("Henkilötietojen käsittelyn oikeusperusteena on tarve sopimuksen täytäntöön "
            "paneminen sekä liiketoimintaan liittyvän oikeutetun edun toteutuminen") in fi
    assert "voi perustua yhteen tai useampaan tarkoitukseen annettuun suostumukseen" in fi
    # the phrases a first version dropped, restored in their places
    assert "Rekisteritietoja siirretään määritellylle henkilötietojen käsittelijälle " \
           "palvelusopimuksen perusteella." in fi
    assert "Rekisterissä voidaan käsitellä muun muassa seuraaviin tietoryhmiin" in fi
    assert "(pääsääntöisesti kuukauden kuluessa)" in fi
    assert "Vastausaika" not in fi    # the bare "1 kuukausi" would drop "pääsääntöisesti"


def test_english_render_is_in_english(capsys):
    code, out, err = run(capsys, "notice", "render", ROOT, "--lang", "en")
    assert code == 0 and err == ""
    assert out.startswith("# Privacy notice under the EU General Data Protection Regulation\n")
    assert headings(out)[:3] == ["Controller", "Purposes and legal basis of the processing",
                                 "Data subjects and categories of personal data"]
    assert "The customer register is kept for orders, credit, invoicing, debt collection" in out
    assert "(as a rule within one month)" in out
    assert "**Position:** Managing Director" in out
    # no Finnish text of the policy: the words of the seed that have no place in English
    for finnish in ("Asiakasrekisteri", "pidetään", "Tietosuojavaltuutettu", "Toimitusjohtaja",
                    "henkilötiedot", "Oikeus", "kuukauden"):
        assert finnish not in out, finnish


def test_a_complete_policy_renders_every_section(capsys):
    code, out, _ = run(capsys, "notice", "render", BASE)
    assert code == 0
    assert headings(out) == [
        "Controller", "Data protection officer",
        "Purposes and legal basis of the processing",
        "Data subjects and categories of personal data",
        "Recipients and regular disclosures of personal data", "Transfers outside the EU/EEA",
        "Retention periods", "Your rights",
        "Right to lodge a complaint with a supervisory authority",
        "Whether you must provide the data", "Sources of the data", "Security of processing",
    ]
    assert "**Customer register:** 6 years, from end of customer relationship. Bookkeeping act" in out
    assert "*Safeguard:* EU-US Data Privacy Framework (adequacy decision, Art. 45)" in out
    assert "*Legal basis:* performance of a contract (Art. 6(1)(b))" in out
    assert "**Response time:** 1 month" in out
    assert "- **Right to data portability:** Right to data portability" not in out
    assert "- Right to data portability\\\n  *How:* E-mail privacy@example.test" in out


def test_missing_items_are_left_out_not_filled_in(tmp_path):
    project = write_project(tmp_path, {"policy": {
        "controller": {"dpo": None},
        "transfers": [{"recipient": "newsletter_service", "safeguard": None}],
        "registers": [{"id": "customers", "retention": None}],
        "rights": {"response_time": None},
    }})
    text = render(load_project(project).policy, "en", "markdown")
    assert "Data protection officer" not in text
    assert "Safeguard" not in text
    assert "Customer register:** 6 years" not in text
    assert "Response time" not in text
    assert "**Newsletter register:** 1 month" in text   # what is stated stays


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self.external = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "script") and (attrs.get("href") or attrs.get("src")):
            self.external.append(tag)


def test_html_is_self_contained_and_escaped(tmp_path, capsys):
    project = write_project(tmp_path / "p", {"policy": {
        "controller": {"name": "Evil <script>alert(1)</script> & Co"},
        "purposes": [{"id": "newsletter", "description": "<img src=x onerror=alert(2)>"}],
    }})
    output = tmp_path / "notice.html"     # the format follows the suffix
    code, out, _ = run(capsys, "notice", "render", project, "--output", output)
    assert code == 0 and out == ""
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    parser = _Collect()
    parser.feed(page)
    assert parser.scripts == 0 and parser.external == [] and "img" not in parser.tags
    assert '<a href="https://tietosuoja.fi">https://tietosuoja.fi</a>' in page


def test_render_is_deterministic():
    policy = load_project(ROOT).policy
    for lang in ("fi", "en"):
        for fmt in ("markdown", "html"):
            assert render(policy, lang, fmt) == render(load_project(ROOT).policy, lang, fmt)


# -- diff --------------------------------------------------------------------------------

def test_the_published_seed_matches_the_3dtech_policy(capsys):
    code, out, err = run(capsys, "notice", "diff", SEED, ROOT)
    assert (code, err) == (0, "")
    assert re.fullmatch(r"all \d+ statements of policy/ are in \S+, and it states nothing "
                        r"policy/ does not hold\n", out)


def test_removing_the_mailchimp_paragraph_is_reported(capsys, tmp_path):
    text = seed()
    assert MAILCHIMP_PARAGRAPH in text
    published = tmp_path / "seloste.txt"
    published.write_text(text.replace(MAILCHIMP_PARAGRAPH, ""), encoding="utf-8")
    code, out, _ = run(capsys, "notice", "diff", published, ROOT)
    assert code == 1
    lines = out.splitlines()
    assert lines[1] == (f"policy/disclosures.yaml:126: missing from {published}: recipient "
                        f"mailchimp: MailChimp (USA)")
    assert lines[2] == (f"policy/disclosures.yaml:163: missing from {published}: transfer to "
                        f"mailchimp: country: US (Yhdysvallat)")
    assert lines[-1] == (f"{published} differs from policy/: 0 changed, 3 missing, 0 added "
                         f"({_count()} statements of policy/ compared)")


def _count() -> int:
    policy = load_project(ROOT).policy
    return len(diff(policy, published_text(seed()), "fi").facts)


def test_a_changed_email_is_reported(capsys, tmp_path):
    published = tmp_path / "seloste.txt"
    published.write_text(seed().replace("info@3dtech.fi", "myynti@3dtech.fi"), encoding="utf-8")
    code, out, _ = run(capsys, "notice", "diff", published, ROOT)
    assert code == 1
    assert out.splitlines()[0] == (f"{published}:23: changed: contact e-mail: "
                                   f"\"myynti@3dtech.fi\"; policy/ states info@3dtech.fi at "
                                   f"policy/notice.yaml:44")


@pytest.mark.parametrize("change, what", [
    (("- Oikeus pyytää tietojen poistamista\n", ""), "right erasure"),
    (("0453459980", "045 345 9981"), "contact phone"),
    (("päivitetty 21.9.2018", "päivitetty 1.3.2024"), "notice date (updated)"),
    (("Hyvoninkatu 1", "Hyvoninkatu 7"), "controller address"),
    (("Tietosuojavaltuutetulle", "viranomaiselle"), "supervisory authority"),
    ((", maksamattomien saatavien perintä", ""), "recipient processor_debt_collection"),
])
def test_each_kind_of_change_is_reported(change, what):
    policy = load_project(ROOT).policy
    text = seed()
    assert change[0] in text
    result = diff(policy, published_text(text.replace(*change)), "fi")
    assert [f.what for f in result.missing] + [c.fact.what for c in result.changed] == [what]


@pytest.mark.parametrize("change", [
    ("0453459980", "+358 45 345 9980"),          # same number, international format
    ("info@3dtech.fi", "INFO(at)3dtech.fi"),     # case and the usual obfuscation
    ("21.9.2018", "21.09.2018"),
    ("21.9.2018", "21. syyskuuta 2018"),
    ("\n\n", "\n"),                              # line breaks are not content
])
def test_equivalent_forms_still_match(change):
    policy = load_project(ROOT).policy
    assert diff(policy, published_text(seed().replace(*change)), "fi").missing == []


def test_published_html_is_read_without_its_tags(tmp_path, capsys):
    paragraphs = "".join(f"<p>{line.replace('&', '&amp;')}</p>\n"
                         for line in seed().splitlines() if line.strip())
    page = (f"<!doctype html><html><head><style>p {{}}</style><script>var x = 'info@3dtech.fi'"
            f"</script></head><body>{paragraphs}</body></html>")
    published = tmp_path / "tietosuoja.html"
    published.write_text(page, encoding="utf-8")
    assert run(capsys, "notice", "diff", published, ROOT)[0] == 0
    # the address in the script does not count
    published.write_text(page.replace("<p>info@3dtech.fi</p>", ""), encoding="utf-8")
    code, out, _ = run(capsys, "notice", "diff", published, ROOT)
    assert code == 1 and "missing from" in out and "contact e-mail: info@3dtech.fi" in out


@pytest.mark.parametrize("project", [ROOT, BASE], ids=["3dtech", "base"])
@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_a_rendered_notice_diffs_clean_against_its_policy(capsys, tmp_path, project, lang,
                                                          suffix):
    output = tmp_path / f"notice{suffix}"
    assert run(capsys, "notice", "render", project, "--lang", lang, "--output", output)[0] == 0
    code, out, _ = run(capsys, "notice", "diff", output, project, "--lang", lang)
    assert code == 0, out


def test_the_base_facts_cover_every_kind(capsys):
    policy = load_project(BASE).policy
    kinds = {re.sub(r" \S+$", "", f.what) if f.what.startswith(("purpose", "recipient",
                                                                 "register", "right"))
             else f.what for f in diff(policy, "", "en").facts}
    assert {"controller name", "controller business id", "controller address",
            "contact name", "contact phone", "contact e-mail", "DPO name", "DPO e-mail",
            "supervisory authority", "supervisory authority web address",
            "notice date (updated)", "purpose", "register", "recipient",
            "transfer to newsletter_service: country",
            "transfer to newsletter_service: safeguard", "retention of customers",
            "retention of marketing", "right", "response time to requests"} <= kinds
    nothing = diff(policy, "no notice here", "en")
    assert [f.what for f in nothing.missing] == [f.what for f in nothing.facts]


def test_bad_published_files_exit_2(capsys, tmp_path):
    binary = tmp_path / "notice.txt"
    binary.write_bytes("Rekisterinpitäjä\n".encode("latin-1"))
    code, out, err = run(capsys, "notice", "diff", binary, ROOT)
    assert code == 2 and out == ""
    assert err == f"gdpr-check: error: {binary}:1: the published notice is not UTF-8 text " \
                  "(save it as UTF-8)\n"
    code, _, err = run(capsys, "notice", "diff", tmp_path / "missing.txt", ROOT)
    assert code == 2 and "cannot read the published notice" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    assert run(capsys, "notice", "diff", empty, ROOT)[0] == 2
    code, _, err = run(capsys, "notice", "diff", SEED, tmp_path)
    assert code == 2 and "no policy/ or inventory/ folder" in err


# -- diff: each fact of the seed changed on its own (issue 11) --------------------------

def diff_seed(capsys, tmp_path, *changes) -> list[str]:
    """`notice diff` of the seed with `changes` made: exit 1, the lines before the summary."""
    text = seed()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    published = tmp_path / "seloste.txt"
    published.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "notice", "diff", published, ROOT)
    assert (code, err) == (1, ""), out
    lines = out.splitlines()
    assert lines[-1].startswith(f"{published} differs from policy/: ")
    return [line.replace(str(published), "FILE") for line in lines[:-1]]


def test_the_one_month_deadline_made_three_months_is_one_changed_fact(capsys, tmp_path):
    assert diff_seed(capsys, tmp_path, ("pääsääntöisesti kuukauden kuluessa",
                                        "kolmen kuukauden kuluessa")) == [
        'FILE:71: changed: response time to requests: "kolmen kuukauden" (P3M); policy/ '
        'states P1M (1 kuukausi) at policy/rights.yaml:71']


def test_a_changed_country_is_one_changed_fact(capsys, tmp_path):
    # the recipient's own text names the country too: that is the same change, once
    assert diff_seed(capsys, tmp_path, ("(USA), jonka palvelimet sijaitsevat Yhdysvalloissa",
                                        "(Kanada), jonka palvelimet sijaitsevat Kanadassa")) == [
        'FILE:63: changed: transfer to mailchimp: country: "Kanada" (CA); policy/ states '
        'US (Yhdysvallat) at policy/disclosures.yaml:163']


def test_a_changed_recipient_is_one_changed_fact(capsys, tmp_path):
    assert diff_seed(capsys, tmp_path, ("MailChimp (USA)", "Sendinblue (USA)")) == [
        'FILE:63: changed: recipient mailchimp: "Sendinblue"; policy/ states MailChimp (USA) '
        'at policy/disclosures.yaml:126']


def test_a_removed_right_is_missing(capsys, tmp_path):
    assert diff_seed(capsys, tmp_path, ("- Oikeus pyytää tietojen poistamista\n", "")) == [
        "policy/rights.yaml:48: missing from FILE: right erasure: Oikeus tietojen poistamiseen"]


def test_an_added_sentence_is_reported_by_the_fact_it_adds(capsys, tmp_path):
    # its only new words are the duration's: one line, the fact
    assert diff_seed(capsys, tmp_path, (
        "Tämä seloste on julkaistu",
        "Tietoja säilytetään kuusi vuotta. Tämä seloste on julkaistu")) == [
        'FILE:81: added: duration "kuusi vuotta"']


def test_an_added_sentence_without_a_typed_fact_is_reported(capsys, tmp_path):
    assert diff_seed(capsys, tmp_path, (
        "Tämä seloste on julkaistu",
        "Käytämme evästeitä verkkosivustomme analytiikkaan.\n\nTämä seloste on julkaistu")) == [
        'FILE:81: added: sentence "Käytämme evästeitä verkkosivustomme analytiikkaan." '
        '(words policy/ never uses: Käytämme, evästeitä, analytiikkaan)']


@pytest.mark.parametrize("change, expected", [
    # an added recipient, beside the one policy/ holds
    (("MailChimp (USA), jonka", "MailChimp (USA) ja Google Analytics (USA), jonka"),
     ['FILE:63: added: name "Analytics"', 'FILE:63: added: name "Google"']),
    # an added country
    (("sijaitsevat Yhdysvalloissa.", "sijaitsevat Yhdysvalloissa ja Intiassa."),
     ['FILE:63: added: country "Intiassa"']),
    # an added right
    (("- Oikeus tehdä valitus", "- Oikeus siirtää tiedot järjestelmästä toiseen\n"
                                "- Oikeus tehdä valitus"),
     ['FILE:77: added: right "- Oikeus siirtää tiedot järjestelmästä toiseen"']),
    # an added contact
    (("info@3dtech.fi", "info@3dtech.fi, tietosuoja@3dtech.fi"),
     ['FILE:23: added: e-mail address "tietosuoja@3dtech.fi"']),
    (("Laadittu 25.5.2018", "Laadittu 26.5.2018"),
     ['FILE:5: changed: notice date (published): "26.5.2018"; policy/ states 2018-05-25 at '
      'policy/notice.yaml:23']),
    (("Hyvoninkatu 1", "Hyvoninkatu 7"),
     ['FILE:11: changed: controller address: "7"; policy/ states Hyvoninkatu 1, 24240 Salo '
      'at policy/notice.yaml:33']),
    # bases: one replaced by another, one left out; a safeguard added
    (("sopimuksen täytäntöön paneminen sekä", "lakisääteisen velvoitteen noudattaminen sekä"),
     ['FILE:35: changed: lawful basis contract: "lakisääteisen velvoitteen"; policy/ states '
      'sopimuksen täytäntöönpano (6 artiklan 1 kohdan b alakohta) at policy/processing.yaml:'
      '174']),
    ((" Henkilötietojen käsittely voi perustua yhteen tai useampaan tarkoitukseen annettuun "
      "suostumukseen.", ""),
     ['policy/processing.yaml:174: missing from FILE: lawful basis consent: suostumus (6 '
      'artiklan 1 kohdan a alakohta)']),
    (("sijaitsevat Yhdysvalloissa.", "sijaitsevat Yhdysvalloissa. Siirto perustuu EU:n "
                                     "komission vakiosopimuslausekkeisiin."),
     # policy/ now uses "siirto" and "komission" elsewhere (the seed's own words), so the
     # sentence is reported by the fact it adds, the safeguard
     ['FILE:63: added: transfer safeguard "vakiosopimuslausekkeisiin"']),
    (("2573198-5", "2573199-5"),
     ['FILE:15: changed: controller business id: "2573199-5"; policy/ states 2573198-5 at '
      'policy/notice.yaml:32']),
])
def test_other_added_and_changed_facts(capsys, tmp_path, change, expected):
    assert diff_seed(capsys, tmp_path, change) == expected


def test_a_bare_unit_is_one_only_before_kuluessa_and_never_beside_a_number():
    from gdpr_check.notice.diff import durations_in
    def found(text, lang):
        return [(line, n, unit) for line, n, unit, _ in durations_in(text, lang)]
    assert found("vastaamme kuukauden kuluessa", "fi") == [(1, "1", "M")]
    assert found("vastaamme kolmen kuukauden kuluessa", "fi") == [(1, "3", "M")]
    assert found("kuukausittain, vuoden 2018 alussa", "fi") == []
    assert found("within one month\nkept for 6 years", "en") == [(1, "1", "M"), (2, "6", "Y")]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_3dtech_render_shows_no_elisions_or_encoder_notes(capsys, lang):
    code, out, _ = run(capsys, "notice", "render", ROOT, "--lang", lang)
    assert code == 0
    assert "[...]" not in out and "…" not in out
    # section numbers of the seed inside the text: "(3: ...)", "(5 c: ...)", "viranomaisia (6)"
    assert not re.search(r"\(\d+(?: [a-z])?:| \(\d\)", out), out
    # each purpose in the seed's own sentence, not cut to "pidetään perinnän takia"
    assert {"fi": "Asiakasrekisteriä pidetään tilausten, luototuksen, laskutuksen, perinnän,",
            "en": "The customer register is kept for orders, credit, invoicing, debt "
                  "collection,"}[lang] in out
    assert "pidetään perinnän takia" not in out


# -- diff: an English page (the base company's render, as published) -------------------

def english_page(*changes) -> str:
    text = render(load_project(BASE).policy, "en", "markdown")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return published_text(text)


def english_diff(*changes):
    result = diff(load_project(BASE).policy, english_page(*changes), "en")
    return ([f.what for f in result.missing],
            [(c.fact.what, c.now.shown, c.now.value) for c in result.changed],
            [(a.kind, a.shown) for a in result.added])


def test_english_a_changed_retention_period():
    assert english_diff(("6 years", "10 years")) == (
        [], [("retention of customers", "10 years", "P10Y")], [])


def test_english_a_changed_country_is_not_hidden_by_the_eu_us_framework():
    # "EU-US Data Privacy Framework" still names "US": not as a country
    assert english_diff(("United States (US)", "India (IN)")) == (
        [], [("transfer to newsletter_service: country", "India", "IN")], [])


def test_english_a_deadline_changed_where_another_fact_has_the_same_value():
    # "1 month" is also the newsletter's retention: the response time is still changed
    assert english_diff(("**Response time:** 1 month", "**Response time:** 3 months")) == (
        [], [("response time to requests", "3 months", "P3M")], [])


@pytest.mark.parametrize("sentence, added", [
    ("Your data may be transferred to India.", [("country", "India")]),
    ("We keep logs for 90 days.", [("sentence", "We keep logs for 90 days."),
                                   ("duration", "90 days")]),
    ("We also share data with Facebook Ireland for advertising.",
     [("sentence", "We also share data with Facebook Ireland for advertising."),
      ("country", "Ireland"), ("name", "Facebook")]),
])
def test_english_added_facts(sentence, added):
    assert english_diff(("## 9. Right", f"{sentence}\n\n## 9. Right")) == ([], [], added)


def test_a_page_is_compared_by_its_main_element(tmp_path, capsys):
    """The site around the notice (menus, header, footer) is not the notice: with a
    <main>, only its text is compared; outside one, the footer's facts are added facts."""
    paragraphs = "".join(f"<p>{line.replace('&', '&amp;')}</p>\n"
                         for line in seed().splitlines() if line.strip())
    site = ("<header><p>Kotisivut Oy:n toteuttama sivusto</p></header>"
            "<nav><a href='/'>Etusivu</a> <a href='/palvelut'>Palvelut</a></nav>"
            "{main}<footer><p>© 2024 Kotisivut Oy, puh. 040 123 4567</p></footer>")
    page = tmp_path / "tietosuoja.html"
    page.write_text("<!doctype html><html><body>"
                    + site.format(main=f"<main>{paragraphs}</main>") + "</body></html>",
                    encoding="utf-8")
    assert run(capsys, "notice", "diff", page, ROOT)[0] == 0
    page.write_text("<!doctype html><html><body>" + site.format(main=paragraphs)
                    + "</body></html>", encoding="utf-8")
    code, out, _ = run(capsys, "notice", "diff", page, ROOT)
    assert code == 1
    assert 'added: phone number "040 123 4567"' in out and 'added: number "2024"' in out
    assert "Etusivu" not in out     # menus are never text


def test_english_a_changed_safeguard_though_a_description_names_the_old_one():
    # the transfer's description still says "certified under the EU-US Data Privacy
    # Framework": the safeguard's own statement is changed all the same
    safeguard = "*Safeguard:* EU-US Data Privacy Framework (adequacy decision, Art. 45)"
    assert english_diff((safeguard, "*Safeguard:* standard contractual clauses (Art. "
                                    "46(2)(c))")) == (
        [], [("transfer to newsletter_service: safeguard", "standard contractual clauses",
              "scc")], [])
    assert english_diff((safeguard, "*Safeguard:* none")) == (
        ["transfer to newsletter_service: safeguard"], [], [])


def test_the_law_authorising_a_purpose_is_shown_with_it(tmp_path):
    """A purpose that names the law authorising its criminal-offence or special-category
    data (Art. 10, 9(2): `authorising_law`) shows it beside its basis, in both languages."""
    law = "Act 148/2014 on checking the criminal background of volunteers"
    project = write_project(tmp_path, {"policy": {"purposes": [
        {"id": "customer_relationship", "authorising_law": law}]}})
    policy = load_project(project).policy
    assert f"*Authorised by (Art. 9(2), 10):* {law}" in \
        render(policy, "en", "markdown")
    assert f"*Käsittelyn sallii (9 artiklan 2 kohta, 10 artikla):* {law}" in \
        render(policy, "fi", "markdown")
    plain = load_project(write_project(tmp_path / "plain", {})).policy
    assert "Authorised by" not in render(plain, "en", "markdown")
