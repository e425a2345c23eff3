"""Rewriting the encrypted personal data under the current keys, after a key has changed.

To rotate the data key: make the new key ``SOCSEC_DATA_KEY`` and list the old one in
``SOCSEC_DATA_KEYS_RETIRED`` (values written with it still read), run ``socsec rekey``, then drop the old
key. To change the index key: set the new ``SOCSEC_INDEX_KEY`` and run ``socsec rekey`` with the service
stopped, since lookups by resident ID or name find only the rows already rewritten. Rows are rewritten
per chunk, each in a transaction of its own; a run stopped half-way is finished by running it again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

from .fields import BlindIndexField, EncryptedTextField


@dataclass(frozen=True)
class Encrypted:
    model: type[models.Model]
    values: list[EncryptedTextField]
    indexes: list[BlindIndexField]


def encrypted_models() -> list[Encrypted]:
    """Every model with encrypted fields, with those fields and their blind indexes."""
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        values = [f for f in fields if isinstance(f, EncryptedTextField)]
        if values:
            indexes = [f for f in fields if isinstance(f, BlindIndexField)]
            found.append(Encrypted(model, values, indexes))
    return found


def rekey(*, chunk: int = 1000, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Every encrypted value written again with the current data key, every blind index computed again
    with the current index key; the rows rewritten, by model label."""
    done: dict[str, int] = {}
    for target in encrypted_models():
        manager = target.model._base_manager
        names = [f.name for f in target.values] + [f.name for f in target.indexes]
        last, count = None, 0
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk")
                batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:chunk])
                if not batch:
                    break
                for row in batch:
                    for index in target.indexes:
                        source = getattr(row, index.source)
                        setattr(row, index.attname, None if source is None else index.index_of(source))
                manager.bulk_update(batch, names)
            last, count = batch[-1].pk, count + len(batch)
            if progress is not None:
                progress(target.model._meta.label_lower, count)
        done[target.model._meta.label_lower] = count
    return done
