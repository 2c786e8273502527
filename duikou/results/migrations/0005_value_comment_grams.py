"""Search over value comments uses a gram index on PostgreSQL (``core.search``)."""

from django.db import migrations

from duikou.core.search import gram_index_create, gram_index_drop

INDEX = "value_comment_grams"


def _create(apps, schema_editor):
    gram_index_create(schema_editor, apps.get_model("results", "Value"), INDEX, ("comment",))


def _drop(apps, schema_editor):
    gram_index_drop(schema_editor, INDEX)


class Migration(migrations.Migration):
    dependencies = [("results", "0004_value_period_page")]

    operations = [migrations.RunPython(_create, _drop)]
