from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "duikou.ingest"
    verbose_name = "报道读取"
