from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/transition/", views.project_transition_view, name="transition"),
    path("<int:pk>/transactions/", views.transactions, name="transactions"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("transactions/<int:pk>/correct/", views.transaction_correct, name="transaction_correct"),
    path("transactions/<int:pk>/void/", views.transaction_void, name="transaction_void"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
]
