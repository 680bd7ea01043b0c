"""The journal keeps indexes on its id and created_at only (see RequestLog).

The indexes are dropped where they stand: AlterField would rebuild the table on SQLite, three
times, each moving the column after the large body columns."""

from django.db import migrations, models

TABLE = "checkout_hub_requestlog"
COLUMNS = ("vendor", "path", "status")


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, info in constraints.items():
        single = info["columns"] and len(info["columns"]) == 1 and info["columns"][0] in COLUMNS
        if info["index"] and single and not (info["primary_key"] or info["unique"]):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_indexes(apps, schema_editor):
    model = apps.get_model("checkout_hub", "RequestLog")
    for column in COLUMNS:
        schema_editor.add_index(model, models.Index(fields=[column], name=f"{TABLE}_{column}"[:30]))


class Migration(migrations.Migration):
    dependencies = [
        ("checkout_hub", "0008_requestlog_correlation_id_unindexed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="requestlog",
                    name="path",
                    field=models.CharField(max_length=500),
                ),
                migrations.AlterField(
                    model_name="requestlog",
                    name="status",
                    field=models.PositiveSmallIntegerField(),
                ),
                migrations.AlterField(
                    model_name="requestlog",
                    name="vendor",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("woo_store", "WooCommerce Store API"),
                            ("cocart", "CoCart"),
                            ("fluentcart", "FluentCart"),
                            ("pancake", "Waffo Pancake"),
                            ("hwp_bridge", "HWP checkout bridge"),
                            ("stripe", "Stripe (fake)"),
                            ("hub", "Checkout Hub"),
                        ],
                        max_length=20,
                    ),
                ),
            ],
        ),
    ]
