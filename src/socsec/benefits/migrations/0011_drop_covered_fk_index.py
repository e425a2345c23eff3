"""A payment's award has no index of its own: the unique ``benefit_paid_once`` (award, month, kind) finds
payments by award, and each payment kept one index fewer up to date."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0010_fixes_work_reports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="benefitpayment",
            name="award",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to="benefits.award",
            ),
        ),
    ]
