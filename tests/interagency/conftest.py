"""Fixtures of the exchange's tests."""

from __future__ import annotations

import pytest

from socsec.interagency.pension_transfer import transfers_send
from socsec.transfers.services import transfer_request
from tests.interagency.helpers import ACTOR, PEER, register_both
from tests.transfers.test_services import TODAY, pay_year


@pytest.fixture
def issued(world):  # type: ignore[no-untyped-def]
    """The rider's pension transfer to PEER (a year paid), issued: (transfer, its document in the outbox)."""
    register_both()
    pay_year(world.rider, 2025)
    transfer = transfer_request(
        actor=ACTOR, person=world.rider, to_region="440300", receiving_agency=PEER.code, today=TODAY
    )
    report = transfers_send(actor=ACTOR, transfers=[transfer])
    assert report.refused == {}
    return transfer, report.queued[0]
