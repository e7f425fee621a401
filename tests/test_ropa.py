"""`gdpr-check ropa`: the Art. 30(1) record of processing activities, one activity per
register and purpose, from policy/ joined with inventory/."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gdpr_check.cli import main
from gdpr_check.load import load_project
from gdpr_check.ropa import COLUMNS, build, render

from .rules.harness import write_project

ROOT = Path(__file__).resolve().parent.parent      # the 3DTech Oy sample project
BASE = Path(__file__).parent / "fixtures" / "base"


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(text: str) -> dict[str, dict]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == [key for key, _ in COLUMNS]
    rows = list(reader)
    by_key = {row["activity"]: row for row in rows}
    assert len(by_key) == len(rows), "activity keys must be unique"
    return by_key


@pytest.fixture(scope="module")
def threedtech():
    return rows_of(render(load_project(ROOT), "csv"))


def test_one_row_per_register_and_purpose_of_the_notice_then_the_inventory(threedtech):
    policy = load_project(ROOT).policy
    declared = [f"{r.id}/{p}" for r in policy.registers for p in r.purposes]
    keys = list(threedtech)
    assert keys[:len(declared)] == declared   # the notice's order first
    # what the inventory adds: systems of a register used for purposes the notice does
    # not give it, and a purpose the notice never declares
    assert keys[len(declared):] == [
        "customer_register/customer_acquisition",
        "customer_register/partner_orders_information",
        "customer_register/recruitment",
        "marketing_register/event_participant_lists",
    ]
    recruitment = threedtech["customer_register/recruitment"]
    assert recruitment["notes"] == "purpose not declared in the notice"
    assert recruitment["purpose"] == "recruitment (not declared in the notice)"
    # the job applicants of the shared mailbox belong to recruitment, not to invoicing
    assert recruitment["data_subjects"] == \
        "job_applicants (held by the systems, not declared in the notice)"
    assert "job_applicants" not in threedtech["customer_register/orders_invoicing"]["data_subjects"]


def test_mailchimp_newsletter_row_names_the_us_transfer_and_the_notice_recipient(threedtech):
    row = threedtech["marketing_register/information_newsletter"]
    assert row["register"] == "Markkinointirekisteri"
    # the record reads the notice's texts in its language (fi), like the findings
    assert row["purpose"] == "Tiedottaminen yrityksen palveluista ja uutisista (uutiskirje)"
    assert row["purpose_description"].startswith("Markkinointirekisteriä pidetään")
    assert "MailChimp (USA) (processor)" in row["recipients"].split(" | ")
    assert "Viestinnän ja kampanjoiden (uutiskirjeet) käsittelijä (processor)" in \
        row["recipients"].split(" | ")
    assert row["recipient_organisations"] == \
        "The Rocket Science Group LLC (Intuit Mailchimp) (processor; US)"
    transfer = row["transfers"]
    assert transfer.startswith("US (United States): The Rocket Science Group LLC")
    assert "standard contractual clauses" in transfer
    assert "no transfer impact assessment" in transfer
    assert "the notice names it (MailChimp (USA), no safeguard named)" in transfer
    assert row["systems"] == 'Mailchimp audience "3DTech uutiskirje" (newsletter_list)'
    assert row["notes"] == ""


def test_transfers_the_notice_does_not_name_are_noted(threedtech):
    row = threedtech["customer_register/targeting_profiling"]
    assert "US (United States): Google Ireland Limited / Google LLC (Google Analytics 4): " \
           "EU-US Data Privacy Framework" in row["transfers"]
    assert "Google Ireland Limited / Google LLC (Google Analytics 4) is not disclosed in the " \
           "notice" in row["notes"]
    # Microsoft's US parent, a sub-processor, for customer service only
    service = threedtech["customer_register/customer_service"]
    assert "Microsoft Corporation (sub-processor of Microsoft Ireland Operations Limited " \
           "(Microsoft 365); US)" in service["recipient_organisations"]
    assert "transfer to US (Microsoft Corporation) not named in the notice" in service["notes"]
    invoicing = threedtech["customer_register/orders_invoicing"]
    assert invoicing["transfers"] == "none"
    assert "Microsoft Corporation" not in invoicing["recipient_organisations"]


def test_retention_and_bases_show_the_notice_and_what_runs(threedtech):
    row = threedtech["customer_register/orders_invoicing"]
    retention = row["retention"].split(" | ")
    assert retention[0] == "not stated in the notice"
    assert "Pipedrive CRM: 3 years from last activity on the contact or its deals, erased " \
           "manually" in retention
    assert "Netvisor bookkeeping (kept by the accounting firm): 10 years from end of the " \
           "financial year, erased automatically" in retention
    assert row["lawful_basis"].startswith("notice: contract (Art. 6(1)(b)), legitimate "
                                          "interests (Art. 6(1)(f)), consent (Art. 6(1)(a))")
    assert "inventory flows rely on legal obligation (Art. 6(1)(c)): " \
           "bookkeeping_by_accountants, invoicing_to_bookkeeping" in row["lawful_basis"]
    website = threedtech["customer_register/customer_service"]["retention"]
    assert "3dtech.fi (WordPress, WPForms contact form): no period set, not enforced" in website
    assert row["dpo"] == "not named in the notice"
    assert row["controller"] == "3DTech Oy, business id 2573198-5, Hyvoninkatu 1, 24240 " \
                                "Salo, Finland"
    assert "info@3dtech.fi" in row["controller_contact"]
    assert "Lounais-Suomen Perintäpalvelu" in \
        threedtech["customer_register/debt_collection"]["recipient_organisations"]
    unused = threedtech["stakeholder_register/other_similar"]
    assert unused["systems"] == "" and "no system of the inventory is used for it" in unused["notes"]


def test_base_fixture(capsys):
    code, out, err = run(capsys, "ropa", BASE)
    assert code == 0 and err == ""
    rows = rows_of(out)
    assert list(rows) == ["customers/customer_relationship", "marketing/newsletter"]
    customers, newsletter = rows["customers/customer_relationship"], rows["marketing/newsletter"]
    assert customers["dpo"] == "Data Protection Officer, dpo@example.test"
    assert customers["retention"] == ("notice: 6 years from end of customer relationship "
                                      "(Bookkeeping act) | Customer database: 6 years from "
                                      "end of customer relationship, erased automatically")
    assert customers["transfers"] == "none"
    assert customers["data_categories"] == "Name, e-mail, phone | Orders and invoices"
    assert newsletter["lawful_basis"] == "notice: consent (Art. 6(1)(a))"
    assert newsletter["transfers"] == (
        "US (United States): Mailer Inc.: EU-US Data Privacy Framework; DPF list entry; the "
        "notice names it (Newsletter service provider, safeguard: EU-US Data Privacy "
        "Framework)")
    assert newsletter["recipients"] == "Newsletter service provider (processor)"
    assert all(row["notes"] == "" for row in rows.values())


def test_gaps_in_a_patched_project_are_noted(tmp_path):
    project = write_project(tmp_path, {
        "policy": {"registers": [{"id": "customers", "retention": None}],
                   "transfers": [{"recipient": "newsletter_service", "_delete": True}]},
        "inventory": {"processors": [{"id": "mailer", "recipient": None}]},
    })
    rows = rows_of(render(load_project(project), "csv"))
    assert rows["customers/customer_relationship"]["retention"].startswith(
        "not stated in the notice | Customer database: 6 years")
    newsletter = rows["marketing/newsletter"]
    assert newsletter["transfers"].endswith("; not named in the notice")
    assert newsletter["notes"] == ("Mailer Inc. is not disclosed in the notice | transfer to "
                                   "US (Mailer Inc.) not named in the notice")


def test_csv_is_rfc4180_and_deterministic(capsys, tmp_path):
    first = render(load_project(ROOT), "csv")
    assert first == render(load_project(ROOT), "csv")
    lines = first.split("\n")
    assert lines[-1] == "" and all(line.endswith("\r") for line in lines[:-1])
    output = tmp_path / "ropa.csv"
    code, out, _ = run(capsys, "ropa", ROOT, "--output", output)
    assert code == 0 and out == ""
    assert output.read_bytes() == first.encode("utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_markdown_has_the_controller_once_and_a_section_per_activity(capsys, tmp_path):
    activities = build(load_project(ROOT))
    output = tmp_path / "ropa.md"    # the format follows the suffix
    assert run(capsys, "ropa", ROOT, "--output", output)[0] == 0
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Record of processing activities (Art. 30(1) GDPR)\n")
    assert text.count("| Controller | 3DTech Oy, business id 2573198-5") == 1
    for number, activity in enumerate(activities, 1):
        assert f'<a id="activity-{number}"></a>' in text
        assert f"| [{number}](#activity-{number}) |" in text
    assert "## 8. Markkinointirekisteri: Tiedottaminen yrityksen palveluista ja uutisista " \
           "(uutiskirje)" in text
    assert "| **Transfers to third countries and safeguards** (Art. 30(1)(e)) | US (United " \
           "States): The Rocket Science Group LLC" in text
    assert text == render(load_project(ROOT), "markdown")


def test_markdown_escapes_policy_text(tmp_path):
    project = write_project(tmp_path, {"policy": {"purposes": [
        {"id": "newsletter", "name": "News | <script>alert(1)</script> *now*"}]}})
    text = render(load_project(project), "markdown")
    assert "<script>" not in text
    assert "News \\| &lt;script&gt;alert(1)&lt;/script&gt; \\*now\\*" in text


def test_bad_input_exits_2_naming_the_file(capsys, tmp_path):
    project = write_project(tmp_path, None)
    (project / "inventory" / "inventory.yaml").write_text("systems: [\n", encoding="utf-8")
    code, out, err = run(capsys, "ropa", project)
    assert code == 2 and out == ""
    assert err.startswith("gdpr-check: error: inventory/inventory.yaml:")
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "ropa", BASE, "--format", "xlsx")
    assert code == 2


def test_a_law_authorising_criminal_data_is_in_the_record(tmp_path):
    project = write_project(tmp_path, {"policy": {"purposes": [
        {"id": "customer_relationship", "authorising_law": "Act 148/2014"}]}})
    rows = rows_of(render(load_project(project), "csv"))
    assert "authorised by: Act 148/2014" in \
        rows["customers/customer_relationship"]["lawful_basis"]
