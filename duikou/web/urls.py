from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("explore/", views.explore, name="explore"),
    path("values/", views.value_list, name="values"),
    path("values/sources/", views.sources, name="sources"),
]
