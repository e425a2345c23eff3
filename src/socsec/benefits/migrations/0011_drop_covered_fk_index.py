"""A payment's award has no index of its own: the unique ``benefit_paid_once`` (award, month, kind) finds
payments by award, and each payment kept one index fewer up to date. The foreign key stays as it was."""

import django.db.models.deletion
from django.db import migrations, models

from socsec.core.migration_ops import foreign_key_index_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0010_fixes_work_reports"),
    ]

    operations = [
        foreign_key_index_dropped(
            "benefitpayment",
            "award",
            models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="payments", to="benefits.award"
            ),
            table="benefits_benefitpayment",
            index="benefits_benefitpayment_award_id_96e1b110",
        ),
    ]
