from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "duikou.results"
    verbose_name = "成效指标"
