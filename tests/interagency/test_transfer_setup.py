"""The two-agency test's bulk setup builds each rider's record exactly as the services build the first
one's: the same payments, the same ledger entries, the same transfer amounts (the worked example)."""

from __future__ import annotations

import json

import pytest
from django.db.models import Count, Sum

from socsec.contributions.models import OwnContribution
from socsec.interagency.models import OutboundDocument
from socsec.ledger.accounts import individual_account
from socsec.ledger.models import LedgerEntry
from socsec.ledger.selectors import trial_balance
from socsec.registry.models import Engagement, Person
from socsec.transfers.models import OutgoingTransfer
from tests.interagency import transfer_setup
from tests.interagency.helpers import register_both

pytestmark = pytest.mark.django_db


def test_the_bulk_built_riders_have_the_records_and_transfers_of_the_one_built_by_the_services(capsys):
    register_both()
    transfer_setup.sending_agency(4, "PEER")
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(figures) == {"records_s", "request_s", "issue_s"}
    riders = list(Person.objects.all())
    assert sorted(p.resident_id for p in riders) == sorted(transfer_setup.resident_ids(4))
    assert Engagement.objects.filter(person__in=riders, sector="RIDE_HAILING").count() == 4
    paid = OwnContribution.objects.values("person").annotate(n=Count("id"), cents=Sum("paid_cents"))
    assert sorted((row["n"], row["cents"]) for row in paid) == [(2, paid[0]["cents"])] * 4
    accounts = [
        (
            LedgerEntry.objects.filter(account__code=individual_account(p.pk), amount_cents__lt=0).aggregate(
                s=Sum("amount_cents")
            )["s"],
            LedgerEntry.objects.filter(account__code=individual_account(p.pk)).aggregate(s=Sum("amount_cents"))["s"],
        )
        for p in riders
    ]
    assert accounts == [(-1_440_000, 0)] * 4  # the worked example's account credited, then all moved out
    transfers = OutgoingTransfer.objects.values_list("status", "individual_account_cents", "pooled_cents")
    assert sorted(transfers) == [("ISSUED", 1_440_000, 2_160_000)] * 4
    assert OutboundDocument.objects.filter(kind="pension.transfer", state="PENDING").count() == 4
    assert sum(trial_balance().values()) == 0
