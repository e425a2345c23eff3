"""The officer who credits interest over the API reads the balances of the accounts credited: logged."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client

from socsec.audit.models import PersonalDataAccess

from .test_interest import employee_pension


def test_the_accounts_credited_are_logged_as_read(world):
    employee_pension(world.freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))
    officer = Client()
    officer.force_login(world.users["officer"])
    officer.post("/api/pension/interest-credits", json.dumps({"year": 2023}), content_type="application/json")
    reads = PersonalDataAccess.objects.filter(what="pension accounts")
    assert list(reads.values_list("person_id", "actor_role", "purpose")) == [
        (world.freelancer.pk, "OFFICER", "CASE_HANDLING")
    ]
