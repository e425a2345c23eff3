"""The settings that depend on where SocSec runs, read from the environment (``settings.py`` applies them).

``SOCSEC_PROFILE=production`` (behind a TLS proxy, see the README) requires ``SOCSEC_SECRET_KEY`` and
``SOCSEC_ALLOWED_HOSTS`` and turns every HTTPS setting on; each can still be set on its own:

- ``SOCSEC_BEHIND_TLS_PROXY`` (1/0): trust the proxy's ``X-Forwarded-Proto: https``
- ``SOCSEC_SECURE_COOKIES`` (1/0): session and CSRF cookies only over HTTPS
- ``SOCSEC_CSRF_TRUSTED_ORIGINS``: comma-separated origins, e.g. ``https://socsec.example.org``
- ``SOCSEC_HSTS_SECONDS``, ``SOCSEC_HSTS_INCLUDE_SUBDOMAINS`` (1/0), ``SOCSEC_HSTS_PRELOAD`` (1/0)
- ``SOCSEC_SSL_REDIRECT`` (1/0): redirect plain HTTP to HTTPS (``/healthz`` is exempt)
- ``SOCSEC_SESSION_IDLE_MINUTES``: a session unused this long ends (default 30)

Nothing here imports Django's models: ``settings.py`` imports it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROFILES = ("development", "production")


class ConfigurationError(Exception):
    """A setting in the environment is missing or wrong; the message names it."""


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name}: {raw!r} is not 1 or 0")


def env_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigurationError(f"{name}: {raw!r} is not a whole number of at least {minimum}")
    return int(raw)


def env_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name, "").strip()
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else list(default)


def env_month(env: Mapping[str, str], name: str, default: str) -> str:
    """A month ``YYYY-MM`` from the environment (``default`` when unset)."""
    raw = env.get(name, "").strip() or default
    year, dash, month = raw.partition("-")
    digits = len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()
    if not (dash and digits and 1 <= int(month) <= 12):
        raise ConfigurationError(f"{name}: {raw!r} is not a month YYYY-MM")
    return raw


def profile(env: Mapping[str, str]) -> str:
    name = env.get("SOCSEC_PROFILE", "development").strip() or "development"
    if name not in PROFILES:
        raise ConfigurationError(f"SOCSEC_PROFILE: {name!r} is not one of {', '.join(PROFILES)}")
    return name


# The demo's collection account (marked as such): the production profile's system check refuses any of it.
DEMO_COLLECTION_ACCOUNT = {
    "number": "6222 0000 1234 5678 901",
    "name": "Social Insurance Fund Collection Account (demo)",
    "name_zh": "社会保险基金收入户（演示）",
    "bank": "Demo Bank, Beijing Branch",
    "bank_zh": "演示银行北京分行",
}
COLLECTION_ACCOUNT_VARIABLES = {
    "number": "SOCSEC_COLLECTION_ACCOUNT_NUMBER",
    "name": "SOCSEC_COLLECTION_ACCOUNT_NAME",
    "name_zh": "SOCSEC_COLLECTION_ACCOUNT_NAME_ZH",
    "bank": "SOCSEC_COLLECTION_BANK",
    "bank_zh": "SOCSEC_COLLECTION_BANK_ZH",
}


def collection_account(env: Mapping[str, str]) -> dict[str, str]:
    """The agency's account platforms pay their invoices into (the demo's where a variable is unset)."""
    return {
        key: env.get(name, "").strip() or DEMO_COLLECTION_ACCOUNT[key]
        for key, name in COLLECTION_ACCOUNT_VARIABLES.items()
    }


LOCAL_PROVIDER = {"local": "socsec.contributions.own.providers.LocalProvider"}


def payment_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The payment providers of own contributions. The local one (the demo's: the server signs its own
    "paid") is registered outside the production profile only, and production refuses it by name; with no
    provider set there, paying is not available rather than free."""
    production = profile(env) == "production"
    chosen = env.get("SOCSEC_PAYMENT_PROVIDER", "").strip() or ("" if production else "local")
    if production and chosen == "local":
        raise ConfigurationError(
            "SOCSEC_PAYMENT_PROVIDER: the local (demo) provider is refused in the production profile"
        )
    return {"SOCSEC_PAYMENT_PROVIDERS": {} if production else dict(LOCAL_PROVIDER), "SOCSEC_PAYMENT_PROVIDER": chosen}


def https_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's HTTPS and host settings for the environment ``env``."""
    production = profile(env) == "production"
    if production:
        missing = [n for n in ("SOCSEC_SECRET_KEY", "SOCSEC_ALLOWED_HOSTS") if not env.get(n, "").strip()]
        if missing:
            raise ConfigurationError(f"the production profile needs {', '.join(missing)}")
        if len(env["SOCSEC_SECRET_KEY"]) < 50:
            raise ConfigurationError("SOCSEC_SECRET_KEY: at least 50 characters in the production profile")
        if env.get("SOCSEC_DEBUG", "") == "1":
            raise ConfigurationError("SOCSEC_DEBUG=1 is refused in the production profile")
    behind_proxy = env_bool(env, "SOCSEC_BEHIND_TLS_PROXY", production)
    secure_cookies = env_bool(env, "SOCSEC_SECURE_COOKIES", production)
    return {
        "ALLOWED_HOSTS": env_list(env, "SOCSEC_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"]),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None,
        "SESSION_COOKIE_SECURE": secure_cookies,
        "CSRF_COOKIE_SECURE": secure_cookies,
        "CSRF_TRUSTED_ORIGINS": env_list(env, "SOCSEC_CSRF_TRUSTED_ORIGINS", []),
        "SECURE_HSTS_SECONDS": env_int(env, "SOCSEC_HSTS_SECONDS", 31_536_000 if production else 0),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env_bool(env, "SOCSEC_HSTS_INCLUDE_SUBDOMAINS", production),
        "SECURE_HSTS_PRELOAD": env_bool(env, "SOCSEC_HSTS_PRELOAD", production),
        "SECURE_SSL_REDIRECT": env_bool(env, "SOCSEC_SSL_REDIRECT", production),
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
    }
