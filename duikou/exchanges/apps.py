from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "duikou.exchanges"
    verbose_name = "交往交流"
