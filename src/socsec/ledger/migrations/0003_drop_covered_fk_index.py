"""An entry's account has no index of its own: ``entry_account_idx`` (account, transaction) finds entries by
account, and each posting kept one index fewer up to date."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_records_line_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="account",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.account"
            ),
        ),
    ]
