from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("pairings/", views.pairing_list_view, name="pairings"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
