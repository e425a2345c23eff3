"""The blind indexes of persons, filled by the previous migration, become required: the resident ID's
unique (one person per resident ID), the name's indexed for lookups."""

from django.db import migrations

import socsec.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_crypto_encrypt_person"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="resident_id_index",
            field=socsec.core.fields.BlindIndexField(normaliser="identifier", source="resident_id", unique=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="name_index",
            field=socsec.core.fields.BlindIndexField(db_index=True, normaliser="name", source="name"),
        ),
    ]
