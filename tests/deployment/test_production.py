"""The production profile: every HTTPS setting from the environment, ``check --deploy`` clean, and a
login POST that passes through a TLS proxy (it was refused: the proxy's scheme was not trusted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from socsec.contributions.own.checkout import own_payment_start
from socsec.contributions.own.enrolments import enrolment_join
from socsec.contributions.own.providers import payment_provider
from socsec.core.checks import production_payments_check
from socsec.core.errors import NotFound
from socsec.deployment import ConfigurationError, collection_account, https_settings, payment_settings
from tests.world import PASSWORD, SYSTEM

SECRET = "k9#Qv2!xLr7@pZ4$wN8^tB1&yH6*sD3(fJ5)mC0_gE-uA+oI=eR"  # 52 characters, tests only
PRODUCTION = {
    "SOCSEC_PROFILE": "production",
    "SOCSEC_SECRET_KEY": SECRET,
    "SOCSEC_ALLOWED_HOSTS": "socsec.example.org",
    "SOCSEC_CSRF_TRUSTED_ORIGINS": "https://socsec.example.org",
    # the keys of the personal data encrypted at rest (base64 of 32 bytes; tests only)
    "SOCSEC_DATA_KEY": "dGVzdHMtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWI=",
    "SOCSEC_INDEX_KEY": "dGVzdHMtb25seS1pbmRleC1rZXktMDEyMzQ1Njc4OWE=",
    # the agency's collection account that invoices print (made up; tests only)
    "SOCSEC_COLLECTION_ACCOUNT_NUMBER": "1100 2233 4455 6677 889",
    "SOCSEC_COLLECTION_ACCOUNT_NAME": "Social Insurance Fund Collection Account",
    "SOCSEC_COLLECTION_ACCOUNT_NAME_ZH": "社会保险基金收入户",
    "SOCSEC_COLLECTION_BANK": "Bank of Example, Beijing Branch",
    "SOCSEC_COLLECTION_BANK_ZH": "示例银行北京分行",
    # the agency other agencies know, and its Ed25519 signing key (base64 of 32 bytes; tests only)
    "SOCSEC_AGENCY_CODE": "BJ-TEST",
    "SOCSEC_AGENCY_REGION": "110000",
    "SOCSEC_AGENCY_BASE_URL": "https://socsec.example.org",
    "SOCSEC_AGENCY_SIGNING_KEY": "dGVzdHMtb25seS1hZ2VuY3ktc2lnbmluZy1rZXktMDE=",
}


def run_socsec(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    test_only = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith("SOCSEC_") and k not in test_only}
    full = base | {"SOCSEC_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "socsec.settings"} | env
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", *args], capture_output=True, text=True, env=full, timeout=120
    )


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    done = run_socsec(tmp_path, PRODUCTION, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_warns_in_the_development_profile(tmp_path):
    done = run_socsec(tmp_path, {}, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr
    assert "socsec.E001" in done.stderr  # the development field keys


def test_check_deploy_fails_on_the_development_keys_even_at_error_level(tmp_path):
    done = run_socsec(tmp_path, {}, "manage", "check", "--deploy")
    assert done.returncode == 1
    assert "(socsec.E001) SOCSEC_DATA_KEY and SOCSEC_INDEX_KEY: the fixed development key is in use" in done.stderr
    with_keys = {k: v for k, v in PRODUCTION.items() if k.endswith("_KEY") and k != "SOCSEC_SECRET_KEY"}
    done = run_socsec(tmp_path, with_keys, "manage", "check", "--deploy")
    assert done.returncode == 0, done.stderr


def test_the_production_profile_refuses_to_start_without_its_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SOCSEC_SECRET_KEY"}
    done = run_socsec(tmp_path, env, "manage", "check")
    assert done.returncode == 1
    assert "the production profile needs SOCSEC_SECRET_KEY" in done.stderr


def test_the_https_settings_come_from_the_environment():
    assert https_settings(PRODUCTION) == {
        "ALLOWED_HOSTS": ["socsec.example.org"],
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_TRUSTED_ORIGINS": ["https://socsec.example.org"],
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
    }
    tuned = https_settings(PRODUCTION | {"SOCSEC_HSTS_SECONDS": "600", "SOCSEC_HSTS_PRELOAD": "0"})
    assert (tuned["SECURE_HSTS_SECONDS"], tuned["SECURE_HSTS_PRELOAD"]) == (600, False)
    development = https_settings({})
    assert development["SECURE_PROXY_SSL_HEADER"] is None and development["SESSION_COOKIE_SECURE"] is False
    with pytest.raises(ConfigurationError, match="SOCSEC_HSTS_SECONDS: 'a year' is not a whole number"):
        https_settings(PRODUCTION | {"SOCSEC_HSTS_SECONDS": "a year"})
    with pytest.raises(ConfigurationError, match="SOCSEC_PROFILE: 'prod' is not one of development, production"):
        https_settings({"SOCSEC_PROFILE": "prod"})


@pytest.mark.django_db
def test_a_login_post_through_the_tls_proxy_succeeds(world):
    proxied = {"HTTP_HOST": "socsec.example.org", "HTTP_X_FORWARDED_PROTO": "https"}
    with override_settings(**https_settings(PRODUCTION)):
        browser = Client(enforce_csrf_checks=True)
        form = browser.get("/login/", **proxied)
        assert form.status_code == 200
        token = form.cookies["csrftoken"].value
        assert form.cookies["csrftoken"]["secure"] is True
        response = browser.post(
            "/login/",
            {"username": "rider", "password": PASSWORD, "csrfmiddlewaretoken": token},
            HTTP_ORIGIN="https://socsec.example.org",
            HTTP_REFERER="https://socsec.example.org/login/",
            **proxied,
        )
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert response.cookies["sessionid"]["secure"] is True
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

        plain = Client().post("/login/", {"username": "rider", "password": PASSWORD}, HTTP_HOST="socsec.example.org")
        assert plain.status_code == 301  # plain HTTP is sent to HTTPS, not logged in
        assert plain["Location"] == "https://socsec.example.org/login/"


@pytest.mark.django_db
def test_without_the_proxy_setting_the_same_post_is_refused(world):
    proxied = {"HTTP_HOST": "socsec.example.org", "HTTP_X_FORWARDED_PROTO": "https"}
    development = https_settings({"SOCSEC_ALLOWED_HOSTS": "socsec.example.org"})
    with override_settings(**development):
        browser = Client(enforce_csrf_checks=True)
        token = browser.get("/login/", **proxied).cookies["csrftoken"].value
        response = browser.post(
            "/login/",
            {"username": "rider", "password": PASSWORD, "csrfmiddlewaretoken": token},
            HTTP_ORIGIN="https://socsec.example.org",
            **proxied,
        )
        assert response.status_code == 403  # the finding: the origin is https, the request looked like http


def test_the_production_profile_refuses_the_local_payment_provider(tmp_path):
    done = run_socsec(tmp_path, PRODUCTION | {"SOCSEC_PAYMENT_PROVIDER": "local"}, "manage", "check")
    assert done.returncode == 1
    assert "SOCSEC_PAYMENT_PROVIDER: the local (demo) provider is refused in the production profile" in done.stderr
    assert payment_settings(PRODUCTION) == {"SOCSEC_PAYMENT_PROVIDERS": {}, "SOCSEC_PAYMENT_PROVIDER": ""}
    assert payment_settings({}) == {
        "SOCSEC_PAYMENT_PROVIDERS": {"local": "socsec.contributions.own.providers.LocalProvider"},
        "SOCSEC_PAYMENT_PROVIDER": "local",
    }


def test_a_local_provider_left_in_production_settings_is_a_system_check_error(settings):
    settings.SOCSEC_PROFILE = "production"
    assert production_payments_check() != []
    assert production_payments_check()[0].id == "socsec.E002"
    settings.SOCSEC_PAYMENT_PROVIDERS, settings.SOCSEC_PAYMENT_PROVIDER = {"bank": "x.Bank"}, "bank"
    assert production_payments_check() == []
    settings.SOCSEC_PROFILE = "development"
    settings.SOCSEC_PAYMENT_PROVIDERS, settings.SOCSEC_PAYMENT_PROVIDER = {"local": "y"}, "local"
    assert production_payments_check() == []


@pytest.mark.django_db
def test_without_the_local_provider_its_page_is_absent_and_paying_is_not_available(world, settings):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    payment, _started = own_payment_start(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=timezone.localdate().replace(day=1),
        declared_base_cents=1_200_000,
    )
    browser = Client()
    browser.force_login(world.users["worker"])
    settings.SOCSEC_PAYMENT_PROVIDERS, settings.SOCSEC_PAYMENT_PROVIDER = {}, ""
    assert browser.get(f"/pay/local/{payment.reference}/").status_code == 404
    assert browser.post(f"/pay/local/{payment.reference}/", {"outcome": "pay"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "PENDING"
    with pytest.raises(NotFound, match="paying here is not available: no payment provider is set up"):
        payment_provider()


def test_the_production_profile_refuses_the_demo_collection_account(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k not in ("SOCSEC_COLLECTION_BANK", "SOCSEC_COLLECTION_BANK_ZH")}
    done = run_socsec(tmp_path, env, "manage", "check")
    assert done.returncode == 1
    assert (
        "(socsec.E003) SOCSEC_COLLECTION_BANK, SOCSEC_COLLECTION_BANK_ZH: the demo's collection account is in use"
        in done.stderr
    )
    assert collection_account(PRODUCTION)["number"] == "1100 2233 4455 6677 889"
    assert collection_account({})["number"] == "6222 0000 1234 5678 901"
