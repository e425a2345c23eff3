"""The pooled funds' monthly totals (``ledger.totals``), made from the entries already posted."""

import django.db.models.deletion
from django.db import migrations, models


def made_from_entries(apps, schema_editor):  # type: ignore[no-untyped-def]
    from socsec.ledger.totals import rebuild

    rebuild(apps.get_model("ledger", "LedgerEntry"), apps.get_model("ledger", "FundMonthTotal"))


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_drop_covered_fk_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="FundMonthTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="the first day of the month the transactions were booked in")),
                ("source_kind", models.CharField(max_length=40)),
                ("item", models.CharField(blank=True, max_length=80)),
                ("cents", models.BigIntegerField()),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ledger.account"
                    ),
                ),
            ],
        ),
        migrations.RunPython(made_from_entries, migrations.RunPython.noop),
    ]
