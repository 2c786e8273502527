from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("grid/", views.grid, name="grid"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval_act, name="approval_act"),
    path("approvals/bulk/", views.approvals_bulk, name="approvals_bulk"),
    path("submissions/", views.submissions, name="submissions"),
]
