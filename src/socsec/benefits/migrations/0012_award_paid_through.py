"""What a payment run need not read again of an award's payments (``pay_due.bounds``): the month through
which every month has a payment, and a pension's amounts by year when its months were last checked for a
late increase; and an index of the few payments that are not PAYMENT rows, read whole by award.

Existing awards are left empty (NULL): the first run after this migration reads every payment of every award,
as runs did before, and records both for the awards it paid; a backfill here would have to repeat that
run's reasoning (which months owe a late increase, which are held) to be correct."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0011_drop_covered_fk_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="award",
            name="paid_amounts",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="award",
            name="paid_through",
            field=models.CharField(blank=True, max_length=7, null=True),
        ),
        migrations.AddIndex(
            model_name="benefitpayment",
            index=models.Index(
                condition=models.Q(("kind", "PAYMENT"), _negated=True),
                fields=["award"],
                name="benefit_not_payment_award",
            ),
        ),
    ]
