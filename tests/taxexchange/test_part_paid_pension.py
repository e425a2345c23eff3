"""A part-paid pension month in the ledger: the employee's individual account is credited first, up to the
employee's part (the rule ``employee_pension_paid_to_account``), the pooled fund gets the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from socsec.ledger.accounts import fund
from socsec.ledger.selectors import balance, individual_account_balance
from socsec.taxexchange.models import Handover
from tests.world import World

from .helpers import exchange, fetch, lines, send

pytestmark = pytest.mark.django_db
MONTH = "2026-03"
PROVINCE = "440000"  # the factory's (Guangzhou)


def test_half_paid_fills_the_individual_account_first(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path, part_paid_persons=frozenset({world.employee.pk}))
    send(MONTH, lines(world.employer.pk, world.employee.pk, MONTH), ex)  # pension: 1,280.00 + 640.00
    fetch(ex)
    assert individual_account_balance(world.employee.pk) == 64_000  # 960.00 paid: the whole 640.00 first
    assert balance(fund("EMPLOYEE_PENSION", PROVINCE)) == -32_000  # the other 320.00 (credits are negative)
    assert balance(fund("MEDICAL", PROVINCE)) == -40_000  # half of 640.00 + 160.00


@pytest.mark.parametrize(("paid", "account", "pooled"), [(50_000, 50_000, 0), (64_001, 64_000, 1),
                                                         (192_000, 64_000, 128_000)])  # fmt: skip
def test_what_the_tax_authority_paid_is_divided_by_the_rule(
    world: World, tmp_path: Path, paid: int, account: int, pooled: int
) -> None:
    ex = exchange(tmp_path)
    send(MONTH, lines(world.employer.pk, world.employee.pk, MONTH), ex)
    document = Handover.objects.get().document_id
    results = [{"document_id": document, "checksum": ""}]
    for scheme in ("PENSION", "MEDICAL", "UNEMPLOYMENT", "WORK_INJURY"):
        cents = paid if scheme == "PENSION" else 0
        status = "UNPAID" if not cents else "PAID" if cents == 192_000 else "PART_PAID"
        results.append({"person_id": world.employee.pk, "scheme": scheme, "status": status, "paid_cents": cents,
                        "paid_on": "2026-04-15" if cents else None})  # fmt: skip
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    (outbox / f"{document}.results.jsonl").write_text("\n".join(json.dumps(r) for r in results) + "\n")
    fetch(ex)
    assert individual_account_balance(world.employee.pk) == account
    assert balance(fund("EMPLOYEE_PENSION", PROVINCE)) == -pooled
