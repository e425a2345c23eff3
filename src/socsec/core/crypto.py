"""Encryption of personal data at rest, without Django: AES-256-GCM for the values, a keyed blind index
(HMAC-SHA256) for exact lookups.

- A stored value is ``<key id>$<base64(nonce | ciphertext and tag)>``. The key id is a fingerprint of
  the key (``k`` and 8 hex digits of a SHA-256 over it), so a value names the key that wrote it and keys
  can rotate: new values are written with the current key, old ones are read with any configured key.
- The column a value belongs to (``registry.person.resident_id``) is authenticated with it: a value copied
  into another column, or altered, fails to decrypt instead of reading as something else.
- The blind index is HMAC-SHA256 under its own key over the column's name and the normalised value. It
  finds equal values (a resident ID, a name) without revealing them; it does reveal which rows share a
  value, which is what a lookup needs. Changing the index key means recomputing every index.

Keys come from the environment: ``SOCSEC_DATA_KEY`` (current), ``SOCSEC_DATA_KEYS_RETIRED`` (comma-separated,
read only) and ``SOCSEC_INDEX_KEY``, each the base64 of 32 random bytes
(``python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"``). Outside production a
missing key is replaced by a fixed development key, which protects nothing."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
DATA_KEY_ENV = "SOCSEC_DATA_KEY"
RETIRED_KEYS_ENV = "SOCSEC_DATA_KEYS_RETIRED"
INDEX_KEY_ENV = "SOCSEC_INDEX_KEY"
_TOKEN = re.compile(r"^(k[0-9a-f]{8})\$([A-Za-z0-9+/]+={0,2})$")


class KeyConfigurationError(Exception):
    """A key in the environment is missing (in production), not base64, or not 32 bytes."""


class DecryptionError(Exception):
    """A stored value cannot be read: its key is not configured, or the key is wrong or the value altered."""


def key_id(key: bytes) -> str:
    return "k" + hashlib.sha256(b"socsec field key id\0" + key).hexdigest()[:8]


def normalise_identifier(value: str) -> str:
    """An identifier as compared: compatibility-normalised, without spaces, upper case (``x`` is ``X``)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def normalise_name(value: str) -> str:
    """A name as compared: compatibility-normalised, runs of spaces made one, case folded."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


@dataclass(frozen=True)
class KeyRing:
    """The data keys by id (the current one writes), and the index key."""

    current: bytes
    index_key: bytes
    retired: tuple[bytes, ...] = ()
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key in (self.current, self.index_key, *self.retired):
            if len(key) != KEY_BYTES:
                raise KeyConfigurationError(f"a field key must be {KEY_BYTES} bytes, not {len(key)}")
        if hmac.compare_digest(self.current, self.index_key):
            raise KeyConfigurationError(f"{INDEX_KEY_ENV} must differ from {DATA_KEY_ENV}")
        for key in (self.current, *self.retired):
            self._ciphers.setdefault(key_id(key), AESGCM(key))

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self.current_id}${base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str, *, context: str) -> str:
        match = _TOKEN.match(token)
        if match is None:
            raise DecryptionError(f"{context}: the stored value is not an encrypted value (plain text left behind?)")
        kid, body = match.groups()
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(
                f"{context}: the value was encrypted with key {kid}, which is neither {DATA_KEY_ENV} "
                f"({self.current_id}) nor among {RETIRED_KEYS_ENV}"
            )
        raw = base64.b64decode(body)
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
        except InvalidTag:
            raise DecryptionError(
                f"{context}: the value does not decrypt with key {kid}: the key is wrong or the value was altered"
            ) from None

    def is_current(self, token: str) -> bool:
        """Whether a stored value was written with the current key (else a rotation rewrites it)."""
        match = _TOKEN.match(token)
        return match is not None and match.group(1) == self.current_id

    def blind_index(self, normalised: str, *, context: str) -> str:
        message = context.encode() + b"\0" + normalised.encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()

    def blind_index_pads(self, *, context: str) -> tuple[bytes, bytes]:
        """What an engine needs to compute ``blind_index`` itself from SHA-256 (HMAC as RFC 2104 defines it,
        the key shorter than SHA-256's 64-byte block): the index of a value is
        ``sha256(outer || sha256(inner || value))`` (the inner digest as bytes, the outer one in hex)."""
        block = self.index_key.ljust(64, b"\0")
        inner = bytes(b ^ 0x36 for b in block) + context.encode() + b"\0"
        return inner, bytes(b ^ 0x5C for b in block)

    def blind_indexes(self, normalised: Iterable[str], *, context: str) -> list[str]:
        """``blind_index`` of many values of one context (one-shot HMACs: a bulk match costs about a
        microsecond a value)."""
        prefix, key, digest = context.encode() + b"\0", self.index_key, hmac.digest
        return [digest(key, prefix + value.encode(), "sha256").hex() for value in normalised]


def looks_encrypted(value: str) -> bool:
    return _TOKEN.match(value) is not None


def _decode_key(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{name} is not base64 (expected the base64 of {KEY_BYTES} random bytes)") from None
    if len(key) != KEY_BYTES:
        raise KeyConfigurationError(f"{name} decodes to {len(key)} bytes; it must be {KEY_BYTES}")
    return key


def _development_key(purpose: str) -> bytes:
    return hashlib.sha256(f"socsec development {purpose} key, not secret".encode()).digest()


def keyring_from_env(env: Mapping[str, str], *, production: bool) -> KeyRing:
    """The key ring the environment names. In production both keys are required; elsewhere a missing key
    is a fixed development key."""
    found: dict[str, bytes] = {}
    for name, purpose in ((DATA_KEY_ENV, "data"), (INDEX_KEY_ENV, "index")):
        text = env.get(name, "").strip()
        if text:
            found[name] = _decode_key(name, text)
        elif production:
            raise KeyConfigurationError(
                f"{name} is not set: the production profile refuses to start without the keys that encrypt "
                f"personal data ({DATA_KEY_ENV} and {INDEX_KEY_ENV}, each the base64 of {KEY_BYTES} random bytes)"
            )
        else:
            found[name] = _development_key(purpose)
    retired = tuple(
        _decode_key(f"{RETIRED_KEYS_ENV}[{i}]", part)
        for i, part in enumerate(env.get(RETIRED_KEYS_ENV, "").split(","))
        if part.strip()
    )
    return KeyRing(current=found[DATA_KEY_ENV], index_key=found[INDEX_KEY_ENV], retired=retired)


def development_keys_in(ring: KeyRing) -> list[str]:
    """The environment variables whose key in ``ring`` is the fixed development key (none in a real
    deployment)."""
    used = [(DATA_KEY_ENV, ring.current, "data"), (INDEX_KEY_ENV, ring.index_key, "index")]
    return [name for name, key, purpose in used if hmac.compare_digest(key, _development_key(purpose))]
