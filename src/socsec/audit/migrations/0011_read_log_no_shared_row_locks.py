"""The log of reads: its keys of the reading token and organisation stop being constraints on PostgreSQL, and
the token's index goes (see the model). Every read by one platform names the same token and organisation
rows; the constraints' checks locked both rows in each read, and concurrent reads shared each lock through
a multixact. On SQLite the constraints stay (dropping one there copies the whole table and drops its
append-only triggers with it; one writer at a time there anyway); the token's index goes on both."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "audit_personaldataaccess"
KEYS = {"actor_token_id": "accounts_apitoken", "actor_organisation_id": "registry_organisation"}
TOKEN_INDEX = "audit_personaldataaccess_actor_token_id_aea863f2"  # Django's name, the same on both databases


def _foreign_keys(schema_editor: BaseDatabaseSchemaEditor, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    return [name for name, c in constraints.items() if c["foreign_key"] and c["columns"] == [column]]


def drop_constraints(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in KEYS:
        for name in _foreign_keys(schema_editor, column):
            schema_editor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT "{name}"')


def add_constraints(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, target in KEYS.items():
        if not _foreign_keys(schema_editor, column):
            schema_editor.execute(
                f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_{column}_fk" FOREIGN KEY ("{column}") '
                f'REFERENCES "{target}" ("id") DEFERRABLE INITIALLY DEFERRED'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0010_read_log_fewer_indexes"),
        ("accounts", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{TOKEN_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{TOKEN_INDEX}" ON "{TABLE}" ("actor_token_id")',
                ),
                migrations.RunPython(drop_constraints, add_constraints),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="personaldataaccess",
                    name="actor_token",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.apitoken",
                    ),
                ),
                migrations.AlterField(
                    model_name="personaldataaccess",
                    name="actor_organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.organisation",
                    ),
                ),
            ],
        )
    ]
