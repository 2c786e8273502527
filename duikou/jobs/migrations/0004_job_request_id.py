from django.db import migrations, models


class Migration(migrations.Migration):
    # A nullable column: the older version, still running during the upgrade, inserts job rows
    # without it.

    dependencies = [("jobs", "0003_job_host_attempts")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="request_id",
            field=models.CharField(blank=True, max_length=128, null=True, verbose_name="请求编号"),
        ),
    ]
