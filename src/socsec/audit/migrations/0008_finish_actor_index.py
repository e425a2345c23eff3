from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_fixlast_payment_purpose"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_label"], name="audit_actor_idx"),
        ),
    ]
