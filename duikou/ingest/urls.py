from django.urls import path

from . import views

app_name = "ingest"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.review, name="review"),
    path("figures/<int:pk>/", views.figure_act, name="figure_act"),
    path("reconcile/", views.reconciliation, name="reconcile"),
]
