"""Search over project names and codes uses a gram index on PostgreSQL (``core.search``)."""

from django.db import migrations

from duikou.core.search import gram_index_create, gram_index_drop

INDEX = "project_name_grams"


def _create(apps, schema_editor):
    gram_index_create(schema_editor, apps.get_model("projects", "Project"), INDEX, ("name", "code"))


def _drop(apps, schema_editor):
    gram_index_drop(schema_editor, INDEX)


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_fund_summary_by_org")]

    operations = [migrations.RunPython(_create, _drop)]
