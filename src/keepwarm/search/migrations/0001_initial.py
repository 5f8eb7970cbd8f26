from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("client", "Client"),
                            ("contact", "Person"),
                            ("interaction", "Interaction"),
                            ("fact", "Personal fact"),
                            ("goal", "Goal"),
                        ],
                        max_length=12,
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("workspace_id", models.BigIntegerField()),
                ("client_id", models.BigIntegerField(null=True)),
                ("parent_id", models.BigIntegerField(null=True)),
                ("subkind", models.CharField(blank=True, max_length=20)),
                ("title", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("happened_at", models.DateTimeField(null=True)),
            ],
            options={
                "db_table": "search_document",
                "indexes": [
                    models.Index(fields=["kind", "parent_id"], name="search_document_parent")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="search_document_object"
                    )
                ],
            },
        ),
    ]
