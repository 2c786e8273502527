from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "duikou.people"
    verbose_name = "援疆人才"
