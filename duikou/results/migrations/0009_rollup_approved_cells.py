"""The approved-only summary cells (axes O and R) beside the existing ones. The cells are
derived data: this rebuilds them from the values, and running it again gives the same."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from duikou.results.rollups import rollup_rebuild

    rollup_rebuild()


class Migration(migrations.Migration):
    dependencies = [("results", "0008_value_about")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
