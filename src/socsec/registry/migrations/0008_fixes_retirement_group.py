from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def fill_groups(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Persons registered before: men of the 60 group, women of the 55 group (what the rules assumed of
    them until now; an officer records a woman worker of the 50 group). Re-runnable: only rows without."""
    Person = apps.get_model("registry", "Person")
    Person.objects.filter(retirement_group="", sex="M").update(retirement_group="MEN_60")
    Person.objects.filter(retirement_group="", sex="F").update(retirement_group="WOMEN_55")


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_lists_declared_name_index")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="retirement_group",
            field=models.CharField(
                choices=[
                    ("MEN_60", "men, 60 before the 2025 reform"),
                    ("WOMEN_55", "women cadres (and flexibly employed women), 55 before the 2025 reform"),
                    ("WOMEN_50", "women workers, 50 before the 2025 reform"),
                ],
                default="",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_groups, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(("retirement_group", "MEN_60"), ("sex", "M"))
                | models.Q(("retirement_group__in", ["WOMEN_55", "WOMEN_50"]), ("sex", "F")),
                name="person_retirement_group_of_sex",
            ),
        ),
    ]
