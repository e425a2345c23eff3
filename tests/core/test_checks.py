"""The deployment check on the field keys: the fixed development keys are an error under ``--deploy``
when DEBUG is off."""

from __future__ import annotations

import base64

from django.core import checks
from django.test import override_settings

from socsec.core.checks import development_keys_check
from socsec.core.crypto import keyring_from_env


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


REAL = {"SOCSEC_DATA_KEY": b64(b"d" * 32), "SOCSEC_INDEX_KEY": b64(b"i" * 32)}


def test_the_development_keys_without_debug_are_an_error():
    with override_settings(DEBUG=False, SOCSEC_FIELD_KEYS=keyring_from_env({}, production=False)):
        found = development_keys_check()
    assert [(m.level, m.id) for m in found] == [(checks.ERROR, "socsec.E001")]
    assert found[0].msg == (
        "SOCSEC_DATA_KEY and SOCSEC_INDEX_KEY: the fixed development key is in use (the variable is not set), "
        "so the personal data encrypted at rest is protected by nothing."
    )


def test_one_development_key_is_named_alone():
    ring = keyring_from_env({"SOCSEC_DATA_KEY": REAL["SOCSEC_DATA_KEY"]}, production=False)
    with override_settings(DEBUG=False, SOCSEC_FIELD_KEYS=ring):
        found = development_keys_check()
    assert [m.msg.split(":")[0] for m in found] == ["SOCSEC_INDEX_KEY"]


def test_real_keys_or_debug_pass():
    with override_settings(DEBUG=False, SOCSEC_FIELD_KEYS=keyring_from_env(REAL, production=False)):
        assert development_keys_check() == []
    with override_settings(DEBUG=True, SOCSEC_FIELD_KEYS=keyring_from_env({}, production=False)):
        assert development_keys_check() == []


def test_the_check_runs_only_under_deploy():
    with override_settings(DEBUG=False, SOCSEC_FIELD_KEYS=keyring_from_env({}, production=False)):
        plain = checks.run_checks(tags=[checks.Tags.security])
        deploy = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    assert "socsec.E001" not in {m.id for m in plain}
    assert "socsec.E001" in {m.id for m in deploy}
