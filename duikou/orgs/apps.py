from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "duikou.orgs"
    verbose_name = "组织与结对"
