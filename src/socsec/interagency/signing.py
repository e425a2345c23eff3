"""The agency's identity and its Ed25519 signing key, without Django.

Documents between agencies are signed with Ed25519 (``cryptography``'s implementation, the library the
project already uses for its field keys): small keys and signatures, deterministic signing (no nonce to get
wrong), and a verify that refuses malleable signatures. A signature covers the canonical JSON of what it
signs (sorted keys, no spaces, UTF-8), so the receiver verifies the bytes it re-encodes from the JSON it
parsed, whatever the sender's JSON library spaced or ordered.

The key comes from the environment like the project's other keys (``socsec.core.crypto``):
``SOCSEC_AGENCY_SIGNING_KEY`` is the base64 of the 32-byte private key (``socsec agency keygen`` makes one).
Outside production a missing key is a fixed development key derived from the agency's code, which
protects nothing. ``SOCSEC_AGENCY_CODE``, ``SOCSEC_AGENCY_REGION`` and ``SOCSEC_AGENCY_BASE_URL`` name the
agency as its peers register it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNING_KEY_ENV = "SOCSEC_AGENCY_SIGNING_KEY"
CODE_ENV = "SOCSEC_AGENCY_CODE"
REGION_ENV = "SOCSEC_AGENCY_REGION"
BASE_URL_ENV = "SOCSEC_AGENCY_BASE_URL"
KEY_BYTES = 32
SIGNATURE_BYTES = 64
AGENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
REGION_CODE = re.compile(r"^\d{6}$")


class AgencyConfigurationError(Exception):
    """The agency's identity or key in the environment is missing (in production) or malformed."""


def canonical(value: Any) -> bytes:
    """The bytes a signature covers: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(value: Any) -> str:
    """The sha256 of the canonical JSON, in hex: names a document's content in its acknowledgement."""
    return hashlib.sha256(canonical(value)).hexdigest()


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def key_fingerprint(public_text: str) -> str:
    """A short name of a public key (``ed25519:`` and 16 hex digits of its sha256), to compare by eye."""
    return "ed25519:" + hashlib.sha256(public_text.encode("ascii")).hexdigest()[:16]


def public_key_of(text: str) -> Ed25519PublicKey:
    """A public key from its base64 (32 bytes); ValueError when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the public key is not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"the public key decodes to {len(raw)} bytes; an Ed25519 key is {KEY_BYTES}")
    return Ed25519PublicKey.from_public_bytes(raw)


def verify(public_text: str, value: Any, signature: str) -> bool:
    """Whether ``signature`` (base64) is the key's signature of the canonical JSON of ``value``."""
    try:
        raw = base64.b64decode(signature, validate=True)
        if len(raw) != SIGNATURE_BYTES:
            return False
        public_key_of(public_text).verify(raw, canonical(value))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def new_key_text() -> str:
    """A new private key, as ``SOCSEC_AGENCY_SIGNING_KEY`` holds it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


@dataclass(frozen=True)
class AgencyIdentity:
    """This agency as its peers know it, and the key it signs with."""

    code: str
    region: str
    base_url: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        return public_key_text(self.private_key.public_key())

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.public_key)

    def sign(self, value: Any) -> str:
        return base64.b64encode(self.private_key.sign(canonical(value))).decode("ascii")


def development_key(code: str) -> bytes:
    return hashlib.sha256(f"socsec development agency signing key {code}, not secret".encode()).digest()


def identity_from_env(env: Mapping[str, str], *, production: bool) -> AgencyIdentity:
    """The agency the environment names. In production the code, the region, the base URL and the key are
    required; elsewhere they default to a development agency (``DEV``, region 440300, a development key)."""
    values = {name: env.get(name, "").strip() for name in (CODE_ENV, REGION_ENV, BASE_URL_ENV, SIGNING_KEY_ENV)}
    if production:
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise AgencyConfigurationError(
                f"{', '.join(missing)} not set: the production profile signs documents to other agencies only "
                "as a named agency with its own key"
            )
    code = values[CODE_ENV] or "DEV"
    region = values[REGION_ENV] or "440300"
    base_url = (values[BASE_URL_ENV] or "http://127.0.0.1:8000").rstrip("/")
    if not AGENCY_CODE.match(code):
        raise AgencyConfigurationError(f"{CODE_ENV} {code!r}: 2 to 32 capital letters, digits or hyphens")
    if not REGION_CODE.match(region):
        raise AgencyConfigurationError(f"{REGION_ENV} {region!r}: a six-digit administrative region code")
    if not base_url.startswith(("http://", "https://")):
        raise AgencyConfigurationError(f"{BASE_URL_ENV} {base_url!r}: an http:// or https:// address")
    if values[SIGNING_KEY_ENV]:
        try:
            raw = base64.b64decode(values[SIGNING_KEY_ENV], validate=True)
        except (binascii.Error, ValueError):
            raise AgencyConfigurationError(f"{SIGNING_KEY_ENV} is not base64") from None
        if len(raw) != KEY_BYTES:
            raise AgencyConfigurationError(f"{SIGNING_KEY_ENV} decodes to {len(raw)} bytes; it must be {KEY_BYTES}")
    else:
        raw = development_key(code)
    return AgencyIdentity(code, region, base_url, Ed25519PrivateKey.from_private_bytes(raw))


def uses_development_key(identity: AgencyIdentity) -> bool:
    dev = Ed25519PrivateKey.from_private_bytes(development_key(identity.code)).public_key()
    return public_key_text(dev) == identity.public_key
