"""The log of reads loses the indexes of ``person`` and ``actor_user`` alone: those of (person, at) and
(actor_user, at) serve every look-up and the foreign keys' checks, and each index is one more write on the
table every read of personal data writes to. The indexes are dropped by name, on SQLite and PostgreSQL
alike: Django's own change of the fields would copy the whole table on SQLite and drop its append-only
triggers with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {  # Django's names of the two indexes, the same on both databases: the columns they index
    "audit_personaldataaccess_person_id_4983aab4": "person_id",
    "audit_personaldataaccess_actor_user_id_d80d4ba3": "actor_user_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_partners_read_agreement"),
        ("registry", "0009_person_name_search_by_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "audit_personaldataaccess" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="personaldataaccess",
                    name="actor_user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="personaldataaccess",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.person",
                    ),
                ),
            ],
        )
    ]
