"""The fixture companies, and the accuracy ledger of their findings (docs/accuracy.md).

The sample companies: 3DTech Oy (the repository root), the clinic (tests/fixtures/clinic),
the SaaS company (tests/fixtures/saas), the floorball club (tests/fixtures/club), the
online shop (tests/fixtures/shop), the recruitment agency (tests/fixtures/agency) and the
haulage and delivery company (tests/fixtures/logistics). Each
is checked on a pinned "today", so that DPA dates, DPIA dates and the adequacy decisions
in force do not drift with the calendar.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# name -> (project root, SOURCE_DATE_EPOCH). The clinic keeps the date its own test uses
# (tests/test_second_company.py); the others are checked on 2026-11-01, when the Brazilian
# adequacy decision ((EU) 2026/179) is in force and the UK decision runs to 2031-12-27.
NOV_2026 = "1793491200"  # 2026-11-01T00:00:00Z
DEC_2026 = "1796083200"  # 2026-12-01T00:00:00Z, the day the shop was written
COMPANIES: dict[str, tuple[Path, str]] = {
    "3dtech": (REPO, NOV_2026),
    "clinic": (FIXTURES / "clinic", "1780272000"),  # 2026-06-01T00:00:00Z
    "saas": (FIXTURES / "saas", NOV_2026),
    "club": (FIXTURES / "club", NOV_2026),
    "shop": (FIXTURES / "shop", DEC_2026),
    "agency": (FIXTURES / "agency", DEC_2026),  # written on the shop's date
    "logistics": (FIXTURES / "logistics", DEC_2026),
}


@functools.cache
def company_report(name: str):
    """The report of one sample company, with no config, waivers or baseline."""
    from gdpr_check import check
    root, epoch = COMPANIES[name]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", epoch)
        return check(root, config=False, waivers=False, baseline=False)


def findings_on(name: str, subjects, area: str | None = None) -> list:
    """(rule, subject, message) of company `name`'s findings on `subjects`, in `area` if
    given: what a company's test of a lawful pattern expects to be empty."""
    return [(f.rule, f.subject_id, f.message) for f in company_report(name).findings
            if f.subject_id in subjects and (area is None or f.area == area)]


def found(report) -> set[tuple[str, str]]:
    """(rule, subject id) of every finding."""
    return {(f.rule, f.subject_id) for f in report.findings}


def flow_ids_from(root: Path, system: str) -> set[str]:
    """The ids of the flows leaving `system` in the company at `root`."""
    from gdpr_check.load import load_project
    return {f.id for f in load_project(root).inventory.flows if f.from_ == system}


def misplaced(report, root: Path) -> list[str]:
    """Findings whose file:line is not inside the YAML of their subject, one line each.

    A finding is in place when its line, or a list item enclosing it (e.g. the system whose
    grant fails), names the subject (`- id: crm`, `{recipient: sms_service, ...}`); for a
    processor, the notice's transfers may name its recipient, and for a sub-processor the
    recipient of the processor engaging it (Art. 13(1)(f) disclosure goes through it); a finding about the notice or the
    inventory as a whole may point anywhere in that side's files."""
    from gdpr_check.load import load_project
    through: dict[str, set[str]] = {}
    for processor in load_project(root).inventory.processors:
        if processor.recipient:  # TR011 points at the notice's transfers of its recipient
            through.setdefault(processor.id, set()).add(processor.recipient)
        for sub in processor.sub_processors:
            through.setdefault(sub, set()).add(processor.recipient or processor.id)
    wrong = []
    for f in report.findings:
        path = root / f.path if f.path else None
        if not (path and f.line and path.is_file()):
            wrong.append(f"{f.rule} {f.subject_id}: no file:line ({f.path}:{f.line})")
            continue
        if f.subject_id in ("policy", "inventory") and f.path.startswith(f.subject_id + "/"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        if not 1 <= f.line <= len(lines):
            wrong.append(f"{f.rule} {f.subject_id}: {f.path}:{f.line} is past the end")
            continue
        names = {f.subject_id} | through.get(f.subject_id, set())
        naming = re.compile(r"\b(id|recipient|principal): (%s)\b"
                            % "|".join(map(re.escape, sorted(names))))
        if not any(naming.search(line) or f.subject_id in line
                   for line in _enclosing(lines, f.line - 1)):
            wrong.append(f"{f.rule} {f.subject_id}: {f.path}:{f.line} is "
                         f"{lines[f.line - 1].strip()!r}")
    return wrong


def _enclosing(lines: list[str], n: int) -> list[str]:
    """Line `n` and each less-indented line above it that opens a list item or a key:
    the YAML nodes that contain line `n`, innermost first."""
    def indent(text):
        return len(text) - len(text.lstrip(" "))
    chain, level = [lines[n]], indent(lines[n])
    for above in range(n - 1, -1, -1):
        text = lines[above]
        if text.strip() and not text.lstrip().startswith("#") and indent(text) < level:
            chain.append(text)
            level = indent(text)
    return chain


def schema_errors(root: Path, kind: str) -> list[str]:
    """What the published JSON Schema of `kind` (policy, inventory) rejects in the
    company's files, one line per file with errors; [] when all are accepted."""
    import jsonschema

    from gdpr_check.load.parser import parse_bytes
    from gdpr_check.schemas import json_schema
    validator = jsonschema.Draft202012Validator(json_schema(kind))
    files = sorted((root / kind).glob("*.yaml"))
    assert files, f"no {kind} files in {root}"
    errors = []
    for path in files:
        found_errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                        for e in validator.iter_errors(parse_bytes(path.read_bytes(), path.name))]
        if found_errors:
            errors.append(f"{path.name}: {found_errors[:3]}")
    return errors


# --- the tests every sample company gets ---------------------------------------------------
@dataclass(frozen=True)
class Company:
    """What the law says about one sample company, for `company_tests`.

    `expected`: the (rule, subject) findings the law demands and the rules make;
    `gaps`: (area or rule, subject) -> why, demanded by the law but made by no rule;
    `false_alarms`: (rule, subject) -> why the rule is wrong (KNOWN_FALSE_ALARMS);
    `lawful`, `unlawful`: subjects (processors, systems, flows) whose transfer out of the
    EEA is lawful or not, `eea`: subjects processing only in the EEA, each with why;
    `statutory`: systems kept under a legal obligation -> why, never to be asked for the
    rights in `inapplicable` (words of the finding message) on them or their outbound flows;
    `independent`: recipients that are independent controllers -> why, never to be asked
    for a processing agreement or its breach terms (Art. 28 does not apply to them).
    """
    name: str
    expected: frozenset
    gaps: dict
    false_alarms: dict
    lawful: dict
    unlawful: dict
    eea: dict
    statutory: dict
    inapplicable: tuple = ("erasure", "portab", "object", "withdraw")
    independent: dict | None = None

    @property
    def root(self) -> Path:
        return COMPANIES[self.name][0]


def marked(company: Company, subject: str, *prefixes: str):
    """`subject` as a test parameter, xfail(strict) where a known false alarm of a rule
    whose id starts with one of `prefixes` (the area the test is about) concerns it."""
    bugs = [why for (rule, id_), why in company.false_alarms.items()
            if id_ == subject and rule.startswith(prefixes)]
    marks = [pytest.mark.xfail(strict=True, reason=bugs[0])] if bugs else []
    return pytest.param(subject, marks=marks, id=subject)


def _in_area(company: Company, area: str, subject: str) -> list:
    return [(f.rule, f.message) for f in company_report(company.name).findings
            if f.area == area and f.subject_id == subject]


def company_tests(company: Company) -> dict:
    """The tests every sample company gets, by name, for a test module's globals():
    the findings are exactly the legal answer (known rule bugs aside), each expected gap
    is a strict xfail, lawful transfers and processing in the EEA are silent, unlawful
    transfers are reported, statutory records are not asked for rights that cannot apply,
    and the findings point into the fixture, which validates against the schemas."""
    bugs = company.false_alarms

    def test_finds_every_deliberate_problem():
        assert company.expected - found(company_report(company.name)) == set()

    def test_finds_nothing_else_but_the_known_rule_bugs():
        """Exact, apart from the documented false alarms (so any other drift still fails)."""
        assert found(company_report(company.name)) - set(bugs) == company.expected

    @pytest.mark.xfail(bool(bugs), strict=True,
                       reason="rule bugs: " + "; ".join(f"{r} {s}" for r, s in sorted(bugs)))
    def test_finds_exactly_the_legal_answer():
        assert found(company_report(company.name)) == company.expected

    @pytest.mark.parametrize("what, subject", [
        pytest.param(w, s, marks=pytest.mark.xfail(strict=True, reason=why), id=f"{w}-{s}")
        for (w, s), why in sorted(company.gaps.items())])
    def test_expected_gap_is_reported(what, subject):
        assert any(what in (f.area, f.rule) and f.subject_id == subject
                   for f in company_report(company.name).findings)

    @pytest.mark.parametrize("subject", [marked(company, s, "TR") for s in sorted(company.lawful)])
    def test_lawful_transfer_is_silent(subject):
        assert _in_area(company, "transfers", subject) == [], company.lawful[subject]

    @pytest.mark.parametrize("subject", sorted(company.unlawful))
    def test_unlawful_transfer_is_reported(subject):
        assert _in_area(company, "transfers", subject), company.unlawful[subject]

    @pytest.mark.parametrize("subject", [marked(company, s, "TR") for s in sorted(company.eea)])
    def test_processing_in_the_eea_is_no_transfer(subject):
        assert _in_area(company, "transfers", subject) == [], company.eea[subject]

    @pytest.mark.parametrize("system", [marked(company, s, "RI") for s in sorted(company.statutory)])
    def test_statutory_records_are_not_asked_for_inapplicable_rights(system):
        subjects = {system} | flow_ids_from(company.root, system)
        demanded = [(f.rule, f.subject_id, f.message)
                    for f in company_report(company.name).findings
                    if f.area == "rights" and f.subject_id in subjects
                    and any(word in f.message.lower() for word in company.inapplicable)]
        assert demanded == [], company.statutory[system]

    if company.independent:
        @pytest.mark.parametrize("recipient", [marked(company, r, "PR", "BR")
                                               for r in sorted(company.independent)])
        def test_an_independent_controller_needs_no_processing_agreement(recipient):
            assert findings_on(company.name, {recipient}, "processors") \
                + findings_on(company.name, {recipient}, "breach") == [], \
                company.independent[recipient]

    def test_each_finding_is_reported_once():
        keys = [(f.rule, f.subject_id) for f in company_report(company.name).findings]
        assert len(keys) == len(set(keys))

    def test_findings_point_at_the_subject():
        assert misplaced(company_report(company.name), company.root) == []

    def test_fixture_validates(capsys):
        from gdpr_check.cli import main
        assert main(["validate", str(company.root)]) == 0, capsys.readouterr()

    @pytest.mark.parametrize("kind", ["policy", "inventory"])
    def test_schema_accepts_the_files(kind):
        """The published JSON Schema (for yaml-language-server) accepts every file."""
        assert schema_errors(company.root, kind) == []

    return {name: test for name, test in locals().items() if name.startswith("test_")}


# --- the accuracy ledger (docs/accuracy.md) ---------------------------------------------
# One row per finding of each sample company, between the two markers below:
#   | company | rule | subject | class | article | note |
# `class` is one of CLASSES. The tests below fail when a finding has no row or a row has
# no finding (after a rule changes: re-run, classify the new findings, drop the old rows;
# `python tests/test_accuracy_ledger.py --missing` prints skeleton rows for the new ones).
LEDGER = REPO / "docs" / "accuracy.md"
START, END = "<!-- ledger:start -->", "<!-- ledger:end -->"
CLASSES = {
    "violation": "the recorded facts break the law",
    "judgement": "defensible but arguable: a DPO could sign it or dismiss it",
    "record_gap": "its only basis is that the inventory or notice does not say",
    "wrong": "legally wrong, or at a severity no DPA lawyer would sign",
}
# The severities "medium or above", over which precision is measured.
SERIOUS = {"medium", "high", "critical"}


def ledger_rows(text: str | None = None) -> dict[tuple[str, str, str], dict]:
    """The ledger's rows by (company, rule, subject); raises ValueError naming the line of
    a malformed or repeated row."""
    text = LEDGER.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    try:
        first, last = lines.index(START), lines.index(END)
    except ValueError:
        raise ValueError(f"{LEDGER.name}: the markers {START} and {END} are missing") from None
    rows: dict[tuple[str, str, str], dict] = {}
    for number in range(first + 1, last):
        line = lines[number].strip()
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "company":
            continue
        where = f"{LEDGER.name}:{number + 1}"
        if len(cells) != 6:
            raise ValueError(f"{where}: expected 6 cells (company | rule | subject | class | "
                             f"article | note), found {len(cells)}")
        company, rule, subject, klass, article, note = cells
        if company not in COMPANIES:
            raise ValueError(f"{where}: unknown company '{company}'; expected one of "
                             f"{', '.join(COMPANIES)}")
        if klass not in CLASSES:
            raise ValueError(f"{where}: unknown class '{klass}'; expected one of "
                             f"{', '.join(CLASSES)}")
        if not re.search(r"\bArt\. \d+", article):
            raise ValueError(f"{where}: the article cell must cite an article (Art. N...)")
        key = (company, rule, subject)
        if key in rows:
            raise ValueError(f"{where}: a second row for {company} {rule} {subject}")
        rows[key] = {"class": klass, "article": article, "note": note, "line": number + 1}
    return rows


def actual_findings() -> dict[tuple[str, str, str], object]:
    """Every finding of every sample company, by (company, rule, subject)."""
    return {(name, f.rule, f.subject_id): f
            for name in COMPANIES for f in company_report(name).findings}


def skeleton(key, finding) -> str:
    """A ledger row to fill in for a finding not yet classified."""
    company, rule, subject = key
    articles = ", ".join(finding.articles)
    return (f"| {company} | {rule} | {subject} | ? | {articles} | "
            f"{finding.severity}: {finding.message[:120]} |")


def precision(rows, findings) -> dict[str, tuple[int, int, int]]:
    """Per company and `all`: (violations and judgement calls at medium or above, all
    findings at medium or above, wrong findings at any severity)."""
    figures: dict[str, list[int]] = {name: [0, 0, 0] for name in [*COMPANIES, "all"]}
    for key, finding in findings.items():
        klass = rows.get(key, {}).get("class")
        for name in (key[0], "all"):
            if finding.severity in SERIOUS:
                figures[name][1] += 1
                figures[name][0] += klass in ("violation", "judgement")
            figures[name][2] += klass == "wrong"
    return {name: tuple(values) for name, values in figures.items()}


def stated_precision(text: str) -> dict[str, tuple[int, int, int]]:
    """The figures docs/accuracy.md states, from its `| precision | ... |` summary rows."""
    found_rows = re.findall(r"^\|\s*precision\s*\|\s*([a-z0-9]+)\s*\|\s*(\d+)\s*of\s*(\d+)"
                            r"\s*\|[^|]*\|\s*(\d+)\s*\|", text, flags=re.M)
    return {name: (int(a), int(b), int(w)) for name, a, b, w in found_rows}


def known_rule_bugs() -> dict[tuple[str, str, str], str]:
    """The findings the company tests record as rule bugs (KNOWN_FALSE_ALARMS), by
    (company, rule, subject); 3DTech and the clinic record none (their tests say so)."""
    import importlib
    bugs = {}
    for name, module in (("clinic", "test_second_company"), ("saas", "test_saas_company"),
                         ("club", "test_club_company"), ("shop", "test_shop_company"),
                         ("agency", "test_agency_company"),
                         ("logistics", "test_logistics_company")):
        alarms = importlib.import_module(f"tests.{module}").KNOWN_FALSE_ALARMS
        bugs.update({(name, rule, subject): why for (rule, subject), why in alarms.items()})
    return bugs


@pytest.fixture(scope="module")
def rows():
    return ledger_rows()


@pytest.fixture(scope="module")
def findings():
    return actual_findings()


def test_every_finding_has_a_ledger_row(rows, findings):
    missing = [skeleton(k, f) for k, f in sorted(findings.items()) if k not in rows]
    assert not missing, ("findings without a row in docs/accuracy.md (classify them; "
                         "`python tests/test_accuracy_ledger.py --missing`):\n"
                         + "\n".join(missing))


def test_every_ledger_row_has_a_finding(rows, findings):
    extra = [f"{LEDGER.name}:{row['line']}: {' | '.join(k)} ({row['class']})"
             for k, row in sorted(rows.items()) if k not in findings]
    assert not extra, ("rows in docs/accuracy.md for findings no longer reported "
                       "(delete them, or find out why the finding went):\n" + "\n".join(extra))


def test_the_stated_precision_matches_the_ledger(rows, findings):
    text = LEDGER.read_text(encoding="utf-8")
    assert stated_precision(text) == precision(rows, findings), (
        "update the precision table of docs/accuracy.md to: "
        + "; ".join(f"{n}: {a} of {b}, {w} wrong"
                    for n, (a, b, w) in precision(rows, findings).items()))


def test_wrong_rows_are_the_known_rule_bugs(rows):
    """A finding classified `wrong` is a rule bug the company's test records as a known
    false alarm (and so an xfail there), and every known false alarm is classified wrong."""
    wrong = {k for k, row in rows.items() if row["class"] == "wrong"}
    assert wrong == set(known_rule_bugs())


def test_the_ledger_lists_no_wrong_findings(request, rows):
    """Zero legally wrong findings is the target; while the company tests record known
    rule bugs this is a strict xfail, so it fails the day they are fixed and the marker
    (and the rows) must go."""
    bugs = known_rule_bugs()
    if bugs:
        request.applymarker(pytest.mark.xfail(
            strict=True, reason="rule bugs: " + "; ".join(" ".join(k) for k in sorted(bugs))))
    wrong = [f"{' | '.join(k)}: {row['note']}" for k, row in sorted(rows.items())
             if row["class"] == "wrong"]
    assert wrong == []


def test_a_malformed_ledger_row_is_named_by_line():
    text = f"{START}\n| company | rule | subject | class | article | note |\n" \
           f"| saas | TR001 | chat_cn | violaton | Art. 44 | typo |\n{END}\n"
    with pytest.raises(ValueError, match=r"accuracy.md:3: unknown class 'violaton'"):
        ledger_rows(text)


def main(argv: list[str]) -> int:
    """`--missing`: print a skeleton row for each finding the ledger lacks; `--extra`: the
    rows whose finding is gone; `--precision`: the figures for the summary table."""
    rows_, findings_ = ledger_rows(), actual_findings()
    if "--missing" in argv:
        for key, finding in sorted(findings_.items()):
            if key not in rows_:
                print(skeleton(key, finding))
    if "--extra" in argv:
        for key, row in sorted(rows_.items()):
            if key not in findings_:
                print(f"{LEDGER.name}:{row['line']}: | {' | '.join(key)} | {row['class']} |")
    if "--precision" in argv:
        for name, (good, serious, wrong) in precision(rows_, findings_).items():
            print(f"| precision | {name} | {good} of {serious} | "
                  f"{round(100 * good / serious) if serious else 100}% | {wrong} |")
    return 0


if __name__ == "__main__":
    import sys
    sys.path.insert(0, str(REPO))  # `tests.` imports, as under pytest
    raise SystemExit(main(sys.argv[1:]))
