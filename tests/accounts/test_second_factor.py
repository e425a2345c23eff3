"""Agency staff need a second factor (TOTP): enrolment at first login, a code at each login, staff pages
and the API closed until then; workers and platforms are not asked. Codes are computed from the
device's key as an authenticator app computes them."""

from __future__ import annotations

import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from socsec.accounts.second_factor import confirmed_device
from socsec.audit.models import AuditEntry
from socsec.cli import main
from tests.second_factor import current_code, device_of
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    return client


def test_an_officer_without_a_device_is_sent_to_enrol_and_confirms_with_a_real_code(world):
    officer = log_in("officer")
    response = officer.get("/officer/persons/")
    assert response.status_code == 302
    assert response["Location"] == "/otp/enrol/?next=%2Fofficer%2Fpersons%2F"
    page = officer.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    secret = page.split('<code id="otp-secret">', 1)[1].split("</code>", 1)[0]
    uri = page.split('<code id="otp-uri">', 1)[1].split("</code>", 1)[0].replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/SocSec%3Aofficer?")
    assert parse_qs(urlparse(uri).query)["secret"] == [secret]
    device = TOTPDevice.objects.get(user=world.users["officer"])
    assert b32decode(secret) == device.bin_key and not device.confirmed

    wrong = officer.post("/otp/enrol/", {"code": "000000", "next": "/officer/persons/"}, HTTP_ACCEPT_LANGUAGE="en")
    if current_code(device) != "000000":
        assert wrong.status_code == 400
        assert "That code is not the current one" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a wrong code
    device.refresh_from_db()
    done = officer.post("/otp/enrol/", {"code": current_code(device), "next": "/officer/persons/"})
    assert done.status_code == 302 and done["Location"] == "/officer/persons/"
    assert officer.get("/officer/persons/").status_code == 200
    assert confirmed_device(world.users["officer"]) == device
    actions = list(AuditEntry.objects.filter(action__startswith="otp.").order_by("pk").values_list("action", flat=True))
    assert actions == ["otp.enrol", "otp.confirm"]
    for entry in AuditEntry.objects.filter(action__startswith="otp."):
        assert entry.after is not None and entry.after["key"] == ""
        assert device.key not in str(entry.after)


def test_a_staff_login_asks_for_the_code_and_refuses_a_wrong_one(world):
    device = device_of(world.users["supervisor"])
    supervisor = log_in("supervisor")
    assert supervisor.get("/audit/")["Location"] == "/otp/verify/?next=%2Faudit%2F"
    api = supervisor.get("/api/me")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    stale = current_code(device, at=time.time() - 600)
    refused = supervisor.post("/otp/verify/", {"code": stale, "next": "/audit/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "That code is not valid." in refused.content.decode()
    assert supervisor.get("/audit/").status_code == 302
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a wrong code
    device.refresh_from_db()
    verified = supervisor.post("/otp/verify/", {"code": current_code(device), "next": "/audit/"})
    assert verified["Location"] == "/audit/"
    assert supervisor.get("/audit/").status_code == 200
    assert supervisor.get("/api/me").status_code == 200


def test_an_auditor_is_asked_too_and_workers_and_platforms_are_not(world):
    auditor = log_in("auditor")
    assert auditor.get("/audit/").status_code == 302
    assert log_in("rider").get("/me/coverage/").status_code == 200
    assert log_in("ridego-staff").get("/platform/orders/").status_code == 200


def test_the_test_clients_force_login_goes_through_the_same_check(world):
    officer = Client()
    officer.login_without_second_factor(world.users["officer"])  # type: ignore[attr-defined]
    assert officer.get("/officer/persons/").status_code == 302
    officer.force_login(world.users["officer"])
    assert officer.get("/officer/persons/").status_code == 200


def test_the_cli_enrols_and_resets_a_device(world, capsys):
    assert main(["otp", "enrol", "officer"]) == 0
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=world.users["officer"])
    assert out.splitlines()[0] == f"secret: {out.splitlines()[0].split(': ')[1]}"
    assert b32decode(out.splitlines()[0].split(": ")[1]) == device.bin_key
    assert out.splitlines()[1] == f"otpauth URI: {device.config_url}"
    officer = log_in("officer")
    assert officer.get("/officer/persons/")["Location"].startswith("/otp/enrol/")
    officer.post("/otp/enrol/", {"code": current_code(device)})
    assert officer.get("/officer/persons/").status_code == 200

    assert main(["otp", "reset", "officer"]) == 0
    assert capsys.readouterr().out.startswith("removed 1 device(s) of officer")
    assert not TOTPDevice.objects.filter(user=world.users["officer"]).exists()
    assert officer.get("/officer/persons/").status_code == 302  # the session's device is gone
    assert main(["otp", "enrol", "rider"]) == 2
    assert "only agency staff" in capsys.readouterr().err
