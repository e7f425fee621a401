"""The facts a notice's text states, found by kind: what `notice diff` compares.

`stated(text, lang)` reads a published notice (plain text, after `published_text`) and
lists every typed fact it states, with its line: durations and deadlines, dates, e-mail
addresses, phone numbers, web addresses, business ids, other numbers, countries, proper
names (organisations, services), the rights it names, the lawful bases and the transfer
safeguards. The same function run over policy/'s own text and its render tells which of
them policy/ holds, so a fact of the published text that policy/ does not hold is an
*added* fact, and one that replaced a policy fact is a *changed* one (diff.py).

`Vocabulary` holds the word stems of policy/'s text, its render in both languages and the
generic words of privacy notices (`GENERIC`): a published sentence made mostly of words
outside it says something policy/ does not (an *added* sentence).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*(?:[-'’][^\W\d_]+)*")


@dataclass(frozen=True)
class Stated:
    """One fact as a text states it."""
    kind: str        # duration, date, email, phone, url, business_id, number, country, name,
    #                  right, basis, safeguard
    value: str       # comparable: ISO duration or date, lower-case address, digits, code, key
    shown: str       # as written
    line: int        # 1-based, in the text it was read from


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# -- durations --------------------------------------------------------------------------

NUMBER_WORDS = {
    "en": ["one|a|an", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
    "fi": ["yksi|yhden", "kaksi|kahden", "kolme|kolmen", "neljä|neljän", "viisi|viiden",
           "kuusi|kuuden", "seitsemän", "kahdeksan", "yhdeksän", "kymmenen",
           "yksitoista|yhdentoista", "kaksitoista|kahdentoista"],
}
UNIT_WORDS = {
    "en": {"Y": r"years?", "M": r"months?", "W": r"weeks?", "D": r"days?", "H": r"hours?",
           "TM": r"minutes?", "S": r"seconds?"},
    "fi": {"Y": r"vuo(?:si|tta|den|deksi|tena|sien)", "M": r"kuukau\w*", "W": r"viik[ko]\w*",
           "D": r"(?:päiv\w*|vuorokau\w*)", "H": r"tunt\w*", "TM": r"minuut\w*",
           "S": r"sekunt\w*"},
}


def iso_duration(number: str, unit: str) -> str:
    return f"PT{number}M" if unit == "TM" else (f"PT{number}{unit}" if unit in "HS"
                                                else f"P{number}{unit}")


def durations_in(raw: str, lang: str) -> list[tuple[int, str, str, tuple[int, int]]]:
    """Every duration a text states, as (line, number, ISO unit, span), in text order.

    A number (digits or a number word) before a unit word is that many units; in Finnish
    a bare unit in the genitive before "kuluessa"/"sisällä"/"ajan" is one unit
    ("kuukauden kuluessa": within one month), so "kolmen kuukauden kuluessa" is three
    months and never also one."""
    text = normalise(raw).casefold()
    found = []
    numbers = "|".join([r"\d+(?:[.,]\d+)?"] + NUMBER_WORDS[lang])
    for unit, words in UNIT_WORDS[lang].items():
        pattern = rf"(?<![\w.])(?:({numbers})[\s-]*)?(?<!\w)({words})(?!\w)"
        for match in re.finditer(pattern, text):
            number = match.group(1)
            if number is None:
                if not (lang == "fi" and re.match(r"\s+(?:kuluessa|sisällä|ajan|ajaksi)\b",
                                                  text[match.end():])):
                    continue
                number = "1"
            elif not number[0].isdigit():
                number = str(next(i + 1 for i, alts in enumerate(NUMBER_WORDS[lang])
                                  if re.fullmatch(alts, number)))
            found.append((text.count("\n", 0, match.start()) + 1, number.replace(",", "."),
                          unit, match.span()))
    return sorted(found)


# -- contacts, dates, numbers -------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)(?:\bhttps?://|(?<![\w./@-])www\.)[^\s<>\"'()\[\]]+")
_DATE = re.compile(r"(?<![\d.])(?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4})|"
                   r"(\d{1,2})/(\d{1,2})/(\d{4}))(?![\d])")
MONTHS = {"en": ("january", "february", "march", "april", "may", "june", "july", "august",
                 "september", "october", "november", "december"),
          "fi": ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu",
                 "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu")}
_BUSINESS_ID = re.compile(r"(?<![\d-])\d{7}-\d(?![\d-])")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ()-]{5,}\d(?![\d])")
_ARTICLE = re.compile(
    r"(?i)\b(?:art(?:icle|ikla\w*)?\.?)\s*\d+(?:\s*\(\d+\))*(?:\s*\([a-z]\))?"
    r"|\b\d+\s+artikla\w*(?:\s+\d+\s+kohda?\w*)?(?:\s+[a-z]\s+alakoh\w*)?")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")


def email_key(email: str) -> str:
    return email.strip().casefold().rstrip(".")


def url_key(url: str) -> str:
    core = re.sub(r"^[a-z]+://", "", url.strip().casefold().rstrip(".,;:"))
    return re.sub(r"^www\.", "", core).rstrip("/")


def phone_key(phone: str) -> str:
    """Digits of a national number: +358 45 ... and 00358 45 ... are 045 ..."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("00358", "358"):
        if digits.startswith(prefix) and (phone.strip().startswith(("+", "00"))):
            return "0" + digits[len(prefix):]
    return digits


def same_phone(a: str, b: str) -> bool:
    a, b = a.lstrip("0"), b.lstrip("0")
    return a == b or (min(len(a), len(b)) >= 7 and (a.endswith(b) or b.endswith(a)))


def _dates(text: str, lang: str):
    for match in _DATE.finditer(text):
        g = match.groups()
        y, m, d = (g[0], g[1], g[2]) if g[0] else (g[5], g[4], g[3]) if g[3] else \
            (g[8], g[7], g[6])
        try:
            import datetime
            day = datetime.date(int(y), int(m), int(d))
        except ValueError:
            continue
        yield match.span(), day.isoformat(), match.group(0)
    for match in re.finditer(rf"(?i)\b(\d{{1,2}})\.\s+({'|'.join(MONTHS['fi'])})\w*\s+(\d{{4}})\b",
                             text):    # "21. syyskuuta 2018"
        try:
            import datetime
            day = datetime.date(int(match.group(3)),
                                MONTHS["fi"].index(match.group(2).casefold()) + 1,
                                int(match.group(1)))
        except ValueError:
            continue
        yield match.span(), day.isoformat(), match.group(0)
    months = "|".join(MONTHS["en"])
    for match in re.finditer(rf"(?i)\b(\d{{1,2}})\.?\s+({months})\s+(\d{{4}})\b|"
                             rf"\b({months})\s+(\d{{1,2}}),\s+(\d{{4}})\b", text):
        g = match.groups()
        d, month, y = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
        try:
            import datetime
            day = datetime.date(int(y), MONTHS["en"].index(month.casefold()) + 1, int(d))
        except ValueError:
            continue
        yield match.span(), day.isoformat(), match.group(0)


# -- countries ----------------------------------------------------------------------------

# Common names the ISO tables do not give; Finnish inflected forms are matched by stem.
COUNTRY_ALIASES = {"US": ("USA", "U.S.", "U.S.A.", "United States of America", "Yhdysvallat",
                          "Amerikka"),
                   "GB": ("UK", "U.K.", "Britain", "Iso-Britannia", "Britannia")}


@lru_cache(maxsize=1)
def _country_index() -> dict:
    """First token (casefolded) -> [(tokens, code)] of every English and Finnish name.

    Finnish names inflect ("Yhdysvalloissa", "Kanadassa"): a name's last word matches a
    word with the same first letters (all but the last three, at least five)."""
    import gettext

    import pycountry
    try:
        fi = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fi"]).gettext
    except OSError:
        fi = str
    index: dict = {}
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", None) or country.name,
                 fi(country.name), *COUNTRY_ALIASES.get(country.alpha_2, ())}
        for name in names:
            tokens = tuple(_TOKEN.findall(normalise(name).casefold()))
            if tokens and not any(t.isdigit() for t in tokens):
                index.setdefault(_stem_key(tokens[0]), []).append((tokens, country.alpha_2))
    return index


def _stem_key(word: str) -> str:
    return word[:5]


def _inflected(want: str, word: str) -> bool:
    if want == word:
        return True
    return len(want) > 4 and word.startswith(want[:max(4, len(want) - 3)]) \
        and len(word) - len(want) <= 6


def _codes() -> dict:
    """Upper-case codes counted as countries wherever written: alpha-3 codes, and the
    usual abbreviations. Two-letter codes count only in parentheses, "(US)": written bare,
    IT, DE or FI are as often words or other abbreviations."""
    import pycountry
    codes = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    codes.update({"UK": "GB", "U.K.": "GB", "U.S.": "US", "U.S.A.": "US"})
    return codes


@lru_cache(maxsize=1)
def _code_table() -> tuple[dict, set]:
    import pycountry
    return _codes(), {c.alpha_2 for c in pycountry.countries}


def countries_in(raw: str) -> list[tuple[tuple[int, int], str, str]]:
    """(span, ISO code, as written) of every country a text names: a capitalised name
    (English or Finnish, inflected), an alpha-3 code, UK/USA, or "(XX)" with an alpha-2
    code."""
    codes, alpha2 = _code_table()
    index = _country_index()
    found = []
    for match in re.finditer(r"(?<![\w.])(?:[A-Z]\.){2,3}|\b[A-Z]{2,3}\b", raw):
        word = match.group(0)
        if word in codes:
            found.append((match.span(), codes[word], word))
        elif word in alpha2 and raw[match.start() - 1:match.start()] == "(" \
                and raw[match.end():match.end() + 1] == ")":
            found.append((match.span(), word, word))
    words = [(m.span(), m.group(0)) for m in _TOKEN.finditer(raw)]
    taken = {s for s, _, _ in found}
    for i, (span, word) in enumerate(words):
        if not word[:1].isupper() or any(a <= span[0] < b for a, b in taken):
            continue
        for tokens, code in index.get(_stem_key(word.casefold()), ()):
            if len(tokens) == 1 and word.isupper() and len(word) <= 3:
                continue   # codes are handled above
            window = [w.casefold() for _, w in words[i:i + len(tokens)]]
            if len(window) == len(tokens) and all(t == w for t, w in zip(tokens[:-1], window)) \
                    and _inflected(tokens[-1], window[-1]):
                end = words[i + len(tokens) - 1][0][1]
                found.append(((span[0], end), code, raw[span[0]:end]))
                taken.add((span[0], end))
                break
    return sorted(found)


# -- rights, bases, safeguards -------------------------------------------------------------

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

# A lawful basis is named by one of these stems, on a line that speaks of the basis
# (`BASIS_CUES`): "sopimuksista" in a list of sources is not the contract basis.
BASIS_TERMS = {
    "en": {"consent": ("consent",), "contract": ("contract",),
           "legal_obligation": ("legal obligation", "obligation"),
           "vital_interests": ("vital interest",),
           "public_task": ("public task", "public interest", "official authority"),
           "legitimate_interests": ("legitimate interest",)},
    "fi": {"consent": ("suostum",), "contract": ("sopimu",),
           "legal_obligation": ("lakisääteinen velvoit", "lakisääteisen velvoit",
                                "oikeudellisen velvoit", "oikeudellinen velvoit"),
           "vital_interests": ("elintärke",),
           "public_task": ("yleistä etua", "yleisen edun", "julkisen vallan"),
           "legitimate_interests": ("oikeutetun edun", "oikeutettu etu", "oikeutettuun etuun",
                                    "oikeutettujen etujen")},
}
BASIS_CUES = {"en": ("basis", "bases", "based on", "rely on", "relies on", "grounds", "art. 6"),
              "fi": ("peruste", "perustu", "6 artikla")}

SAFEGUARD_TERMS = {
    "en": {"adequacy": ("adequacy",), "dpf": ("data privacy framework",),
           "scc": ("standard contractual clauses", "standard data protection clauses", "scc"),
           "bcr": ("binding corporate rules", "bcr"), "code_of_conduct": ("code of conduct",),
           "certification": ("certification",),
           "derogation": ("derogation", "article 49", "art 49")},
    # stems: Finnish inflects with consonant gradation (lauseke -> lausekkeisiin)
    "fi": {"adequacy": ("riittävyyspäätö",),
           "dpf": ("tietosuojakehy", "data privacy framework"),
           "scc": ("vakiosopimuslausek", "mallisopimuslausek", "vakiolausek", "scc"),
           "bcr": ("sitov sään", "sitov yrityssään", "bcr"),
           "code_of_conduct": ("käytännesään",), "certification": ("sertifioin",),
           "derogation": ("poikkeus erityistilante", "49 artikla")},
}


def _phrase_in(words: list[str], phrase: str) -> str | None:
    """The words of `words` that `phrase` names: each word of `phrase` starts one of them,
    in order and adjacent; None when it does not appear."""
    want = _TOKEN.findall(phrase)
    n = len(want)
    for i in range(len(words) - n + 1):
        if all(words[i + j].startswith(w) for j, w in enumerate(want)):
            return " ".join(words[i:i + n])
    return None


def lines_of(text: str) -> list[tuple[int, str]]:
    return [(i, line) for i, line in enumerate(normalise(text).split("\n"), 1) if line.strip()]


# A sentence ends at . ! ? ; (not after an abbreviation: "Art. 46", "esim. tilitoimisto"),
# or at a colon before a capital ("Oikeusperuste: Suostumus").
_SENTENCE_END = re.compile(
    r"(?<=[.!?;])(?<!\bArt\.)(?<!\bart\.)(?<!\besim\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
    r"(?<!\bPuh\.)(?<!\bpuh\.)(?<!\bmm\.)(?<!\bks\.)(?<!\bno\.)(?<!\bNo\.)\s+(?=\S)"
    r"|(?<=:)\s+(?=[A-ZÅÄÖ*])")


def sentences_of(text: str) -> list[tuple[int, str]]:
    """(line, sentence) of every sentence of the text; list items and headings are one
    each."""
    out = []
    for number, line in lines_of(text):
        out += [(number, s.strip()) for s in _SENTENCE_END.split(line) if _WORD.search(s)]
    return out


def rights_in(text: str, lang: str) -> list[tuple[int, str, str]]:
    """(line, right, sentence) for each right a sentence names: the word "right"/"oikeus"
    and the right's term in one sentence."""
    terms = RIGHT_TERMS[lang]
    found = []
    for number, sentence in sentences_of(text):
        words = _TOKEN.findall(sentence.casefold())
        if not any(w.startswith(r) for w in words for r in terms["_right"]):
            continue
        for right, stems in terms.items():
            if right != "_right" and any(w.startswith(s) for w in words for s in stems):
                found.append((number, right, sentence))
    return found


def bases_in(text: str, lang: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in lines_of(text):
        lower = line.casefold()
        if not any(cue in lower for cue in BASIS_CUES[lang]):
            continue
        words = _TOKEN.findall(lower)
        for basis, terms in BASIS_TERMS[lang].items():
            shown = next(filter(None, (_phrase_in(words, t) for t in terms)), None)
            if shown:
                found.append((number, basis, shown))
    return found


def safeguards_in(text: str, lang: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in lines_of(text):
        words = _TOKEN.findall(line.casefold())
        for mechanism, terms in SAFEGUARD_TERMS[lang].items():
            shown = next(filter(None, (_phrase_in(words, t) for t in terms)), None)
            if shown:
                found.append((number, mechanism, shown))
    return found


# -- everything at once --------------------------------------------------------------------

def stated(text: str, lang: str) -> list[Stated]:
    """Every typed fact `text` states, in text order. Values inside a larger value (the
    digits of a date, a phone number or an address) are not read again as numbers."""
    text = normalise(text)
    out: list[Stated] = []
    taken = bytearray(len(text) + 1)          # 1 where a fact already covers the text
    starts = [i for i, c in enumerate(text) if c == "\n"]

    def line_at(pos: int) -> int:
        from bisect import bisect_left
        return bisect_left(starts, pos) + 1

    def free(span) -> bool:
        return not any(taken[span[0]:span[1]])

    def add(kind, value, shown, span):
        out.append(Stated(kind, value, shown.strip(), line_at(span[0])))
        taken[span[0]:span[1]] = b"\1" * (span[1] - span[0])

    for match in _EMAIL.finditer(text):
        add("email", email_key(match.group(0)), match.group(0), match.span())
    for match in _URL.finditer(text):
        if free(match.span()):
            add("url", url_key(match.group(0)), match.group(0).rstrip(".,;:"), match.span())
    for span, value, shown in _dates(text, lang):
        if free(span):
            add("date", value, shown, span)
    for match in _BUSINESS_ID.finditer(text):
        if free(match.span()):
            add("business_id", match.group(0), match.group(0), match.span())
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if free(match.span()) and len(digits) >= 7:
            add("phone", phone_key(match.group(0)), match.group(0), match.span())
    for match in _ARTICLE.finditer(text):    # article numbers are citations, not facts
        if free(match.span()):
            taken[match.start():match.end()] = b"\1" * (match.end() - match.start())
    for line, number, unit, span in durations_in(text, lang):
        if free(span):
            add("duration", iso_duration(number, unit), text[span[0]:span[1]], span)
    for match in _NUMBER.finditer(text):
        if free(match.span()) and not _is_numbering(text, match):
            add("number", match.group(0).replace(",", "."), match.group(0), match.span())
    for span, code, shown in countries_in(text):
        if free(span):
            add("country", code, shown, span)
    for line, right, sentence in rights_in(text, lang):
        out.append(Stated("right", right, sentence, line))
    for line, basis, shown in bases_in(text, lang):
        out.append(Stated("basis", basis, shown, line))
    for line, mechanism, shown in safeguards_in(text, lang):
        out.append(Stated("safeguard", mechanism, shown, line))
    out.extend(_names(text, taken, line_at))
    return sorted(out, key=lambda s: (s.line, s.kind, s.value))


def _is_numbering(text: str, match) -> bool:
    """A heading's or list item's number ("1.", "9 (toinen)", "## 3."), an article
    reference's number is still a number."""
    before = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
    after = text[match.end():match.end() + 2]
    return not before.strip(" #-*") and (after[:1] in (".", ")") or not after.strip())


def _names(text: str, taken, line_at):
    """Proper names: words written with a capital letter other than at the start of a
    sentence, or with a capital inside ("MailChimp", "3DTech"): organisations, services,
    places, people. Finnish writes other words in lower case, English mostly."""
    for match in re.finditer(r"[^\W_][\w'’&.-]*", text):
        word = match.group(0).rstrip(".-'’")
        span = (match.start(), match.start() + len(word))
        if len(word) < 3 or any(taken[span[0]:span[1]]):
            continue
        inner = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
        if not (word[0].isupper() or inner) or word.isupper():
            continue
        if not inner and _sentence_initial(text, match.start()):
            continue
        yield Stated("name", word.casefold(), word, line_at(match.start()))


def _sentence_initial(text: str, pos: int) -> bool:
    """Whether the word at `pos` starts its sentence, a list item or a heading (only the
    line so far is read: a sentence never starts on a previous line without a mark)."""
    start = text.rfind("\n", 0, pos) + 1
    before = "\n" + text[start:pos].rstrip(" \t\"'“”«(*_#>")
    before = re.sub(r"(?:^|\n)\s*(?:[-*•–]|\d+\.|[a-z]\)|#+)\s*$", "\n", before)
    before = before.rstrip(" \t\"'“”«(*_#>-•–")
    return not before or before[-1] in ".!?:\n|"


# -- words: what policy/ says, and the generic words of notices ----------------------------

def stem(word: str) -> str:
    """A word's first six letters: enough to tell content words apart, and short enough
    that Finnish inflection and compounding ("rekisterin", "rekisteriin") still meet."""
    return word[:6]


# Words any privacy notice uses that carry no fact of their own: the headings of a Finnish
# tietosuojaseloste (the template of the former Personal Data Act, s. 10, still in use),
# and the connectives and verbs notices are written with. A sentence made of these and of
# policy/'s own words adds nothing; one with two words outside both is reported as added.
# (Without this list, five sentences of the 3DTech seed are reported: its headings
# "Rekisterin suojauksen periaatteet", "Tämä seloste on julkaistu ...", and connective
# sentences such as "Tällaisia toimintoja voi olla, esim.")
GENERIC = {
    "fi": """
        rekisteriasioista vastaava koskevissa asioissa pitämisen peruste perusteet
        käyttötarkoitus tietosisältö säännönmukaiset luovutukset luovutus suojauksen
        periaatteet seloste selosteen tietosuojaseloste tietosuojailmoitus nettisivuilla
        verkkosivuilla puhelin sähköposti osoite ylläpitää käsitellä käsittely käsittelyn
        voidaan voi olla ovat oleva olevat muun muassa esimerkiksi seuraaviin seuraavat
        seuraavia sisältyviä sisältää kannalta tarpeellisia tarpeen tällaisia henkilöryhmät
        tietoryhmät tietoryhmiin perustua perustuu yhteen useampaan annettuun annetun tämä
        päivitetty laadittu julkaistu sekä myös kuten tai ja jos kun että joka jotka jonka
        joiden niiden tarkoitetaan kaikki mukaan mukainen mukaisesti lisäksi
        """,
    "en": """
        privacy notice policy statement controller processing process processed personal
        data information include includes including such as following may might can will
        also other others where when which that these those this their they our your you
        we us about under based basis purpose purposes published updated contact details
        address phone e-mail email website section article regulation general protection
        """,
}


class Vocabulary:
    """The word stems policy/ and its render use, with the generic words of notices."""

    def __init__(self, texts, lang: str):
        self.stems = {stem(w) for text in texts
                      for w in _TOKEN.findall(normalise(text).casefold()) if not w.isdigit()}
        self.stems |= {stem(w) for w in GENERIC[lang].split()}

    def known(self, word: str) -> bool:
        return all(stem(part) in self.stems for part in _TOKEN.findall(normalise(word).casefold())
                   if not part.isdigit())

    def unknown(self, sentence: str) -> list[str]:
        """The content words (four letters or more) of `sentence` policy/ never uses."""
        words = [w for w in _WORD.findall(normalise(sentence))]
        return [w for w in words if len(w) >= 4 and not self.known(w)]


def added_sentences(text: str, vocabulary: Vocabulary) -> list[tuple[int, str, list[str]]]:
    """(line, sentence, unknown words) of each sentence with two or more content words
    that policy/ never uses, and at least a third of its content words so: it says
    something policy/ does not hold."""
    found = []
    for number, sentence in sentences_of(text):
        words = [w for w in _WORD.findall(sentence) if len(w) >= 4]
        unknown = vocabulary.unknown(sentence)
        if len(unknown) >= 2 and len(unknown) * 3 >= len(words):
            found.append((number, sentence, unknown))
    return found
