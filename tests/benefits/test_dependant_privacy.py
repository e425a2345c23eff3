"""Dependants' names (an award's beneficiary) are encrypted at rest, grouped in Python by the pay run, and
masked in answers for everyone but the claimant and officers; the bank file carries them in full."""

from __future__ import annotations

import datetime as dt
import importlib

from django.conf import settings
from django.db import connection
from django.test import Client

from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_assess
from socsec.benefits.models import Award, BenefitPayment, PaymentRun
from socsec.benefits.payments import paid_on_replaced
from socsec.core.column_crypto import rewrite_column
from socsec.core.crypto import looks_encrypted
from tests.benefits.test_awards_and_payments import ASSESSED, accepted_injury, officer

DEPENDANTS = [{"name": "Li Na", "kind": "SPOUSE"}, {"name": "Li Xiao", "kind": "OTHER", "supplement": True}]


def death_claim(world):
    claim = accepted_injury(world, dt.date(2025, 9, 10))
    return claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"outcome": "DEATH", "dependants": DEPENDANTS}),
        today=ASSESSED,
    )


def raw_beneficiaries(claim) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT beneficiary FROM benefits_award WHERE claim_id = %s ORDER BY id", [claim.pk])
        return [row[0] for row in cursor.fetchall()]


def test_beneficiaries_are_encrypted_at_rest(world, data_dir):
    claim = death_claim(world)
    assert [a.beneficiary for a in claim.awards.order_by("id")] == ["", "", "Li Na", "Li Xiao"]
    raw = raw_beneficiaries(claim)
    assert len(raw) == 4 and all(looks_encrypted(v) for v in raw)
    assert not any("Li Na" in v or "Li Xiao" in v for v in raw)  # no space in base64: never by chance


def raw_claim(claim) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT facts, assessment FROM benefits_claim WHERE id = %s", [claim.pk])
        return cursor.fetchone()


def test_the_claims_facts_and_assessment_are_encrypted_at_rest(world, data_dir):
    claim = death_claim(world)
    claim.refresh_from_db()
    assert [d["name"] for d in claim.assessment["dependants"]] == ["Li Na", "Li Xiao"]
    facts, assessment = raw_claim(claim)
    assert looks_encrypted(facts) and looks_encrypted(assessment)
    assert "Li Na" not in assessment and '"outcome"' not in assessment  # neither fits in base64 by chance


def test_the_migrations_encrypt_plain_rows_once(world, data_dir):
    claim = death_claim(world)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE benefits_award SET beneficiary = %s WHERE claim_id = %s", ["Li Na", claim.pk])
        cursor.execute(
            "UPDATE benefits_claim SET facts = %s, assessment = %s WHERE id = %s",
            ['{"description": "fell"}', '{"dependants": [{"name": "Li Na"}]}', claim.pk],
        )
    migration = importlib.import_module("socsec.benefits.migrations.0007_fixpii_encrypt_dependants_rows")
    ring = settings.SOCSEC_FIELD_KEYS
    award_column = migration.COLUMNS[0]
    assert [rewrite_column(connection, ring, **c, encrypt=True) for c in migration.COLUMNS] == [4, 1, 1]
    assert [rewrite_column(connection, ring, **c, encrypt=True) for c in migration.COLUMNS] == [0, 0, 0]
    assert all(looks_encrypted(v) for v in [*raw_beneficiaries(claim), *raw_claim(claim)])
    assert [a.beneficiary for a in claim.awards.all()] == ["Li Na"] * 4
    claim.refresh_from_db()
    assert (claim.facts, claim.assessment) == ({"description": "fell"}, {"dependants": [{"name": "Li Na"}]})
    assert rewrite_column(connection, ring, **award_column, encrypt=False) == 4
    assert raw_beneficiaries(claim) == ["Li Na"] * 4


def test_paid_on_replaced_adds_up_by_beneficiary(world, data_dir):
    """Two replaced awards of one dependant, paid for the same month: one total (each row's ciphertext
    differs, so grouping in SQL would keep them apart)."""
    claim = death_claim(world)
    pension = next(a for a in claim.awards.filter(item="oip_dependant_pension") if a.beneficiary == "Li Na")
    run = PaymentRun.objects.create(month="2026-06")
    for cents in (100, 50):
        old = Award.objects.create(
            claim=claim,
            item=pension.item,
            label=pension.label,
            payer=pension.payer,
            periodic=True,
            amount_cents=cents,
            start_month="2026-05",
            beneficiary="Li Na",
            explanation={},
            status=Award.Status.SUPERSEDED,
        )
        BenefitPayment.objects.create(run=run, award=old, month="2026-06", amount_cents=cents)
    assert paid_on_replaced(claim) == {(claim.pk, "oip_dependant_pension", "Li Na"): {"2026-06": 150}}


def test_dependants_are_masked_for_all_but_the_claimant_and_officers(world, data_dir):
    claim = death_claim(world)

    def seen(client: Client) -> tuple[list[str], list[str]]:
        body = client.get(f"/api/claims/{claim.pk}").json()
        return [a["beneficiary"] for a in body["awards"]], [d["name"] for d in body["assessment"]["dependants"]]

    clients = {}
    for role in ("officer", "auditor", "supervisor", "worker", "platform"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    token = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    full = (["", "", "Li Na", "Li Xiao"], ["Li Na", "Li Xiao"])
    masked = (["", "", "L****", "L******"], ["L****", "L******"])
    assert seen(clients["officer"]) == full
    assert seen(clients["worker"]) == full  # the claimant: world.rider
    assert seen(clients["auditor"]) == masked
    assert seen(clients["supervisor"]) == masked
    assert seen(token) == masked
    assert seen(clients["platform"]) == masked


def test_the_claim_page_masks_dependants_for_an_auditor(world, data_dir):
    claim = death_claim(world)
    claim.facts = {"dependants": [{"name": "Li Lao", "kind": "OTHER"}]}  # as stated by the claimant
    claim.save(update_fields=["facts"])
    pages = {}
    for role in ("officer", "auditor"):
        client = Client()
        client.force_login(world.users[role])
        pages[role] = client.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert "Li Na" in pages["officer"] and "Li Xiao" in pages["officer"]
    assert "Li Na" not in pages["auditor"] and "Li Xiao" not in pages["auditor"]
    assert "L****" in pages["auditor"] and "L******" in pages["auditor"]
    assert "Li Lao" in pages["officer"] and "Li Lao" not in pages["auditor"] and "L*****" in pages["auditor"]
    assert "供养亲属：2" in pages["auditor"]  # the history counts them, it does not name them
