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
]
