"""The demo's transfer story against the worked example of the rules' scenarios."""

from __future__ import annotations

import datetime as dt

from socsec.demo.transfer import demo_transfer
from socsec.registry.services import organisation_create
from socsec.transfers.models import IncomingTransfer, OutgoingTransfer
from tests.world import SYSTEM


def test_the_driver_moves_from_guangdong_to_beijing(world):
    organisation_create(
        actor=SYSTEM, code="swiftride", name="SwiftRide", kind="PLATFORM", registered_region_code="440300"
    )
    demo_transfer(dt.date(2026, 3, 10))
    demo_transfer(dt.date(2026, 3, 10))  # again: nothing more
    transfer = OutgoingTransfer.objects.get()
    assert transfer.status == "COMPLETED"
    # the worked example of rules/scenarios/pension_transfer.yaml
    assert (transfer.pooled_cents, transfer.individual_account_cents) == (2_016_000, 1_344_000)
    assert [(y["year"], y["months"], y["value"]) for y in transfer.explanation["pooled_years"]] == [
        (2023, 6, 468_000),
        (2024, 12, 1_008_000),
        (2025, 6, 540_000),
    ]
    assert transfer.months["PENSION"] == 24
    assert IncomingTransfer.objects.get().to_region.code == "110100"
