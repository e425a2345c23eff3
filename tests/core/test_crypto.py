"""The encryption of personal data without Django: AES-GCM values that name their key, a keyed blind
index, keys from the environment."""

from __future__ import annotations

import base64
import hashlib

import pytest

from socsec.core.crypto import (
    DecryptionError,
    KeyConfigurationError,
    KeyRing,
    key_id,
    keyring_from_env,
    looks_encrypted,
    normalise_identifier,
    normalise_name,
)

A, B, C = (bytes([n]) * 32 for n in (1, 2, 3))
CTX = "registry.person.resident_id"
RID = "11010519900315011X"


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_a_value_names_its_key_and_reads_back():
    ring = KeyRing(current=A, index_key=C)
    token = ring.encrypt(RID, context=CTX)
    assert token.startswith(key_id(A) + "$")
    assert RID not in token and looks_encrypted(token)
    assert ring.decrypt(token, context=CTX) == RID
    assert ring.encrypt(RID, context=CTX) != token  # a fresh nonce each time


def test_a_retired_key_still_reads_and_the_current_one_writes():
    old = KeyRing(current=A, index_key=C).encrypt(RID, context=CTX)
    rotated = KeyRing(current=B, index_key=C, retired=(A,))
    assert rotated.decrypt(old, context=CTX) == RID
    assert not rotated.is_current(old)
    assert rotated.is_current(rotated.encrypt(RID, context=CTX))


def test_an_unknown_key_is_named_in_the_error():
    token = KeyRing(current=A, index_key=C).encrypt(RID, context=CTX)
    with pytest.raises(DecryptionError) as caught:
        KeyRing(current=B, index_key=C).decrypt(token, context=CTX)
    assert str(caught.value) == (
        f"registry.person.resident_id: the value was encrypted with key {key_id(A)}, which is neither "
        f"SOCSEC_DATA_KEY ({key_id(B)}) nor among SOCSEC_DATA_KEYS_RETIRED"
    )


def test_an_altered_value_or_another_column_does_not_decrypt():
    ring = KeyRing(current=A, index_key=C)
    token = ring.encrypt(RID, context=CTX)
    with pytest.raises(DecryptionError, match="registry.person.name: the value does not decrypt with key k"):
        ring.decrypt(token, context="registry.person.name")  # copied into the name column
    body = bytearray(base64.b64decode(token.split("$")[1]))
    body[-1] ^= 1
    altered = token.split("$")[0] + "$" + base64.b64encode(bytes(body)).decode()
    with pytest.raises(DecryptionError, match="the key is wrong or the value was altered"):
        ring.decrypt(altered, context=CTX)
    with pytest.raises(DecryptionError, match="is not an encrypted value"):
        ring.decrypt(RID, context=CTX)


def test_the_blind_index_is_keyed_normalised_and_per_column():
    ring = KeyRing(current=A, index_key=C)
    index = ring.blind_index(normalise_identifier(RID), context=CTX)
    assert len(index) == 64 and RID not in index
    assert ring.blind_index(normalise_identifier(" 11010519900315011x "), context=CTX) == index
    assert ring.blind_index(normalise_identifier(RID), context="other.column") != index
    assert KeyRing(current=A, index_key=B).blind_index(normalise_identifier(RID), context=CTX) != index
    assert normalise_name("  Li   WEI ") == "li wei"
    assert normalise_name("张　伟") == "张 伟"  # a full-width space is a space


def test_production_refuses_to_start_without_keys():
    with pytest.raises(KeyConfigurationError, match="^SOCSEC_DATA_KEY is not set: the production profile refuses"):
        keyring_from_env({}, production=True)
    with pytest.raises(KeyConfigurationError, match="^SOCSEC_INDEX_KEY is not set"):
        keyring_from_env({"SOCSEC_DATA_KEY": b64(A)}, production=True)
    ring = keyring_from_env({"SOCSEC_DATA_KEY": b64(A), "SOCSEC_INDEX_KEY": b64(C)}, production=True)
    assert (ring.current, ring.index_key, ring.retired) == (A, C, ())


def test_development_has_fixed_keys_and_bad_keys_are_refused():
    assert keyring_from_env({}, production=False) == keyring_from_env({}, production=False)
    with pytest.raises(KeyConfigurationError, match="^SOCSEC_DATA_KEY is not base64"):
        keyring_from_env({"SOCSEC_DATA_KEY": "not base64!"}, production=False)
    with pytest.raises(KeyConfigurationError, match="^SOCSEC_INDEX_KEY decodes to 16 bytes; it must be 32$"):
        keyring_from_env({"SOCSEC_INDEX_KEY": b64(bytes(16))}, production=False)
    with pytest.raises(KeyConfigurationError, match="^SOCSEC_INDEX_KEY must differ from SOCSEC_DATA_KEY$"):
        keyring_from_env({"SOCSEC_DATA_KEY": b64(A), "SOCSEC_INDEX_KEY": b64(A)}, production=True)
    env = {"SOCSEC_DATA_KEY": b64(B), "SOCSEC_DATA_KEYS_RETIRED": f"{b64(A)}, {b64(C)}"}
    assert keyring_from_env(env, production=False).retired == (A, C)


def test_blind_indexes_in_bulk_are_the_blind_index_of_each_value():
    ring = KeyRing(current=A, index_key=B)
    values = [RID, normalise_identifier(" 110105 19900315011x "), "", "A~"]
    assert ring.blind_indexes(values, context=CTX) == [ring.blind_index(v, context=CTX) for v in values]


def test_blind_index_pads_give_the_blind_index_through_two_sha256():
    ring = KeyRing(current=A, index_key=B)
    inner, outer = ring.blind_index_pads(context=CTX)
    for value in [RID, "", "A~", "张三", "x" * 200]:
        digest = hashlib.sha256(outer + hashlib.sha256(inner + value.encode()).digest()).hexdigest()
        assert digest == ring.blind_index(value, context=CTX)
