"""Dependants' names and what a claim states and assesses, encrypted at rest: the columns become text
(``Award.beneficiary``, ``Claim.facts``, ``Claim.assessment``). The rows are encrypted by the next
migration, in a transaction of its own (PostgreSQL alters no table with pending trigger events, which
the rows' updates would leave when migrating backwards)."""

from django.db import migrations

import socsec.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0005_files_bank_file"),
    ]

    operations = [
        migrations.AlterField(
            model_name="award",
            name="beneficiary",
            field=socsec.core.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.AlterField(
            model_name="claim",
            name="assessment",
            field=socsec.core.fields.EncryptedJSONField(
                default=dict, help_text="grade, care level, years, dependants, ... as assessed"
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="facts",
            field=socsec.core.fields.EncryptedJSONField(
                default=dict, help_text="what the claimant stated: description, dependants, ..."
            ),
        ),
    ]
