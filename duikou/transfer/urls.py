from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<slug:kind>.xlsx", views.template_download, name="template"),
    path("export/<slug:kind>.<slug:format>", views.export, name="export"),
    path("import/", views.upload, name="upload"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/check/", views.import_check, name="import_check"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("iati.xml", views.iati, name="iati"),
    path("iati-organisation.xml", views.iati_organisation, name="iati_organisation"),
]
