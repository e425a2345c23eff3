"""The audit trail's hash chain (filled for the entries already written by 0004) and the log of reads of
personal data."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0002_audit_entries_append_only'),
        ('registry', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name='PersonalDataAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('actor_role', models.CharField(max_length=20)),
                ('actor_label', models.CharField(max_length=200)),
                ('purpose', models.CharField(choices=[('CASE_HANDLING', 'case handling'), ('SUPERVISION', 'supervision'), ('AUDIT', 'audit'), ('PLATFORM_ADMINISTRATION', 'platform administration'), ('EXPORT', 'export')], max_length=30)),
                ('what', models.CharField(max_length=60)),
                ('actor_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.organisation')),
                ('actor_token', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.apitoken')),
                ('actor_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
            ],
            options={
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['person', '-at'], name='audit_read_person_idx'), models.Index(fields=['at'], name='audit_read_at_idx'), models.Index(fields=['actor_user', '-at'], name='audit_read_user_idx')],
            },
        ),
    ]
