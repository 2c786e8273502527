from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("compliance/", views.compliance, name="compliance"),
    path("publications/", views.publication_list, name="publications"),
    path(
        "publications/<int:pk>/withdraw/",
        views.publication_withdraw_view,
        name="publication_withdraw",
    ),
]
