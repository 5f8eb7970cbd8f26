import django.db.models.deletion
from django.db import migrations, models

COLUMNS = {"workspace": "workspace_id", "client": "client_id"}


def drop_single_column_indexes(apps, schema_editor):
    # Only the two indexes go: altering the field itself would make SQLite copy the whole
    # table (and the search triggers with it) for what is one DROP INDEX each.
    model = apps.get_model("interactions", "Interaction")
    for column in COLUMNS.values():
        for name in schema_editor._constraint_names(model, [column], index=True):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_single_column_indexes(apps, schema_editor):
    model = apps.get_model("interactions", "Interaction")
    for field in COLUMNS:
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[model._meta.get_field(field)])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_membership_digest_enabled_membership_digest_time_and_more'),
        ('clients', '0004_client_ws_owner_status'),
        ('interactions', '0003_interaction_client_job'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='interaction',
                    name='client',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='interactions', to='clients.client'),
                ),
                migrations.AlterField(
                    model_name='interaction',
                    name='workspace',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.workspace'),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, create_single_column_indexes),
            ],
        ),
    ]
