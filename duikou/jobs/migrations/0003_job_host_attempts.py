from django.db import migrations, models


class Migration(migrations.Migration):
    # Columns with defaults only: a running older version keeps working during the upgrade.

    dependencies = [("jobs", "0002_worker_beat")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="worker_host",
            field=models.CharField(blank=True, default="", max_length=255, verbose_name="主机"),
        ),
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="已运行次数"),
        ),
    ]
