"""The fund summary is kept per donor organisation, not per donor province, so that
organisation pages and users with a narrower scope read it too. The cells are emptied
and rebuilt from the ledger."""

import django.db.models.deletion
from django.db import migrations, models


def _empty(apps, schema_editor):
    model = apps.get_model("projects", "FundSummary")
    if schema_editor.connection.vendor == "postgresql":
        # TRUNCATE leaves no deferred constraint events behind, which would stop the
        # ALTER TABLE that follows in this transaction.
        schema_editor.execute(f"TRUNCATE {schema_editor.quote_name(model._meta.db_table)}")
    else:
        model.objects.all().delete()


def _rebuild(apps, schema_editor):
    """The ledger summed into the new cells (as ``fund_summary_rebuild`` does today)."""
    q = schema_editor.connection.ops.quote_name
    table = {
        name: apps.get_model("projects", name)._meta.db_table
        for name in ("FundSummary", "Project", "BudgetLine", "FundTransaction")
    }
    columns = (
        "donor_org_id, donor_province_id, region_id, prefecture_id, is_county_or_below,"
        f" is_livelihood, plan_year, {q('year')}, fund_source, kind, amount"
    )
    group = (
        "p.donor_org_id, p.donor_province_id, p.region_id, p.prefecture_id,"
        " p.is_county_or_below, p.is_livelihood, p.plan_year"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table['FundSummary']} ({columns}) SELECT {group}, p.plan_year,"  # noqa: S608
            f" b.fund_source, 'budget', SUM(b.amount) FROM {table['BudgetLine']} b"
            f" JOIN {table['Project']} p ON p.id = b.project_id GROUP BY {group}, b.fund_source"
        )
        cursor.execute(
            f"INSERT INTO {table['FundSummary']} ({columns}) SELECT {group}, t.{q('year')},"  # noqa: S608
            f" t.fund_source, t.kind, SUM(t.amount) FROM {table['FundTransaction']} t"
            f" JOIN {table['Project']} p ON p.id = t.project_id"
            f" GROUP BY {group}, t.{q('year')}, t.fund_source, t.kind"
        )


class Migration(migrations.Migration):
    # Each step commits on its own: PostgreSQL refuses to add the new column's index in
    # the transaction that emptied the table ("pending trigger events"). The summary is
    # derived data, so a stop half-way loses nothing: running the migration again, or
    # ``fund_summary_rebuild``, refills it.
    atomic = False

    dependencies = [
        ("geo", "0001_initial"),
        ("orgs", "0001_initial"),
        ("projects", "0005_transaction_on_index"),
    ]

    operations = [
        migrations.RunPython(_empty, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="fundsummary", name="fund_summary_cell"),
        migrations.AddField(
            model_name="fundsummary",
            name="donor_org",
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.organisation",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="fundsummary",
            constraint=models.UniqueConstraint(
                fields=(
                    "donor_org",
                    "region",
                    "is_livelihood",
                    "plan_year",
                    "year",
                    "fund_source",
                    "kind",
                ),
                name="fund_summary_cell",
            ),
        ),
        migrations.RunPython(_rebuild, migrations.RunPython.noop),
    ]
