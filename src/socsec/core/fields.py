"""Model fields for personal data encrypted at rest (the cryptography itself is ``socsec.core.crypto``).

- ``EncryptedTextField`` stores ``<key id>$<base64(nonce | ciphertext)>`` and reads back the plain text.
  The database cannot compare, search or sort what it holds: the field accepts no lookup but
  ``isnull``, so a forgotten ``filter(name=...)`` fails loudly instead of finding nothing. Sort by it in
  Python after reading (``sorted(rows, key=...)``), or by id.
- ``EncryptedJSONField`` does the same for a JSON value (stored as its encrypted text).
- ``BlindIndexField`` holds the keyed index of another field of the same row, computed on every save
  (``save``, ``create``, ``bulk_create``; not ``update()`` or ``bulk_update``, which must set it
  themselves). Look rows up by it with ``blind_index(Model, "field", value)``.

The keys are the ``SOCSEC_FIELD_KEYS`` setting (a ``KeyRing``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.lookups import IsNull

from .crypto import KeyRing, normalise_identifier, normalise_name

NORMALISERS: dict[str, Callable[[str], str]] = {"identifier": normalise_identifier, "name": normalise_name}


def keyring() -> KeyRing:
    ring = settings.SOCSEC_FIELD_KEYS
    if not isinstance(ring, KeyRing):
        raise TypeError("settings.SOCSEC_FIELD_KEYS must be a socsec.core.crypto.KeyRing")
    return ring


def column_context(model: type[models.Model] | models.Model, name: str) -> str:
    """What a value is authenticated with: the model's label and the field's name."""
    return f"{model._meta.label_lower}.{name}"


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest (AES-GCM)"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value, context=column_context(self.model, self.name))

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring().encrypt(str(value), context=column_context(self.model, self.name))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None  # Django then raises FieldError "Unsupported lookup ..."
        return IsNull


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict, list, ...) encrypted at rest as its text, read back as the value. Like
    ``EncryptedTextField``, it accepts no lookup but ``isnull``: read the whole value and look inside here."""

    description = "JSON encrypted at rest (AES-GCM)"
    _pyi_private_set_type: Any  # for django-stubs: any JSON value, not text
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        text = super().from_db_value(value, expression, connection)
        return None if text is None else json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return super().get_prep_value(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj: models.Model) -> Any:
        return self.value_from_object(obj)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The keyed index (64 hex digits) of the field ``source`` of the same row, normalised by ``normaliser``
    (``identifier`` or ``name``)."""

    def __init__(self, *args: Any, source: str, normaliser: str = "identifier", **kwargs: Any) -> None:
        if normaliser not in NORMALISERS:
            raise ValueError(f"normaliser must be one of {', '.join(NORMALISERS)}")
        self.source = source
        self.normaliser = normaliser
        kwargs["max_length"] = 64
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs.pop("editable", None)
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        normalised = NORMALISERS[self.normaliser](value)
        return keyring().blind_index(normalised, context=column_context(self.model, self.source))

    def indexes_of(self, values: Iterable[str], *, normalised: bool = False) -> list[str]:
        """``index_of`` of many values at once; ``normalised``: the values are known to be as normalising
        leaves them (so they are not normalised again)."""
        texts = values if normalised else map(NORMALISERS[self.normaliser], values)
        return keyring().blind_indexes(texts, context=column_context(self.model, self.source))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.source)
        index = None if value is None else self.index_of(str(value))
        setattr(model_instance, self.attname, index)
        return index


def blind_index(model: type[models.Model], field_name: str, value: str) -> str:
    """The index to filter ``field_name`` (a ``BlindIndexField``) by: the index of ``value``."""
    index_field = model._meta.get_field(field_name)
    if not isinstance(index_field, BlindIndexField):
        raise TypeError(f"{model._meta.label}.{field_name} is not a BlindIndexField")
    return index_field.index_of(value)
