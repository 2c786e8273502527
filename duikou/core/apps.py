from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "duikou.core"
    verbose_name = "公共"
