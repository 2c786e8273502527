from django.urls import path

from . import record_lists, views

app_name = "web"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("explore/", views.explore, name="explore"),
    path("values/", views.value_list, name="values"),
    path("values/sources/", views.sources, name="sources"),
] + [
    # One address per kind (``{% url 'web:records' kind=… %}``), so each is a known route.
    path(f"records/{kind}/", record_lists.record_list, {"kind": kind}, name="records")
    for kind in record_lists.RECORD_LISTS
]
