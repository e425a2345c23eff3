"""A person's name blind index becomes part of an index on (name_index, id): a name search reads its first
matches in id order straight from the index, whatever the number of namesakes. The new index is made before
the one it replaces is dropped, so name lookups never go without one."""

from django.db import migrations, models

import socsec.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_fixes_retirement_group"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_index", "id"], name="person_name_id_idx"),
        ),
        migrations.AlterField(
            model_name="person",
            name="name_index",
            field=socsec.core.fields.BlindIndexField(normaliser="name", source="name"),
        ),
    ]
