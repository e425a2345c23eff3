"""Rotating the keys: after ``rekey`` every value is written under the new data key, the blind indexes
are those of the new index key, and the old key is no longer needed."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.db import connection

from socsec.benefits.models import Award, Claim, InformationRequest, PersonNotice
from socsec.core.crypto import KeyRing, key_id
from socsec.core.rekey import encrypted_models, rekey
from socsec.partners.models import PaymentAccount
from socsec.registry.models import Engagement, Person

NEW_DATA, NEW_INDEX = bytes([5]) * 32, bytes([6]) * 32


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_rekey_moves_every_value_to_the_new_keys(world, settings):
    old = settings.SOCSEC_FIELD_KEYS
    people = {p.pk: (p.resident_id, p.name) for p in Person.objects.all()}
    assert [e.model for e in encrypted_models()] == [
        Person,
        Engagement,
        Claim,
        Award,
        InformationRequest,
        PersonNotice,
        PaymentAccount,
    ]
    settings.SOCSEC_FIELD_KEYS = KeyRing(current=NEW_DATA, index_key=NEW_INDEX, retired=(old.current,))
    assert not Person.objects.with_resident_id(world.rider.resident_id).exists()  # the new index key finds nothing yet

    seen: list[tuple[str, int]] = []
    engagements = Engagement.objects.count()
    assert (engagements, Claim.objects.count(), Award.objects.count()) == (5, 0, 0)
    assert rekey(chunk=2, progress=lambda label, n: seen.append((label, n))) == {
        "registry.person": 3,
        "registry.engagement": engagements,
        "benefits.claim": 0,
        "benefits.award": 0,
        "benefits.informationrequest": 0,
        "benefits.personnotice": 0,
        "partners.paymentaccount": 0,
    }
    assert seen[:2] == [("registry.person", 2), ("registry.person", 3)]

    settings.SOCSEC_FIELD_KEYS = KeyRing(current=NEW_DATA, index_key=NEW_INDEX)  # the old key dropped
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id, name FROM registry_person")
        stored = [value for row in cursor.fetchall() for value in row]
    assert {value.split("$")[0] for value in stored} == {key_id(NEW_DATA)}
    assert {p.pk: (p.resident_id, p.name) for p in Person.objects.all()} == people
    assert Person.objects.with_resident_id(world.rider.resident_id).get().pk == world.rider.pk
    assert Person.objects.with_name("张伟").get().pk == world.rider.pk


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a SQLite file of its own")
def test_socsec_rekey_on_the_demo(tmp_path, demo_var, settings):
    var = demo_var.copy_to(tmp_path / "var")
    keys = {"SOCSEC_DATA_KEY": b64(NEW_DATA), "SOCSEC_INDEX_KEY": b64(NEW_INDEX)}
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)} | keys

    def socsec(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "socsec.cli", *args]
        return subprocess.run(command, env=env | extra, capture_output=True, text=True, timeout=300)

    refused = socsec("rekey")  # the values are under the development key, which is not configured
    assert refused.returncode == 2 and refused.stderr.startswith("error: registry.person.")
    assert "which is neither SOCSEC_DATA_KEY" in refused.stderr and len(refused.stderr.splitlines()) == 1
    done = socsec("rekey", SOCSEC_DATA_KEYS_RETIRED=b64(settings.SOCSEC_FIELD_KEYS.current))
    assert done.stdout == (
        f"registry.person: 178 row(s) written again under data key {key_id(NEW_DATA)} and the current index key\n"
        f"registry.engagement: 206 row(s) written again under data key {key_id(NEW_DATA)} and the current index key\n"
        f"benefits.claim: 7 row(s) written again under data key {key_id(NEW_DATA)} and the current index key\n"
        f"benefits.award: 8 row(s) written again under data key {key_id(NEW_DATA)} and the current index key\n"
        f"benefits.informationrequest: 0 row(s) written again under data key {key_id(NEW_DATA)} and the current "
        "index key\n"
        f"benefits.personnotice: 0 row(s) written again under data key {key_id(NEW_DATA)} and the current index key\n"
        f"partners.paymentaccount: 3 row(s) written again under data key {key_id(NEW_DATA)} and the current "
        "index key\n"
    )
    assert socsec("rekey").returncode == 0  # the old key is no longer needed
