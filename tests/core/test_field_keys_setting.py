"""The production profile refuses to start without the keys of the encrypted personal data; with them it
starts and reads what it wrote."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="settings only: run once")

CHECK = [sys.executable, "-c", "import django; django.setup(); print('started')"]


def start(tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SOCSEC_") and k != "DATABASE_URL"}
    env = keep | {"SOCSEC_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "socsec.settings"} | extra
    return subprocess.run(CHECK, env=env, capture_output=True, text=True, timeout=120)


# what the production profile needs besides the keys (socsec.deployment)
PRODUCTION = {
    "SOCSEC_PROFILE": "production",
    "SOCSEC_SECRET_KEY": "k9#Qv2!xLr7@pZ4$wN8^tB1&yH6*sD3(fJ5)mC0_gE-uA+oI=eR",
    "SOCSEC_ALLOWED_HOSTS": "socsec.example.org",
    # the agency other agencies know (production names it and its own signing key)
    "SOCSEC_AGENCY_CODE": "GD-SZ",
    "SOCSEC_AGENCY_REGION": "440300",
    "SOCSEC_AGENCY_BASE_URL": "https://socsec.example.org",
    "SOCSEC_AGENCY_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
}


def test_production_without_keys_refuses_to_start(tmp_path):
    done = start(tmp_path, **PRODUCTION)
    assert done.returncode == 1 and "started" not in done.stdout
    assert done.stderr.strip().splitlines()[-1] == (
        "socsec.core.crypto.KeyConfigurationError: SOCSEC_DATA_KEY is not set: the production profile refuses to "
        "start without the keys that encrypt personal data (SOCSEC_DATA_KEY and SOCSEC_INDEX_KEY, each the base64 "
        "of 32 random bytes)"
    )


def test_production_with_keys_and_development_without_start(tmp_path):
    keys = {name: base64.b64encode(os.urandom(32)).decode() for name in ("SOCSEC_DATA_KEY", "SOCSEC_INDEX_KEY")}
    assert start(tmp_path, **PRODUCTION, **keys).stdout == "started\n"
    assert start(tmp_path).stdout == "started\n"
    refused = start(tmp_path, SOCSEC_PROFILE="prod")
    assert refused.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SOCSEC_PROFILE: 'prod' is not one of development, production"
    )
