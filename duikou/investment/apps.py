from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "duikou.investment"
    verbose_name = "招商引资"
