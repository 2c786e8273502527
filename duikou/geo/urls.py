from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<int:pk>/", views.region_detail, name="detail"),
]
