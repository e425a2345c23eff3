"""One masking policy for the API, the pages and the exports: exact masks, and who sees what."""

from __future__ import annotations

import pytest

from socsec.core.masking import Purpose, disclosure, mask_bank_account, mask_name, mask_resident_id

RID = "11010519900315011X"


def test_masks():
    assert mask_resident_id(RID) == "110***********011X"
    assert mask_resident_id("1234567") == "*******"
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("Li Wei") == "L*****"
    assert mask_name("") == ""
    assert mask_bank_account("6222 0202 0001 2345 678") == "****5678"
    assert mask_bank_account("123") == "***"


@pytest.mark.parametrize(
    ("role", "own", "purpose", "shown"),
    [
        ("WORKER", True, Purpose.SERVICE, (RID, "张伟")),
        ("WORKER", False, Purpose.SERVICE, ("110***********011X", "张*")),
        ("OFFICER", False, Purpose.SERVICE, (RID, "张伟")),
        ("PLATFORM", False, Purpose.SERVICE, ("110***********011X", "张伟")),
        ("SUPERVISOR", False, Purpose.SERVICE, ("110***********011X", "张*")),
        ("AUDITOR", False, Purpose.SERVICE, ("110***********011X", "张*")),
        ("AUDITOR", False, Purpose.PAYMENT, (RID, "张伟")),
    ],
)
def test_who_sees_what(role, own, purpose, shown):
    d = disclosure(role, own=own, purpose=purpose)
    assert (d.resident_id(RID), d.name("张伟")) == shown


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("OFFICER", ("110***********011X", "张*")),
        ("PLATFORM", ("110***********011X", "张伟")),
        ("SUPERVISOR", ("110***********011X", "张*")),
    ],
)
def test_in_a_list_of_persons_an_officer_too_sees_both_masked(role, shown):
    d = disclosure(role, listing=True)
    assert (d.resident_id(RID), d.name("张伟")) == shown
    assert disclosure("WORKER", own=True, listing=True) == disclosure("OFFICER", purpose=Purpose.PAYMENT, listing=True)


def test_personal_data_in_a_message_is_masked() -> None:
    from socsec.core.masking import mask_personal_text

    assert mask_personal_text("to a.b+c@mail.example.cn: 550") == "to a***@mail.example.cn: 550"
    assert mask_personal_text("phone 13912345678, ID 44030519900101001X") == "phone 139****5678, ID 440***********001X"
    assert mask_personal_text("account 6222020200112233445 closed") == "account ****3445 closed"
    assert mask_personal_text("HTTP 503 after 30 s") == "HTTP 503 after 30 s"
