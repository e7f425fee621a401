"""The published notice as findings: `notice diff` inside `check` (issue 11).

When the configuration names the page the company publishes (`published_notice:` in
`.gdpr-check.yaml`, or `check --published-notice FILE`), `api.check` compares it with
policy/ fact by fact (diff.py) and adds one finding per drift, at its line of the published
file, with the ids below. They are chosen, ignored, waived and baselined like rules
(`--select ND001`, `--ignore notice-drift`), and `explain ND001` explains them.

Why they are violations: the published text is the notice the data subject reads (Art.
12(1), 13, 14), and policy/ is the record the other rules check the inventory against. A
fact that differs means one of them is wrong: people are told something the checked
record does not say (Art. 5(1)(a) transparency), or the record no longer describes what
is published (Art. 5(2) accountability).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..findings import Finding

CHANGED, MISSING, ADDED = "ND001", "ND002", "ND003"
AREA = "notice"
TAGS = ("notice-drift",)


@dataclass(frozen=True)
class NoticeCheck:
    """A drift check of the published notice, as `selection.select_rules`, `rules` and
    `explain` see a rule."""
    id: str
    name: str
    severity: str
    articles: tuple
    description: str
    remediation: str
    area: str = AREA
    tags: tuple = TAGS
    enabled: bool = True
    kind: str = "violation"
    location: tuple | None = None       # not in a rule pack: built into the tool
    loop: str | None = "each fact of the published notice (`published_notice`) and of policy/"
    when: tuple = ()
    that: tuple = ("the published notice states the fact as policy/ does (notice/diff.py)",)
    schema_: object = None
    example: str = ""

    @property
    def vars(self) -> dict:
        return {}

    @property
    def kind_of_subject(self) -> str:
        return "notice_fact"


CHECKS = (
    NoticeCheck(
        CHANGED, "The published notice states each fact as policy/ does", "medium",
        ("Art. 5(1)(a)", "Art. 12(1)", "Art. 13(1)", "Art. 13(2)", "Art. 14(1)",
         "Art. 14(2)"),
        "A fact of the published notice (a deadline, a retention period, a country, a "
        "recipient, a contact, a date, a basis or a safeguard) has taken the place of the one "
        "policy/ states: the reader is told something the checked record does not say, e.g. "
        "\"within three months\" where policy/ promises one month (Art. 12(3)). Transparency "
        "(Art. 5(1)(a), 12(1)) requires the notice to be accurate; Art. 13 and 14 list the "
        "facts. Medium, like a fact left out (ND002): which of the two texts is wrong is for "
        "the reader of the finding to decide, and a changed date of the notice is no harm.",
        "Publish the fact as policy/ states it, or, if the published text is right, correct "
        "policy/ (and let the other rules check it) before publishing.",
        example="policy/rights.yaml has `response_time: P1M`; the published page says "
                "\"Vastaamme kolmen kuukauden kuluessa\": ND001 on the page's line, "
                "'response time to requests: \"kolmen kuukauden\" (P3M); policy/ states P1M'. "
                "The same comparison: `gdpr-check notice diff PAGE`."),
    NoticeCheck(
        MISSING, "The published notice states everything policy/ holds", "medium",
        ("Art. 13(1)", "Art. 13(2)", "Art. 14(1)", "Art. 14(2)"),
        "A statement of policy/ (a contact, a purpose, a recipient, a transfer, a right, a "
        "retention period, ...) is not in the published notice, so the information Art. 13 "
        "and 14 require, which policy/ records as given, does not reach the data subject.",
        "Add the statement to the published notice (`gdpr-check notice render` writes it "
        "from policy/), or remove it from policy/ if it no longer holds.",
        example="policy/rights.yaml states the right to erasure; the page's list of rights "
                "no longer has it: ND002 'right erasure'."),
    NoticeCheck(
        ADDED, "The published notice states nothing policy/ does not hold", "medium",
        ("Art. 5(2)", "Art. 5(1)(a)", "Art. 13(1)"),
        "The published notice states a fact or a sentence policy/ does not hold (an added "
        "country, recipient, duration, right, contact, or a new statement): the checked "
        "record no longer describes what is published, so the rules cannot vouch for it, "
        "and an undisclosed transfer or recipient in policy/ escapes the checks "
        "(accountability, Art. 5(2)).",
        "Add the fact to policy/ so the rules check it, or remove it from the published "
        "notice. A sentence is reported when two or more of its words occur nowhere in "
        "policy/ or its render.",
        example="The page adds \"... and Google Analytics (USA)\" beside MailChimp: ND003 "
                "'name \"Google\"', 'name \"Analytics\"'; it adds \"Tietoja säilytetään "
                "kuusi vuotta.\": ND003 for the sentence and for the duration."),
)
BY_ID = {c.id: c for c in CHECKS}


def language(policy, lang: str | None = None) -> str:
    """The published notice's language: `lang`, else the notice's `language`, else en."""
    if lang:
        return lang
    stated = (policy.notice.language or "").lower() if policy.notice else ""
    return stated if stated in ("fi", "en") else "en"


def findings(policy, text: str, shown: str, lang: str | None = None) -> list[Finding]:
    """The drift between `policy` and the published notice's `text` (`read_published`;
    the file named `shown` in the findings), as findings sorted like the engine's."""
    from .diff import addition_text, change_text, diff, missing_text
    result = diff(policy, text, language(policy, lang))
    out = []
    for change in result.changed:
        out.append(_finding(CHANGED, _slug(change.fact.what), shown, change.line(),
                            f"The published notice states {change_text(change)}"))
    for fact in result.missing:
        line = result.expected_at.get(id(fact)) or 1
        out.append(_finding(MISSING, _slug(fact.what), shown, line,
                            f"The published notice does not state the {missing_text(fact)} "
                            f"({fact.where()})"))
    for addition in result.added:
        out.append(_finding(ADDED, _addition_id(addition), shown, addition.line,
                            f"The published notice states a {addition_text(addition)} that "
                            f"policy/ does not hold"))
    return sorted(out, key=Finding.sort_key)


def _finding(rule: str, subject: str, path: str, line: int, message: str) -> Finding:
    check = BY_ID[rule]
    return Finding(rule=rule, name=check.name, area=AREA, severity=check.severity,
                   articles=list(check.articles), subject_kind="notice_fact",
                   subject_id=subject, message=message, remediation=check.remediation,
                   path=path, line=line, column=1, tags=list(TAGS))


def _slug(text: str) -> str:
    """A subject id a waiver can name: "transfer to mailchimp: country" ->
    "transfer_to_mailchimp_country"."""
    return re.sub(r"[^0-9a-z]+", "_", text.casefold()).strip("_")


def _addition_id(addition) -> str:
    """Added facts by kind and value ("country_in"); a sentence by its first words and a
    short hash of it, so two sentences never share a waiver by accident."""
    if addition.kind == "sentence":
        words = "_".join(re.findall(r"[^\W_]+", addition.shown.casefold())[:6])
        digest = hashlib.sha256(" ".join(addition.shown.split()).encode()).hexdigest()[:8]
        return f"sentence_{words}_{digest}"
    return _slug(f"{addition.kind} {addition.shown}")
