"""The partner API end to end: a token by client credentials, scoped to the agreement; a lookup answers
the fields asked for and logs the read with the agreement; a field or scope outside the agreement, and an
agreement not in force, are refused with the reason and kept."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from socsec.audit.models import PersonalDataAccess
from socsec.partners.models import Agreement, PartnerRefusal
from tests.partners.conftest import bearer, token_for


def lookup(client, headers, ids, fields):
    return client.post(
        "/api/partner/person-lookups",
        {"resident_ids": ids, "fields": fields},
        content_type="application/json",
        **headers,
    )


def test_a_token_carries_the_agreements_scopes(client, civil):
    token = token_for(client, civil)
    assert token["status"] == 200
    assert token["scope"] == "deaths:send persons:read"
    assert token["token_type"] == "Bearer"


def test_a_scope_outside_the_agreement_gets_no_token(client, civil):
    token = token_for(client, civil, scope="injuries:send")
    assert token["status"] == 400
    assert token["error"] == "invalid_scope"
    assert token["error_description"] == "scope injuries:send is outside agreement MCA-2026-01"
    refusal = PartnerRefusal.objects.get()
    assert (refusal.action, refusal.code, refusal.agreement) == ("oauth.token", "invalid_scope", civil.agreement)


def test_a_wrong_secret_is_refused_and_kept(client, civil):
    civil.secret = "not the secret"
    token = token_for(client, civil)
    assert (token["status"], token["error"]) == (401, "invalid_client")
    assert PartnerRefusal.objects.get().client_id == civil.client_id


def test_a_lookup_answers_only_the_fields_asked_and_logs_the_read(client, civil, world):
    headers = bearer(client, civil)
    response = lookup(client, headers, [world.rider.resident_id, "110105194912310014"], ["birth_date", "died_on"])
    assert response.status_code == 200, response.content
    assert response.json() == {
        "items": [
            {
                "resident_id": world.rider.resident_id,
                "found": True,
                "fields": {"birth_date": world.rider.birth_date.isoformat(), "died_on": None},
            },
            {"resident_id": "110105194912310014", "found": False, "fields": {}},
        ]
    }
    read = PersonalDataAccess.objects.get()
    assert (read.person_id, read.actor_role, read.actor_label) == (world.rider.pk, "PARTNER", "Civil Affairs Bureau")
    assert (read.purpose, read.what, read.agreement) == ("PARTNER_EXCHANGE", "partner lookup", "MCA-2026-01")
    # the worker is told, once a day per department
    from socsec.notifications.models import Notice

    notice = Notice.objects.get(event="data.read")
    assert (notice.recipient, notice.context["reader"], notice.context["what"]) == (
        f"person:{world.rider.pk}",
        "Civil Affairs Bureau",
        "personal details sent to another department",
    )
    assert lookup(client, headers, [world.rider.resident_id], ["birth_date"]).status_code == 200
    assert Notice.objects.filter(event="data.read").count() == 1


def test_a_field_outside_the_agreement_is_refused_not_dropped(client, civil, world):
    headers = bearer(client, civil)
    response = lookup(client, headers, [world.rider.resident_id], ["birth_date", "name"])
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "field_outside_agreement"
    assert body["message"] == "name: outside agreement MCA-2026-01 (it names birth_date, died_on, receives_pension)"
    assert not PersonalDataAccess.objects.exists()
    refusal = PartnerRefusal.objects.get()
    assert (refusal.action, refusal.code, refusal.message) == (
        "persons.lookup",
        "field_outside_agreement",
        body["message"],
    )


def test_a_scope_the_token_lacks_is_refused(client, health, world):
    headers = bearer(client, health)
    response = lookup(client, headers, [world.rider.resident_id], ["birth_date"])
    assert response.status_code == 403
    assert response.json()["code"] == "scope_outside_agreement"
    assert PartnerRefusal.objects.get().code == "scope_outside_agreement"


def test_an_expired_agreement_gets_no_token_and_its_live_token_is_refused(client, civil, world):
    headers = bearer(client, civil)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Agreement.objects.filter(pk=civil.agreement.pk).update(
        valid_from=yesterday - dt.timedelta(days=30), valid_until=yesterday
    )
    response = lookup(client, headers, [world.rider.resident_id], ["birth_date"])
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "agreement_not_in_force"
    assert body["message"].startswith(
        f"agreement MCA-2026-01 is in force from {(yesterday - dt.timedelta(days=30)).isoformat()}"
    )
    token = token_for(client, civil)
    assert (token["status"], token["error"]) == (401, "invalid_client")
    assert "agreement MCA-2026-01 is in force from" in str(token["error_description"])
    assert list(PartnerRefusal.objects.order_by("id").values_list("action", "code")) == [
        ("persons.lookup", "agreement_not_in_force"),
        ("oauth.token", "invalid_client"),
    ]
    assert not PersonalDataAccess.objects.exists()


def test_no_token_or_an_unknown_one_is_unauthenticated(client, db):
    assert client.post("/api/partner/person-lookups", {}, content_type="application/json").status_code == 401
    response = client.get("/api/partner/agreement", HTTP_AUTHORIZATION="Bearer nothing-like-it")
    assert response.status_code == 401
    assert PartnerRefusal.objects.get().code == "invalid_token"


def test_the_agreement_as_the_partner_reads_it(client, civil):
    response = client.get("/api/partner/agreement", **bearer(client, civil))
    assert response.status_code == 200
    assert response.json()["read_fields"] == ["birth_date", "died_on", "receives_pension"]


def test_an_organisations_api_token_does_not_open_the_partner_api(client, world):
    response = client.get("/api/partner/agreement", HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_partner"
    assert PartnerRefusal.objects.get().code == "not_a_partner"
