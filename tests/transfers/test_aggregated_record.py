"""Benefits after a transfer use the aggregated record: the months a transfer brought in count for the
pension claim, the unemployment duration and the insured records, each month once."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.benefits.insured_records_sql import record_chunks
from socsec.benefits.selectors import pension_months_on_record, unemployment_months_on_record
from socsec.core.months import month_index
from socsec.ledger.selectors import individual_account_balance
from socsec.transfers.amounts import years_of
from socsec.transfers.documents import SCHEMES, Party, Period, PersonIdentity, TransferDocument
from socsec.transfers.records import Month, record_months, records_months, transferred_months
from socsec.transfers.services import this_agency, transfer_deliver_locally, transfer_document_apply, transfer_request
from tests.transfers.test_services import pay_year
from tests.world import SYSTEM

ON = dt.date(2026, 3, 10)


def from_another_agency(person, periods: list[Period], account: int) -> TransferDocument:
    """A document as another deployment (in Guangdong) issues it for a person registered here."""
    years = years_of(periods)
    return TransferDocument(
        document_id="gd-0001",
        issued_at="2026-03-01T08:00:00+00:00",
        sending=Party(agency="gd-agency", region="440300", province="440000"),
        receiving=Party(agency=this_agency(), region="140100", province="140000"),
        person=PersonIdentity(
            resident_id=person.resident_id,
            name=person.name,
            birth_date=person.birth_date.isoformat(),
            sex=person.sex,
            retirement_group=person.retirement_group,
            registered_residence=person.residence_region.code,
        ),
        channel="AGENCY",
        periods=periods,
        years=years,
        individual_account_cents=account,
        pooled_cents=sum(y.pooled_cents for y in years),
    )


def test_months_brought_in_count_for_the_pension_and_unemployment(world):
    freelancer = world.freelancer
    pay_year(freelancer, 2025, 600_000)
    assert pension_months_on_record(freelancer, ON) == 12
    assert unemployment_months_on_record(freelancer, ON) == 0
    periods = [
        Period("PENSION", "440300", "2010-01", 60, 300_000),  # 2010-2014
        Period("PENSION", "440300", "2024-07", 12, 400_000),  # 2024-07 .. 2025-06: six months paid here too
        Period("UNEMPLOYMENT", "440300", "2010-01", 24, 0),
        Period("MEDICAL", "440300", "2010-01", 36, 0),
    ]
    before = individual_account_balance(freelancer.pk)
    receipt = transfer_document_apply(actor=SYSTEM, document=from_another_agency(freelancer, periods, 2_000_000))
    assert receipt.months == {"PENSION": 72, "UNEMPLOYMENT": 24, "MEDICAL": 36}
    # 12% of 5 years x 12 x 3,000.00 + 12% of 6 x 4,000.00 (2024) + 12% of 6 x 4,000.00 (2025)
    assert receipt.pooled_cents == 60 * 36_000 + 12 * 48_000
    assert individual_account_balance(freelancer.pk) == before + 2_000_000
    # 60 + 6 (2024-07..12) + 12 (2025, six of them brought in as well) = 78, each month once
    assert pension_months_on_record(freelancer, ON) == 78
    assert pension_months_on_record(freelancer, dt.date(2012, 12, 31)) == 36
    assert unemployment_months_on_record(freelancer, ON) == 24
    assert len(transferred_months(freelancer, "MEDICAL", until=ON)) == 36
    rows = {
        person: months
        for chunk in record_chunks(end=dt.date(2026, 1, 1), chunk=100)
        for person, months in zip(chunk["person"], chunk["months"], strict=True)
    }
    assert rows[freelancer.pk] == 78


def test_a_transfer_within_the_deployment_keeps_the_months_as_they_were(world):
    rider = world.rider
    pay_year(rider, 2025, 800_000)
    assert pension_months_on_record(rider, ON) == 12
    transfer = transfer_request(actor=SYSTEM, person=rider, to_region="440300", today=ON)
    transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=ON)
    assert pension_months_on_record(rider, ON) == 12


def test_the_record_of_every_scheme_is_read_in_six_queries_and_equals_each_schemes_own(world):
    freelancer = world.freelancer
    pay_year(freelancer, 2025, 600_000)
    periods = [
        Period("PENSION", "440300", "2010-01", 60, 300_000),
        Period("PENSION", "440300", "2025-07", 12, 400_000),  # 2025-07..12 paid here too: the own base wins
        Period("UNEMPLOYMENT", "440300", "2010-01", 24, 0),
        Period("MEDICAL", "440300", "2010-01", 36, 0),
    ]
    transfer_document_apply(actor=SYSTEM, document=from_another_agency(freelancer, periods, 2_000_000))
    with CaptureQueriesContext(connection) as read:
        together = records_months(freelancer, SCHEMES, until=ON, home_region="140100")
    assert len(read.captured_queries) == 6
    for scheme in SCHEMES:
        assert together[scheme] == record_months(freelancer, scheme, until=ON, home_region="140100"), scheme
    assert {scheme: len(months) for scheme, months in together.items()} == {
        "PENSION": 60 + 15,  # 2010-2014; 2025 paid here (07-12 brought in too); 2026-01..03 brought in, to ON
        "UNEMPLOYMENT": 24,
        "MEDICAL": 36,
    }
    assert together["PENSION"][month_index(dt.date(2025, 8, 1))] == Month("140100", 600_000)
    assert together["PENSION"][month_index(dt.date(2026, 2, 1))] == Month("440300", 400_000)
