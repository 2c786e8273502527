from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "duikou.geo"
    verbose_name = "行政区划"
