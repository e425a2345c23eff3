"""An entry's account has no index of its own: ``entry_account_idx`` (account, transaction) finds entries by
account, and each posting kept one index fewer up to date. The foreign key stays as it was."""

import django.db.models.deletion
from django.db import migrations, models

from socsec.core.migration_ops import foreign_key_index_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_records_line_kind"),
    ]

    operations = [
        foreign_key_index_dropped(
            "ledgerentry",
            "account",
            models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="ledger.account"
            ),
            table="ledger_ledgerentry",
            index="ledger_ledgerentry_account_id_6e45a426",
        ),
    ]
