from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "duikou.projects"
    verbose_name = "援疆项目"
